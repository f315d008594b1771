"""The exercises as OpenVoiceOS says them: the shared content, with the few phrases that would not be true on
this platform replaced from `audio_scripts/common/platform_openvoiceos.toml` (data, validated like phrases.toml).

The wake word is the content's `{wake}` placeholder, filled from `Context.wake_word` (turns.py passes this
device's, from `wake_word_name`).
"""
from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

from ..core.content import PHRASE_KEYS, SCRIPTS_DIR, Catalog, ContentError, check_markup, load_catalog
from ..core.overlay import same_keys, text
from ..core.render import allowed

PLATFORM_FILE = "platform_openvoiceos.toml"


def load_ovos_catalog(directory: Path = SCRIPTS_DIR) -> Catalog:
    """The catalog with this platform's phrases, in English and in each language present (``<code>/common/``, with
    the same keys as the English file). Raises ContentError naming the file and key on bad data."""
    catalog = load_catalog(directory)
    english = _overrides(Path(directory) / "common" / PLATFORM_FILE, f"common/{PLATFORM_FILE}", None)
    translations = {code: _with(translated, _overrides(Path(directory) / code / "common" / PLATFORM_FILE,
                                                      f"{code}/common/{PLATFORM_FILE}", english))
                    for code, translated in catalog.translations.items()}
    return replace(_with(catalog, english), translations=translations)


def _with(catalog: Catalog, overrides: dict[str, str]) -> Catalog:
    return replace(catalog, phrases=replace(catalog.phrases, text={**catalog.phrases.text, **overrides}))


def _overrides(path: Path, file: str, english: dict[str, str] | None) -> dict[str, str]:
    """One platform file's phrases; a language's (``english`` given) has exactly the English file's keys, each with
    the same placeholders."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ContentError(file, None, "(file)", f"not readable TOML: {exc}") from None
    table = raw.get("phrases")
    if not isinstance(table, dict):
        raise ContentError(file, None, "phrases", "missing table")
    if english is not None:
        same_keys(table, english, file, None, "phrases.")
        return {key: text(table[key], english[key], file, None, f"phrases.{key}", allowed("phrase")) for key in english}
    overrides = {}
    for key, value in table.items():
        if key not in PHRASE_KEYS:
            raise ContentError(file, None, f"phrases.{key}", "is not a phrase of phrases.toml")
        if not isinstance(value, str):
            raise ContentError(file, None, f"phrases.{key}", "is required text")
        overrides[key] = check_markup(value, file, None, f"phrases.{key}", allowed("phrase"))
    return overrides


def wake_word_name(config: dict) -> str:
    """The spoken name of the device's wake word from OVOS's configuration ("hey_mycroft" -> "Hey Mycroft")."""
    listener = config.get("listener") if isinstance(config.get("listener"), dict) else {}
    word = listener.get("wake_word") or "hey_mycroft"
    hotword = (config.get("hotwords") or {}).get(word) or {}
    phrase = hotword.get("phrase") if isinstance(hotword, dict) else None
    return str(phrase or word.replace("_", " ")).strip().title()
