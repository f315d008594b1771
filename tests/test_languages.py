"""Spanish, German and French (issue 23): each language's words over the English structure, checked at load with
errors naming file, step and field; spoken in the request's locale through POST /alexa, numbers and days in words,
and each country's lines (Austria and Switzerland by the device's time zone).

The loader's checks run on the stand-ins of tests/support/languages.py (a marker word before every English text,
so a file can be broken on purpose); the walks and the safety tests through POST /alexa run on the real language
files present in skill/audio_scripts/, with every request built from words: the committed model of the locale
hears what the reply just said to say (docs/testing.md, "Requests from words, in every language").
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from skill.alexa.reminders_api import AlexaReminders
from skill.core.content import SCRIPTS_DIR, ContentError, load_catalog
from skill.core.languages import LANGUAGES, ZONE_COUNTRIES
from skill.core import Context, Engine, Ev, Event, State
from skill.core.spoken import (any_of, cardinal, spoken_days, spoken_minutes, spoken_sessions, spoken_time,
                               spoken_times, weekday)
from skill.core.languages import language_of
from tests.support.alexa import Speaker
from tests.support.alexa_nlu import matcher_for
from tests.support.languages import DISTRESS, MARK, REAL, opens, pseudo_content, told, told_for, words_of
from tests.support.settings_api import SettingsAPI
from tests.support.states import seed, state_at

LOCALES = [locale for lang in LANGUAGES.values() for locale in lang.locales]


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    return pseudo_content(tmp_path_factory.mktemp("languages"))


@pytest.fixture(scope="module")
def catalog(content):
    return load_catalog(content)


# ---- loading and the checks -------------------------------------------------------------------------------


def test_every_language_present_is_loaded_with_the_english_structure(catalog):
    assert set(catalog.translations) == set(MARK)
    for code, translated in catalog.translations.items():
        assert translated.language == code and translated.translations == {}
        for eid, exercise in catalog.exercises.items():
            mine = translated.exercises[eid]
            assert [(s.id, s.on, s.hold and s.hold.seconds, s.end) for s in mine.steps] == \
                   [(s.id, s.on, s.hold and s.hold.seconds, s.end) for s in exercise.steps]
            assert all(s.say.startswith(MARK[code]) for s in mine.steps)
            for step in mine.steps:  # a hold's length setting carries the language's lines
                if step.hold and step.hold.spec:
                    assert step.hold.spec.said.startswith(MARK[code])
    assert catalog.speaking("es-MX").language == "es" and catalog.speaking("fr_CA").language == "fr"
    assert catalog.speaking("en-GB") is catalog and catalog.speaking("it-IT") is catalog


def test_an_absent_language_is_not_offered():
    english = load_catalog()
    assert set(english.translations) == set(REAL)
    assert all(english.speaking(locale) is english for locale in LOCALES if locale[:2] not in REAL)


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _sub(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.search(pattern, text, re.M), (path, pattern)
    path.write_text(re.sub(pattern, new, text, count=1, flags=re.M), encoding="utf-8")


BROKEN = {
    # name: (edit(content), file, step, field)
    "a missing exercise file": (lambda c: (c / "es" / "grounding.toml").unlink(), "es/grounding.toml", None, "(file)"),
    "an exercise the English lacks": (lambda c: (c / "de" / "extra.toml").write_text('title = "x"\n'),
                                      "de/extra.toml", None, "(file)"),
    "a step the English has": (lambda c: _edit(c / "fr" / "grounding.toml", "[steps.arrive]", "[steps.elsewhere]"),
                               "fr/grounding.toml", None, "steps.arrive"),
    "a field the English step lacks": (lambda c: _edit(c / "es" / "grounding.toml", '[steps.arrive]\n',
                                                       '[steps.arrive]\n"say_without_clock" = "Hola."\n'),
                                       "es/grounding.toml", "arrive", "say_without_clock"),
    "a field the English step has": (lambda c: _edit(c / "es" / "grounding.toml", '"help" = ', '"ignored" = '),
                                     "es/grounding.toml", "arrive", "help"),
    "a step's title missing": (lambda c: _sub(c / "de" / "grounding.toml", r'^(\[steps\.arrive\]\n)"title" = .*\n',
                                              r"\1"), "de/grounding.toml", "arrive", "title"),
    "a step's title with markup": (lambda c: _sub(c / "fr" / "grounding.toml",
                                                  r'^(\[steps\.arrive\]\n"title" = ")', r"\1[pause 1] "),
                                   "fr/grounding.toml", "arrive", "title"),
    "structure in a language file": (lambda c: _edit(c / "de" / "grounding.toml", "[steps.arrive]",
                                                     'kind = "solo"\n[steps.arrive]'), "de/grounding.toml", None, "kind"),
    "a placeholder of its own": (lambda c: _edit(c / "es" / "common" / "phrases.toml", '"paused" = "Hola.',
                                                 '"paused" = "Hola. {minutes}'), "es/common/phrases.toml", None,
                                 "phrases.paused"),
    "a breath changed": (lambda c: _edit(c / "fr" / "grounding.toml", "[breath 5]", "[breath 4]"),
                         "fr/grounding.toml", None, None),
    "an ending that does not say so": (lambda c: _edit(c / "de" / "grounding.toml", " Ende.", ""),
                                       "de/grounding.toml", None, "say"),
    "a missing country": (lambda c: _edit(c / "de" / "common" / "phrases.toml", '"AT" = "Hallo. crisis_lines AT."',
                                          ""), "de/common/phrases.toml", None, "crisis_lines.AT"),
    "a source missing": (lambda c: _edit(c / "fr" / "common" / "phrases.toml", '"CH" = "the emergency_lines of CH',
                                         '"XX" = "the emergency_lines of CH'), "fr/common/phrases.toml", None,
                         "emergency_line_sources.XX"),
    "pacing in a language": (lambda c: _edit(c / "es" / "common" / "phrases.toml", "[phrases]",
                                             "[pacing.normal]\nrate = 1.0\n[phrases]"), "es/common/phrases.toml", None,
                             "pacing"),
    "a shared setting's line missing": (lambda c: _edit(c / "es" / "common" / "settings.toml", "[settings.quiet_minutes]",
                                                        "[settings.other_minutes]"), "es/common/settings.toml", None,
                                        "settings.quiet_minutes"),
    "a variant too few": (lambda c: _sub(c / "fr" / "sensate_focus.toml", r'^"variants" = \[.*\]$',
                                         '"variants" = ["Bonjour."]'), "fr/sensate_focus.toml", None,
                          "alternates.debrief_first.variants"),
    "a folder that is no language": (lambda c: (c / "it").mkdir(), "it/", None, "(folder)"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_language_file_is_refused_naming_file_step_and_field(tmp_path, name):
    edit, file, step, field = BROKEN[name]
    content = pseudo_content(tmp_path, ("es", "de", "fr"))
    edit(content)
    with pytest.raises(ContentError) as raised:
        load_catalog(content)
    error = raised.value
    message = str(error)
    assert file is None or message.startswith(file), message
    if step:
        assert f"step '{step}'" in message or step in message, message
    if field:
        assert field in message, message


def test_content_check_covers_every_language(tmp_path):
    import subprocess
    import sys

    content = pseudo_content(tmp_path, ("de",))
    ok = subprocess.run([sys.executable, "-m", "skill", "content", "check", "--content", str(content)],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "de" in ok.stdout
    _edit(content / "de" / "grounding.toml", " Ende.", "")
    bad = subprocess.run([sys.executable, "-m", "skill", "content", "check", "--content", str(content)],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "de/grounding.toml" in bad.stderr + bad.stdout


# ---- numbers and days ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language,seconds,said", [
    ("en", 30, "less than a minute"), ("en", 60, "one minute"), ("en", 720, "12 minutes"),
    ("es", 60, "un minuto"), ("es", 300, "cinco minutos"), ("es", 1260, "veintiún minutos"),
    ("de", 60, "eine Minute"), ("de", 720, "zwölf Minuten"), ("de", 30, "weniger als eine Minute"),
    ("fr", 60, "une minute"), ("fr", 1260, "vingt et une minutes"), ("fr", 900, "quinze minutes"),
])
def test_lengths_are_said_in_words_in_the_language(language, seconds, said):
    assert spoken_minutes(seconds, language) == said


def test_days_and_lists_in_the_language():
    monday = date(2026, 1, 5)
    assert [weekday(monday, code) for code in ("en", "es", "de", "fr")] == ["Monday", "lunes", "Montag", "lundi"]
    assert cardinal(90, "fr", "day") == "quatre-vingt-dix" and cardinal(90, "en", "day") == "90"
    assert any_of(["a", "b", "c"], "en") == "a, b, or c" and any_of(["a", "b", "c"], "es") == "a, b o c"


@pytest.mark.parametrize("language,said", [
    ("en", ("8 in the evening", "1:30 in the afternoon", "12 noon", "Tuesday and Friday", "3 sessions", "twice")),
    ("es", ("a las ocho de la tarde", "a la una y media de la tarde", "a las doce del mediodía",
            "el martes y el viernes", "tres sesiones", "dos veces")),
    ("de", ("acht Uhr abends", "ein Uhr dreißig nachmittags", "zwölf Uhr mittags", "Dienstag und Freitag",
            "drei Sitzungen", "zweimal")),
    ("fr", ("huit heures du soir", "une heure et demie de l'après-midi", "midi", "le mardi et le vendredi",
            "trois séances", "deux fois")),
])
def test_reminder_times_days_and_counts_in_the_language(language, said):
    assert (spoken_time(20, 0, language), spoken_time(13, 30, language), spoken_time(12, 0, language),
            spoken_days(("TU", "FR"), language), spoken_sessions(3, language), spoken_times(2, language)) == said


@pytest.mark.parametrize("code", REAL)
def test_a_reminder_is_said_back_wholly_in_the_language(code):
    """The real files: the question before a reminder is set names the days and the time in the language's words,
    with no English left in it."""
    locale = LANGUAGES[code].locales[0]
    port = AlexaReminders(api=None, endpoint=None, token=None, device_id=None, locale=locale)  # asked nothing yet
    reply = Engine(load_catalog()).handle(State(welcomed=True), Event(Ev.SET_REMINDER, "TU,FR@20:00"),
                                          Context(locale=locale, reminders=port)).reply.speech
    days = spoken_days(("TU", "FR"), code)
    assert days in reply and spoken_time(20, 0, code) in reply, reply
    assert not re.search(r"\b(?:Tuesday|Friday|evening|every week|Shall I)\b", reply), reply


@pytest.mark.parametrize("code,rest,breath", [
    ("es", "En esta etapa el tacto se queda lejos del pecho. [pause 2]", "Y exhala despacio. [pause 2]"),
    ("de", "In dieser Stufe bleibt die Berührung weg von der Brust. [pause 2]", "Und langsam aus. [pause 2]"),
    ("fr", "On inspecte la pièce du regard. [pause 2]", "Et on expire. [pause 2]"),
])
def test_a_breath_is_known_by_the_languages_own_words(code, rest, breath):
    """A rest after an ordinary sentence is a rest; a rest after a breath cue in the language is refused (the
    English cue words alone would read German "In dieser ..." as "in")."""
    from skill.core.checks import check_breaths
    pacing = load_catalog().pacing
    check_breaths(rest, pacing, "x.toml", "s", "say", LANGUAGES[code].breath_cue)
    with pytest.raises(ContentError, match="cues a breath"):
        check_breaths(breath, pacing, "x.toml", "s", "say", LANGUAGES[code].breath_cue)


# ---- through POST /alexa, from words ------------------------------------------------------------------------
#
# The real language files, spoken in each locale. Every request is built from words (tests/support/alexa_nlu.py:
# the committed interaction_models/<locale>.json, an exact sample as its intent, anything else through the
# capture intent with the words), and the words are the ones the reply just heard tells the person to say
# ("di: siguiente", "sagt: weiter", "dites suivant"; tests/support/languages.py, ``told``), so a change of wording
# in a language's content is walked as it is said.

REAL_CATALOG = load_catalog()
REAL_LOCALES = [locale for code in REAL for locale in LANGUAGES[code].locales]


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    from tests.conftest import SkillServer

    with SettingsAPI(zone=None) as api:  # the device's time zone, on loopback (None: unknown)
        yield SkillServer(tmp_path_factory.mktemp("lang-real") / "state.sqlite3"), api


def person(real, locale: str, name: str, zone: str | None = None) -> Speaker:
    """A person at a device of ``locale`` in time zone ``zone`` (a device of its own: the lookup caches per device)."""
    server, api = real
    api.zone = zone
    return server.speaker(locale=locale, user_id=f"amzn1.ask.account.REAL-{locale}-{name}",
                          device_id=f"amzn1.ask.device.REAL-{locale}-{name}", api_endpoint=api.endpoint)


def say_told(alexa: Speaker, turn, intent: str, value: str | None = None, also=()):
    """Say the words ``turn`` (the reply just heard; then the texts ``also``) tells the person to say for ``intent``."""
    code = language_of(alexa.locale)
    words = told_for([turn.speech, turn.reprompt, *also], code, matcher_for(alexa.locale), intent, value)
    assert words, (f"{alexa.locale}: nothing the person is told here is heard as {intent} {value or ''}; told: "
                   f"{told(turn.speech + '. ' + turn.reprompt, code)[:12]}; said: {turn.speech[:300]}")
    return alexa.words(words)


# The ways on from a step, as the person may be told them: next; yes to a question; green at a check-in (its way
# on: the engine's "next" for a colour).
WAYS_ON = [("next", "AMAZON.NextIntent", None), ("yes", "AMAZON.YesIntent", None), ("green", "CheckInIntent", "green")]


def walk_words(alexa: Speaker, eid: str, upto: int | None = None):
    """Open the skill, say ``eid``'s title in the language and go on step by step with the words each step tells
    (its way on: next, else yes, else green), to its end or to step ``upto``; each step's own words must be heard. Returns the
    last turn and the steps said (the last is where the person is)."""
    words = REAL_CATALOG.speaking(alexa.locale)
    exercise, mine = REAL_CATALOG.exercises[eid], words.exercises[eid]
    alexa.launch()
    turn = alexa.words(mine.title)
    if exercise.gate:
        for _ in range(2):
            turn = say_told(alexa, turn, "AMAZON.YesIntent")
    said, step = [], exercise.first
    while step is not None:
        said.append(step.id)
        heard = words_of(turn.speech)
        assert turn.status == 200 and any(o in heard for o in opens(mine.step(step.id))), \
            (alexa.locale, eid, step.id, turn.speech[:300])
        if step.end or len(said) == upto:
            break
        code = language_of(alexa.locale)
        answer, intent, value = next((way for way in WAYS_ON if (way[0] in step.on or way[0] == "green") and told_for(
            [turn.speech, turn.reprompt], code, matcher_for(alexa.locale), way[1], way[2])), WAYS_ON[0])
        turn = say_told(alexa, turn, intent, value)
        target = step.on.get(answer, "next")
        step = exercise.following(step.id) if target == "next" else exercise.step(target)
    return turn, said


def ready_for(alexa: Speaker, eid: str) -> None:
    gate = REAL_CATALOG.exercises[eid].gate
    if gate:
        for _ in range(gate.times):
            walk_words(alexa, gate.after)


@pytest.mark.parametrize("locale", REAL_LOCALES)
def test_every_exercise_walks_from_start_to_end_in_the_locales_words(real, locale):
    words = REAL_CATALOG.speaking(locale)
    assert words.language == language_of(locale)
    for eid in REAL_CATALOG.exercises:
        alexa = person(real, locale, f"walk-{eid}")
        ready_for(alexa, eid)
        turn, said = walk_words(alexa, eid)
        assert words.exercises[eid].step(said[-1]).end, (eid, said)


def offers_to_resume(locale: str, speech: str) -> bool:
    """Whether ``speech`` asks the language's question that offers a paused exercise back ("¿Quieres retomarlo
    ...?"), naming the exercise or not."""
    phrases = REAL_CATALOG.speaking(locale).phrases
    return any(words_of(re.split(r"[.}\]]", phrases[key])[-1]) in words_of(speech)
               for key in ("resume_offer", "resume_offer_unnamed"))


