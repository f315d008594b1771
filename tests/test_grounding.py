"""The grounding exercise end to end, through POST /alexa with real Alexa request envelopes.

Step markers and phrases are read from the content files (skill/audio_scripts), so the tests follow the
content's words rather than copies of them.
"""
from __future__ import annotations

import json
import re
import socket
import tomllib

import pytest

from skill.core.content import SCRIPTS_DIR
from tests.support.alexa import Speaker
from tests.support.states import seed, state_at

GROUNDING = tomllib.loads((SCRIPTS_DIR / "grounding.toml").read_text(encoding="utf-8"))
PHRASES = tomllib.loads((SCRIPTS_DIR / "common" / "phrases.toml").read_text(encoding="utf-8"))
STEPS = {s["id"]: s for s in GROUNDING["steps"]}



def _walk() -> list[str]:
    """The steps in order by "next", up to the first that asks a yes/no question (the "Are you okay?" check)."""
    walk = []
    for step in GROUNDING["steps"]:
        walk.append(step["id"])
        if "yes" in step.get("on", {}):
            return walk
    raise AssertionError("grounding has no question step")


WALK = _walk()
CHECK = WALK[-1]
SUPPORT = STEPS[CHECK]["on"]["no"]  # "no, I'm not okay"
CLOSE = STEPS[CHECK]["on"]["yes"]  # the clear ending
REST = STEPS[SUPPORT]["on"]["no"]  # no more rounds
ANOTHER_ROUND = STEPS[SUPPORT]["on"]["yes"]
LIVE_STEPS = WALK + [SUPPORT]  # every step a person can be on (the others end the exercise)
PREVIOUS = {**{b: a for a, b in zip(WALK, WALK[1:])}, SUPPORT: CHECK}
assert WALK[0] == "arrive" and "orient" in WALK and STEPS[CLOSE].get("end") and STEPS[REST].get("end")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def spoken(markup: str) -> str:
    """Content markup as the words a listener hears (pauses dropped, whitespace collapsed)."""
    return " ".join(re.sub(r"\[(?:pause|breath) \d+(?:\.\d+)?\]", " ", markup).split())


def opening(markup: str) -> str:
    """The words before the first pause: a short, stable marker of a text."""
    return spoken(re.split(r"\[pause|\[breath", markup, maxsplit=1)[0])


def phrase(key: str) -> str:
    return spoken(PHRASES["phrases"][key])


MARK = {sid: opening(s["say"]) for sid, s in STEPS.items()}
GENTLE_MARK = {sid: opening(s.get("gentle", s["say"])) for sid, s in STEPS.items()}
RESUME_QUESTION = spoken(PHRASES["phrases"]["resume_offer"]).split(". ")[-1]  # "... pick it up where you left off?"
RED_STOP = phrase("red_stop")
TITLES = [GROUNDING["title"]]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def speaker(server, **kw) -> Speaker:
    """A speaker whose Settings API endpoint is a closed loopback port: no call leaves this machine."""
    kw.setdefault("api_endpoint", f"http://127.0.0.1:{closed_port()}")
    return server.speaker(**kw)


def on_step(turn, step: str) -> bool:
    return MARK[step] in turn.speech or GENTLE_MARK[step] in turn.speech


def step_of(turn) -> list[str]:
    """Every live step whose marker the turn speaks."""
    return [s for s in STEPS if on_step(turn, s)]


def walk_to(alexa: Speaker, step: str, new_session: bool = True):
    """Start grounding and go to ``step``; returns the turn that spoke it."""
    turn = alexa.say("ground", new_session=new_session)
    assert turn.status == 200 and on_step(turn, "arrive"), turn.speech
    path = WALK[1:WALK.index(step) + 1] if step in WALK else WALK[1:]
    for sid in path:
        turn = alexa.say("next")
        assert turn.status == 200 and on_step(turn, sid), (sid, turn.speech)
    if step == SUPPORT:
        turn = alexa.say("no")
        assert on_step(turn, SUPPORT), turn.speech
    assert not turn.ends_session
    return turn


def start_at(server, alexa: Speaker, step: str):
    """Start at ``step`` from a stored state (as ``walk_to`` would leave it, with no turns to get there): a new
    session's "repeat" speaks the step; returns that turn. Walking the steps is tested on its own, above."""
    trail = WALK if step == SUPPORT else None  # as "no" at the check leaves it; else the steps before in the file
    seed(server, state_at(GROUNDING["id"], step, trail=trail), user_id=alexa.user_id)
    turn = alexa.say("repeat", new_session=True)
    assert turn.status == 200 and on_step(turn, step) and not turn.ends_session, (step, turn.speech)
    return turn


