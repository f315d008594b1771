"""The rules for words (docs/writing-content.md), checked on every text the skill can say.

Reads the content files through ``skill.core.load_catalog()``: every step text of every exercise (say, gentle,
brief, reprompt, help, say_without_clock), every shared phrase, the day sentences and the crisis lines.
"""
from __future__ import annotations

import re

import pytest

from skill.core import load_catalog
from skill.core.speech import digits
from skill.alexa.ssml import ssml_problems, to_ssml

CATALOG = load_catalog()
PHRASES = CATALOG.phrases
EXERCISES = CATALOG.exercises
PARTNERED = sorted(e.id for e in EXERCISES.values() if e.partnered)
STEP_FIELDS = ("say", "gentle", "brief", "reprompt", "help", "say_without_clock")


def all_texts() -> list[tuple[str, str]]:
    """(where, text) for every text the skill can speak, and the names people say."""
    out: list[tuple[str, str]] = []
    for exercise in EXERCISES.values():
        out.append((f"{exercise.id}.title", exercise.title))
        out += [(f"{exercise.id}.synonyms", s) for s in exercise.synonyms]
        for step in exercise.steps:
            out += [(f"{exercise.id}.{step.id}.{f}", getattr(step, f)) for f in STEP_FIELDS if getattr(step, f)]
    out += [(f"phrases.{k}", v) for k, v in PHRASES.text.items()]
    out += [(f"today.{k}", v) for k, v in PHRASES.today.items()]
    out += [(f"crisis_lines.{k}", v) for k, v in PHRASES.crisis_lines.items()]
    return out


TEXTS = all_texts()
assert len(TEXTS) > 150, "the content was not read"

# Explicit sexual or anatomical words, and arousal talk: none, anywhere (docs/writing-content.md, principle 4
# and "Sensate focus").
EXPLICIT = [
    "sex", "sexes", "sexual", "sexually", "sexuality", "sexy", "genital", "genitals", "genitalia", "nipple", "nipples",
    "breast", "breasts", "orgasm", "orgasms", "orgasmic", "arousal", "aroused", "arouse", "arousing", "erection",
    "erect", "penis", "vagina", "vaginal", "vulva", "clitoris", "testicles", "scrotum", "anus", "anal", "buttocks",
    "groin", "crotch", "naked", "nude", "nudity", "undress", "undressed", "foreplay", "climax", "intercourse",
    "penetration", "masturbate", "masturbation", "turned on", "turn you on", "horny", "erotic", "sensual", "lust",
    "lustful", "ejaculate", "ejaculation", "lubricant", "condom",
]
# The affair and the other person are never named (docs/writing-content.md, "Voice and style").
AFFAIR = [
    "affair", "affairs", "cheat", "cheated", "cheating", "cheater", "betray", "betrayed", "betrayal", "porn",
    "pornography", "infidelity", "unfaithful", "adultery", "the other woman", "the other man", "the other person",
    "lover", "lovers",
    "mistress", "hookup",
]
# Pressure words (docs/writing-content.md, "Voice and style": invite, avoid "you should" and "relax").
PRESSURE = ["you should", "you must", "must", "relax", "relaxed", "relaxing", "calm down", "you have to",
            "you need to relax"]

def words_pattern(terms: list[str]) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in terms) + r")\b", re.IGNORECASE)


def found(terms: list[str], text: str) -> list[str]:
    return words_pattern(terms).findall(text)


def test_the_word_lists_match_whole_words_only():
    """The checks catch what they should, and nothing that merely contains a word."""
    assert found(EXPLICIT, "Notice if you feel Aroused.") == ["Aroused"]
    assert found(EXPLICIT, "if you're turned\non") == ["turned\non"]
    assert found(EXPLICIT, "Essex, sextant and unisex") == []
    assert found(AFFAIR, "a clover and a cheater") == ["cheater"]
    assert found(PRESSURE, "Mustard is fine, and we must go.") == ["must"]
    assert found(PRESSURE, "You should relax.") == ["You should", "relax"]


