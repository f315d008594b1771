"""The intent catalogue: people's own words understood, no sample claimed by two intents, slot values read
even when resolution fails, and the console hearing exactly what the Alexa model was given."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from skill.intents import catalogue
from skill.intents.catalogue import CatalogueError, normalize
from skill.alexa.interaction_model import ALEXA_INTENTS, NEUTRAL_INTENTS, build_models, load_model
from tests.support.alexa_nlu import CAPTURE, CAPTURE_SLOT, Matcher, all_utterances

LOCALES_DIR = Path(catalogue.__file__).parent / "locales"
LOCALES = catalogue.locales()
ENGLISH = [loc for loc in LOCALES if loc.startswith("en-")]

# Every phrase the issue names, with the intent it must reach (neutral names).
ISSUE_PHRASES = {
    "stop": "stop", "I need to stop": "stop", "stop please": "stop", "please stop": "stop", "enough": "stop",
    "we're done": "stop", "no more please": "stop",
    "red please": "checkin", "it's red": "checkin", "red for me": "checkin", "I'm at yellow": "checkin",
    "green please": "checkin",
    "slow down please": "slow_down", "slower": "slow_down", "too fast": "slow_down",
    "I want to die": "at_risk", "I want to hurt myself": "at_risk", "I can't breathe": "at_risk",
    "I'm scared": "distress", "I'm not okay": "distress", "this is too much": "distress",
    "I'm panicking": "distress",
    "grounding": "start_exercise", "lay together": "start_exercise", "let's do lying together": "start_exercise",
    "I need a break": "take_break", "give me a minute": "take_break",
    "go on": "keep_going", "keep going": "keep_going", "I'm okay": "keep_going",
    "we're ready": "yes", "we're not ready": "no",
    "8 out of 10": "rating", "six or seven": "rating", "I don't know": "not_sure",
    "no, start over": "start_over", "which one?": "which_one", "let's do the next step": "next",
    "I'm triggered": "ground", "help me ground": "ground", "pause": "pause", "less talking": "setting",
}


@pytest.fixture(scope="module", params=LOCALES)
def locale(request):
    return request.param


@pytest.fixture(scope="module")
def matchers():
    return {loc: Matcher(load_model(loc), loc) for loc in LOCALES}


@pytest.mark.parametrize("english", ENGLISH)
@pytest.mark.parametrize("phrase,intent", ISSUE_PHRASES.items())
def test_every_phrase_the_issue_names_reaches_its_intent(matchers, english, phrase, intent):
    match = matchers[english].match(phrase)
    assert NEUTRAL_INTENTS.get(match.intent) == intent, (phrase, match.intent)
    assert all(s.value_id for s in match.slots.values()), match.slots


def test_no_text_belongs_to_two_intents_with_every_slot_value_filled(locale):
    assert catalogue.load(locale).collisions() == []


def test_the_collision_check_catches_a_clash(tmp_path):
    shutil.copytree(LOCALES_DIR, tmp_path / "locales")
    us = tmp_path / "locales" / "en-US.toml"
    # A stop sample that a filled-in "{exercise} please" would also make.
    us.write_text(us.read_text() + '\n[intents.stop]\nsamples = ["grounding please"]\n')
    clashes = catalogue.load("en-US", tmp_path / "locales").collisions()
    assert clashes and "'grounding please' is both start_exercise and stop" in clashes[0]


def test_every_intent_has_an_alexa_name_and_an_engine_event():
    from skill.core import Ev

    for loc in LOCALES:
        cat = catalogue.load(loc)
        assert set(cat.intents) == set(ALEXA_INTENTS)
        for intent in cat.intents.values():
            Ev(intent.event)  # raises for an event the engine does not have


def test_catalogue_errors_name_the_file(tmp_path):
    (tmp_path / "en.toml").write_text('invocation = "x"\n[intents.stop]\nevent = "stop"\nsamples = ["stop 2"]\n')
    (tmp_path / "en-US.toml").write_text('extends = "en"\n')
    with pytest.raises(CatalogueError, match=r"en.toml: intent stop: sample 'stop 2'"):
        catalogue.load("en-US", tmp_path)
    (tmp_path / "en-US.toml").write_text('extends = "en-US"\n')
    with pytest.raises(CatalogueError, match="extends itself"):
        catalogue.load("en-US", tmp_path)


# ---- the console hears exactly what the model was given ------------------------------------------


def test_the_console_matcher_holds_only_the_models_samples(locale):
    model = load_model(locale)
    matcher = Matcher(model, locale)
    samples = all_utterances(model)
    assert set(matcher._exact) == {normalize(s, locale[:2]) for _, s in samples if "{" not in s}
    assert sorted((p.intent, p.regex.pattern) for p in matcher._patterns) == sorted(
        (i, matcher._compile(i, s).regex.pattern) for i, s in samples if "{" in s)


def test_the_console_understands_every_sample_with_every_slot_value(locale):
    cat = catalogue.load(locale)
    matcher = Matcher(load_model(locale), locale)
    tried = 0
    for intent in cat.intents.values():
        for sample in intent.samples:
            for text in cat.expansions(sample, intent):
                match = matcher.match_intent(text)
                assert NEUTRAL_INTENTS[match[0]] == intent.name, (text, match[0], intent.name)
                assert all(s.value_id for s in match[1].values()), text
                tried += 1
    assert tried > 1000


@pytest.mark.parametrize("text", [
    "shut up", "be quiet", "off", "nevermind", "what's up", "tell me a joke", "banana", "yes yes no",
    "stop stop stop", "keep going on and on",
])
def test_what_no_sample_matches_reaches_the_skill_as_words(matchers, text):
    # The model's catch-all hands the whole utterance over; the skill's understanding layer reads it.
    match = matchers["en-US"].match(text)
    assert match.intent == CAPTURE and match.slots[CAPTURE_SLOT].raw == text


def test_locale_words_stay_in_their_locale(matchers):
    assert NEUTRAL_INTENTS[matchers["en-GB"].match("my colour is red").intent] == "checkin"
    assert matchers["en-US"].match("my colour is red").intent != "CheckInIntent" or \
        matchers["en-US"].match("my colour is red").slots["color"].value_id is None
    assert matchers["en-GB"].match("I'm not coping").intent == "DistressIntent"
    assert matchers["en-US"].match("I'm not coping").intent != "DistressIntent"


# ---- slot values: resolution id first, then the words heard ---------------------------------------


@pytest.mark.parametrize("resolved,spoken,expected", [
    ("yellow", "red", "yellow"),  # the resolution id wins when there is one
    (None, "Red.", "red"), (None, "RED", "red"), (None, "red light", "red"), (None, "Red, please!", "red"),
    (None, "read", "red"), (None, "not green, red", "red"), (None, "green or red", "red"),
    (None, "Amber.", "yellow"), (None, "yellow-ish", "yellow"), (None, "kind of yellow", "yellow"),
    (None, "green", "green"), (None, "all green", "green"),
    (None, "purple", None), (None, "", None), (None, None, None),
    ("no-such-id", "red", "red"),  # an id the type does not have is not trusted
])
def test_colour_values(resolved, spoken, expected):
    assert catalogue.load("en-US").match_value("colour", resolved, spoken) == expected


@pytest.mark.parametrize("type_name,resolved,spoken,expected", [
    ("exercise", None, "Lay together", "lying_together"),
    ("exercise", None, "grounding.", "grounding"),
    ("exercise", "sensate_focus", None, "sensate_focus"),
    ("exercise", None, "juggling", None),
    ("setting", None, "Less talking", "less_talking"),
    ("number", None, "7", "7"),
])
def test_other_values(type_name, resolved, spoken, expected):
    assert catalogue.load("en-US").match_value(type_name, resolved, spoken) == expected


@pytest.mark.parametrize("intent,slots,event", [
    ("rating", {"rating": (None, "6"), "upper": (None, "7")}, ("rating", "7")),
    ("rating", {"rating": (None, "8")}, ("rating", "8")),
    ("rating", {"rating": (None, "?")}, ("rating", "?")),
    ("rating", {}, ("rating", None)),
    ("slow_down", {}, ("checkin", "yellow")),
    ("take_break", {}, ("pause", None)),
    ("at_risk", {}, ("distress", "at_risk")),
    ("distress", {}, ("distress", None)),
    ("checkin", {"color": (None, "Red.")}, ("checkin", "red")),
    ("no_such_intent", {}, ("fallback", None)),
])
def test_events(intent, slots, event):
    assert catalogue.load("en-US").event_for(intent, slots) == event


@pytest.mark.parametrize("text,expected", [
    ("8 out of 10", "eight out of ten"), ("No, start over.", "no start over"), ("I’m OK", "i'm ok"),
    ("twenty-five", "twenty five"), ("1234", "1234"), ("  ", ""),
])
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_the_model_is_written_from_the_catalogue():
    built = build_models()
    for loc in LOCALES:
        assert built[loc] == load_model(loc)
        cat = catalogue.load(loc)
        model_samples = {(NEUTRAL_INTENTS[i], s) for i, s in all_utterances(built[loc])}
        assert model_samples == {(i.name, s) for i in cat.intents.values() for s in i.samples}


def test_samples_are_everyday_words():
    # Voice models refuse digits and most punctuation; the loader refuses them too, naming the file. Letters of
    # the locale's language are words (Alexa's German, Spanish and French models take "ü", "ñ", "ç").
    for loc in LOCALES:
        for intent in catalogue.load(loc).intents.values():
            for sample in intent.samples:
                assert re.fullmatch(r"(?:[^\W\d_]|[' .{}_])+", sample), sample
                assert sample.isascii() or not loc.startswith("en-"), sample


def test_samples_with_digits_or_hyphens_are_refused_naming_the_file(tmp_path):
    (tmp_path / "fr.toml").write_text('invocation = "x"\n[intents.stop]\nevent = "stop"\nsamples = ["arrête-toi"]\n')
    (tmp_path / "fr-FR.toml").write_text('extends = "fr"\n')
    with pytest.raises(CatalogueError, match=r"fr.toml: intent stop: sample 'arrête-toi'"):
        catalogue.load("fr-FR", tmp_path)


@pytest.mark.parametrize("text,language,expected", [
    ("Ça va, 8 sur 10 !", "fr", "ça va huit sur dix"), ("Mir geht's gut, 25", "de", "mir geht's gut fünfundzwanzig"),
    ("¿Estás bien? 7", "es", "estás bien siete"), ("ÜBER", "de", "über"),
])
def test_normalize_keeps_each_languages_letters_and_says_numbers_in_it(text, language, expected):
    assert normalize(text, language) == expected
