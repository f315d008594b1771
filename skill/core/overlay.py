"""A language's words over the English content: ``skill/audio_scripts/<code>/`` (docs/writing-content.md, "Languages").

English is the source of structure: step ids and order, holds, ``on`` tables, ratings, check-ins, kinds, gates,
roles and settings' numbers live only in the English files. A language's files hold text only, keyed by the same
ids, and every text the English has must exist in the language, and nothing more. Each text gets the English
checks (markup, placeholders, breaths at every pace, length) and parity with its English field: the same
``{placeholders}``, the same ``[breath N]`` in the same order (the breathing pace is the exercise); ``[pause N]``
may fall where the language needs it. Errors name the file (``es/grounding.toml``), the step and the field.

    es = load_translations(SCRIPTS_DIR, english)["es"]   # a Catalog: same structure, Spanish words
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from .content import (LINE_TABLES, MAX_TITLE, PHRASES_FILE, SETTINGS_FILE, STEP_PLACEHOLDERS, Catalog, Exercise,
                      Phrases, check_markup, load_phrases)
from .declared import Setting
from .errors import ContentError
from .languages import LANGUAGES, Language
from .render import PLACEHOLDER, allowed

EXERCISE_KEYS = frozenset({"title", "synonyms", "steps", "alternates", "settings"})
BREATH = re.compile(r"\[breath (\d+(?:\.\d+)?)\]")
LANGUAGE_FOLDER = re.compile(r"[a-z]{2}")


def language_folders(directory: Path) -> dict[str, Path]:
    """The language folders under a content folder, by code (``es`` -> ``<directory>/es``). ContentError for a
    two-letter folder that is no language of ``skill.core.languages``."""
    out = {}
    for path in sorted(Path(directory).iterdir()) if Path(directory).is_dir() else []:
        if path.is_dir() and LANGUAGE_FOLDER.fullmatch(path.name):
            if path.name not in LANGUAGES:
                raise ContentError(f"{path.name}/", None, "(folder)",
                                   f"is not a language the skill speaks ({', '.join(LANGUAGES)}; "
                                   "skill/core/languages.py)")
            out[path.name] = path
    return out


def load_translations(directory: Path, english: Catalog) -> dict[str, Catalog]:
    """Every language present under ``directory``, each a Catalog with ``english``'s structure and its own words."""
    return {code: load_translation(folder, english, LANGUAGES[code])
            for code, folder in language_folders(directory).items()}


def load_translation(folder: Path, english: Catalog, lang: Language) -> Catalog:
    """One language's catalog (``folder``: ``<content>/<code>``). ContentError names the file, step and field."""
    files = {p.stem for p in folder.glob("*.toml")}
    for eid in sorted(set(english.exercises) - files):
        raise ContentError(f"{lang.code}/{eid}.toml", None, "(file)", "is missing: the English has this exercise")
    for eid in sorted(files - set(english.exercises)):
        raise ContentError(f"{lang.code}/{eid}.toml", None, "(file)", "names no English exercise")
    shared = language_settings(folder, english.shared, lang.code)
    exercises = {eid: _exercise(folder / f"{eid}.toml", exercise, lang, shared)
                 for eid, exercise in english.exercises.items()}
    phrases = language_phrases(folder, english.phrases, lang.code)
    for exercise in exercises.values():
        _check_breaths(exercise, english.pacing, lang)
    return replace(english, exercises=exercises, phrases=phrases, shared=shared, language=lang.code,
                   translations={})


def translate_exercise(folder: Path, english: Exercise, code: str, shared: dict[str, Setting],
                       pacing: dict[str, Any]) -> Exercise:
    """One exercise of ``folder`` (``<content>/<code>``) over its ``english`` structure, with every check
    ``load_translation`` makes of one file (``shared``: the language's shared settings, ``language_settings``;
    ``pacing``: the English paces its breaths are checked at). For the studio, which shows each file on its
    own. ContentError names the file, step and field."""
    lang = LANGUAGES[code]
    exercise = _exercise(folder / f"{english.id}.toml", english, lang, shared)
    _check_breaths(exercise, pacing, lang)
    return exercise


def language_settings(folder: Path, english: dict[str, Setting], code: str) -> dict[str, Setting]:
    """The shared length settings of ``folder``'s language (``common/settings.toml``: their words) over the
    English ones. ContentError names the file and field."""
    return _shared_settings(folder / SETTINGS_FILE, english, LANGUAGES[code])


