"""The console's utterance matcher, against a model built from the real catalogue and a tiny exercise file."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from skill.alexa.interaction_model import build_models
from skill.console.nlu import FALLBACK, Match, Matcher, SlotMatch, all_utterances, normalize


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    scripts = tmp_path_factory.mktemp("scripts")
    (scripts / "grounding.toml").write_text(
        'id = "grounding"\ntitle = "grounding"\nsynonyms = ["ground", "five senses"]\n'
        '[[steps]]\nid = "only"\nend = true\nsay = "This is the end."\n'
    )
    return build_models(scripts_dir=scripts)["en-US"]


@pytest.fixture(scope="module")
def matcher(model):
    return Matcher(model)


@pytest.mark.parametrize("text", [
    "open safe harbor", "Alexa, open Safe Harbor.", "launch safe harbor", "start safe harbor",
    "alexa open safe harbor", "ask safe harbor",
])
def test_launch(matcher, text):
    assert matcher.match(text) == Match("launch")


@pytest.mark.parametrize("text", ["quit", "exit", "bye", "Bye!"])
def test_console_words_end_the_session(matcher, text):
    assert matcher.match(text).kind == "session_end"


@pytest.mark.parametrize("text, intent", [
    ("help me ground", "GroundMeIntent"),
    ("I'm triggered", "GroundMeIntent"),
    ("I’m having a flashback", "GroundMeIntent"),  # typographic apostrophe
    ("next", "AMAZON.NextIntent"),
    ("pause", "AMAZON.PauseIntent"),
    ("resume", "AMAZON.ResumeIntent"),
    ("go back", "AMAZON.PreviousIntent"),
    ("start over", "AMAZON.StartOverIntent"),
    ("I need to stop", "AMAZON.StopIntent"),
    ("stop", "AMAZON.StopIntent"),
    ("I'm okay", "KeepGoingIntent"),
    ("I'm not okay", "DistressIntent"),
    ("I want to die", "AtRiskIntent"),
    ("help", "AMAZON.HelpIntent"),
])
def test_plain_intents(matcher, text, intent):
    m = matcher.match(text)
    assert (m.kind, m.intent, m.slots, m.one_shot) == ("intent", intent, {}, False)


@pytest.mark.parametrize("text", ["ask safe harbor to help me ground", "Alexa, ask Safe Harbor to help me ground"])
def test_one_shot(matcher, text):
    assert matcher.match(text) == Match("intent", "GroundMeIntent", {}, one_shot=True)


def test_one_shot_with_slot(matcher):
    m = matcher.match("tell safe harbor I'm red")
    assert (m.intent, m.one_shot, m.slots["color"].value_id) == ("CheckInIntent", True, "red")


@pytest.mark.parametrize("text, raw, value_id", [
    ("red", "red", "red"),
    ("I'm yellow", "yellow", "yellow"),
    ("I'm at amber", "amber", "yellow"),
    ("Green light.", "green light", "green"),
    ("my color is RED", "red", "red"),
    ("Red, please.", "red", "red"),
    ("I'm at red light", "red light", "red"),
])
def test_check_in_colours(matcher, text, raw, value_id):
    m = matcher.match(text)
    assert m.intent == "CheckInIntent"
    assert m.slots["color"].raw == raw and m.slots["color"].value_id == value_id


def test_start_known_exercise(matcher):
    m = matcher.match("start grounding")
    assert m.intent == "StartExerciseIntent"
    assert m.slots == {"exercise": SlotMatch("grounding", "grounding", "grounding")}


def test_synonym_resolves_to_the_exercise_id(matcher):
    slot = matcher.match("can we do five senses").slots["exercise"]
    assert slot == SlotMatch("five senses", "grounding", "grounding")


def test_most_literal_words_wins(matcher):
    # "begin {exercise}" would capture "the grounding exercise"; the longer pattern is more specific.
    m = matcher.match("begin the grounding exercise")
    assert m.slots["exercise"] == SlotMatch("grounding", "grounding", "grounding")
    # Also when nothing resolves: the captured text is the bare name, not "the juggling exercise".
    assert matcher.match("begin the juggling exercise").slots["exercise"] == SlotMatch("juggling", None, None)


def test_unknown_exercise_keeps_no_value(matcher):
    m = matcher.match("start juggling")
    assert m.intent == "StartExerciseIntent"
    assert m.slots == {"exercise": SlotMatch("juggling", None, None)}


def test_unresolved_slot_in_a_pattern_with_words_still_matches(matcher):
    m = matcher.match("I'm purple")
    assert m.intent == "CheckInIntent" and m.slots["color"].value_id is None


@pytest.mark.parametrize("text", ["blorp wizzle frang", "purple", "", "?!", "juggling"])
def test_gibberish_falls_back(matcher, text):
    # A bare {color} sample must not swallow arbitrary text.
    assert matcher.match(text) == Match("intent", FALLBACK)


def test_every_model_sample_matches_its_own_intent(model, matcher):
    fill = {"exercise": "grounding", "color": "yellow", "rating": "seven", "upper": "eight", "minutes": "20", "setting": "less talking"}
    for intent, sample in all_utterances(model):
        text = re.sub(r"\{(\w+)\}", lambda g: fill[g.group(1)], sample)
        m = matcher.match(text)
        assert m.intent == intent, f"{text!r} -> {m.intent}, expected {intent}"
        assert all(s.value_id for s in m.slots.values()), text


def test_normalize():
    assert normalize("Alexa, I'M  'Yellow'!") == "i'm yellow"
    assert normalize("alexa") == ""


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_a_well_formed_match(matcher, text):
    m = matcher.match(text)
    assert m.kind in ("launch", "intent", "session_end")
    if m.kind == "intent":
        assert m.intent


@pytest.mark.parametrize("text,number", [("seven", "7"), ("it's a 3", "3"), ("about a ten", "10"), ("0", "0")])
def test_ratings_arrive_as_number_slots(matcher, text, number):
    m = matcher.match(text)
    assert m.intent == "RatingIntent" and m.slots["rating"] == SlotMatch(number, number, number, builtin=True)


def test_a_stretch_length_and_settings(matcher):
    assert matcher.match("make it twenty five minutes").slots["minutes"].value_id == "25"
    m = matcher.match("less talking please")
    assert m.intent == "SettingIntent" and m.slots["setting"].value_id == "less_talking"
    assert matcher.match("I'll go first").intent == "GoFirstIntent"
    assert matcher.match("delete my data").intent == "DeleteDataIntent"