def at_step(real, locale: str, name: str, eid: str, step_id: str):
    """A person who paused ``eid`` at ``step_id`` (the stored state), back in a session there: opened, and told
    yes to the offer to pick it up. Returns the speaker and the reply at the step."""
    server, _api = real
    alexa = person(real, locale, name)
    seed(server, state_at(eid, step_id), user_id=alexa.user_id)
    offer = alexa.launch()
    assert offers_to_resume(locale, offer.speech), offer.speech
    turn = say_told(alexa, offer, "AMAZON.YesIntent")
    mine = REAL_CATALOG.speaking(locale).exercises[eid].step(step_id)
    assert any(o in words_of(turn.speech) for o in opens(mine)), (locale, eid, step_id, turn.speech[:300])
    return alexa, turn


@pytest.mark.parametrize("locale", REAL_LOCALES)
def test_red_stop_and_distress_in_the_locales_words_at_every_step_name_the_countrys_line(real, locale):
    code = language_of(locale)
    phrases = REAL_CATALOG.speaking(locale).phrases
    stopped = [words_of(phrases[key]) for key in ("red_stop", "red_solo", "cancelled")]
    crisis = words_of(phrases.crisis_line(locale))
    for eid, exercise in REAL_CATALOG.exercises.items():
        for step in exercise.steps:
            if step.end:
                continue
            for what in ("red", "stop", "distress"):
                alexa, turn = at_step(real, locale, f"{what}-{eid}-{step.id}", eid, step.id)
                if what == "red":
                    out = say_told(alexa, turn, "CheckInIntent", "red", phrases.text.values())
                elif what == "stop":
                    out = say_told(alexa, turn, "AMAZON.StopIntent", None, phrases.text.values())
                else:
                    out = alexa.words(DISTRESS[code])
                said = words_of(out.speech)
                assert out.status == 200, (eid, step.id, what, out.raw[:200])
                assert not any(d["type"] == "AudioPlayer.Play" for d in out.directives), (eid, step.id, what)
                if what == "distress":
                    assert crisis in said, (locale, eid, step.id, out.speech)
                else:  # honoured in the language's words: stopped (a stop may end in silence), nothing goes on
                    assert any(s in said for s in stopped) or what == "stop" and not said, \
                        (locale, eid, step.id, what, out.speech)
                    assert out.ends_session or what == "red"
                if what != "distress":  # nothing is left to pick up: stopped is stopped
                    again = alexa.launch()
                    assert not offers_to_resume(locale, again.speech), (locale, eid, step.id, what)


