"""Echo Show (APL): what the screen shows, and touches (Alexa.Presentation.APL.UserEvent) through POST /alexa.

Every test drives the skill with Alexa's request JSON: a device whose supportedInterfaces lists
Alexa.Presentation.APL and whose viewport plays media (tests/support/alexa.py, ``screen=True``).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from skill.alexa import apl
from skill.alexa.audioplayer import parse_token
from skill.core import Ev, State, identity_for, load_catalog
from tests.support.states import seed, state_at

CATALOG = load_catalog()
PHRASES = CATALOG.phrases
USER = "amzn1.ask.account.AEXAMPLEUSER"
RESPONSE_LIMIT = 24 * 1024  # a whole response, APL document included (Amazon's request and response reference)
APL_DIR = Path(__file__).resolve().parent / "apl"


def documents(turn) -> list[dict]:
    return [d for d in turn.directives if d["type"] == apl.RENDER]


def screen_of(turn) -> dict:
    """The data the one RenderDocument of ``turn`` fills its document with."""
    docs = documents(turn)
    assert len(docs) == 1, turn.directives
    return docs[0]["datasources"]["screen"]["properties"]


def stored(server) -> State:
    """The person's state as the store holds it now."""
    key = identity_for(server.settings.hash_secret, USER, None).speaker
    record = server.services.runner.store.load(key)
    return State.from_dict(record.data if record else None)


def hold_step_ids(exercise) -> set[str]:
    return {s.id for s in exercise.steps if s.hold}


def test_the_first_screen_names_no_exercise_even_when_one_is_paused(server):
    alexa = server.speaker(screen=True)
    first = screen_of(alexa.launch())
    assert first["title"] == PHRASES["screen_home"]
    assert [b["label"] for b in first["buttons"]] == [PHRASES[k] for k in ("button_stop", "button_pause",
                                                                             "button_help")]
    step = next(s for s in CATALOG.exercises["sensate_focus"].steps if s.hold)
    other = "amzn1.ask.account.APAUSEDONE"
    seed(server, state_at("sensate_focus", step.id, hold_ms=0), user_id=other)
    resumed = server.speaker(screen=True, user_id=other).launch()
    assert "pick" in resumed.speech  # the offer to resume: spoken, never named on screen
    shown = json.dumps(screen_of(resumed))
    for exercise in CATALOG.exercises.values():
        assert exercise.title.lower() not in shown.lower()
        assert not any(s.title in shown for s in exercise.steps if len(s.title) > 4)


def test_every_step_shows_its_title_in_the_document(server):
    alexa = server.speaker(screen=True)
    turn = alexa.say("start:grounding")
    exercise = CATALOG.exercises["grounding"]
    assert screen_of(turn)["title"] == exercise.first.title
    turn = alexa.say("next")
    assert screen_of(turn)["title"] == exercise.following(exercise.first.id).title
    assert len(json.dumps(turn.body).encode()) < RESPONSE_LIMIT


@pytest.mark.parametrize("exercise_id", sorted(CATALOG.exercises))
def test_stop_touched_at_every_step_stops_and_is_saved(server, exercise_id):
    """In each exercise, at every step (holds playing on the screen included), a touch on Stop stops it: the
    answer says so and the store keeps no progress. The touch comes after the session closed (a hold's answer
    closes it), so Alexa sends it in a new session."""
    exercise = CATALOG.exercises[exercise_id]
    holds_seen = 0
    for step in exercise.steps:
        seed_state = state_at(exercise_id, step.id, hold_ms=0 if step.hold else None)
        server.services.runner.store.delete(identity_for(server.settings.hash_secret, USER, None).speaker)
        seed(server, seed_state)
        alexa = server.speaker(screen=True)
        turn = alexa.say("resume", new_session=True)
        if step.hold:
            hold = screen_of(turn)["hold"]
            assert parse_token(hold["token"]).step == step.id and hold["sources"]
            assert not [d for d in turn.directives if d["type"] == "AudioPlayer.Play"]
            holds_seen += 1
        touch = alexa.touch(["stop"], new_session=turn.ends_session)
        assert touch.status == 200
        assert stored(server).progress is None, (exercise_id, step.id)
        assert screen_of(touch)["title"] in (PHRASES["screen_stopped"], PHRASES["screen_help"])
        assert not [d for d in touch.directives if d["type"] == "AudioPlayer.Play"]
    assert holds_seen == len(hold_step_ids(exercise))


