"""The understanding layer (skill/understanding): people's own words, screened for safety first.

The held-out corpora (tests/heldout/) were written by someone who read neither the catalogue nor the code; no line
of them may ever become a sample. The development corpora (tests/understanding/) were written the same way and were
used to tune the screen's word lists.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from skill.core.events import Ev, Event
from skill.intents import catalogue as cat
from skill.understanding import SAFETY_KINDS, reader_for, understand
from skill.understanding.language import LanguageError, load_language
from tests.support.corpus import DEVELOPMENT, HELD_OUT, assert_meets_bar, locale_of, read, reading, score

READER = reader_for("en-US")


LANGUAGES_HELD_OUT = sorted({locale_of(path)[:2] for path in HELD_OUT})


@pytest.mark.parametrize("language", LANGUAGES_HELD_OUT)
def test_the_held_out_corpora_are_large_and_cover_the_six_states(language):
    """English's first corpus has 300 lines or more; each other language's at least 100 (issue 23)."""
    paths = [path for path in HELD_OUT if locale_of(path)[:2] == language]
    lines = [line for path in paths for line in read(path)]
    assert len(read(paths[0])) >= (300 if language == "en" else 100)
    states = {line.state for line in lines}
    assert states == {"menu", "grounding", "checkin", "stretch", "rating", "resume"}
    for state in states:
        assert sum(line.safety for line in lines if line.state == state) >= 20, state


@pytest.mark.parametrize("locale", cat.locales())
def test_no_held_out_line_is_a_sample(locale):
    """Not as written in the catalogue file, with its slots filled by every name of every value, nor as a slot
    value's name, in any locale. (The catalogue's templates put fillers such as "um" or "right now" around short
    samples; a held-out line that a template happens to make is no line copied into the catalogue.)"""
    catalogue = cat.load(locale)
    known = {text for intent in catalogue.intents.values() if not intent.capture
             for sample in intent.written for text in catalogue.expansions(sample, intent)}
    known |= {cat.normalize(v.name) for t in catalogue.types.values() for v in t.values}
    for path in [p for p in HELD_OUT if locale_of(p)[:2] == locale[:2]]:
        for line in read(path):
            assert cat.normalize(line.utterance) not in known, f"{line} is in the catalogue"


@pytest.mark.parametrize("path", HELD_OUT, ids=lambda p: p.name)
def test_held_out_every_safety_line_and_95_percent_of_the_others(path):
    print(f"{path.name}: {assert_meets_bar(path, locale_of(path))}")


@pytest.mark.parametrize("path", HELD_OUT + DEVELOPMENT, ids=lambda p: p.name)
def test_false_alarms_on_ordinary_lines_stay_under_two_percent(path):
    result, _ = score(read(path), locale_of(path) if path in HELD_OUT else "en-US")
    assert result.ordinary >= 150
    assert result.alarms < 0.02 * result.ordinary, str(result)


# ---- the trial's lines (issue: "Understood in any words"), each honoured ----------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("I want to end it all", "at_risk"),
    ("I'm not ok", "distress"),
    ("im not okay", "distress"),
    ("I can't go on", "at_risk"),
    ("I feel like I'm going to die", "at_risk"),
    ("I don't feel okay", "distress"),
    ("my partner is hurting me", "unsafe_partner"),
    ("it's getting hard", "yellow"),
    ("this is getting a bit much", "yellow"),
    ("an eight", "rating:8"),
    ("I'd say about an eight", "rating:8"),
    ("a bit better, maybe a five", "rating:5"),
    ("I'm a three and she's a six", "rating:6"),
    ("six or seven", "rating:7"),
    ("I'm green but he's yellow", "yellow"),
    ("we're yellow and I'm red", "red"),
    ("I'm ready", "yes"),
    ("yes I feel ready", "yes"),
    ("not yet", "no"),
    ("we're not ready", "no"),
    ("my partner doesn't want to do this today", "no"),
])
def test_the_trials_lines(text, expected):
    assert reading(understand(text).event) == expected


@pytest.mark.parametrize("text, kind", [
    ("let go of me", "stop"), ("please let me go", "stop"), ("back off", "stop"), ("I need some space", "stop"),
    ("give me room", "stop"), ("stop hugging me", "stop"), ("you're holding me too tight", "stop"),
    ("I feel trapped", "distress"), ("I feel so smothered", "distress"), ("this is claustrophobic", "distress"),
    ("I want to run away", "distress"),
])
def test_a_body_boundary_or_feeling_trapped_stops_the_closeness(text, kind):
    # In a hug or a touch stretch these end the contact; read as "back a step" or not at all, they would not.
    assert understand(text).screened == kind


@pytest.mark.parametrize("text", ["the red blanket is softer", "red wine's on the table", "I'm dying to try that",
                                  "she beat me at cards", "my phone's about to die", "stop by the shop later"])
def test_alarming_words_in_everyday_talk_are_no_safety_signal(text):
    assert understand(text).screened not in SAFETY_KINDS


@pytest.mark.parametrize("text, kind", [
    ("I'm not scared", None), ("don't stop", None), ("I'm not okay", "distress"), ("no, stop", "stop"),
    ("I don't want to live", "at_risk"), ("I can't stop crying", "distress"),
])
def test_negation_turns_a_feeling_round_but_never_a_plea(text, kind):
    assert understand(text).screened == kind


def test_the_screen_goes_first_and_the_most_serious_kind_wins():
    # a stop and a partner hurting: the line for being unsafe is named
    assert reading(understand("stop, he's hurting me").event) == "unsafe_partner"
    assert reading(understand("red, and I can't breathe").event) == "at_risk"
    assert understand("stop").confidence == 1.0


@pytest.mark.parametrize("text", [
    "stop the reminders", "stop my reminders", "cancel the reminders", "turn off the reminders",
    "no more reminders", "no more reminders please", "please stop all the reminders", "end the reminders", "stop the practice reminders",
    "I want to stop the reminders", "cancel my reminder for now", "stop reminding me",
    # One reminder, or reminders named by kind or time, are still a delete ("practice reminders" alone sets one).
    "end the practice reminders", "remove my practice reminder", "get rid of the evening reminder",
    "delete the tuesday reminder", "turn the morning reminder off",
])
def test_a_stop_of_the_reminders_is_no_stop_of_the_exercise(text):
    got = understand(text)
    assert got.event == Event(Ev.DELETE_REMINDERS) and got.screened is None, got


@pytest.mark.parametrize("text, expected", [
    ("stop", "stop"), ("stop it", "stop"), ("stop please", "stop"), ("no more", "stop"), ("cancel", "stop"),
    ("stop, I'm not okay", "distress"), ("stop the reminders, I'm scared", "distress"),
    ("I can't do this, stop the reminders", "distress"), ("stop the reminders, he's hurting me", "unsafe_partner"),
    ("stop the reminders, I want to end it all", "at_risk"),
    # more than the reminders named: the exercise stops too
    ("stop the reminders and stop this", "stop"), ("cancel the reminders and the exercise", "stop"),
    ("stop the reminders, I'm done", "stop"), ("no more reminders, no more of this", "stop"),
    # a red beside a stop that was set aside is still red
    ("red, stop the reminders", "red"), ("stop the reminders, red", "stop"),
])
def test_the_reminders_named_beside_a_stop_or_distress_never_hide_it(text, expected):
    assert reading(understand(text).event) == expected


def test_maybe_distress_is_asked_about_not_ignored():
    assert understand("I feel a bit off").event == Event(Ev.UNSURE)


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_every_sample_of_the_catalogue_is_understood_as_its_intent_or_safer(locale):
    """Every written sample, each slot filled with a name of its type: the intent's own event, or a safety event
    (the screen may read a stop sample as distress: stop wins)."""
    catalogue, reader = cat.load(locale), reader_for(locale)
    checked = 0
    for intent in catalogue.intents.values():
        if intent.capture:
            continue
        for sample in intent.written:
            text = next(catalogue.expansions(sample, intent))
            got = reader.understand(text)
            expected_kind = Ev(intent.event)
            assert got.event.kind == expected_kind or got.screened in SAFETY_KINDS, (text, intent.name, got)
            checked += 1
    assert checked > 500


def test_numbers_in_sentences():
    assert READER.numbers("eight out of ten") == [8]
    assert READER.numbers("between six and seven") == [6, 7]
    assert understand("make it three minutes").event == Event(Ev.SET_LENGTH, "3")
    assert understand("nought, I'm fine").event == Event(Ev.RATING, "0")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_read_without_error(text):
    got = understand(text)
    assert isinstance(got.event, Event) and 0.0 <= got.confidence <= 1.0


def test_a_language_file_error_names_the_file_and_the_field(tmp_path):
    (tmp_path / "xx.toml").write_text('[[screen]]\nkind = "maybe"\npatterns = ["x"]\n'
                                      '[colors]\ngreen=["g"]\nyellow=["y"]\nred=["r"]\n')
    with pytest.raises(LanguageError, match=r"xx.toml: field 'screen\[0\].kind'"):
        load_language("xx", tmp_path)
    (tmp_path / "yy.toml").write_text('[[screen]]\nkind = "stop"\npatterns = ["{nowhere}"]\n')
    with pytest.raises(LanguageError, match=r"yy.toml: .*unknown word list \{nowhere\}"):
        load_language("yy", tmp_path)


def test_the_committed_classifier_matches_the_catalogue():
    from pathlib import Path
    from skill.understanding.build import check_files

    assert check_files(Path(__file__).resolve().parents[1]) == []


def test_a_locale_without_a_catalogue_is_read_in_english():
    assert reader_for("en-NZ").catalogue.locale.startswith("en")
    assert reader_for("xx-YY").catalogue.locale == "en-US"


def test_the_pattern_placeholders_are_all_word_lists():
    text = (load_language.__wrapped__ if hasattr(load_language, "__wrapped__") else load_language)
    assert text("en").rules and all(not re.search(r"\{\w+\}", r.pattern.pattern) for r in text("en").rules)


def test_training_is_deterministic_and_reproduces_the_committed_model(tmp_path):
    """Built at build time from the catalogue alone: the same catalogue gives the same weights, byte for byte."""
    import json
    import shutil
    from pathlib import Path
    from skill.understanding.build import MODELS_SUBDIR, write_files

    repo = Path(__file__).resolve().parents[1]
    for sub in ("skill/intents/locales", "skill/audio_scripts"):
        shutil.copytree(repo / sub, tmp_path / sub)
    written = write_files(tmp_path)
    assert {p.name for p in written} == {p.name for p in (repo / MODELS_SUBDIR).glob("*.json")}
    for path in written:
        assert json.loads(path.read_text()) == json.loads((repo / MODELS_SUBDIR / path.name).read_text()), path.name
