"""The held-out corpora through POST /alexa: each line, in the state it was written for, as the request Alexa sends
from the committed interaction model (an exact sample as its intent; anything else by the capture route, the
words themselves), answered by the running web app.

Safety lines must all be honoured as the skill does it: nothing plays on, a playing hold is stopped, distress names
the crisis line, a risk to life the emergency number, being unsafe with a partner the domestic-abuse line, and the
exercise is saved as stopped. Every other line is answered exactly as its meaning is: a twin person in the same
state says the label's own intent, and the two replies must be the same (95% of them).
"""
from __future__ import annotations

import pytest

from skill.core import load_catalog
from tests.support.alexa import while_playing
from tests.support.alexa_nlu import words_request
from tests.support.corpus import HELD_OUT, SAME, STRENGTH, Line, honoured, locale_of, read
from tests.test_utterance_corpus import RESUME_QUESTION, plain_words, put_in_state

PHRASES = load_catalog().phrases
LOCALE = "en-US"
# The corpus's states as states the skill can be put in (tests/test_utterance_corpus.py, put_in_state).
STATES = {"menu": "menu", "grounding": "step:grounding:see", "checkin": "step:lying_together:settle",
          "stretch": "step:sensate_focus:first_stretch", "rating": "step:grounding:rate_before",
          "resume": "resume:lying_together"}
# A label's own request: (intent, slots) as the twin says it.
BUILTIN = {"yes": "AMAZON.YesIntent", "no": "AMAZON.NoIntent", "pause": "AMAZON.PauseIntent",
           "resume": "AMAZON.ResumeIntent", "next": "AMAZON.NextIntent", "back": "AMAZON.PreviousIntent",
           "repeat": "AMAZON.RepeatIntent", "help": "AMAZON.HelpIntent", "ground": "GroundMeIntent",
           "not_sure": "NotSureIntent", "go_on": "KeepGoingIntent", "which_one": "WhichOneIntent"}
LINES = [line for path in HELD_OUT for line in read(path)]


def alexa_request(alexa, text: str, playing: str | None) -> dict:
    """What Alexa sends for ``text`` with the committed model (tests/support/alexa_nlu.py, words_request)."""
    return words_request(alexa, text, playing)


def label_request(alexa, label: str, playing: str | None) -> dict:
    kind, _, value = label.partition(":")
    if kind in BUILTIN:
        envelope = alexa.envelope(BUILTIN[kind], new_session=alexa.session_id is None)
    elif kind in ("green", "yellow"):
        envelope = alexa.envelope("CheckInIntent", {"color": (kind, kind)}, new_session=alexa.session_id is None)
    elif kind == "start":
        envelope = alexa.envelope("StartExerciseIntent", {"exercise": (value, value)},
                                  new_session=alexa.session_id is None)
    elif kind == "setting":
        envelope = alexa.envelope("SettingIntent", {"setting": (value, value)}, new_session=alexa.session_id is None)
    elif kind == "rating":
        envelope = alexa.envelope("RatingIntent", new_session=alexa.session_id is None)
        envelope["request"]["intent"]["slots"] = {"rating": {"name": "rating", "value": value,
                                                             "confirmationStatus": "NONE"}}
    else:
        raise ValueError(label)
    return while_playing(envelope, playing)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.conftest import SkillServer

    return SkillServer(tmp_path_factory.mktemp("heldout") / "state.sqlite3")


def person(server, line: Line, who: str):
    alexa = server.speaker(user_id=f"amzn1.ask.account.HELDOUT-{line.file}-{line.number}-{who}", locale=LOCALE)
    return alexa, put_in_state(alexa, STATES[line.state])


def safety_honoured(alexa, line: Line, turn, playing: str | None) -> str | None:
    """Why a safety line was not honoured, or None."""
    said = plain_words(turn.speech)
    if turn.status != 200:
        return f"HTTP {turn.status}"
    if any(d["type"] == "AudioPlayer.Play" for d in turn.directives):
        return "audio plays on"
    if playing and {"type": "AudioPlayer.Stop"} not in turn.directives:
        return "the hold was not stopped"
    lines = {"distress": PHRASES.crisis_line(LOCALE), "at_risk": PHRASES.emergency_line(LOCALE),
             "unsafe_partner": PHRASES.domestic_abuse_line(LOCALE)}
    for label, sentence in lines.items():
        if STRENGTH[line.label] >= STRENGTH[label] and plain_words(sentence) not in said:
            return f"does not name {label}'s line: {said[:160]}"
    if line.state != "menu" and RESUME_QUESTION in plain_words(alexa.launch().speech):
        return "not saved as stopped: a new session offers to pick it up"
    return None