def test_a_hold_plays_in_the_document_with_its_countdown(server):
    alexa = server.speaker(screen=True)
    seed(server, state_at("lying_together", "quiet", hold_ms=0))
    turn = alexa.say("resume", new_session=True)
    hold = screen_of(turn)["hold"]
    parts = parse_token(hold["token"])
    assert parts.total_seconds == 300 and hold["remainingMs"] == 300_000 and hold["format"] == "mm:ss"
    assert hold["label"] == PHRASES["screen_quiet_left"]
    assert len(hold["sources"]) == parts.total_seconds // 60 + 1  # the beds, then the chime
    # The step's words are spoken by the document before the audio (never both at once), not as outputSpeech.
    assert "outputSpeech" not in turn.response
    source = documents(turn)[0]["datasources"]["screen"]
    assert source["transformers"][0]["transformer"] == "ssmlToSpeech" and "<speak>" in source["properties"]["ssml"]
    countdown = json.dumps(documents(turn)[0]["document"])
    assert "elapsedTime" in countdown and "remainingMs" in countdown
    assert len(json.dumps(turn.body).encode()) < RESPONSE_LIMIT


def test_pause_touched_in_a_hold_keeps_the_exact_offset_for_resume(server):
    alexa = server.speaker(screen=True)
    seed(server, state_at("lying_together", "quiet", hold_ms=0))
    hold = screen_of(alexa.say("resume", new_session=True))["hold"]
    # The hold's player reports where it paused: the second bed, 12.5 s into its file.
    paused = alexa.touch(["pause", hold["token"], 1, 12_500], new_session=True)
    assert paused.status == 200 and screen_of(paused)["title"] == PHRASES["screen_paused"]
    at = stored(server).progress
    assert at is not None and at.hold_ms == 72_500  # 60 s of the first bed, then 12.5 s
    again = screen_of(alexa.say("resume", new_session=True))["hold"]
    assert again["remainingMs"] == 300_000 - 72_500
    assert again["firstIndex"] == 1 and again["sources"][0]["offset"] == 12_500


def test_i_need_help_stops_and_names_the_crisis_line_in_speech_and_on_screen(server):
    alexa = server.speaker(screen=True)
    seed(server, state_at("lying_together", "quiet", hold_ms=0))
    alexa.say("resume", new_session=True)
    turn = alexa.touch(["help"], new_session=True)
    line = PHRASES.crisis_line("en-US")
    assert line in turn.speech
    shown = screen_of(turn)
    assert shown["crisis"] == line and shown["title"] == PHRASES["screen_help"] and shown["hold"]["token"] == ""
    assert stored(server).progress is None
    assert turn.response["shouldEndSession"] is False  # grounding is offered: the question waits
    assert "grounding" in turn.speech


def test_the_chime_reported_by_the_document_finishes_the_hold(server):
    alexa = server.speaker(screen=True)
    seed(server, state_at("lying_together", "quiet", hold_ms=0))
    hold = screen_of(alexa.say("resume", new_session=True))["hold"]
    turn = alexa.touch(["hold_end", hold["token"]], new_session=True)
    assert turn.status == 200 and "outputSpeech" not in turn.response
    assert stored(server).progress.hold_done


