"""The studio's pure parts: durations against a hand-computed path, the flow graph, lines as heard,
content hashes and sign-off, and `python -m skill content check` as a subprocess."""
from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from skill.studio import approvals, flow, library, lines, sources
from skill.studio.durations import BASE_WPM, END, HoldRange, durations, paths, successors

ROOT = Path(__file__).resolve().parents[1]

# A small exercise whose durations are counted by hand below.
TINY = '''
id = "tiny"
title = "tiny"
kind = "solo"

[[steps]]
id = "a"
title = "A"
say = "One two three four five six seven eight nine. [pause 2]"

[[steps]]
id = "b"
title = "B"
say = "One two three four five six seven eight nine."
hold = { setting = "quiet_minutes" }

[[steps]]
id = "c"
title = "C"
say = "Are you ready to go on to the end?"
on = { yes = "d", no = "e" }

[[steps]]
id = "d"
title = "D"
end = true
say = "One two three four five six seven eight end. One two three four five six seven eight nine."

[[steps]]
id = "e"
title = "E"
end = true
say = "The end."
'''


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    """A copy of the skill's content folder, free to change."""
    folder = tmp_path / "content"
    shutil.copytree(sources.SCRIPTS_DIR, folder)
    return folder


def test_durations_of_a_hand_counted_exercise(tmp_path: Path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    exercise = sources.load_exercise(path)
    phrases = sources.load_phrases(sources.SCRIPTS_DIR / sources.PHRASES_FILE)
    pacing = sources.load_pacing(sources.SCRIPTS_DIR / sources.PHRASES_FILE)
    pace = pacing["normal"]
    assert BASE_WPM == 150
    wpm = 150 * pace.rate                  # the stated rate: 150 words a minute at the voice's normal rate
    gap = pace.sentence_gap_ms / 1000      # the silence between two sentences of one chunk
    # By hand: a = 9 words + 2 s pause; b = 9 words + its hold; c = 9 words; d = 18 words in two sentences;
    # e = 2 words. Paths: a-b-c-d (yes, or next) and a-b-c-e (no). quiet_minutes: 2, 5 (default), 12.
    # b is a hold: after its words the skill says the sentence about the sound and the chime (hold_with_audio),
    # timed as the skill times it.
    b_say = exercise.step("b").say
    with_sentence = lines.fill(sources.join(b_say, phrases["hold_with_audio"]), {"wake": "Alexa"})
    sentence = sources.spoken_seconds(with_sentence, pace, BASE_WPM) - sources.spoken_seconds(b_say, pace, BASE_WPM)
    assert sentence > 10
    a, b, c = 9 * 60 / wpm + 2 * pace.pause_factor, 9 * 60 / wpm + sentence, 9 * 60 / wpm
    d, e = 18 * 60 / wpm + gap, 2 * 60 / wpm
    got = durations(exercise, lambda s: lines.say_seconds(s, phrases, pacing), library.hold_range)
    assert got.shortest == pytest.approx({"low": a + b + c + e + 120, "default": a + b + c + e + 300,
                                          "high": a + b + c + e + 720})
    assert got.longest == pytest.approx({"low": a + b + c + d + 120, "default": a + b + c + d + 300,
                                         "high": a + b + c + d + 720})
    assert got.shortest_path == ("a", "b", "c", "e") and got.longest_path == ("a", "b", "c", "d")
    assert got.paths == 2
    # With the skill's pacing of today (90 %, pauses as written, 0.4 s gaps) that is, at the default hold:
    if (pace.rate, pace.pause_factor, pace.sentence_gap_ms) == (0.9, 1.0, 400):
        assert got.shortest["default"] == pytest.approx(4 + 2 + 4 + sentence + 4 + 2 * 60 / 135 + 300)
        assert got.longest["high"] == pytest.approx(4 + 2 + 4 + sentence + 4 + 8 + 0.4 + 720)


def test_paths_visit_no_step_twice_and_leave_back_and_repeat_out():
    exercise = sources.load_exercise(sources.SCRIPTS_DIR / "grounding.toml")
    found = paths(exercise)
    assert found and all(len(p) == len(set(p)) for p in found)
    assert all(p[0] == "arrive" and exercise.step(p[-1]).end for p in found)
    check = exercise.step("check")
    assert set(successors(exercise, check)) == {"close", "support"}
    # "another round" (support -> breathe) is a loop: no path takes it
    assert not any("support" in p and p.index("support") < len(p) - 2 for p in found)
    assert HoldRange(1, 2, 3).at("high") == 3


def test_every_exercise_has_a_duration_range(content: Path):
    data = library.index(library.Library(content).current(), content)
    assert {e["id"] for e in data["exercises"]} == {p.stem for p in content.glob("*.toml")}
    for e in data["exercises"]:
        d = e["durations"]
        assert 0 < d["shortest"]["low"] <= d["shortest"]["default"] <= d["longest"]["default"] <= d["longest"]["high"]


def test_the_flow_graph_has_one_node_per_step_and_an_edge_per_answer():
    exercise = sources.load_exercise(sources.SCRIPTS_DIR / "grounding.toml")
    dot = flow.dot(exercise, sources.SETTINGS)
    for step in exercise.steps:
        assert dot.count(f'id="step-{step.id}"') == 1
    edges = {(a, b): answers for a, b, answers in flow.edges(exercise)}
    assert set(edges[("check", "close")]) == {"yes", "next", "rating"}
    assert set(edges[("check", "support")]) == {"no", "distress"}
    assert edges[("support", "breathe")] == ("yes",)
    assert edges[("orient", "rate_before")] == ("back",)
    assert END not in dot  # every ending here is an end step
    together = sources.load_exercise(sources.SCRIPTS_DIR / "lying_together.toml")
    assert "hold 2\u201312 min (5)" in flow.dot(together, sources.SETTINGS)


def test_lines_fill_placeholders_with_examples_and_show_pauses_in_seconds():
    snap = library.Library(sources.SCRIPTS_DIR).current()
    grounding = library.detail(snap, sources.SCRIPTS_DIR, "grounding")
    orient = next(s for s in grounding["steps"] if s["id"] == "orient")
    variants = {line["variant"]: line for line in orient["lines"]}
    assert {"say", "say_without_clock", "reprompt", "help"} <= set(variants)
    say = variants["say"]["segments"]
    assert {"example": "It's Tuesday afternoon.", "name": "today"} in say
    assert {"pause": 6.0} in say
    assert "{" not in variants["say"]["plain"]
    support = next(s for s in grounding["steps"] if s["id"] == "support")
    crisis = next(seg for seg in support["lines"][0]["segments"] if seg.get("name") == "crisis_line")
    assert "nine eight eight" in crisis["example"]
    sensate = library.detail(snap, sources.SCRIPTS_DIR, "sensate_focus")
    checkin = next(s for s in sensate["steps"] if s["checkin"])
    gentle = next((line for line in checkin["lines"] if line["variant"] == "gentle"), None)
    heard = {line["variant"]: line["plain"] for line in checkin["lines"]}
    assert heard["say"].endswith(snap.phrases["checkin_question"])  # the check-in question is heard too
    if gentle:  # gentle pauses are stretched as the gentle pace speaks them
        assert gentle["rate"] == round(snap.pacing["gentle"].rate * 100)
    hold_step = next(s for s in sensate["steps"] if s["hold"])
    assert any(line["variant"] == "no_audio" for line in hold_step["lines"])


def test_a_broken_file_is_listed_and_the_others_still_load(content: Path):
    (content / "lying_together.toml").write_text('id = "lying_together"\ntitle = "x"\n[[steps]]\nid = "a"\ntitle = "T"\n'
                                                 'say = "Hello [pause 30]"\nend = true\n', encoding="utf-8")
    lib = library.Library(content)
    snap = lib.current()
    assert "lying_together" not in snap.exercises and "grounding" in snap.exercises
    assert snap.errors == [{"file": "lying_together.toml", "step": "a", "field": "say",
                            "problem": "pause of 30 s is over 10 s"}]
    (content / "lying_together.toml").write_text((sources.SCRIPTS_DIR / "lying_together.toml").read_text())
    again = lib.current()
    assert again.version == snap.version + 1 and "lying_together" in again.exercises and not again.errors


def test_content_hash_ignores_comments_but_not_words(content: Path):
    path = content / "grounding.toml"
    before = approvals.content_hash(path)
    path.write_text("# a new comment\n" + path.read_text(), encoding="utf-8")
    assert approvals.content_hash(path) == before
    path.write_text(path.read_text().replace("I'm here with you.", "I am here with you."), encoding="utf-8")
    assert approvals.content_hash(path) != before


def test_approval_then_a_changed_line_makes_content_check_warn(content: Path):
    def check() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "skill", "content", "check", "--content", str(content)],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)

    first = check()
    assert first.returncode == 0, first.stdout + first.stderr
    unapproved = first.stdout.split("not yet approved in the studio: ")[-1].split("\n")[0].split(", ")
    assert "warning:" not in first.stdout and "grounding.toml" in unapproved
    path = content / "grounding.toml"
    approvals.record(content, "grounding", "Dr. Rivera \"R\"", approvals.content_hash(path), date(2026, 11, 30))
    assert approvals.read(content)["grounding"] == approvals.Approval("Dr. Rivera \"R\"", "2026-11-30",
                                                                      approvals.content_hash(path))
    assert "warning:" not in check().stdout
    path.write_text(path.read_text().replace("I'm here with you.", "I am here with you."), encoding="utf-8")
    warned = check()
    assert warned.returncode == 0
    assert ("warning: grounding.toml: changed since Dr. Rivera \"R\" approved it on 2026-11-30"
            in warned.stdout), warned.stdout
    assert approvals.status(approvals.read(content)["grounding"], approvals.content_hash(path)) == "changed"


