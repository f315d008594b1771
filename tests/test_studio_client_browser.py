"""A client's own version and the take-home print view, through the studio's own pages in a real headless browser
(issue 24, items 4 and 5), and the studio's accessibility: axe-core on every page, and 200 % zoom.

The studio and the browser start as in tests/test_studio_browser.py (its fixtures are used here). The exported
file goes to the skill's own app, configured as a deployer would (SKILL_CLIENT_VERSION, SKILL_CLIENT_ACCOUNT),
and tests/test_client_version.py's ``assert_skill_follows`` hears it through POST /alexa. Screenshots go to
test-artifacts/studio/ (gitignored), as there.
"""
from __future__ import annotations

import json

import pytest

from tests.test_client_version import CHOSEN, NOTE, assert_skill_follows, serve_with
from tests.test_studio_browser import (ARTIFACTS, CHROMIUM_FLAGS, Studio, browser, copy_content,  # noqa: F401
                                       http, page, studio)
from skill.studio import sources

CLIENT_NAME = "Jordan Example-Client"  # typed on the page for the therapist's convenience; must go nowhere
# Every page of the studio, as a reviewer reaches it, and what shows that it has rendered.
PAGES = {
    "index": ("/", "body[data-ready='1'] #index tr.exercise-row"),
    "exercise": ("/#/ex/grounding", "#diagram g.node.step"),
    "phrases": ("/#/phrases", "#phrases .phrase-group"),
    "sheet": ("/sheet/grounding", "#sheet .sheet-diagram g.node.step"),
    "client": ("/client", "body[data-ready='1'] #check-status[data-state]"),
    "print": ("/print/lying_together", "#take-home .step"),
}


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def field_error(page, field: str):
    return page.locator(f".field-error[data-field='{field}']")