@pytest.mark.parametrize("locale,zone,country", [
    ("de-DE", "Europe/Vienna", "AT"), ("de-DE", "Europe/Zurich", "CH"), ("fr-FR", "Europe/Zurich", "CH"),
    ("de-DE", "Europe/Berlin", "DE"), ("de-DE", None, "DE"), ("fr-CA", "America/Toronto", "CA"),
    ("fr-FR", "Europe/Vienna", "FR"),  # French has no line for Austria: the locale's country
    ("es-US", "Europe/Zurich", "US"), ("es-ES", "Europe/Madrid", "ES"), ("es-MX", "America/Mexico_City", "MX"),
])
def test_distress_in_the_languages_words_names_the_line_of_the_time_zones_country(real, locale, zone, country):
    code = language_of(locale)
    if code not in REAL:
        pytest.skip(f"no {code} content yet")
    alexa = person(real, locale, f"zone-{zone}", zone)
    alexa.launch()
    out = alexa.words(DISTRESS[code])
    lines = REAL_CATALOG.speaking(locale).phrases.crisis_lines
    assert words_of(lines[country]) in words_of(out.speech), out.speech
    assert all(words_of(line) not in words_of(out.speech) for c, line in lines.items() if c != country)


def test_english_never_asks_for_the_time_zone_to_choose_a_line(real):
    alexa = person(real, "en-US", "zone-en", "Europe/Zurich")
    before = real[1].calls
    alexa.launch()
    out = alexa.words("I'm not okay")
    assert "nine eight eight" in out.speech and real[1].calls == before
    assert set(ZONE_COUNTRIES.values()) <= set(LANGUAGES["de"].countries)


