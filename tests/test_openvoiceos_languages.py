"""OpenVoiceOS in Spanish, German and French (issue 23), through OVOS's own pipeline: a device configured for the
language (OVOS's ``lang``) registers the skill's intent files of that language (skill/openvoiceos/locale/<lang>/,
made by ``python -m skill model build``), hears the person in it and answers in it; distress names the line of
the device's country, Austria's and Switzerland's by its configured time zone.

The Spanish golden replay (tests/golden/ovos/es-ES.txt, tests/support/ovos_golden.py): every path on a fresh
device, utterances in, the spoken words out, the same words turn by turn as the file; and what each path is for,
checked against the language's content: grounding walked from start to end, a pause and its resume at the same
step, red honoured, distress naming Spain's crisis line (024) and a risk to life its emergency number (112).
"""
from __future__ import annotations

import difflib

import pytest

from skill.core.languages import language_of
from skill.openvoiceos.content import load_ovos_catalog
from skill.openvoiceos.resources import launch_samples
from skill.understanding import reader_for
from tests.support.languages import DISTRESS, opens, words_of
from tests.support.ovos import SKILL_ID, Device
from tests.support.ovos_golden import PATHS, golden_file, render_turn, section, sections

CATALOG = load_ovos_catalog()
GOLDEN = [(locale, name) for locale, (_zone, paths) in PATHS.items() for name in paths]


def said(turns) -> list[str]:
    return [words_of(turn.speech) for _utterance, turn in turns]


@pytest.mark.parametrize("locale,name", GOLDEN, ids=[f"{locale}:{name}" for locale, name in GOLDEN])
def test_the_golden_paths_in_the_language_through_ovos(tmp_path, locale, name):
    zone, paths = PATHS[locale]
    device = Device(tmp_path, lang=locale, zone=zone)
    try:
        assert device.skill.native_langs == [locale]  # the device's language, and only it, is registered
        turns = [(u, device.say(u)) for u in paths[name]]
    finally:
        device.shutdown()
    golden = sections(golden_file(locale).read_text(encoding="utf-8"))[name]
    mine = section(locale, name, turns)
    if mine != golden:
        diff = "\n".join(list(difflib.unified_diff(golden.splitlines(), mine.splitlines(), "golden", "device",
                                                   lineterm=""))[:60])
        pytest.fail(f"The device's words differ from {golden_file(locale).name}, path {name!r}. If the change is "
                    f"intended, run .venv/bin/python -m tests.golden.make_ovos and commit the diff.\n{diff}")
    words = CATALOG.speaking(locale)
    phrases, grounding = words.phrases, words.exercises["grounding"]
    heard = said(turns)
    assert all(turn.speech for _u, turn in turns), [render_turn(u, t, locale) for u, t in turns if not t.speech]
    if "principio a fin" in name:  # every step of grounding's way through, in order, to its end
        way = ["arrive", "rate_before", "orient", "breathe", "see", "feel", "hear", "smell", "taste", "check", "close"]
        assert [any(o in h for o in opens(grounding.step(step))) for step, h in zip(way, heard[1:])] == \
            [True] * len(way)
        assert grounding.step("close").end and not turns[-1][1].listens
    if "pausa" in name:  # paused at "orient"; opened again, offered back, and picked up at "orient"
        assert words_of(phrases["paused"]) in heard[4] and not turns[4][1].listens
        assert any(o in heard[6] for o in opens(grounding.step("orient")))
        assert any(o in heard[7] for o in opens(grounding.step("breathe")))
    if "rojo" in name:
        assert words_of(phrases["red_stop"]) in heard[3] and not turns[3][1].plays
    if "no estar bien" in name:
        assert words_of(phrases.crisis_line(locale)) in heard[3] and "cero veinticuatro" in heard[3]
        assert words_of(phrases.emergency_line(locale)) in heard[4] and "ciento doce" in heard[4]
        assert words_of(phrases.crisis_line(locale)) in heard[4]


@pytest.mark.parametrize("locale,zone,country", [
    ("es-ES", "Europe/Madrid", "ES"), ("de-DE", "Europe/Berlin", "DE"), ("de-DE", "Europe/Vienna", "AT"),
    ("de-DE", "Europe/Zurich", "CH"), ("fr-FR", "Europe/Zurich", "CH"), ("fr-CA", "America/Toronto", "CA"),
])
def test_a_device_in_the_language_opens_by_name_and_names_its_countrys_line(tmp_path, locale, zone, country):
    """The launch words of the device's language reach the skill through OVOS's pipeline (its ``launch.anywhere``
    intent file of that language), the welcome is in the language, and distress in the person's own words names
    the crisis line of the country of the device's time zone."""
    device = Device(tmp_path, lang=locale, zone=zone)
    try:
        catalogue = reader_for(locale).catalogue
        opening = launch_samples(catalogue.invocation, language_of(locale))[0]  # "abre refugio seguro"
        welcome = device.say(opening)
        distress = device.say(DISTRESS[language_of(locale)])
    finally:
        device.shutdown()
    phrases = CATALOG.speaking(locale).phrases
    assert welcome.of(f"{SKILL_ID}:launch.anywhere.intent"), [m.msg_type for m in welcome.messages]
    assert words_of(phrases["welcome_first"].split("{")[0]) in words_of(welcome.speech), welcome.speech
    lines = phrases.crisis_lines
    assert words_of(lines[country]) in words_of(distress.speech), distress.speech
    assert all(words_of(line) not in words_of(distress.speech) for c, line in lines.items() if c != country)