def test_a_client_version_made_in_the_studio_is_what_the_skill_says(page, studio, tmp_path):
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url + " " + (r.post_data or "")))
    page.goto(studio.url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("a[href='/client']")  # from the studio's own index
    page.wait_for_selector("body[data-ready='1'] #check-status[data-state='ok']")
    page.fill("#client-name", CLIENT_NAME)
    boxes = page.locator("#exercises input[type=checkbox]")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        if box.get_attribute("value") == "grounding":
            assert box.is_disabled() and box.is_checked()  # a stop and distress offer it: always there
        elif box.get_attribute("value") not in CHOSEN:
            box.uncheck()
    quiet = page.locator("#hold-quiet_minutes")
    assert (quiet.get_attribute("min"), quiet.get_attribute("max")) == ("2", "12")  # the content's range
    assert page.locator("#hold-stretch_minutes").is_disabled()  # sensate focus is not chosen
    quiet.fill("40")
    page.fill("#note", "Hello {name}, go gently.")
    field_error(page, "note").wait_for()
    assert "must be whole minutes from 2 to 12, not 40" in field_error(page, "holds.quiet_minutes").inner_text()
    assert "{name}" in field_error(page, "note").inner_text()
    assert quiet.get_attribute("aria-invalid") == "true"
    assert page.locator("#check-status").get_attribute("data-state") == "errors"
    assert page.locator("#check-summary").is_hidden()  # nothing to sign off while it has errors
    shot(page, "client-errors")
    assert_accessible(page, "the client page showing errors")

    page.click("#export")  # refused while it has errors, plainly
    page.wait_for_selector("#export-status[data-state='errors']")
    quiet.fill("8")
    page.check("#less-talking")
    page.fill("#note", "Jordan, go gently this week.")  # the client's name, refused in the page itself
    page.wait_for_selector(".field-error[data-field='note']:has-text(\"the client's name\")")
    page.click("#export")
    page.wait_for_selector("#export-status[data-state='errors']")
    page.fill("#note", NOTE)
    page.wait_for_selector("#check-status[data-state='ok']")
    summary = page.locator("#check-summary").inner_text()
    assert "Quiet minutes: 8 minutes" in summary and NOTE in summary
    page.click("#export")  # no reviewer yet
    page.wait_for_selector(".field-error[data-field='reviewer']:not(:empty)")
    page.fill("#reviewer", "Dr. Amal Rivera")
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename == "client-version.toml"
    file = tmp_path / "client-version.toml"
    download.value.save_as(file)
    page.wait_for_selector("#export-status[data-state='ok']")
    shot(page, "client-exported")
    assert_accessible(page, "the client page after export")

    text = file.read_text(encoding="utf-8")
    assert 'reviewer = "Dr. Amal Rivera"' in text and "less_talking = true" in text
    assert "Jordan" not in text and "Client" not in text.replace("client", "")
    assert not [s for s in sent if "Jordan" in s], "the client's name left the page"
    assert_skill_follows(serve_with(tmp_path, file), NOTE, CHOSEN, "quiet_minutes", 8)


def test_the_client_page_answers_bad_input_calmly(studio):
    status, body = http(studio, "POST", "/api/client/check", b"[1, 2]", "application/json")
    assert status == 200 and body["errors"][0]["field"] == "exercises"
    status, body = http(studio, "POST", "/api/client/export", json.dumps(
        {"exercises": ["grounding"], "holds": {"quiet_minutes": 8}, "reviewer": "R"}).encode(), "application/json")
    assert status == 200 and body["errors"][0]["field"] == "holds.quiet_minutes" and "file" not in body
    status, body = http(studio, "POST", "/api/client/export", json.dumps(
        {"exercises": ["grounding"], "reviewer": "\x00"}).encode(), "application/json")
    assert status == 200 and body["errors"][0]["field"] == "reviewer" and "file" not in body
    assert http(studio, "POST", "/api/client/check", b"exercises=x", "application/x-www-form-urlencoded")[0] == 415
    assert http(studio, "GET", "/print/nope")[0] == 404


def test_a_broken_content_file_is_named_on_the_client_page(page, tmp_path):
    running = Studio(copy_content(tmp_path / "content"))
    try:
        path = running.content / "lying_together.toml"
        path.write_text(path.read_text(encoding="utf-8").replace("[[steps]]", "[[stepz]]", 1), encoding="utf-8")
        page.goto(running.url + "/client")
        page.wait_for_selector("#load-error:not([hidden])")
        assert "lying_together.toml" in page.locator("#load-error").inner_text()
    finally:
        running.stop()


def test_the_print_view_has_what_is_said_and_no_review_notes(page, studio):
    exercise = sources.load_exercise(studio.content / "lying_together.toml")
    status, _ = http(studio, "POST", "/api/approve", json.dumps(
        {"exercise": "lying_together", "reviewer": "Dr. Reviewer Only", "hash": _hash(studio, "lying_together")}
    ).encode(), "application/json")
    assert status == 200
    page.goto(studio.url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("tr.exercise-row[data-id='lying_together'] a.print-link")
    page.wait_for_selector("#take-home .step")
    assert page.locator("h1").inner_text() == exercise.title
    steps = page.locator("#take-home li.step")
    assert steps.count() == len(exercise.steps)
    for i, step in enumerate(exercise.steps):
        assert steps.nth(i).locator("h2").inner_text() == (step.title or step.id.replace("_", " ").capitalize())
    said = steps.nth(0).locator(".said").inner_text()
    assert said.startswith("Welcome to lying together.") and "[pause" not in said and "{" not in said
    hold = next(i for i, s in enumerate(exercise.steps) if s.hold)
    assert "2 to 12 minutes" in steps.nth(hold).locator(".hold").inner_text()
    text = page.locator("body").inner_text()
    for review_only in ("Dr. Reviewer Only", "sha256", "approv", "lying_together.toml", "Reprompt", "Help"):
        assert review_only not in text, review_only
    page.emulate_media(media="print")
    assert page.locator("#print").is_hidden() and page.locator("header.top").is_hidden()
    assert page.locator("#take-home .said").first.is_visible()
    shot(page, "print-lying-together")
    page.emulate_media(media="screen")


def _hash(studio, eid: str) -> str:
    return next(e["hash"] for e in http(studio, "GET", "/api/index")[1]["exercises"] if e["id"] == eid)


def _axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.fail("The accessibility check needs axe-playwright-python: pip install -e '.[test]'.")
    return Axe()


def every_sign_off_state(studio) -> None:
    """Badges of each state on the index: grounding approved, sensate focus changed since its approval (an
    approval of another hash, as after an edit), the rest unapproved."""
    from datetime import date

    from skill.studio import approvals

    approvals.record(studio.content, "grounding", "Dr. Amal Rivera", _hash(studio, "grounding"), date(2026, 12, 5))
    approvals.record(studio.content, "sensate_focus", "Dr. Amal Rivera", "sha256:" + "0" * 64, date(2026, 12, 5))


def assert_accessible(page, label: str) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    results = _axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at "
                       + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5]) for v in bad)
    assert not bad, f"axe-core on {label}:\n{report}"


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_or_critical_violation(page, studio, name):
    path, ready = PAGES[name]
    every_sign_off_state(studio)
    page.goto(studio.url + path)
    page.wait_for_selector(ready)
    if name == "index":
        page.wait_for_selector(".badge.approved")
        page.wait_for_selector(".badge.changed")
    if name == "exercise":  # with try-it's answers and where it is
        page.click("#try-reset")
        page.fill("#try-input", "help me ground")
        page.press("#try-input", "Enter")
        page.wait_for_selector("#try-log li.alexa")
        page.wait_for_selector("#diagram g.node.here")
    assert_accessible(page, path)


@pytest.fixture()
def zoomed(browser):  # noqa: F811  (the fixture imported above)
    """A page as a 1280 x 800 screen shows it at 200 % zoom: half the CSS pixels across, twice the density."""
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    zoomed_page = context.new_page()
    yield zoomed_page
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_reads_at_200_percent_zoom_without_scrolling_sideways(zoomed, studio, name):
    path, ready = PAGES[name]
    zoomed.goto(studio.url + path)
    zoomed.wait_for_selector(ready)
    widths = zoomed.evaluate("""() => ({page: document.documentElement.scrollWidth, view: window.innerWidth,
        main: document.querySelector('main').scrollWidth, mainView: document.querySelector('main').clientWidth})""")
    assert widths["page"] <= widths["view"] and widths["main"] <= widths["mainView"], widths
    shot(zoomed, f"zoom-200-{name}")


def test_the_studio_pages_work_from_the_keyboard(page, studio):
    page.goto(studio.url + "/client")
    page.wait_for_selector("body[data-ready='1'] #check-status[data-state='ok']")
    page.focus("#client-name")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("() => document.activeElement.id || document.activeElement.tagName"))
        if seen[-1] == "export":
            break
    assert "note" in seen and "hold-quiet_minutes" in seen and "reviewer" in seen and seen[-1] == "export", seen
    page.goto(f"{studio.url}/#/ex/grounding")
    page.wait_for_selector("#diagram #step-orient")
    page.focus("#diagram #step-orient")
    page.keyboard.press("Enter")
    page.wait_for_selector("#step .step-lines[data-step='orient']")
