"""The utterance corpus (tests/utterances.tsv) through POST /alexa.

Each line is something a person says, the state they say it in, and what must happen. The request is
built from the committed interaction model of the locale (the console's matcher finds the intent and slot
values a model trained on those samples gives), with entity resolution answering as the line says: a
match, no match, a timeout, no resolutions at all, or a slot with no value. Safety lines (stop, red,
distress) are also checked as saved: a new launch has nothing to pick up.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from skill.core import load_catalog
from tests.support.alexa_nlu import matcher_for
from tests.test_exercise_paths import CATALOG, open_exercise, reach, ready_speaker
from tests.support.alexa import while_playing

CORPUS = Path(__file__).with_name("utterances.tsv")
PHRASES = load_catalog().phrases
RESUME_QUESTION = "pick it up where you left off"
NOT_UNDERSTOOD = "didn't catch"
SAFETY = {"stopped", "red", "distress", "at_risk"}


@dataclass(frozen=True)
class Line:
    number: int
    utterance: str
    state: str
    expected: str
    mode: str = "match"
    locale: str = "en-US"

    def __str__(self) -> str:
        return f"{self.number}: {self.utterance!r} at {self.state} -> {self.expected}"


def read_corpus() -> list[Line]:
    lines = []
    for number, raw in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        utterance, state, expected, *options = raw.split("\t")
        opts = dict(o.split("=", 1) for o in options if o)
        lines.append(Line(number, utterance, state, expected, **opts))
    return lines


LINES = read_corpus()
matcher = matcher_for  # the committed model's Matcher per locale (tests/support/alexa_nlu.py)


def plain_words(text: str) -> str:
    """Words only, for comparing speech with content text (markup, entities and punctuation dropped)."""
    text = re.sub(r"\[(?:pause|breath) [\d.]+\]|&\w+;|[^\w' ]", " ", text.replace("&apos;", "'"))
    return " ".join(text.lower().split())


def request(alexa, line: Line, playing: str | None) -> dict:
    """The IntentRequest a model trained on the committed samples would send for the line."""
    match = matcher(line.locale).match(line.utterance)
    assert match.kind == "intent", line
    envelope = alexa.envelope(match.intent, new_session=alexa.session_id is None)
    slots = {}
    for name, slot in match.slots.items():
        if slot.builtin:  # AMAZON.NUMBER: the value itself, no resolutions
            slots[name] = {"name": name, "value": slot.value_id or "?", "confirmationStatus": "NONE"}
            continue
        if line.mode == "empty":
            slots[name] = {"name": name, "confirmationStatus": "NONE"}
            continue
        body = {"name": name, "value": slot.raw, "confirmationStatus": "NONE", "source": "USER"}
        authority = {"authority": f"amzn1.er-authority.echo-sdk.{alexa.skill_id}.{name.upper()}"}
        if line.mode == "match" and slot.value_id:
            authority["status"] = {"code": "ER_SUCCESS_MATCH"}
            authority["values"] = [{"value": {"name": slot.value_name, "id": slot.value_id}}]
        elif line.mode == "timeout":
            authority["status"] = {"code": "ER_ERROR_TIMEOUT"}
        else:
            authority["status"] = {"code": "ER_SUCCESS_NO_MATCH"}
        if line.mode != "none":
            body["resolutions"] = {"resolutionsPerAuthority": [authority]}
        slots[name] = body
    envelope["request"]["intent"]["slots"] = slots
    while_playing(envelope, playing)
    return envelope


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory):
    from tests.conftest import SkillServer

    return SkillServer(tmp_path_factory.mktemp("corpus") / "state.sqlite3")


_ready: dict[str, object] = {}


def speaker(server, line: Line):
    """A person at a device. A later stage needs the earlier one finished twice: that person is reused
    (stopping never takes away what was finished)."""
    kind, _, rest = line.state.partition(":")
    exercise = rest.split(":")[0]
    if kind == "step" and CATALOG.exercises[exercise].gate:
        key = f"{exercise}-{line.locale}"
        if key not in _ready:
            _ready[key] = ready_speaker(server, key)
        alexa = _ready[key]
        alexa.locale = line.locale
        alexa.launch()  # a fresh session; anything paused is offered, and starting anew replaces it
        return alexa
    return server.speaker(user_id=f"amzn1.ask.account.CORPUS-{line.number}", locale=line.locale)


def put_in_state(alexa, state: str) -> str | None:
    """Bring the person to ``state``; the token of the hold audio then playing, if any."""
    kind, _, rest = state.partition(":")
    if kind == "menu":
        alexa.launch()
    elif kind == "red_offer":
        alexa.launch()
        alexa.say("start:lying_together")
        assert "grounding" in alexa.say("red").speech
    elif kind == "question":  # a pending yes/no question of the engine's own, in an exercise or not
        alexa.launch()
        if rest == "yellow_offer":
            alexa.say("start:lying_together")
            alexa.say("next")
            assert "Would you like" in alexa.say("yellow").speech
        elif rest == "delete":
            alexa.say("start:grounding")
            assert "delete" in alexa.intent("DeleteDataIntent").speech
        elif rest == "gate":
            assert "Would you like to begin" in alexa.say("start:sensate_focus_hands").speech
        else:
            raise ValueError(f"unknown question {rest!r}")
    elif kind == "resume":
        alexa.launch()
        open_exercise(alexa, rest)
        alexa.say("next")
        alexa.say("pause")
        assert RESUME_QUESTION in alexa.launch().speech
    elif kind == "step":
        exercise, step = rest.split(":")
        turn = reach(alexa, exercise, step)
        return next((d["audioItem"]["stream"]["token"] for d in turn.directives if d["type"] == "AudioPlayer.Play"),
                    None)
    else:
        raise ValueError(f"unknown state {state!r}")
    return None


# "step:<exercise>:<step>" -> True for a touch stretch (hold.touch)
CATALOG_TOUCH = {f"step:{e.id}:{s.id}": bool(s.hold and s.hold.touch)
                 for e in load_catalog().exercises.values() for s in e.steps}


def first_words(text: str, n: int = 5) -> str:
    return " ".join(plain_words(re.sub(r"\{\w+\}", " ", text)).split()[:n])


def check(alexa, line: Line, turn, playing: str | None) -> None:
    said = plain_words(turn.speech)
    expected, _, about = line.expected.partition(":")
    assert turn.status == 200, turn.raw[:200]
    if expected in SAFETY:
        # Only what was running can be said to have stopped.
        running = line.state.split(":")[0] in ("step", "resume") or line.state in (
            "question:yellow_offer", "question:delete")
        assert ("stopped" in said) == (running or expected == "red"), said
        assert not any(d["type"] == "AudioPlayer.Play" for d in turn.directives)
        if playing:
            assert {"type": "AudioPlayer.Stop"} in turn.directives
        if expected in ("distress", "at_risk"):
            assert plain_words(PHRASES.crisis_line(line.locale)) in said
            assert "grounding" in said and not turn.ends_session
            assert len(re.findall(r"[.?!]", PHRASES["distress_stop"])) <= 2  # one or two sentences
        emergency = plain_words(PHRASES.emergency_line(line.locale))
        assert (emergency in said) == (expected == "at_risk"), said
        if expected == "stopped":
            assert turn.ends_session and said == plain_words(PHRASES["stopped"])
        # Saved as stopped: a new session has nothing to pick up.
        assert RESUME_QUESTION not in plain_words(alexa.launch().speech)
    elif expected == "ended":
        assert turn.ends_session and not said
    elif expected == "yellow" and playing and CATALOG_TOUCH.get(line.state):
        # A touch stretch playing (issue 25): one line of gentler guidance, and the stretch plays on.
        assert said == plain_words(PHRASES["yellow_touch"]) and turn.ends_session and not turn.directives
    elif expected == "yellow":
        assert "slow down" in said and not turn.ends_session
    elif expected == "green":
        assert plain_words(PHRASES["green_ack"]) in said
    elif expected == "paused":
        assert turn.ends_session
        assert RESUME_QUESTION in plain_words(alexa.launch().speech)
    elif expected == "asks_again":
        assert NOT_UNDERSTOOD in said and not turn.ends_session
    elif expected == "rest":
        assert plain_words(PHRASES["red_rest"]) in said and turn.ends_session
    elif expected == "started":
        exercise = CATALOG.exercises[about]
        assert first_words(exercise.first.say) in said, said
    elif expected == "names":
        assert plain_words(CATALOG.exercises[about].title) in said and "left off" in said
        assert not turn.ends_session
    elif expected == "resumed":
        assert RESUME_QUESTION not in said and NOT_UNDERSTOOD not in said and said
    elif expected == "not_sure":
        assert plain_words(PHRASES["not_sure_rating"]) in said
    elif expected == "intent":
        assert matcher(line.locale).match(line.utterance).intent == about
        if about != "AMAZON.FallbackIntent":
            assert NOT_UNDERSTOOD not in said, said
        assert said, "a calm spoken answer"
    else:
        raise ValueError(f"line {line.number}: unknown outcome {line.expected!r}")


def test_the_corpus_is_large_and_covers_every_state_with_the_safety_words():
    assert len(LINES) >= 300
    states = {(line.state, line.expected) for line in LINES}
    for exercise in CATALOG.exercises.values():
        for step in exercise.steps:
            if step.end:
                continue
            state = f"step:{exercise.id}:{step.id}"
            assert (state, "stopped") in states and (state, "red") in states, state
            assert (state, "distress") in states or (state, "at_risk") in states, state
            assert any(line.utterance == "red please" and line.state == state for line in LINES), state
    modes = {line.mode for line in LINES}
    assert {"match", "no_match", "timeout", "none", "empty"} <= modes


@pytest.mark.parametrize("line", LINES, ids=str)
def test_corpus_line(corpus_server, line):
    alexa = speaker(corpus_server, line)
    playing = put_in_state(alexa, line.state)
    turn = alexa.post(request(alexa, line, playing))
    check(alexa, line, turn, playing)
