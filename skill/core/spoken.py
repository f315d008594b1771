"""Numbers, lengths and days as they are said in each language: the values of ``{minutes}``, ``{low}``, ``{high}``,
``{days}`` and ``{weekday}`` (skill/core/render.py).

Numbers are written in words by num2words and day names come from the Unicode CLDR through Babel, both well kept;
what is ours is only the agreement of a number with the noun after it ("un minuto", "une minute", "eine Minute")
and the nouns themselves. English keeps the forms it always had ("12 minutes", "90", the weekday of
``strftime``), so its replies stay as they were.

    spoken_minutes(300, "es")   # "cinco minutos"
    cardinal(21, "fr", "minute")  # "vingt et une"
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from .languages import ENGLISH

# Each language's nouns: singular, plural and grammatical gender ("m" / "f"), which a number before them agrees with.
NOUNS = {
    "es": {"minute": ("minuto", "minutos", "m"), "day": ("día", "días", "m")},
    "de": {"minute": ("Minute", "Minuten", "f"), "day": ("Tag", "Tage", "m")},
    "fr": {"minute": ("minute", "minutes", "f"), "day": ("jour", "jours", "m")},
}
UNDER_A_MINUTE = {"en": "less than a minute", "es": "menos de un minuto", "de": "weniger als eine Minute",
                  "fr": "moins d'une minute"}


def cardinal(n: int, language: str, noun: str = "minute") -> str:
    """``n`` (a whole number >= 0) said in ``language`` before ``noun`` ("minute" or "day"), in words, agreeing
    with it ("veintiún minutos", "vingt et une minutes"). English keeps digits, as its voices read them."""
    if language == ENGLISH or language not in NOUNS:
        return str(n)
    return _agree(_words(n, language), language, NOUNS[language][noun][2])


@lru_cache(maxsize=512)
def _words(n: int, language: str) -> str:
    from num2words import num2words  # imported only where a language other than English speaks

    return num2words(n, lang=language)


def _agree(words: str, language: str, gender: str) -> str:
    if language == "es":  # "uno" shortens before a masculine noun, and turns feminine before a feminine one
        if words.endswith("veintiuno"):
            return words[:-len("veintiuno")] + ("veintiún" if gender == "m" else "veintiuna")
        return re.sub(r"\buno$", "un" if gender == "m" else "una", words)
    if language == "fr" and gender == "f":
        return re.sub(r"\bun$", "une", words)
    if language == "de" and words == "eins":
        return "eine" if gender == "f" else "ein"
    return words


def spoken_minutes(seconds: float, language: str = ENGLISH) -> str:
    """A length as spoken: "less than a minute", "one minute", "12 minutes"; "cinco minutos", "eine Minute"."""
    if seconds < 60:
        return UNDER_A_MINUTE.get(language, UNDER_A_MINUTE[ENGLISH])
    minutes = round(seconds / 60)
    if language == ENGLISH or language not in NOUNS:
        return "one minute" if minutes == 1 else f"{minutes} minutes"
    one, many, _ = NOUNS[language]["minute"]
    return f"{cardinal(minutes, language)} {one if minutes == 1 else many}"


# The word that offers the last of a list ("a, b, or c"): English keeps its serial comma, the others have none.
OR = {"en": ", or ", "es": " o ", "de": " oder ", "fr": " ou "}


def any_of(names: list[str], language: str = ENGLISH) -> str:
    """A spoken list offering one of ``names``: "grounding, closeness, or lying together"; "a, b o c"."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + OR.get(language, OR[ENGLISH]) + names[-1]


def weekday(day: date, language: str = ENGLISH) -> str:
    """The name of ``day``'s weekday in ``language`` ("Monday", "lunes", "Montag", "lundi")."""
    if language == ENGLISH:
        return day.strftime("%A")
    from babel.dates import format_date  # CLDR's names; imported only where a language other than English speaks

    return format_date(day, "EEEE", locale=language)
