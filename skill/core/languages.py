"""The languages the skill can speak besides English, and what the content checks need to know of each.

English is the source of structure (docs/writing-content.md, "Languages"); a language's folder under
``skill/audio_scripts/<code>/`` holds text only, overlaid on the English by step id and field
(``skill.core.overlay``). A language whose folder is absent is not offered: its locales are spoken in English.

Each language here names its locales (the ones Alexa and OVOS use for it), the countries its line tables serve,
and the few words the content checks read in it: how an ending says it is the end, and the three colours a
partnered exercise explains at its start (the English checks are in ``skill.core.checks``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ENGLISH = "en"


@dataclass(frozen=True)
class Language:
    """One language: ``code`` (ISO 639-1), its ``locales`` ("es-ES"), the ``countries`` its crisis, emergency and
    domestic-abuse lines are kept for (besides ``default``), the pattern an ending step's ``say`` must match
    (``ending``), and the words for green, yellow and red (``colours``, regex alternatives) that the first step of
    a partnered exercise names, and what a sentence that cues one breath starts with (``breath_cue``:
    ``checks.check_breaths`` wants a paced breath, not a rest, after it)."""

    code: str
    name: str
    locales: tuple[str, ...]
    countries: tuple[str, ...]
    ending: re.Pattern
    colours: tuple[str, str, str]
    breath_cue: re.Pattern

    def explains_colours(self, text: str) -> bool:
        """Whether ``text`` names green, yellow and red in this language, in that order."""
        green, yellow, red = self.colours
        return re.search(rf"\b(?:{green})\b.*\b(?:{yellow})\b.*\b(?:{red})\b", text, re.IGNORECASE | re.DOTALL) \
            is not None


def _words(pattern: str) -> re.Pattern:
    return re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)


def _cue(pattern: str) -> re.Pattern:
    return re.compile(rf"^(?:{pattern})\b", re.IGNORECASE)


LANGUAGES: dict[str, Language] = {
    "es": Language("es", "español", ("es-ES", "es-MX", "es-US"), ("ES", "MX", "US"),
                   _words(r"fin|final|termina\w*|terminamos|acaba\w*|acabamos"),
                   ("verde", "amarillo", "rojo"),
                   _cue(r"(?:y\s+)?(?:una\s+)?(?:inhal\w*|exhal\w*|toma\s+aire|suelta\s+el\s+aire)")),
    "de": Language("de", "Deutsch", ("de-DE",), ("DE", "AT", "CH"),
                   _words(r"Ende|zu Ende|beendet|Schluss|endet|aufhören"),
                   ("grün", "gelb", "rot"),
                   _cue(r"(?:und\s+)?(?:(?:lang|langsam|sanft|tief)\s+(?:und\s+)?)*(?:ein|aus)(?:atmen)?(?![ \t]+\w)"
                        r"|(?:und\s+)?atme\s+(?:\w+\s+)*?(?:ein|aus)\b")),
    "fr": Language("fr", "français", ("fr-FR", "fr-CA"), ("FR", "CA", "CH"),
                   _words(r"fin|termin\w*|achev\w*"),
                   ("vert", "jaune", "rouge"),
                   _cue(r"(?:et\s+)?(?:on\s+)?(?:inspir\w*|expir\w*|une\s+(?:longue\s+)?(?:inspiration|expiration))")),
}

# Countries a device's time zone names where the locale's does not: German and French devices serve Austria and
# Switzerland too, and Alexa has no de-AT, de-CH or fr-CH locale (skill.core.content.Phrases.country).
ZONE_COUNTRIES = {"Europe/Vienna": "AT", "Europe/Zurich": "CH"}


def language_of(locale: str | None) -> str:
    """The language code of a locale: "es-MX" -> "es", "fr_CA" -> "fr"; English when there is none."""
    return re.split(r"[-_]", (locale or "").strip())[0].lower() or ENGLISH


def country_of(locale: str | None) -> str:
    """The country code of a locale: "es-MX" -> "MX"; "" when it names none."""
    parts = re.split(r"[-_]", (locale or "").strip())
    return parts[-1].upper() if len(parts) > 1 else ""