def rate(ssml: str | None) -> float:
    """The slowest prosody rate in the speech, as a percentage of Alexa's default."""
    names = {"x-slow": 50, "slow": 75, "medium": 100, "fast": 125, "x-fast": 150}
    rates = []
    for value in re.findall(r'<prosody[^>]*\brate="([^"]+)"', ssml or ""):
        rates.append(float(value[:-1]) if value.endswith("%") else names[value])
    return min(rates) if rates else 100.0


def assert_no_resume_offer(alexa: Speaker) -> None:
    turn = alexa.launch()
    assert turn.status == 200
    assert RESUME_QUESTION not in turn.speech
    assert not step_of(turn)
    turn = alexa.say("resume", new_session=True)
    assert turn.status == 200 and not step_of(turn), turn.speech


# --------------------------------------------------------------------------- the whole session


def test_launch_walk_every_step_then_yes_ends_clearly(server):
    alexa = speaker(server)
    turn = alexa.launch()
    assert turn.status == 200 and not turn.ends_session
    assert "help me ground" in turn.speech and not step_of(turn)
    turn = alexa.say("ground")
    assert on_step(turn, "arrive") and not turn.ends_session and turn.reprompt
    for sid in WALK[1:]:
        turn = alexa.say("next")
        assert turn.status == 200 and step_of(turn) == [sid], (sid, turn.speech)
        assert not turn.ends_session and turn.reprompt
    assert "are you feeling okay now?" in turn.speech.lower()
    turn = alexa.say("yes")
    assert "This is the end of grounding" in turn.speech and on_step(turn, CLOSE)
    assert turn.ends_session and not turn.reprompt
    assert_no_resume_offer(alexa)  # a finished exercise leaves nothing to pick up


@pytest.mark.parametrize("locale, line", [
    ("en-US", "nine eight eight"),
    ("en-CA", "nine eight eight"),
    ("en-GB", "Samaritans on one one six"),
    ("en-AU", "Lifeline"),
    ("en-IN", "Tele Manas"),
])
def test_not_okay_names_the_locales_crisis_line_and_offers_another_round(server, locale, line):
    alexa = speaker(server, locale=locale)
    turn = walk_to(alexa, CHECK)
    turn = alexa.say("no")
    assert on_step(turn, SUPPORT) and line in turn.speech
    assert "another round" in turn.speech and not turn.ends_session and turn.reprompt
    others = {"nine eight eight", "Samaritans", "Lifeline", "Tele Manas"} - {line.split(" on ")[0]}
    assert not [o for o in others if o in turn.speech and o not in line]
    turn = alexa.say("yes")  # another round starts again at the breathing
    assert ANOTHER_ROUND == "breathe" and step_of(turn) == ["breathe"] and not turn.ends_session


def test_not_okay_then_no_more_rounds_ends_with_rest(server):
    alexa = speaker(server, locale="en-GB")
    walk_to(alexa, SUPPORT)
    turn = alexa.say("no")
    assert on_step(turn, REST) and "We'll end grounding here" in turn.speech and turn.ends_session
    assert "one one six" in turn.speech
    assert_no_resume_offer(alexa)


# --------------------------------------------------------------------------- ways in


def test_one_shot_help_me_ground_in_a_new_session(server):
    alexa = speaker(server)
    turn = alexa.intent("GroundMeIntent", new_session=True)  # "Alexa, ask Safe Harbor to help me ground"
    assert turn.status == 200 and step_of(turn) == ["arrive"] and not turn.ends_session
    assert "Welcome" not in turn.speech  # straight in: no menu for someone in distress
    assert step_of(alexa.say("next")) == [WALK[1]]


@pytest.mark.parametrize("heard", ["grounding", "five senses", "come back to the present"])
def test_start_exercise_by_name_with_entity_resolution(server, heard):
    alexa = speaker(server)
    turn = alexa.intent("StartExerciseIntent", {"exercise": (heard, "grounding")}, new_session=True)
    assert turn.status == 200 and step_of(turn) == ["arrive"] and not turn.ends_session


@pytest.mark.parametrize("slots", [{}, {"exercise": None}, {"exercise": ("juggling", None)}],
                         ids=["no-slot", "empty-slot", "no-match"])
def test_start_exercise_without_a_match_lists_the_exercises(server, slots):
    alexa = speaker(server)
    turn = alexa.intent("StartExerciseIntent", slots, new_session=True)
    assert turn.status == 200 and not turn.ends_session and not step_of(turn)
    assert all(title in turn.speech for title in TITLES)
    assert "juggling" not in turn.speech


# --------------------------------------------------------------------------- pause, resume, restart