@pytest.mark.parametrize("where,text", TEXTS, ids=[w for w, _ in TEXTS])
def test_no_explicit_vocabulary(where, text):
    assert not found(EXPLICIT, text), f"{where}: {found(EXPLICIT, text)}"


@pytest.mark.parametrize("where,text", TEXTS, ids=[w for w, _ in TEXTS])
def test_no_mention_of_the_affair_or_the_other_person(where, text):
    # No exception, not even a referral: words spoken aloud reach whoever is listening (docs/writing-content.md).
    assert not found(AFFAIR, text), f"{where}: {found(AFFAIR, text)}"


def test_a_referral_that_names_betrayal_is_caught():
    assert found(AFFAIR, "A therapist who works with couples after betrayal can help.") == ["betrayal"]


@pytest.mark.parametrize("where,text", TEXTS, ids=[w for w, _ in TEXTS])
def test_no_pressure_words(where, text):
    assert not found(PRESSURE, text), f"{where}: {found(PRESSURE, text)}"


# ---- partnered exercises: roles alternate ---------------------------------------------------------

def variants(step) -> dict[str, str]:
    return {f: getattr(step, f) for f in ("say", "gentle", "brief") if getattr(step, f)}


def stretches(exercise) -> list:
    return [s for s in exercise.steps if s.hold and s.hold.setting == "stretch_minutes"]


SENSATE = ["sensate_focus", "sensate_focus_hands"]


@pytest.mark.parametrize("exercise_id", SENSATE)
def test_both_stretches_address_both_roles(exercise_id):
    first, second = stretches(EXERCISES[exercise_id])
    for name, text in variants(first).items():
        assert re.search(r"\bthe one touching\b", text, re.I), (first.id, name)
        assert re.search(r"\bthe one receiving\b", text, re.I), (first.id, name)
    for name, text in variants(second).items():
        # The second stretch speaks to the roles as they are after the swap.
        assert re.search(r"\bthe one touching now\b", text, re.I), (second.id, name)
        assert re.search(r"\bthe one receiving now\b", text, re.I), (second.id, name)


@pytest.mark.parametrize("exercise_id", SENSATE)
def test_the_swap_step_names_the_swap(exercise_id):
    exercise = EXERCISES[exercise_id]
    first, second = stretches(exercise)
    ids = [s.id for s in exercise.steps]
    between = exercise.steps[ids.index(first.id) + 1: ids.index(second.id)]
    swaps = [s for s in between if re.search(r"\bswap\b", s.say, re.I)]
    assert swaps, f"no step between the stretches names the swap: {[s.id for s in between]}"
    assert re.search(r"the one who received will now touch", swaps[0].say, re.I)
    assert re.search(r"the one who touched will now receive", swaps[0].say, re.I)


@pytest.mark.parametrize("exercise_id", SENSATE)
def test_the_debrief_names_who_speaks_first_and_that_alternates(exercise_id):
    exercise = EXERCISES[exercise_id]
    debriefs = [s for s in exercise.steps if "{debrief_first}" in s.say]
    assert len(debriefs) == 1
    for name, text in variants(debriefs[0]).items():
        assert "{debrief_first}" in text, name
        assert re.search(r"\bthe other partner\b", text, re.I), name  # and then the other speaks
    toucher, receiver = exercise.alternates["debrief_first"]  # content: [alternates.debrief_first]
    assert re.search(r"\btouched first speaks first\b", toucher)
    assert re.search(r"\breceived first speaks first\b", receiver)


def test_lying_together_the_lead_alternates():
    exercise = EXERCISES["lying_together"]
    ids = [s.id for s in exercise.steps]
    leads_first = [s for s in exercise.steps if re.search(r"\blead first\b", s.say, re.I)]
    assert len(leads_first) == 1
    first = leads_first[0]
    assert re.search(r"\bwhich of you\b|\bone of you\b|\bwhoever\b", first.say, re.I)
    for name, text in variants(first).items():
        assert re.search(r"\blead first\b", text, re.I), name
    following = exercise.steps[ids.index(first.id) + 1]
    assert re.search(r"\bswap\b", following.say, re.I)
    assert re.search(r"\bthe one who followed leads\b", following.say, re.I)
    assert re.search(r"\bthe one who led follows\b", following.say, re.I)


