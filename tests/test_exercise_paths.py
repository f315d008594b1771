"""Every path of every exercise, through POST /alexa: each step reached, each way out, red and yellow at
every step, and every response valid SSML within Alexa's rules."""
from __future__ import annotations

import re
from collections import deque

import pytest

from skill.core import load_catalog
from skill.alexa.ssml import rate_text, ssml_problems
from tests.support.alexa import while_playing

CATALOG = load_catalog()
PACING = CATALOG.pacing
EXERCISES = sorted(CATALOG.exercises)
# How each answer is said to the skill.
SAY = {"next": ("next",), "yes": ("yes",), "no": ("no",), "first": ("GoFirstIntent",),
       "rating": ("rating", "2"), "distress": ("rating", "9")}
# Before and after ratings for "distress": a rise from 2 to 9, which also names the crisis line.


def first_words(text: str, n: int = 6) -> str:
    """The opening words of a content text, as they appear in speech (markup and placeholders removed)."""
    words = re.sub(r"\[(?:pause|breath) [\d.]+\]|\{\w+\}", " ", text).split()
    return " ".join(words[:n])


def paths(exercise) -> dict[str, list[str]]:
    """The shortest list of answers from the first step to each step (breadth first over the content)."""
    found = {exercise.first.id: []}
    queue = deque([exercise.first])
    while queue:
        step = queue.popleft()
        for answer, target in step.on.items():
            if answer not in SAY:
                continue
            nxt = exercise.following(step.id) if target == "next" else exercise.step(target)
            if nxt is not None and nxt.id not in found:
                found[nxt.id] = found[step.id] + [answer]
                queue.append(nxt)
    return found


def send(alexa, answer: str):
    kind, *value = SAY[answer]
    if kind == "GoFirstIntent":
        envelope = alexa.envelope("GoFirstIntent")
    elif kind == "rating":
        envelope = alexa.envelope("RatingIntent")
        envelope["request"]["intent"]["slots"] = {"rating": {"name": "rating", "value": value[0],
                                                             "confirmationStatus": "NONE"}}
    else:
        return alexa.say(kind)
    return alexa.post(envelope)


def open_exercise(alexa, exercise_id: str):
    turn = alexa.say(f"start:{exercise_id}")
    gate = CATALOG.exercises[exercise_id].gate
    if gate:  # each partner is asked in turn
        assert "ready" in turn.speech
        alexa.say("yes")
        turn = alexa.say("yes")
    return turn


def reach(alexa, exercise_id: str, step_id: str, responses: list | None = None):
    exercise = CATALOG.exercises[exercise_id]
    turn = open_exercise(alexa, exercise_id)
    answers = paths(exercise)[step_id]
    for answer in answers:
        if responses is not None:
            responses.append(turn)
        turn = send(alexa, answer)
    step = exercise.step(step_id)
    if not step.end:  # after a rise in distress, the next time is gentle
        assert any(first_words(t) in turn.speech for t in (step.say, step.gentle) if t), (step_id, turn.speech)
    return turn


@pytest.fixture(scope="module")
def ready_server(tmp_path_factory):
    """A server on which this person finished sensate focus twice and is offered the next step."""
    from tests.conftest import SkillServer

    server = SkillServer(tmp_path_factory.mktemp("paths") / "state.sqlite3")
    return server


def ready_speaker(server, name: str):
    alexa = server.speaker(user_id=f"amzn1.ask.account.PATHS-{name}")
    for _ in range(2):
        turn = open_exercise(alexa, "sensate_focus")
        for _ in range(30):
            turn = alexa.say("next")
            if turn.ends_session and not turn.directives:
                break
    assert "end of today's sensate focus" in turn.speech
    return alexa


STEPS = [(e, s.id) for e in EXERCISES for s in CATALOG.exercises[e].steps]


def speaker_for(server, exercise_id: str, step_id: str, tag: str):
    name = f"{exercise_id}-{step_id}-{tag}"
    if CATALOG.exercises[exercise_id].gate:
        return ready_speaker(server, name)
    return server.speaker(user_id=f"amzn1.ask.account.PATHS-{name}")