def test_pause_ends_session_then_launch_offers_resume_naming_it_only_as_an_exercise(server):
    alexa = speaker(server)
    walk_to(alexa, "see")
    turn = alexa.say("pause")
    assert turn.status == 200 and turn.ends_session and opening(PHRASES["phrases"]["paused"]) in turn.speech
    turn = alexa.launch()
    assert RESUME_QUESTION in turn.speech and not turn.ends_session
    # Not named: no voice was recognised, and anyone on the account may be listening (PRIVACY.md).
    assert "You paused an exercise" in turn.speech and "grounding" not in turn.speech and not step_of(turn)
    turn = alexa.say("yes")
    assert step_of(turn) == ["see"]
    assert step_of(alexa.say("next")) == ["feel"]


def test_resume_one_shot_in_a_new_session_resumes_same_step(server):
    alexa = speaker(server)
    walk_to(alexa, "hear")
    assert alexa.say("pause").ends_session
    turn = alexa.say("resume", new_session=True)  # "Alexa, ask Safe Harbor to resume"
    assert turn.status == 200 and step_of(turn) == ["hear"] and not turn.ends_session


def test_declining_the_resume_offer_starts_fresh(server):
    alexa = speaker(server)
    walk_to(alexa, "breathe")
    alexa.say("pause")
    assert RESUME_QUESTION in alexa.launch().speech
    turn = alexa.say("no")
    assert not step_of(turn) and not turn.ends_session
    assert_no_resume_offer(alexa)


def test_restart_between_turns_keeps_the_step(server):
    alexa = speaker(server)
    walk_to(alexa, "see")
    # Mid-session: a new process on the same SQLite file answers the next turn.
    second = server.restart()
    alexa.client = second.client
    assert step_of(alexa.say("next")) == ["feel"]
    # And a new session after another restart picks up the stored step.
    third = second.restart()
    again = speaker(third)
    turn = again.launch()
    assert RESUME_QUESTION in turn.speech
    assert step_of(again.say("yes")) == ["feel"]


# --------------------------------------------------------------------------- check-in colours and stop


@pytest.mark.parametrize("step", LIVE_STEPS)
def test_red_stops_at_once_at_every_step(server, step):
    alexa = speaker(server)
    start_at(server, alexa, step)
    turn = alexa.say("red")
    assert turn.status == 200 and RED_STOP in turn.speech
    assert not step_of(turn), f"red continued the exercise: {turn.speech}"
    if not turn.ends_session:  # the only thing it may do instead is ask about rest or grounding
        assert "ground" in turn.speech.lower() and "?" in turn.speech
        assert alexa.say("no").ends_session
    assert_no_resume_offer(alexa)  # progress is gone, and nothing presses to resume


@pytest.mark.parametrize("step", LIVE_STEPS)
def test_yellow_slows_down_and_offers_to_step_back_at_every_step(server, step):
    alexa = speaker(server)
    normal = start_at(server, alexa, step)
    turn = alexa.say("yellow")
    assert turn.status == 200 and not turn.ends_session and turn.reprompt
    assert rate(turn.ssml) < rate(normal.ssml)
    assert not step_of(turn)  # it acknowledges and asks; it does not push on
    back = PREVIOUS.get(step)
    if back:
        assert "back" in turn.speech and "?" in turn.speech
    else:  # nothing before the first step: it offers to go through it again
        assert "again" in turn.speech and "?" in turn.speech
    turn = alexa.say("yes")
    assert step_of(turn) == [back or step], turn.speech
    assert rate(turn.ssml) < rate(normal.ssml)  # the guidance stays slower after yellow
    assert rate(alexa.say("next").ssml) < rate(normal.ssml)


def test_yellow_then_no_stays_on_the_step(server):
    alexa = speaker(server)
    start_at(server, alexa, "feel")
    alexa.say("yellow")
    turn = alexa.say("no")
    assert not turn.ends_session and not step_of(turn)
    assert step_of(alexa.say("next")) == ["hear"]


@pytest.mark.parametrize("step", ["arrive", "orient", CHECK])
def test_stop_ends_the_exercise_in_one_kind_sentence(server, step):
    alexa = speaker(server)
    start_at(server, alexa, step)
    turn = alexa.say("stop")
    assert turn.status == 200 and turn.ends_session and "reprompt" not in turn.response
    assert turn.speech == "We've stopped, and that's completely okay."  # one kind sentence naming nothing
    # Stopped, not paused: a later launch has nothing to pick up.
    turn = alexa.launch()
    assert RESUME_QUESTION not in turn.speech


# --------------------------------------------------------------------------- navigation and help


def test_back_repeat_and_start_over(server):
    alexa = speaker(server)
    walk_to(alexa, "breathe")
    assert step_of(alexa.say("back")) == ["orient"]
    assert step_of(alexa.say("repeat")) == ["orient"]
    assert step_of(alexa.say("next")) == ["breathe"]
    assert step_of(alexa.say("start over")) == ["arrive"]
    turn = alexa.say("back")  # nothing before the first step
    assert step_of(turn) == ["arrive"] and phrase("first_step") in turn.speech
    assert step_of(alexa.say("next")) == [WALK[1]]