@pytest.mark.parametrize("arguments", [None, [], ["dance"], [7], "stop", {"stop": 1}, ["pause", "sh1|x", "a", -1],
                                       ["pause", "x" * 5000, 1, 1], ["hold_end", "not-a-token"],
                                       ["pause", "sh1|lying_together|quiet|r1|0|300", 99, 0]])
def test_malformed_touches_get_a_calm_answer(server, arguments):
    alexa = server.speaker(screen=True)
    alexa.launch()
    turn = alexa.touch(arguments)
    assert turn.status == 200, turn.raw
    if isinstance(arguments, list) and arguments[:1] == ["pause"]:
        assert turn.response["shouldEndSession"] is True  # a pause whose place is unreadable is still a pause
        return
    assert PHRASES["fallback"] in turn.speech


def test_a_device_without_a_screen_gets_no_apl(server):
    for alexa in (server.speaker(), server.speaker(audio_player=False)):
        alexa.launch()
        turn = alexa.say("start:lying_together")
        for _ in range(12):
            assert not documents(turn)
            turn = alexa.say("next")


def test_a_screen_that_plays_no_media_keeps_audioplayer_for_holds(server):
    alexa = server.speaker(screen=True, video=False)
    seed(server, state_at("lying_together", "quiet", hold_ms=0))
    turn = alexa.say("resume", new_session=True)
    assert [d for d in turn.directives if d["type"] == "AudioPlayer.Play"]
    assert screen_of(turn)["hold"]["token"] == ""  # the player's own screen will cover it
    assert "outputSpeech" in turn.response


def test_audioplayer_requests_get_no_document(server):
    alexa = server.speaker(screen=True, video=False)
    seed(server, state_at("lying_together", "quiet", hold_ms=0))
    token = next(d for d in alexa.say("resume", new_session=True).directives
                 if d["type"] == "AudioPlayer.Play")["audioItem"]["stream"]["token"]
    turn = alexa.audio_event("AudioPlayer.PlaybackNearlyFinished", token, 55_000)
    assert not documents(turn) and set(turn.response) <= {"directives"}


# ---- the document itself -------------------------------------------------------------------------

def test_the_document_uses_alexa_layouts_and_binds_what_the_adapter_fills():
    doc = apl.document()
    assert {"name": "alexa-layouts", "version": "1.7.0"} in doc["import"]
    text = json.dumps(doc)
    assert "AlexaButton" in text
    for field in ("title", "crisis", "buttons", "hold.token", "hold.sources", "hold.remainingMs", "speech"):
        assert f"screen.{field}" in text
    for action in apl.ACTIONS:
        assert action in text or action in ("stop", "help")  # stop and help come from the buttons' data


def test_the_document_passes_apl_suggester():
    """Amazon's own APL validator (npm's apl-suggester, pinned in tests/apl/package.json). CI installs it in
    .ci/run; locally it is installed here when npm is there, and skipped only where npm is absent."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        if os.environ.get("CI"):
            pytest.fail("CI must validate the APL document: node and npm are needed")
        pytest.skip("node and npm are not installed: the APL document is validated in CI")
    if not (APL_DIR / "node_modules" / "apl-suggester").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=APL_DIR, check=True, capture_output=True,
                       timeout=300)
    result = subprocess.run([node, str(APL_DIR / "validate.js"), str(apl.DOCUMENT_FILE)], cwd=APL_DIR,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = APL_DIR / "broken.json"
    bad = subprocess.run([node, str(APL_DIR / "validate.js"), str(broken)], cwd=APL_DIR, capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 1 and "textAlign" in bad.stdout  # the validator can fail


def test_ovos_and_console_have_no_screen():
    """The other platforms' devices say nothing of a screen, so their replies carry none."""
    from skill.core.shell import Device
    assert Device().screen is False
    from skill.openvoiceos import turns  # noqa: F401  (imports: their Device() calls keep the default)
    assert "screen=" not in Path(turns.__file__).read_text()
    assert Ev.DISTRESS in apl.ACTIONS.values()