# ---- colours at the start, a clear ending ---------------------------------------------------------

COLOUR_EXPLAINED = re.compile(r"\bgreen\b.*\bkeep going\b.*\byellow\b.*\bslow down\b.*\bred\b.*\bstop\b",
                              re.IGNORECASE | re.DOTALL)


@pytest.mark.parametrize("exercise_id", PARTNERED)
def test_partnered_exercises_explain_the_colours_once_at_the_start(exercise_id):
    exercise = EXERCISES[exercise_id]
    for name, text in variants(exercise.first).items():
        assert COLOUR_EXPLAINED.search(text), f"{exercise.first.id}.{name} does not explain green, yellow and red"
    later = [(s.id, name) for s in exercise.steps[1:] for name, text in variants(s).items()
             if COLOUR_EXPLAINED.search(text)]
    assert not later, f"explained again later: {later}"


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_exercise_has_a_clear_ending(exercise_id):
    endings = [s for s in EXERCISES[exercise_id].steps if s.end]
    assert endings
    for step in endings:
        assert re.search(r"\bend\b", step.say, re.I), f"{step.id} does not say that this is the end"


# ---- every text renders to valid SSML, at both paces --------------------------------------------------

def longest(values) -> str:
    return max(values, key=len)


FILL = {
    "{today}": longest(PHRASES.today.values()).replace("{weekday}", "Wednesday"),
    "{crisis_line}": longest(PHRASES.crisis_lines.values()),
    "{debrief_first}": longest(v for e in EXERCISES.values() for v in e.alternates.get("debrief_first", ())),
    "{wake}": "Alexa",
    "{exercises}": ", ".join(CATALOG.titles()),
    "{minutes}": "less than a minute",
    "{exercise}": longest(CATALOG.titles()),
    "{low}": "5", "{high}": "30", "{days}": "90", "{weekday}": "Wednesday",
    # reminders and progress (skill/core/engine/reminders.py): their longest forms
    "{when}": "Monday, Tuesday, Wednesday, Thursday, Friday and Saturday at 11:45 in the evening, every week",
    "{weekdays}": "Monday, Tuesday, Wednesday, Thursday, Friday and Saturday", "{time}": "11:45 in the evening",
    "{reminder_text}": PHRASES["reminder_text"], "{week}": "12 sessions", "{month}": "31 sessions",
    "{stages}": "; ".join(f"{t}, 12 times" for t in CATALOG.titles()),
    "{code}": digits("123456"),  # a pairing code, as the engine writes it (skill/core/pairing.py)
}


def filled(text: str) -> str:
    for key, value in FILL.items():
        text = text.replace(key, value)
    assert "{" not in text, text
    return text


def spoken_texts() -> list[tuple[str, str]]:
    out = []
    for where, text in TEXTS:
        if where.endswith((".title", ".synonyms")):
            continue
        out.append((where, filled(text)))
    for exercise in EXERCISES.values():  # a check-in step ends with the colour question
        for step in exercise.steps:
            if step.checkin:
                for name, text in variants(step).items():
                    out.append((f"{exercise.id}.{step.id}.{name}+checkin",
                                filled(text) + " [pause 1] " + PHRASES["checkin_question"]))
    return out


SPOKEN = spoken_texts()


@pytest.mark.parametrize("gentle", [False, True], ids=["normal", "gentle"])
def test_every_text_passes_the_ssml_check(gentle):
    problems = {}
    for where, text in SPOKEN:
        ssml = to_ssml(text, CATALOG.pacing["gentle" if gentle else "normal"])
        if ssml_problems(ssml):
            problems[where] = ssml_problems(ssml)
    assert not problems, problems


def test_the_ssml_check_catches_a_broken_text():
    """The check above can fail: a text with markup Alexa refuses does not pass."""
    assert ssml_problems(to_ssml("Warm & <b>bold</b>", CATALOG.pacing["normal"])) == []  # escaped, so fine
    assert ssml_problems("<speak><b>bold</b></speak>")
    assert ssml_problems(to_ssml("word " * 2000, CATALOG.pacing["normal"]))  # over the length limit