def test_help_fits_the_step(server):
    alexa = speaker(server)
    helps = {}
    walk_to(alexa, "arrive")
    for step in WALK[:5]:
        turn = alexa.say("help")
        assert turn.status == 200 and not turn.ends_session and turn.reprompt
        assert opening(STEPS[step]["help"]) in turn.speech
        helps[step] = turn.speech
        assert step_of(alexa.say("next")) == [WALK[WALK.index(step) + 1]]  # help did not move the step
    assert len(set(helps.values())) == len(helps)


def test_unknown_intent_gets_a_calm_answer_and_keeps_the_step(server):
    alexa = speaker(server)
    turn = alexa.intent("SomethingElseIntent", new_session=True)
    assert turn.status == 200 and phrase("fallback") in turn.speech and not turn.ends_session
    walk_to(alexa, "orient", new_session=False)
    for name in ("SomethingElseIntent", "AMAZON.FallbackIntent"):
        turn = alexa.intent(name)
        assert turn.status == 200 and phrase("fallback") in turn.speech and not turn.ends_session
        assert b"Traceback" not in turn.raw
    assert step_of(alexa.say("next")) == ["breathe"]


# --------------------------------------------------------------------------- bad input


def _help_envelope(alexa: Speaker) -> dict:
    return alexa.envelope("AMAZON.HelpIntent", new_session=True)


def _set(path: str, value):
    def change(envelope: dict) -> None:
        *parents, last = path.split(".")
        target = envelope
        for key in parents:
            target = target[key]
        target[last] = value
    return change


def _drop(path: str):
    def change(envelope: dict) -> None:
        *parents, last = path.split(".")
        target = envelope
        for key in parents:
            target = target[key]
        del target[last]
    return change


RAW_BODIES = {
    "malformed-json": b'{"version": "1.0", "request": ',
    "empty": b"",
    "json-array": b'[{"version": "1.0"}]',
    "json-string": b'"LaunchRequest"',
    "json-null": b"null",
    "not-utf8": b'{"version": "1.0", "request": "\xff\xfe"}',
}
WRONG_TYPES = {
    "request-is-text": _set("request", "IntentRequest"),
    "request-type-number": _set("request.type", 5),
    "timestamp-nonsense": _set("request.timestamp", "yesterday"),
    "intent-is-list": _set("request.intent", ["AMAZON.HelpIntent"]),
    "slots-is-list": _set("request.intent.slots", [1, 2]),
    "context-is-text": _set("context", "x"),
    "system-is-list": _set("context.System", []),
    "user-is-text": _set("context.System.user", "someone"),
    "attributes-is-text": _set("session.attributes", "x"),
    "no-request": _drop("request"),
    "no-context": _drop("context"),
}


def assert_clean_400(turn) -> None:
    assert turn.status == 400, (turn.status, turn.raw[:300])
    assert isinstance(turn.body, dict) and isinstance(turn.body.get("error"), str)
    assert b"Traceback" not in turn.raw and b'File "' not in turn.raw and b".py" not in turn.raw


@pytest.mark.parametrize("name", RAW_BODIES)
def test_bad_bodies_get_400_json_without_traceback(server, name):
    assert_clean_400(speaker(server).post(RAW_BODIES[name]))


SCALAR_COERCIONS = {
    "user-id-number": _set("context.System.user.userId", 12345),
    "session-new-text": _set("session.new", "yes"),
    "intent-name-number": _set("request.intent.name", 7),
    "locale-number": _set("request.locale", 5),
    "slot-value-number": _set("request.intent.slots", {"exercise": {"name": "exercise", "value": 3}}),
}


WRONG_TYPED = {**WRONG_TYPES, **SCALAR_COERCIONS}


@pytest.mark.parametrize("name", WRONG_TYPED)
def test_wrong_typed_fields_get_400_json_without_traceback(server, name):
    """Fields of the wrong type are refused, not coerced (a userId 12345 must not become a person "12345")."""
    alexa = speaker(server)
    envelope = _help_envelope(alexa)
    WRONG_TYPED[name](envelope)
    assert_clean_400(alexa.post(json.dumps(envelope).encode()))


def test_unknown_request_type_gets_an_empty_200(server):
    alexa = speaker(server)
    envelope = _help_envelope(alexa)
    _set("request.type", "Foo.BarRequest")(envelope)
    turn = alexa.post(json.dumps(envelope).encode())
    assert turn.status == 200 and "outputSpeech" not in turn.response and b"Traceback" not in turn.raw


def test_session_ended_request_answers_200(server):
    alexa = speaker(server)
    walk_to(alexa, "orient")
    turn = alexa.session_ended("USER_INITIATED")
    assert turn.status == 200 and "outputSpeech" not in turn.response
    turn = alexa.session_ended("EXCEEDED_MAX_REPROMPTS")
    assert turn.status == 200