def twin_answers(server, line: Line):
    """What a twin in the same state hears for the label's own request, and for each reading the engine treats
    the same way (tests/support/corpus.py, SAME): "keep going" at a check-in is green."""
    for label in [line.label, *sorted(SAME.get(line.label, set()) - {line.label})]:
        twin, twin_playing = person(server, line, f"twin-{label}")
        yield plain_words(twin.post(label_request(twin, label, twin_playing)).speech)


def test_the_states_are_the_corpus_states():
    assert {line.state for line in LINES} == set(STATES)


@pytest.mark.parametrize("path", [p for p in HELD_OUT if locale_of(p) == LOCALE], ids=lambda p: p.name)
def test_held_out_lines_through_post_alexa(server, path):
    failures, misses, others, others_ok = [], [], 0, 0
    for line in read(path):
        alexa, playing = person(server, line, "says")
        turn = alexa.post(alexa_request(alexa, line.utterance, playing))
        assert turn.status == 200, (str(line), turn.raw[:200])
        if line.safety:
            why = safety_honoured(alexa, line, turn, playing)
            if why:
                failures.append(f"{line}: {why}")
            continue
        others += 1
        said = plain_words(turn.speech)
        if line.label == "other":  # ordinary talk: answered calmly, and nothing stops
            ok = bool(said) and plain_words(PHRASES["stopped"]) != said and \
                plain_words(PHRASES.crisis_line(LOCALE)) not in said
        else:
            ok = any(said == answer for answer in twin_answers(server, line))
        others_ok += ok
        if not ok:
            misses.append(f"{line}: {said[:100]}")
    print(f"{path.name}: safety {len([l for l in read(path) if l.safety]) - len(failures)} honoured, "
          f"others {others_ok}/{others}")
    assert not failures, "\n".join(failures)
    assert others_ok >= 0.95 * others, f"{others_ok}/{others}:\n" + "\n".join(misses)


def test_the_judge_is_shared_with_the_layer_tests():
    assert honoured("distress", "unsafe_partner") and not honoured("unsafe_partner", "distress")


# The trial's lines (issue "Understood in any words"), each in a state where it was said or could be, through the
# same route and judged the same way.
TRIAL = [("grounding", "at_risk", "I want to end it all"), ("grounding", "distress", "I'm not ok"),
         ("grounding", "distress", "im not okay"), ("grounding", "at_risk", "I can't go on"),
         ("grounding", "at_risk", "I feel like I'm going to die"), ("grounding", "distress", "I don't feel okay"),
         ("stretch", "unsafe_partner", "my partner is hurting me"), ("menu", "unsafe_partner", "my partner is hurting me"),
         ("checkin", "yellow", "it's getting hard"), ("stretch", "yellow", "this is getting a bit much"),
         ("rating", "rating:8", "an eight"), ("rating", "rating:8", "I'd say about an eight"),
         ("rating", "rating:5", "a bit better, maybe a five"), ("rating", "rating:6", "I'm a three and she's a six"),
         ("checkin", "yellow", "I'm green but he's yellow"), ("resume", "yes", "I'm ready"),
         ("resume", "yes", "yes I feel ready"), ("resume", "no", "not yet"), ("resume", "no", "we're not ready"),
         ("resume", "no", "my partner doesn't want to do this today")]


@pytest.mark.parametrize("state, label, text", TRIAL)
def test_the_trials_lines_through_post_alexa(server, state, label, text):
    line = Line("trial", TRIAL.index((state, label, text)), state, label, text)
    alexa, playing = person(server, line, "says")
    turn = alexa.post(alexa_request(alexa, text, playing))
    if line.safety:
        assert safety_honoured(alexa, line, turn, playing) is None
        return
    assert plain_words(turn.speech) in list(twin_answers(server, line))
    assert "no question to answer" not in plain_words(turn.speech)