def test_one_record_serves_the_person_in_any_language(real):
    """Progress is stored as ids: paused in Spanish, resumed in German at the same step, in German words."""
    if not {"es", "de"} <= set(REAL):
        pytest.skip("needs the Spanish and German content")
    server, api = real
    es = person(real, "es-ES", "both")
    turn, _said = walk_words(es, "grounding", 3)
    es.words(told_for(REAL_CATALOG.speaking("es-ES").phrases.text.values(), "es", matcher_for("es-ES"),
                      "AMAZON.PauseIntent"))
    de = server.speaker(locale="de-DE", user_id=es.user_id, api_endpoint=api.endpoint)
    offer = de.launch()
    out = say_told(de, offer, "AMAZON.YesIntent")
    step = REAL_CATALOG.speaking("de-DE").exercises["grounding"].steps[2]
    assert any(o in words_of(out.speech) for o in opens(step)), out.speech


@pytest.mark.parametrize("code", REAL)
def test_the_real_language_files_load(code):
    """Runs once the writers' files land: every language present loads, with the English structure."""
    english = load_catalog(SCRIPTS_DIR)
    assert english.translations[code].language == code


def test_ovos_says_each_languages_own_platform_phrases(content, tmp_path):
    from skill.openvoiceos.content import load_ovos_catalog

    ovos = load_ovos_catalog(content)
    english = load_catalog(content)
    for code in MARK:
        mine = ovos.speaking(f"{code}-XX").phrases["paused"]
        assert mine.startswith(MARK[code]) and mine != english.speaking(f"{code}-XX").phrases["paused"]
    broken = pseudo_content(tmp_path, ("es",))
    _edit(broken / "es" / "common" / "platform_openvoiceos.toml", '"paused" = ', '"unknown_key" = ')
    with pytest.raises(ContentError, match=r"es/common/platform_openvoiceos.toml: field 'phrases.paused'"):
        load_ovos_catalog(broken)
