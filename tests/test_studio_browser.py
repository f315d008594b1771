"""The review studio in a real headless browser: Debian's chromium driven by Playwright, against
`python -m skill studio` started as a subprocess on loopback, over a copy of the content.

CI installs chromium (.ci/run). Without it these tests fail with a message saying so; they never skip.
Screenshots go to test-artifacts/studio/ (gitignored).
"""
from __future__ import annotations

import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from skill.studio import sources

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "studio"
# As root chromium needs --no-sandbox; the rest keep it from calling home (this machine's network is closed).
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
WAIT_MS = 15_000


class Studio:
    """`python -m skill studio --port 0 --content FOLDER` as a subprocess; ``url`` once it serves."""

    def __init__(self, content: Path):
        self.content = content
        self.process = subprocess.Popen(
            [sys.executable, "-m", "skill", "studio", "--port", "0", "--content", str(content)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.process.stderr], daemon=True).start()
        deadline = time.monotonic() + 60
        seen = []
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            seen.append(line)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.url = f"http://127.0.0.1:{m.group(1)}"
                return
        self.stop()
        raise AssertionError("the studio did not start: " + "".join(seen))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def copy_content(folder: Path) -> Path:
    shutil.copytree(sources.SCRIPTS_DIR, folder)
    return folder


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("The studio's browser tests need Playwright: pip install -e '.[test]'.")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("The studio's browser tests need Debian's chromium on PATH: apt-get install -y chromium "
                    "(.ci/run installs it). Playwright's own browser download cannot work here.")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    running = Studio(copy_content(tmp_path_factory.mktemp("studio") / "content"))
    yield running
    running.stop()


@pytest.fixture()
def own_studio(tmp_path):
    """A studio over its own copy of the content, for tests that change files."""
    running = Studio(copy_content(tmp_path / "content"))
    yield running
    running.stop()