@pytest.mark.parametrize("exercise_id,step_id", STEPS)
def test_every_step_is_reachable_and_has_a_way_out(ready_server, exercise_id, step_id):
    alexa = speaker_for(ready_server, exercise_id, step_id, "way")
    responses: list = []
    turn = reach(alexa, exercise_id, step_id, responses)
    responses.append(turn)
    step = CATALOG.exercises[exercise_id].step(step_id)
    if step.end:
        assert turn.ends_session and not turn.directives
        assert re.search(r"\bend\b", turn.speech), "an ending said as such"
    else:
        ways = [a for a in step.on if a in SAY]
        assert ways, f"{step_id} answers nothing that leads on"
        for answer in ways:
            reach(alexa, exercise_id, step_id)
            out = send(alexa, answer)
            responses.append(out)
            assert out.status == 200 and out.ssml, (answer, out.body)
    for response in responses:
        for ssml in (response.ssml, response.reprompt_ssml):
            if ssml:
                assert not ssml_problems(ssml), (step_id, ssml_problems(ssml))


@pytest.mark.parametrize("exercise_id,step_id", [(e, s) for e, s in STEPS
                                                 if not CATALOG.exercises[e].step(s).end])
def test_red_at_every_step_stops_at_once(ready_server, exercise_id, step_id):
    alexa = speaker_for(ready_server, exercise_id, step_id, "red")
    turn = reach(alexa, exercise_id, step_id)
    envelope = alexa.envelope("CheckInIntent", {"color": ("red", "red")})
    playing = next((d["audioItem"]["stream"]["token"] for d in turn.directives if d["type"] == "AudioPlayer.Play"),
                   None)
    while_playing(envelope, playing, 3000)
    red = alexa.post(envelope)
    sentences = re.split(r"(?<=[.!?])\s+", red.speech)
    assert red.status == 200 and "stopped" in sentences[0], "says so in one calm sentence"
    offer = re.search(r"\b(rest|grounding)\b", red.speech.lower())
    assert len(sentences) <= 3 and offer, "then offers rest or grounding"
    if playing:
        assert [d["type"] for d in red.directives] == ["AudioPlayer.Stop"]
    step = CATALOG.exercises[exercise_id].step(step_id)
    assert first_words(step.say) not in red.speech  # the step does not go on
    if not red.ends_session:
        assert "grounding" in red.speech  # offers rest or grounding
        assert alexa.say("no").ends_session
    # Never presses to resume: the next launch offers nothing to pick up.
    assert "pick it up" not in alexa.launch().speech


@pytest.mark.parametrize("exercise_id,step_id", [(e, s) for e, s in STEPS
                                                 if not CATALOG.exercises[e].step(s).end])
def test_yellow_at_every_step_gives_the_slower_variant(ready_server, exercise_id, step_id):
    alexa = speaker_for(ready_server, exercise_id, step_id, "yellow")
    reach(alexa, exercise_id, step_id)
    turn = alexa.say("yellow", new_session=alexa.session_id is None)
    assert f'rate="{rate_text(PACING["gentle"])}"' in turn.ssml and "slow down" in turn.speech
    assert "Would you like" in turn.speech and not turn.ends_session
    again = alexa.say("yes")  # back a step, or this step again: slower either way
    assert f'rate="{rate_text(PACING["gentle"])}"' in again.ssml and f'rate="{rate_text(PACING["normal"])}"' not in again.ssml
    step = CATALOG.exercises[exercise_id].step(step_id)
    if step.gentle and step_id == CATALOG.exercises[exercise_id].first.id:
        assert first_words(step.gentle) in again.speech


def test_less_talking_uses_the_brief_wording_and_is_remembered(server):
    alexa = server.speaker()
    alexa.launch()
    alexa.intent("SettingIntent", {"setting": ("less talking", "less_talking")})
    brief = CATALOG.exercises["sensate_focus"].first.brief
    turn = server.restart().speaker().say("start:sensate_focus")
    assert first_words(brief, 8) in turn.speech