def language_phrases(folder: Path, english: Phrases, code: str) -> Phrases:
    """The common phrases of ``folder``'s language, checked against the ``english`` ones. ContentError names
    the file and field."""
    return _phrases(folder / PHRASES_FILE, english, LANGUAGES[code])


def _check_breaths(exercise: Exercise, pacing: dict[str, Any], lang: Language) -> None:
    from .checks import check_breaths, step_texts  # the checks build on the content types

    for step in exercise.steps:
        for name, text in step_texts(step).items():
            check_breaths(text, pacing, f"{lang.code}/{exercise.id}.toml", step.id, name, lang.breath_cue)


def _toml(path: Path, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(file, None, "(file)", "is missing: the English has it") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ContentError(file, None, "(file)", f"not valid TOML: {exc}") from None


def _table(raw: Any, file: str, step: str | None, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ContentError(file, step, where, "must be a table")
    return raw


def same_keys(have: Any, want: Any, file: str, step: str | None, where: str) -> None:
    """ContentError unless ``have`` names exactly ``want``: a key the English has and the language lacks, or the
    other way round."""
    for key in [k for k in want if k not in have]:
        raise ContentError(file, step, f"{where}{key}", "is required: the English has it")
    for key in [k for k in have if k not in want]:
        raise ContentError(file, step, f"{where}{key}", "the English has no such field")


def text(raw: Any, english: str, file: str, step: str | None, field_name: str, names: frozenset[str]) -> str:
    """A language's text for an English one: checked markup (``names``: the placeholders allowed), the same
    placeholders as ``english`` and the same breaths in the same order."""
    if not isinstance(raw, str):
        raise ContentError(file, step, field_name, "is required text")
    value = check_markup(raw, file, step, field_name, names)
    if set(PLACEHOLDER.findall(value)) != set(PLACEHOLDER.findall(english)):
        want = ", ".join("{" + n + "}" for n in sorted(set(PLACEHOLDER.findall(english)))) or "none"
        raise ContentError(file, step, field_name, f"must name the same placeholders as the English ({want})")
    if BREATH.findall(value) != BREATH.findall(english):
        raise ContentError(file, step, field_name, "must keep the English [breath N] marks, in number, length and "
                           f"order ({' '.join(BREATH.findall(english)) or 'none'} s): the breathing pace is the "
                           "exercise")
    return value


# What a language must say wherever the English does: these tables of the common phrases (key for key), and these
# texts of each length setting. The rest differs by design: line tables serve each language's own countries, and
# numbers live in English alone. The studio flags a missing text by the same rule.
SAME_AS_ENGLISH = ("phrases", "today", "reask")
SETTING_TEXTS = ("said", "range")


def _setting(raw: Any, english: Setting, file: str, where: str) -> Setting:
    spec = _table(raw, file, None, where)
    same_keys(spec, SETTING_TEXTS, file, None, f"{where}.")
    return replace(english, said=text(spec["said"], english.said, file, None, f"{where}.said", allowed("said")),
                   range=text(spec["range"], english.range, file, None, f"{where}.range", allowed("range")))


def _shared_settings(path: Path, english: dict[str, Setting], lang: Language) -> dict[str, Setting]:
    if not english:
        return {}
    file = f"{lang.code}/{SETTINGS_FILE}"
    raw = _toml(path, file)
    same_keys(raw, ("settings",), file, None, "")
    table = _table(raw["settings"], file, None, "settings")
    same_keys(table, english, file, None, "settings.")
    return {name: _setting(table[name], spec, file, f"settings.{name}") for name, spec in english.items()}


def _exercise(path: Path, english: Exercise, lang: Language, shared: dict[str, Setting]) -> Exercise:
    from .checks import step_texts

    file = f"{lang.code}/{path.name}"
    raw = _toml(path, file)
    for key in raw:
        if key not in EXERCISE_KEYS:
            raise ContentError(file, None, key, "unknown field (a language's file holds text only)")
    title = raw.get("title")
    if not (isinstance(title, str) and title.strip()):
        raise ContentError(file, None, "title", "is required text")
    synonyms = raw.get("synonyms", [])
    if not isinstance(synonyms, list) or not all(isinstance(s, str) and s.strip() for s in synonyms):
        raise ContentError(file, None, "synonyms", "must be a list of text")
    alternates = _alternates(raw.get("alternates", {}), english, file)
    own = {name: _setting(spec, english.settings[name], file, f"settings.{name}")
           for name, spec in _own_settings(raw.get("settings", {}), english, shared, file).items()}
    settings = {**shared, **own}
    steps_raw = _table(raw.get("steps"), file, None, "steps")
    same_keys(steps_raw, [s.id for s in english.steps], file, None, "steps.")
    steps = []
    for en in english.steps:
        spec = _table(steps_raw[en.id], file, en.id, "steps")
        texts = step_texts(en)
        same_keys(spec, ["title", *texts], file, en.id, "")
        title_text = spec["title"]
        if not isinstance(title_text, str) or not 0 < len(title_text.strip()) <= MAX_TITLE \
                or re.search(r"[\[\]{}\n]", title_text):
            raise ContentError(file, en.id, "title", f"must be plain text of 1 to {MAX_TITLE} characters, no markup")
        names = {name: text(spec[name], english_text, file, en.id, name,
                            STEP_PLACEHOLDERS if name in ("reprompt", "help") else STEP_PLACEHOLDERS | set(alternates))
                 for name, english_text in texts.items()}
        if en.end and not lang.ending.search(names["say"]):
            raise ContentError(file, en.id, "say", f"an ending must say plainly that this is the end "
                               f"(in {lang.name}: {lang.ending.pattern})")
        hold = en.hold
        if hold is not None and hold.setting:
            hold = replace(hold, spec=settings[hold.setting])
        steps.append(replace(en, title=title_text.strip(), hold=hold, **names))
    if english.partnered:
        first = steps[0]
        for name, wording in first.variants().items():
            if not lang.explains_colours(wording):
                raise ContentError(file, first.id, name, "a partnered exercise explains the three colours in its "
                                   f"first step ({', '.join(lang.colours)})")
    return replace(english, title=title.strip(), synonyms=tuple(synonyms), steps=tuple(steps), alternates=alternates,
                   settings={name: settings[name] for name in english.settings})


def _own_settings(raw: Any, english: Exercise, shared: dict[str, Setting], file: str) -> dict[str, Any]:
    """The [settings.<name>] tables of an exercise's language file: one for each the English file declares itself."""
    own = [name for name in english.settings if name not in shared]
    table = _table(raw, file, None, "settings")
    same_keys(table, own, file, None, "settings.")
    return table


def _alternates(raw: Any, english: Exercise, file: str) -> dict[str, tuple[str, ...]]:
    table = _table(raw, file, None, "alternates")
    same_keys(table, english.alternates, file, None, "alternates.")
    out = {}
    for name, variants in english.alternates.items():
        spec = _table(table[name], file, None, f"alternates.{name}")
        same_keys(spec, ("variants",), file, None, f"alternates.{name}.")
        said = spec["variants"]
        if not isinstance(said, list) or len(said) != len(variants):
            raise ContentError(file, None, f"alternates.{name}.variants",
                               f"must be a list of {len(variants)} texts, as the English")
        out[name] = tuple(text(v, en, file, None, f"alternates.{name}.variants", allowed("step"))
                          for v, en in zip(said, variants))
    return out


def _phrases(path: Path, english: Phrases, lang: Language) -> Phrases:
    file = f"{lang.code}/{PHRASES_FILE}"
    raw = _toml(path, file)
    if "pacing" in raw:
        raise ContentError(file, None, "pacing", "is shared by every language: leave it out")
    sources = [name[:-1] + "_sources" for name in LINE_TABLES]
    same_keys(raw, (*SAME_AS_ENGLISH, *LINE_TABLES, *sources), file, None, "")
    for name in SAME_AS_ENGLISH:
        same_keys(_table(raw[name], file, None, name), getattr(english, {"phrases": "text"}.get(name, name)), file,
                  None, f"{name}.")
    for name in LINE_TABLES:  # every country the language serves has each line, before their sources are read
        same_keys(_table(raw[name], file, None, name), (*lang.countries, "default"), file, None, f"{name}.")
    phrases = load_phrases(path, file)
    for name, mine, theirs in (("phrases", phrases.text, english.text), ("today", phrases.today, english.today),
                               ("reask", phrases.reask, english.reask)):
        for key, value in mine.items():
            text(value, theirs[key], file, None, f"{name}.{key}", frozenset(PLACEHOLDER.findall(theirs[key])))
    return phrases