@pytest.fixture()
def page(browser):
    """A fresh page that records console errors and every request; a request for anything but loopback is
    refused and fails the test."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    outside: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def route(r):
        requests.append(r.request.url)
        host = urlsplit(r.request.url).hostname
        if urlsplit(r.request.url).scheme in ("data", "blob") or host in LOOPBACK:
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()
    assert requests, "the page made no request at all: the routing check would prove nothing"
    assert not outside, f"requests left loopback: {outside}"
    assert not problems, "browser console errors: " + "; ".join(problems)


def open_index(page, studio: Studio) -> None:
    page.goto(studio.url + "/")
    page.wait_for_selector("body[data-ready='1']")


def exercise_files(content: Path) -> dict[str, int]:
    """exercise id -> number of steps, read with the content loader."""
    return {p.stem: len(sources.load_exercise(p).steps) for p in sorted(content.glob("*.toml"))}


def test_index_lists_every_exercise_with_durations(page, studio):
    open_index(page, studio)
    expected = exercise_files(studio.content)
    rows = page.locator("#index tr.exercise-row")
    assert rows.count() == len(expected)
    for i in range(rows.count()):
        row = rows.nth(i)
        eid = row.get_attribute("data-id")
        assert row.locator("td.steps").inner_text() == str(expected.pop(eid))
        shortest, longest = row.locator("td.shortest").inner_text(), row.locator("td.longest").inner_text()
        holds = any(s.hold and s.hold.setting for s in sources.load_exercise(studio.content / f"{eid}.toml").steps)
        if holds:
            assert re.fullmatch(r"\d+\.\d min \(holds at their shortest: \d+\.\d min\)", shortest)
            assert re.fullmatch(r"\d+\.\d min \(holds at their longest: \d+\.\d min\)", longest)
        else:
            assert re.fullmatch(r"\d+\.\d min \(no adjustable holds\)", shortest)
            assert re.fullmatch(r"\d+\.\d min \(no adjustable holds\)", longest)
        assert row.locator(".badge").get_attribute("data-status") == "unapproved"
    assert not expected
    assert "words a minute" in page.locator("#speech-note").inner_text()
    assert page.locator("#errors").is_hidden()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)


def test_each_diagram_has_one_node_per_step(page, studio):
    open_index(page, studio)
    for eid, count in exercise_files(studio.content).items():
        page.goto(f"{studio.url}/#/ex/{eid}")
        page.wait_for_function("(n) => document.querySelectorAll('#diagram g.node.step').length === n", arg=count)
        assert page.locator("#diagram g.node.step").count() == count
        ids = page.eval_on_selector_all("#diagram g.node.step", "ns => ns.map(n => n.id)")
        exercise = sources.load_exercise(studio.content / f"{eid}.toml")
        # One node per step; a branching exercise (holding each other) is laid out by its paths, not file order.
        assert sorted(ids) == sorted(f"step-{s.id}" for s in exercise.steps)
        assert page.locator("#diagram g.edge").count() > 0
        assert page.locator(".legend").inner_text().count("red") >= 1
        if eid == "sensate_focus":
            assert page.locator("#diagram g.node.step.checkin").count() >= 1
            assert "hold 5\u201330 min (15)" in page.locator("#diagram").inner_text()
    page.goto(f"{studio.url}/#/ex/grounding")
    page.wait_for_selector("#diagram #step-orient")
    page.click("#diagram #step-orient")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "diagram-grounding.png"), full_page=True)


def test_clicking_a_node_shows_its_lines(page, studio):
    open_index(page, studio)
    page.click("#index a[href='/#/ex/grounding']")
    page.click("#diagram #step-orient")
    panel = page.locator("#step .step-lines[data-step='orient']")
    panel.wait_for()
    said = panel.locator(".line[data-variant='say']")
    assert "Let's notice where you are." in said.inner_text()
    assert said.locator("mark.example").inner_text() == "It's Tuesday afternoon."
    assert said.locator(".pause").first.inner_text() == "pause 1 s"
    assert panel.locator(".line[data-variant='say_without_clock']").count() == 1
    assert panel.locator(".line[data-variant='help']").count() == 1
    assert page.locator("#diagram #step-orient.selected").count() == 1
    said.locator("button.listen").click()   # the browser's own voice; stopping it again must not fail
    if page.evaluate("() => speechSynthesis.getVoices().length") == 0:
        # No voice here (headless chromium has none): it says so plainly and is not left "playing".
        assert "no voice" in said.locator(".listen-status").inner_text()
        assert said.locator("button.listen.playing").count() == 0
    said.locator("button.listen").click()
    page.click("#diagram #step-support")
    assert "nine eight eight" in page.locator("#step .step-lines[data-step='support'] mark.example").first.inner_text()


def say(page, text: str) -> None:
    before = page.locator("#try-log li").count()
    page.fill("#try-input", text)
    page.press("#try-input", "Enter")
    page.wait_for_function("(n) => document.querySelectorAll('#try-log li').length > n", arg=before)


def where(page) -> tuple[str, str]:
    box = page.locator("#try-where")
    return box.get_attribute("data-exercise") or "", box.get_attribute("data-step") or ""


def test_try_it_runs_grounding_from_its_first_step_to_its_end(page, studio):
    open_index(page, studio)
    page.click("#try-reset")
    page.click("#try .quick button[data-say='ask safe harbor to help me ground']")
    page.wait_for_selector("#diagram #step-arrive.here")
    exercise = sources.load_exercise(studio.content / "grounding.toml")
    walked = ["arrive"]
    while where(page)[1] != "check":
        page.click("#try .quick button[data-say='next']")
        following = exercise.following(walked[-1]).id
        page.wait_for_selector(f"#diagram #step-{following}.here")
        assert page.locator("#diagram g.node.here").count() == 1
        walked.append(following)
    assert walked == [s.id for s in exercise.steps[:walked.index("check") + 1]]
    say(page, "yes")
    page.wait_for_function("() => document.querySelector('#try-where').dataset.exercise === ''")
    assert "This is the end of grounding" in page.locator("#try-log").inner_text()
    newest = page.locator("#try-log li").last.bounding_box()
    assert newest["y"] + newest["height"] <= page.viewport_size["height"] + 1   # the newest reply is in view
    assert page.locator("#diagram g.node.here").count() == 0


def test_try_it_stops_on_red(page, studio):
    open_index(page, studio)
    page.click("#try-reset")
    say(page, "ask safe harbor to help me ground")
    page.wait_for_selector("#diagram #step-arrive.here")
    say(page, "next")
    page.wait_for_selector("#diagram #step-rate_before.here")
    say(page, "red")
    page.wait_for_function("() => document.querySelector('#try-where').dataset.exercise === ''")
    last = page.locator("#try-log li.alexa").last.inner_text()
    assert "stopped" in last
    assert page.locator("#diagram g.node.here").count() == 0
    assert "the session ends" in page.locator("#try-log").inner_text()


def test_a_broken_file_shows_its_error_the_rest_render_and_a_fix_is_reloaded(page, own_studio):
    broken = own_studio.content / "lying_together.toml"
    good = broken.read_text(encoding="utf-8")
    broken.write_text(good.replace('id = "settle"', 'id = "Settle"', 1) if 'id = "settle"' in good
                      else good.replace("[[steps]]\nid = \"", "[[steps]]\nid = \"X", 1), encoding="utf-8")
    open_index(page, own_studio)
    errors = page.locator("#errors tr.error-row")
    assert errors.count() == 1
    cells = errors.first.locator("td").all_inner_texts()
    assert cells[0] == "lying_together.toml" and cells[2] == "id" and "lowercase" in cells[3]
    assert cells[1]  # the step is named
    rows = page.locator("#index tr.exercise-row")
    assert rows.count() == len(exercise_files(sources.SCRIPTS_DIR)) - 1
    page.goto(f"{own_studio.url}/#/ex/sensate_focus")
    page.wait_for_selector("#diagram g.node.step")
    assert "Try-it needs every content file to be valid" in page.locator("#try-where").inner_text()
    colour = page.locator("#try-where").evaluate("(e) => getComputedStyle(e).color")
    assert colour == "rgb(180, 35, 24)", colour   # the warning is in the red, not the success green
    broken.write_text(good, encoding="utf-8")   # fixed on disk: the page picks it up by itself
    page.goto(f"{own_studio.url}/")
    page.wait_for_function("(n) => document.querySelectorAll('#index tr.exercise-row').length === n",
                           arg=len(exercise_files(sources.SCRIPTS_DIR)))
    page.wait_for_selector("#errors", state="hidden")


def test_sign_off_on_the_review_sheet_then_a_change_shows_as_changed(page, own_studio):
    page.goto(f"{own_studio.url}/sheet/grounding")
    page.wait_for_selector("#sheet .sheet-diagram g.node.step")
    exercise = sources.load_exercise(own_studio.content / "grounding.toml")
    assert page.locator("#sheet .sheet-diagram g.node.step").count() == len(exercise.steps)
    assert page.locator("#sheet .step-lines").count() == len(exercise.steps)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", page.locator("#sheet .content-hash").inner_text())
    assert "shortest path" in page.locator("#sheet .sheet-facts").inner_text()
    page.fill("#reviewer", "Dr. Amal Rivera")
    page.click("#approve")
    page.wait_for_selector("#sheet .badge.approved")
    assert "approved by Dr. Amal Rivera" in page.locator("#sheet .badge").inner_text()
    assert "[grounding]" in (own_studio.content / "common" / "approvals.toml").read_text(encoding="utf-8")
    path = own_studio.content / "grounding.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("I'm here with you.", "I am here with you."),
                    encoding="utf-8")
    page.wait_for_selector("#sheet .badge.changed")   # reloaded from disk by the page's own polling
    page.goto(f"{own_studio.url}/")
    page.wait_for_selector("tr.exercise-row[data-id='grounding'] .badge.changed")
    check = subprocess.run([sys.executable, "-m", "skill", "content", "check", "--content", str(own_studio.content)],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "warning: grounding.toml: changed since Dr. Amal Rivera approved it" in check.stdout


def http(studio: Studio, method: str, path: str, body: bytes | None = None, content_type: str | None = None,
         host: str | None = None) -> tuple[int, dict]:
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(studio.url + path, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_bad_requests_get_a_clear_4xx_never_a_500(studio):
    import json

    assert http(studio, "GET", "/api/index", host="studio.example")[0] == 403   # a foreign Host: refused
    assert http(studio, "POST", "/api/try", b"text=next", "application/x-www-form-urlencoded")[0] == 415
    assert http(studio, "POST", "/api/try", b"{not json", "application/json")[0] == 400
    assert http(studio, "POST", "/api/try", b'{"text": 7}', "application/json")[0] == 400
    assert http(studio, "GET", "/api/exercise/nope")[0] == 404
    assert http(studio, "GET", "/api/exercise/..%2F..%2Fetc")[0] == 404
    assert http(studio, "GET", "/static/..%2F__init__.py")[0] == 404
    status, body = http(studio, "POST", "/api/approve", json.dumps(
        {"exercise": "grounding", "reviewer": "R", "hash": "sha256:" + "0" * 64}).encode(), "application/json")
    assert status == 409 and "changed" in body["error"]
    status, body = http(studio, "POST", "/api/try", json.dumps({"text": "x" * 100_000}).encode(), "application/json")
    assert status == 413
    status, body = http(studio, "POST", "/api/try", json.dumps({"text": "\u00e9\u00e8 ??? \x00"}).encode(),
                        "application/json")
    assert status == 200 and body["error"] is None and body["lines"]
    status, body = http(studio, "POST", "/api/approve", json.dumps(
        {"exercise": "shared-phrases", "reviewer": "R", "hash": "sha256:" + "0" * 64}).encode(), "application/json")
    assert status == 409 and "shared phrases changed" in body["error"]
    assert http(studio, "POST", "/api/approve", b'{"exercise": "nope", "reviewer": "R", "hash": "h"}',
                "application/json")[0] == 404
    assert http(studio, "POST", "/api/approve", b'{"exercise": "grounding", "reviewer": "R", "hash": "h", '
                b'"comment": 5}', "application/json")[0] == 400
    def comment(**fields) -> tuple[int, dict]:
        body = {"exercise": "grounding", "step": "arrive", "reviewer": "R", "text": "ok"} | fields
        return http(studio, "POST", "/api/comment", json.dumps(body).encode(), "application/json")

    assert comment(step="nowhere")[0] == 404
    assert comment(exercise="../../etc")[0] == 404
    assert comment(exercise="shared-phrases", step="phrases.nowhere")[0] == 404
    assert comment(reviewer="")[0] == 400 and "name" in comment(reviewer="")[1]["error"]
    assert comment(text="   ")[0] == 400
    assert comment(text=["a"])[0] == 400
    assert http(studio, "POST", "/api/comment", b"{broken", "application/json")[0] == 400
    assert http(studio, "GET", "/audio/chime.mp3.bak")[0] == 404
    assert http(studio, "GET", "/audio/%2E%2E%2Fserver.py")[0] == 404
    assert not (studio.content / "common" / "approvals.toml").exists()
    assert not (studio.content / "common" / "comments").exists()


def test_try_it_plays_a_hold_through_with_skip(page, studio):
    open_index(page, studio)
    page.click("#try-reset")
    say(page, "ask safe harbor to start lying together")
    page.wait_for_selector("#diagram #step-welcome.here")
    exercise = sources.load_exercise(studio.content / "lying_together.toml")
    hold = next(s for s in exercise.steps if s.hold)
    while where(page)[1] != hold.id:
        before = where(page)[1]
        say(page, "next")
        assert where(page)[1] != before, f"'next' did not move on from {before}"
    page.wait_for_selector(f"#diagram #step-{hold.id}.here")
    assert "its hold is playing" in page.locator("#try-where").inner_text()
    page.click("#try .quick button[data-say='skip']")
    page.wait_for_function("() => document.querySelector('#try-log').innerText.includes('the chime sounds')")
    assert "its hold is playing" not in page.locator("#try-where").inner_text()
    assert where(page)[1] == hold.id  # the hold is over; the person goes on when ready
    say(page, "next")
    page.wait_for_selector(f"#diagram #step-{exercise.following(hold.id).id}.here")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_a_reviewer_signs_off_the_shared_phrases_then_sees_a_changed_word(page, own_studio):
    import tomllib

    open_index(page, own_studio)
    assert page.locator("#phrases-status .badge").get_attribute("data-status") == "unapproved"
    page.click("#phrases-link")
    page.wait_for_selector("#phrases .phrase-group")
    groups = page.locator("#phrases .phrase-group")
    titles = [groups.nth(i).get_attribute("data-group") for i in range(groups.count())]
    for situation in ("Welcome and the menu", "Crisis lines, distress and safety", "The colours: green, yellow, red",
                      "Errors and not understood", "Reminders and progress"):
        assert situation in titles
    def phrase(key: str):
        return page.locator(f"#phrases .phrase[data-key='{key}']")

    crisis = page.locator("#phrases .phrase-group[data-group='Crisis lines, distress and safety']")
    assert "nine eight eight" in crisis.locator(".phrase[data-key='crisis_lines.US']").inner_text()
    errors = page.locator("#phrases .phrase-group[data-group='Errors and not understood']")
    assert "Sorry, I can't do that right now." in errors.locator(".phrase[data-key='phrases.voice_refused']").inner_text()
    assert "Welcome to Safe Harbor." in phrase("phrases.welcome_first").inner_text()
    assert "green, yellow, or red" in phrase("phrases.checkin_question").inner_text()
    # every word of the shared files is on the page
    from skill.studio import review
    assert page.locator("#phrases .phrase").count() == len(review.shared_texts(own_studio.content))
    shot(page, "phrases.png")

    page.fill("#reviewer", "Dr. Amal Rivera")
    page.fill("#approve-comment", "Crisis lines checked against each service's site.")
    page.click("#approve")
    page.wait_for_selector("#phrases .badge.approved")
    row = page.locator("#phrases table.history tr.history-row").first
    assert "Dr. Amal Rivera" in row.inner_text() and "Crisis lines checked" in row.inner_text()
    record = tomllib.loads((own_studio.content / "common" / "approvals.toml").read_text(encoding="utf-8"))
    assert record["shared-phrases"][0]["hash"] == review.shared_hash(own_studio.content)
    assert (own_studio.content / "common" / "approved" / "shared-phrases.toml").exists()

    phrases = own_studio.content / "common" / "phrases.toml"
    phrases.write_text(phrases.read_text(encoding="utf-8").replace(
        "Sorry, I can't do that right now.", "Sorry, I can't do that at the moment."), encoding="utf-8")
    page.wait_for_selector("#phrases .badge.changed")   # the page's own polling reads the change
    change = phrase("phrases.voice_refused").locator(".changes")
    change.wait_for()
    assert change.locator("del").all_inner_texts() == ["right now."]
    assert change.locator("ins").all_inner_texts() == ["at the moment."]
    assert phrase("phrases.welcome_first").locator(".changes").count() == 0
    phrase("phrases.voice_refused").screenshot(path=str(ARTIFACTS / "phrase-changed.png"))
    shot(page, "phrases-changed.png")
    check = subprocess.run([sys.executable, "-m", "skill", "content", "check", "--content", str(own_studio.content)],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "warning: the shared phrases (common/): changed since Dr. Amal Rivera approved them" in check.stdout


def test_a_changed_word_shows_as_a_difference_with_comments_and_history(page, own_studio):
    import json
    import tomllib

    from skill.studio import review

    page.goto(f"{own_studio.url}/sheet/grounding")
    page.wait_for_selector("#sheet .sheet-diagram g.node.step")
    assert page.locator("#sheet .history-empty").count() == 1
    page.fill("#reviewer", "Dr. Amal Rivera")
    page.fill("#approve-comment", "Read aloud twice; pacing is right.")
    page.click("#approve")
    page.wait_for_selector("#sheet .badge.approved")
    entry = tomllib.loads((own_studio.content / "common" / "approvals.toml").read_text(encoding="utf-8"))["grounding"]
    assert entry[0]["phrases"] == review.shared_hash(own_studio.content)   # reviewed with these shared phrases
    assert "reviewed with the shared phrases as they are now" in page.locator("#sheet .sheet-facts").inner_text()

    path = own_studio.content / "grounding.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("I'm here with you. [pause 1]\nWe'll take",
                                                             "I am here with you. [pause 1]\nWe'll take"),
                    encoding="utf-8")
    page.wait_for_selector("#sheet .badge.changed")
    arrive = page.locator("#sheet .step-lines[data-step='arrive']")
    arrive.locator(".changes").wait_for()
    said = arrive.locator(".changes .change[data-field='say']")
    assert said.locator("del").all_inner_texts() == ["I'm"]
    assert said.locator("ins").all_inner_texts() == ["I am"]
    assert page.locator("#sheet .changes").count() == 1   # only the step that changed
    assert page.eval_on_selector_all("#sheet .sheet-diagram g.node.changed", "ns => ns.map(n => n.id)") == [
        "step-arrive"]   # and the diagram marks where
    assert arrive.locator("h3").inner_text() == "Arriving"   # the step's title, not its id

    arrive.locator(".add-comment summary").click()
    arrive.locator(".comment-input").fill("\"I am\" sounds stiff here; I'd keep \"I'm\".")
    arrive.locator(".comment-send").click()
    page.wait_for_selector("#sheet .step-lines[data-step='arrive'] li.comment")
    arrive = page.locator("#sheet .step-lines[data-step='arrive']")
    arrive.screenshot(path=str(ARTIFACTS / "step-changed-with-comment.png"))
    assert "sounds stiff" in page.locator("#sheet .step-lines[data-step='arrive'] li.comment").inner_text()
    lines = (own_studio.content / "common" / "comments" / "grounding.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1])["step"] == "arrive" and json.loads(lines[-1])["reviewer"] == "Dr. Amal Rivera"

    page.fill("#reviewer", "Sam Okafor")
    page.fill("#approve-comment", "Second review after the wording change.")
    page.click("#approve")
    page.wait_for_selector("#sheet .badge.approved")
    page.wait_for_function("() => document.querySelectorAll('#sheet tr.history-row').length === 2")
    rows = page.locator("#sheet tr.history-row").all_inner_texts()
    assert "Sam Okafor" in rows[0] and "Second review" in rows[0]   # newest first
    assert "Dr. Amal Rivera" in rows[1] and "Read aloud twice" in rows[1]
    assert page.locator("#sheet .changes").count() == 0   # approved again: nothing differs now
    page.locator("#sheet table.history").screenshot(path=str(ARTIFACTS / "approval-history.png"))
    approved = (own_studio.content / "common" / "approved" / "grounding.toml").read_text(encoding="utf-8")
    assert "I am here with you." in approved
    shot(page, "sheet-history.png")
    # the comment is on the exercise page too, under the step
    page.goto(f"{own_studio.url}/#/ex/grounding")
    page.wait_for_selector("#diagram #step-arrive")
    page.click("#diagram #step-arrive")
    assert "sounds stiff" in page.locator("#step li.comment").inner_text()


def test_a_hold_is_heard_with_its_sentence_its_real_sound_and_its_chime(page, studio):
    from skill.audio import BED_FILE, CHIME_FILE, audio_manifest

    exercise = sources.load_exercise(studio.content / "lying_together.toml")
    hold = next(s for s in exercise.steps if s.hold)
    open_index(page, studio)
    page.goto(f"{studio.url}/#/ex/lying_together")
    page.wait_for_selector(f"#diagram #step-{hold.id}")
    assert hold.title in page.locator(f"#diagram #step-{hold.id}").text_content()   # titles in the diagram
    page.click(f"#diagram #step-{hold.id}")
    panel = page.locator(f"#step .step-lines[data-step='{hold.id}']")
    panel.wait_for()
    assert panel.locator("h3").inner_text() == hold.title
    said = panel.locator(".line[data-variant='say']").inner_text()
    assert "Soft sound will play now, and a chime will mark the end." in said   # as spoken
    assert re.search(r"When the chime has sounded, say:\s*Alexa, next\.", said)
    names = audio_manifest()
    served = []
    page.on("response", lambda r: served.append((r.url, r.status)) if "/audio/" in r.url else None)
    panel.locator("button.hold-play").click()
    page.wait_for_function("""() => { const a = document.querySelector('#step audio.hold-audio');
        return a && !a.paused && a.readyState >= 2 && a.currentTime > 0.3; }""")
    src = page.eval_on_selector("#step audio.hold-audio", "a => a.currentSrc")
    assert urlsplit(src).path == f"/audio/{names[BED_FILE]}"
    assert any(urlsplit(u).path == f"/audio/{names[BED_FILE]}" and s in (200, 206) for u, s in served)
    assert "left" in panel.locator(".hold-status").inner_text()
    shot(page, "hold-playing.png")
    panel.locator("button.hold-skip").click()
    page.wait_for_function("() => document.querySelector('#step audio.hold-audio').dataset.done === '1'",
                           timeout=30_000)
    src = page.eval_on_selector("#step audio.hold-audio", "a => a.currentSrc")
    assert urlsplit(src).path == f"/audio/{names[CHIME_FILE]}"
    assert "The chime has sounded" in panel.locator(".hold-status").inner_text()
    assert http(studio, "GET", "/audio/..%2F__init__.py")[0] == 404


def test_try_it_names_steps_by_their_titles(page, studio):
    open_index(page, studio)
    page.click("#try-reset")
    say(page, "ask safe harbor to help me ground")
    page.wait_for_selector("#diagram #step-arrive.here")
    exercise = sources.load_exercise(studio.content / "grounding.toml")
    assert page.locator("#try-where").inner_text().startswith(f"Now at: {exercise.title} › {exercise.steps[0].title}")
    page.click("#diagram #step-arrive")
    facts = page.locator("#step .step-lines[data-step='arrive'] .facts").inner_text()
    assert exercise.following("arrive").title in facts and "rate_before" not in facts