def test_content_check_fails_on_a_broken_file(content: Path):
    (content / "grounding.toml").write_text('id = "grounding"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "skill", "content", "check", "--content", str(content)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "error: grounding.toml: field 'title': is required" in result.stderr


@pytest.mark.parametrize("reviewer", ["", " ", "x" * 101, "bad\x07name"])
def test_approval_refuses_a_bad_reviewer_name(content: Path, reviewer: str):
    with pytest.raises(approvals.ApprovalError):
        approvals.record(content, "grounding", reviewer, approvals.content_hash(content / "grounding.toml"),
                         date(2026, 11, 30))
    assert approvals.read(content) == {}


def test_the_studio_is_a_thin_adapter():
    """Only skill/studio/sources.py reaches into the rest of the skill; the arithmetic, the graph and the
    sign-off records are standard library only; only the server and its review routes know Flask."""
    import ast

    studio = ROOT / "skill" / "studio"
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    for path in sorted(studio.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names.add("." * node.level + (node.module or ""))
        outside = {n for n in names if n.startswith("..")}
        assert not outside or path.name == "sources.py", f"{path.name} reaches outside the studio: {outside}"
        third_party = {n.split(".")[0] for n in names if not n.startswith(".")} - stdlib
        allowed = {"flask", "waitress"} if path.name == "server.py" else {"flask"} if path.name == "review_api.py" \
            else set()
        assert third_party <= allowed, f"{path.name} imports {third_party - allowed}"
        if path.name in ("durations.py", "approvals.py", "flow.py"):
            assert not {n for n in names if n.startswith(".") and n not in (".durations",)}, path.name


def test_browser_tests_fail_not_skip_without_chromium(tmp_path: Path):
    """With no chromium on PATH the studio's browser tests fail, saying what to install."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PATH"} | {"PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "tests/test_studio_browser.py", "-k", "index_lists"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "apt-get install -y chromium" in result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1]


def test_word_differences_name_only_the_words_that_changed():
    from skill.studio import review

    assert review.word_diff("I'm here with you. [pause 1]", "I am here with you. [pause 1]") == [
        ["-", "I'm"], ["+", "I am"], ["=", "here with you. [pause 1]"]]
    assert review.word_diff("same words", "same  words") == [["=", "same words"]]
    before = {("arrive", "say"): "One two three.", ("arrive", "help"): "Help.", ("gone", "say"): "Bye."}
    after = {("arrive", "say"): "One two four.", ("arrive", "help"): "Help.", ("new", "say"): "Hi."}
    found = review.changes(before, after)
    assert found == {"arrive": [{"field": "say", "change": "changed",
                                 "words": [["=", "One two"], ["-", "three."], ["+", "four."]]}],
                     "gone": [{"field": "say", "change": "removed", "words": [["-", "Bye."]]}],
                     "new": [{"field": "say", "change": "added", "words": [["+", "Hi."]]}]}
    assert review.changes(None, after) == {}   # never approved: nothing to compare with


def test_the_approved_text_is_kept_exactly_as_plain_toml(content: Path):
    from skill.studio import review

    for path in sorted(content.glob("*.toml")):
        texts = review.exercise_texts(path)
        written = review.write_approved(content, path.stem, texts, f"{path.stem}: approved")
        assert review.read_approved(content, path.stem) == texts
        assert written.read_text(encoding="utf-8").count("\n") > len(texts)   # multi-line text stays multi-line
    shared = review.shared_texts(content)
    review.write_approved(content, approvals.PHRASES_ID, shared, "the shared phrases")
    assert review.read_approved(content, approvals.PHRASES_ID) == shared
    odd = {("s", "f"): "ends with a quote '", ("s", "g"): "a '''triple''' quote\nand a line", ("s", "h"): "tab\there"}
    review.write_approved(content, "odd", odd, "odd")
    assert review.read_approved(content, "odd") == odd
    with pytest.raises(review.ReviewError):
        review.write_approved(content, "../escape", odd, "x")
    assert review.read_approved(content, "../escape") is None


def test_every_shared_phrase_is_shown_under_the_situation_it_is_said_in():
    from skill.studio import review

    texts = review.shared_texts(sources.SCRIPTS_DIR)
    groups = {key: review.group_of(*key)[0] for key in texts}
    assert review.OTHER[0] not in groups.values(), [k for k, g in groups.items() if g == review.OTHER[0]]
    assert groups[("phrases", "welcome_first")] == "Welcome and the menu"
    assert groups[("crisis_lines", "US")] == groups[("emergency_lines", "GB")] == "Crisis lines, distress and safety"
    assert groups[("phrases", "checkin_question")] == groups[("phrases", "red_stop")] == "The colours: green, yellow, red"
    assert groups[("phrases", "voice_refused")] == "Errors and not understood"
    assert groups[("phrases", "reminder_text")] == "Reminders and progress"
    assert not review.spoken("crisis_line_sources", "US") and review.spoken("crisis_lines", "US")
    assert not review.spoken("settings.quiet_minutes", "low", "2") and review.spoken("phrases", "welcome", "Hi.")
    snap = library.Library(sources.SCRIPTS_DIR).current()
    page = library.phrases(snap, sources.SCRIPTS_DIR)
    assert sum(len(g["items"]) for g in page["groups"]) == len(texts)
    welcome = next(i for g in page["groups"] for i in g["items"] if i["key"] == "phrases.welcome_first")
    assert "{exercises}" not in welcome["lines"][0]["plain"] and "grounding" in welcome["lines"][0]["plain"]


def test_the_shared_phrases_hash_ignores_comments_but_not_words(content: Path):
    from skill.studio import review

    before = review.shared_hash(content)
    path = content / "common" / "phrases.toml"
    path.write_text("# a note\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert review.shared_hash(content) == before
    path.write_text(path.read_text(encoding="utf-8").replace("right now.", "at the moment."), encoding="utf-8")
    assert review.shared_hash(content) != before


def test_approvals_keep_a_history_with_the_phrases_hash_and_comments(content: Path):
    from skill.studio import review

    grounding = approvals.content_hash(content / "grounding.toml")
    shared = review.shared_hash(content)
    approvals.record(content, "grounding", "A", grounding, date(2026, 11, 30), shared, "first read")
    approvals.record(content, "grounding", "B", grounding, date(2026, 12, 1), shared, "line one\nline two")
    approvals.record(content, approvals.PHRASES_ID, "C", shared, date(2026, 12, 2))
    history = approvals.histories(content)
    assert [(a.reviewer, a.date, a.phrases, a.comment) for a in history["grounding"]] == [
        ("A", "2026-11-30", shared, "first read"), ("B", "2026-12-01", shared, "line one\nline two")]
    assert approvals.read(content)["grounding"].reviewer == "B"
    assert approvals.read(content)[approvals.PHRASES_ID].hash == shared
    with pytest.raises(approvals.ApprovalError):
        approvals.record(content, "grounding", "D", grounding, date(2026, 12, 3), comment="x" * 2001)
    with pytest.raises(approvals.ApprovalError):
        approvals.record(content, "grounding", "D", grounding, date(2026, 12, 3), phrases_hash="sha1:0")
    # the earlier format (one table, the last approval only) still reads
    (content / approvals.APPROVALS).write_text('[grounding]\nreviewer = "R"\ndate = "2026-01-01"\n'
                                               f'hash = "{grounding}"\n', encoding="utf-8")
    assert approvals.histories(content) == {"grounding": [approvals.Approval("R", "2026-01-01", grounding)]}


def test_content_check_warns_when_the_shared_phrases_changed_after_sign_off(content: Path):
    from skill.studio import review

    approvals.record(content, approvals.PHRASES_ID, "Dr. Rivera", review.shared_hash(content), date(2026, 11, 30))
    def check() -> str:
        return subprocess.run([sys.executable, "-m", "skill", "content", "check", "--content", str(content)],
                              cwd=ROOT, capture_output=True, text=True, timeout=60).stdout

    first = check()
    assert "warning:" not in first and "the shared phrases" not in first
    path = content / "common" / "phrases.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("right now.", "at the moment."), encoding="utf-8")
    assert ("warning: the shared phrases (common/): changed since Dr. Rivera approved them on 2026-11-30"
            in check())


def test_comments_are_kept_one_json_line_each_and_bad_ones_refused(content: Path):
    import json

    from skill.studio import review

    review.add_comment(content, "grounding", "arrive", "Dr. Rivera", "  Slower here,\n  please.  ", date(2026, 12, 1))
    review.add_comment(content, approvals.PHRASES_ID, "crisis_lines.US", "Sam", "Checked.", date(2026, 12, 2))
    assert review.comments(content, "grounding") == [
        {"step": "arrive", "reviewer": "Dr. Rivera", "date": "2026-12-01", "text": "Slower here,\nplease."}]
    lines = (content / "common" / "comments" / "grounding.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["step"] for line in lines] == ["arrive"]
    (content / "common" / "comments" / "grounding.jsonl").write_text(lines[0] + "\nnot json\n[1]\n", encoding="utf-8")
    assert len(review.comments(content, "grounding")) == 1   # a damaged line is left out, the rest still read
    for rid, step, who, text in [("grounding", "arrive", "", "x"), ("grounding", "arrive", "R", "  "),
                                 ("grounding", "arrive", "R", "x" * 2001), ("../x", "arrive", "R", "x"),
                                 ("grounding", "a/b", "R", "x"), ("grounding", "arrive", "R", "bell\x07")]:
        with pytest.raises(review.ReviewError):
            review.add_comment(content, rid, step, who, text, date(2026, 12, 1))


def test_a_hold_step_is_heard_with_the_sentence_about_its_sound_and_chime():
    snap = library.Library(sources.SCRIPTS_DIR).current()
    holds = 0
    for eid in snap.exercises:
        for step in library.detail(snap, sources.SCRIPTS_DIR, eid)["steps"]:
            if not step["hold_audio"]:
                continue
            holds += 1
            heard = {line["variant"]: line["plain"] for line in step["lines"]}
            for variant in ("say", "gentle", "brief"):
                if variant in heard:
                    assert "Soft sound will play now, and a chime will mark the end." in heard[variant], (eid, variant)
                    assert heard[variant].endswith("When the chime has sounded, say: Alexa, next.")
            assert "chime" not in heard["no_audio"] and "This quiet stretch lasts about" in heard["no_audio"]
            segments = step["hold_audio"]["segments"]
            assert [s["kind"] for s in segments][-1] == "chime" and step["title"] != step["id"]
            assert sum(60 - s["start"] for s in segments[:-1]) == step["hold_audio"]["seconds"]
    assert holds >= 3


# ---- each language's version (issue 23) -----------------------------------------------------------------------

def test_each_language_has_its_own_hash_and_a_french_change_marks_only_french(content: Path):
    from skill.studio import review

    snap = library.Library(content).current()
    assert set(snap.languages) == {"es", "de", "fr"} and not snap.errors
    for code, version in snap.languages.items():
        assert set(version.hashes) == set(snap.exercises) == set(version.exercises)
        assert version.hashes["grounding"] == approvals.content_hash(content / code / "grounding.toml")
        assert version.hashes["grounding"] != snap.hashes["grounding"]
        assert review.shared_hash(content, code) != review.shared_hash(content)
    en, fr = snap.hashes["grounding"], snap.languages["fr"].hashes["grounding"]
    approvals.record(content, "grounding", "A", en, date(2026, 12, 1))
    approvals.record(content, "grounding", "B", fr, date(2026, 12, 2), lang="fr")
    path = content / "fr" / "grounding.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("Je suis là, avec vous.", "Je suis ici, avec vous."),
                    encoding="utf-8")
    after = library.Library(content).current()
    assert after.hashes["grounding"] == en and after.languages["fr"].hashes["grounding"] != fr
    assert after.languages["de"].hashes == snap.languages["de"].hashes
    page = library.detail(after, content, "grounding", "fr,de,xx")
    status = {v["code"]: v["status"] for v in page["versions"]}
    assert status == {"en": "approved", "fr": "changed", "de": "unapproved"}
    assert {e["id"]: e["signoffs"]["fr"]["status"] for e in library.index(after, content)["exercises"]}[
        "grounding"] == "changed"
    assert approvals.warnings(content, review.shared_hash(content)) == [
        "fr/grounding.toml: changed since B approved it on 2026-12-02; review it again in the studio "
        "(python -m skill studio)"]


def test_a_languages_approval_is_a_lang_field_and_old_files_read_as_before(content: Path):
    grounding = approvals.content_hash(content / "grounding.toml")
    french = approvals.content_hash(content / "fr" / "grounding.toml")
    old = (approvals.HEADER + f'\n[[grounding]]\nreviewer = "R"\ndate = "2026-01-01"\nhash = "{grounding}"\n')
    (content / approvals.APPROVALS).write_text(old, encoding="utf-8")
    assert approvals.histories(content) == {"grounding": [approvals.Approval("R", "2026-01-01", grounding)]}
    approvals.record(content, "grounding", "Dr. Camille Laurent", french, date(2026, 12, 5), comment="lu", lang="fr")
    written = (content / approvals.APPROVALS).read_text(encoding="utf-8")
    assert written.startswith(old)   # English's entries as they were: a diff shows the French entry alone
    assert written[len(old):] == (f'\n[[grounding]]\nreviewer = "Dr. Camille Laurent"\ndate = "2026-12-05"\n'
                                  f'hash = "{french}"\ncomment = "lu"\nlang = "fr"\n')
    history = approvals.histories(content)
    assert history["grounding"] == [approvals.Approval("R", "2026-01-01", grounding)]
    assert history["fr/grounding"][0].reviewer == "Dr. Camille Laurent" and history["fr/grounding"][0].lang == "fr"
    approvals.record(content, "grounding", "R2", grounding, date(2026, 12, 6))   # English again: still first
    assert [a.reviewer for a in approvals.histories(content)["grounding"]] == ["R", "R2"]
    assert approvals.key("grounding", "fr") == "fr/grounding" and approvals.split_key("fr/grounding") == (
        "grounding", "fr")
    with pytest.raises(approvals.ApprovalError):
        approvals.record(content, "grounding", "R", french, date(2026, 12, 5), lang="../x")


def test_a_languages_approved_text_and_comments_are_kept_beside_englishs(content: Path):
    from skill.studio import review

    texts = review.exercise_texts(content / "fr" / "grounding.toml")
    assert texts[("arrive", "title")] == "Arriver"   # a language's steps are keyed by id: [steps.arrive]
    path = review.write_approved(content, "grounding", texts, "fr/grounding: approved", "fr")
    assert path == content / "common" / "approved" / "fr" / "grounding.toml"
    assert review.read_approved(content, "grounding", "fr") == texts
    assert review.read_approved(content, "grounding") is None
    review.add_comment(content, "grounding", "arrive", "Dr. Laurent", "« Arriver » sonne juste.", date(2026, 12, 5),
                       "fr")
    assert (content / "common" / "comments" / "fr" / "grounding.jsonl").exists()
    assert review.comments(content, "grounding", "fr")[0]["text"] == "« Arriver » sonne juste."
    assert review.comments(content, "grounding") == []
    with pytest.raises(review.ReviewError):
        review.add_comment(content, "grounding", "arrive", "R", "x", date(2026, 12, 5), "..")
    assert review.read_approved(content, "grounding", "../fr") is None


def test_a_missing_text_in_a_language_is_named_in_its_column_and_its_errors(content: Path):
    path = content / "de" / "grounding.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('gentle = """')
    path.write_text(text[:start] + text[text.index('"""', start + 12) + 4:], encoding="utf-8")
    snap = library.Library(content).current()
    assert [(e["file"], e["field"]) for e in snap.errors] == [("de/grounding.toml", "gentle")]
    assert "grounding" not in snap.languages["de"].exercises and "grounding" in snap.languages["de"].hashes
    german = library.detail(snap, content, "grounding", "de")["versions"][1]
    first = next(iter(german["steps"].values()))
    assert first["missing"] == ["gentle"]
    assert "gentle" not in [line["variant"] for line in first["lines"]] and first["lines"]
    assert german["error"]["field"] == "gentle"


def test_the_print_words_have_every_label_in_every_language():
    from skill.studio import clients

    english = clients.print_words("en", False)
    for code in sources.LANGUAGES:
        for partnered in (False, True):
            words = clients.print_words(code, partnered)
            assert set(words) == set(english), code
            assert len(words["anytime"]) == len(english["anytime"]) and "{minutes}" in words["hold_lasts"]
    assert clients.print_words("xx", False) is None
    snap = library.Library(sources.SCRIPTS_DIR).current()
    sheet = clients.take_home(snap, "lying_together", "fr")
    assert sheet["words"]["print"] == "Imprimer cette page" and sheet["lang"] == "fr"
    assert all("{" not in s["said"] and "[pause" not in s["said"] for s in sheet["steps"])
    assert clients.take_home(snap, "lying_together", "xx") is None


def test_a_client_version_for_a_french_speaking_client_carries_its_note_and_choices():
    """The client page stays English, but the version it makes applies in whatever language the device speaks."""
    from skill.studio import clients

    snap = library.Library(sources.SCRIPTS_DIR).current()
    note = "Allez-y doucement cette semaine. Dites {wake}, stop, à tout moment."
    catalog, error = clients.Catalogs(sources.SCRIPTS_DIR).current(snap.version)
    assert error is None
    version, problems = clients.problems(clients.draft({"exercises": ["grounding"], "note": note}), catalog)
    assert problems == []
    french = sources.client.tailor(catalog, version).speaking("fr-FR")
    assert french.language == "fr" and french.note == note and list(french.exercises) == ["grounding"]
    assert french.exercises["grounding"].title == snap.languages["fr"].exercises["grounding"].title


def test_a_language_with_a_broken_file_cannot_be_signed_off_and_bad_bodies_get_400(content: Path):
    """The skill refuses to load a language with a broken file, so the studio refuses its sign-off (409); a JSON
    body that is not an object gets 400, never a 500."""
    from skill.studio.server import create_app

    path = content / "fr" / "grounding.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[steps.nowhere]\nsay = "x"\n', encoding="utf-8")
    client = create_app(content).test_client()
    snap = library.Library(content).current()
    assert any(e["file"].startswith("fr/") for e in snap.errors)
    body = {"exercise": "grounding", "reviewer": "Dr Ana", "hash": snap.languages["fr"].hashes["grounding"],
            "lang": "fr"}
    record = content / "common" / "approvals.toml"
    before = record.read_text(encoding="utf-8") if record.exists() else None
    refused = client.post("/api/approve", json=body)
    assert refused.status_code == 409 and "fr" in refused.get_json()["error"]
    assert (record.read_text(encoding="utf-8") if record.exists() else None) == before  # nothing recorded
    for route in ("/api/approve", "/api/comment", "/api/try"):
        assert client.post(route, json=[1]).status_code == 400, route
