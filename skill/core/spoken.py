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
from datetime import date, timedelta
from functools import lru_cache

from .languages import ENGLISH
from .reminders import DAYS

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


# ---- practice reminders and "how are we doing?" ------------------------------------------------------------

MONDAY = date(2024, 1, 1)  # a Monday: a day code's name is read off the date that many days after it
AND = {"en": " and ", "es": " y ", "de": " und ", "fr": " et "}
# The article a weekday takes when it stands for a day of every week ("el martes", "le mardi"); none in English and
# German ("Tuesday", "Dienstag").
DAY_ARTICLE = {"es": "el ", "fr": "le "}
# Parts of the day as (before this hour, words): "8 in the evening", "ocho de la tarde", "acht Uhr abends".
DAY_PARTS = {
    "en": ((5, "at night"), (12, "in the morning"), (17, "in the afternoon"), (22, "in the evening"), (24, "at night")),
    "es": ((6, "de la madrugada"), (12, "de la mañana"), (21, "de la tarde"), (24, "de la noche")),
    "de": ((5, "nachts"), (12, "morgens"), (18, "nachmittags"), (22, "abends"), (24, "nachts")),
    "fr": ((12, "du matin"), (18, "de l'après-midi"), (24, "du soir")),
}
NOON = {"en": "12 noon", "es": "a las doce del mediodía", "de": "zwölf Uhr mittags", "fr": "midi"}
MIDNIGHT = {"en": "midnight", "es": "a las doce de la noche", "de": "Mitternacht", "fr": "minuit"}
# How many sessions and how often, as the progress summary says them: (none, one, many with {n}).
SESSIONS = {"en": ("no sessions", "one session", "{n} sessions"),
            "es": ("ninguna sesión", "una sesión", "{n} sesiones"),
            "de": ("keine Sitzung", "eine Sitzung", "{n} Sitzungen"),
            "fr": ("aucune séance", "une séance", "{n} séances")}
TIMES = {"en": ("once", "twice", "{n} times"), "es": ("una vez", "dos veces", "{n} veces"),
         "de": ("einmal", "zweimal", "{n}mal"), "fr": ("une fois", "deux fois", "{n} fois")}


def _feminine(n: int, language: str) -> str:
    """``n`` agreeing with a feminine noun: digits in English, words elsewhere ("veintiuna", "vingt et une")."""
    if language == ENGLISH or language not in NOUNS:
        return str(n)
    return _agree(_words(n, language), language, "f")


def spoken_time(hour: int, minute: int, language: str = ENGLISH) -> str:
    """A time of day (``hour`` 0-23, ``minute`` 0-59) as a reminder says it back: "8 in the evening", "7:30 in the
    morning", "12 noon", "midnight"; "a las ocho de la tarde", "a la una y media de la mañana"; "acht Uhr abends";
    "huit heures du soir". Spanish carries its own article ("a la una", "a las dos"), since it agrees with the hour."""
    language = language if language in DAY_PARTS else ENGLISH
    if (hour, minute) == (12, 0):
        return NOON[language]
    if (hour, minute) == (0, 0):
        return MIDNIGHT[language]
    part = next(words for before, words in DAY_PARTS[language] if hour < before)
    clock = hour % 12 or 12
    if language == ENGLISH:
        return f"{clock} {part}" if minute == 0 else f"{clock}:{minute:02d} {part}"
    h = _feminine(clock, language)  # "una" (la hora), "eine" -> "ein Uhr", "une" (heure)
    if language == "es":
        past = {0: "", 15: " y cuarto", 30: " y media"}.get(minute, f" y {_words(minute, 'es')}")
        return f"{'a la' if clock == 1 else 'a las'} {h}{past} {part}"
    if language == "de":
        past = "" if minute == 0 else f" {_words(minute, 'de')}"
        return f"{'ein' if clock == 1 else h} Uhr{past} {part}"
    past = {0: "", 15: " et quart", 30: " et demie"}.get(minute, f" {_words(minute, 'fr')}")
    return f"{h} {'heure' if clock == 1 else 'heures'}{past} {part}"


def spoken_days(days: tuple[str, ...], language: str = ENGLISH) -> str:
    """RFC 5545 day codes ("TU", "FR") as said: "Tuesday and Friday"; "el martes y el viernes"; "Dienstag und
    Freitag"; "le mardi et le vendredi". Names come from ``weekday`` (CLDR beyond English)."""
    article = DAY_ARTICLE.get(language, "")
    names = [article + weekday(MONDAY + timedelta(days=DAYS.index(d)), language) for d in days]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + AND.get(language, AND[ENGLISH]) + names[-1]


def spoken_sessions(count: int, language: str = ENGLISH) -> str:
    """A number of sessions (>= 0): "no sessions", "one session", "3 sessions"; "tres sesiones", "drei Sitzungen"."""
    none, one, many = SESSIONS.get(language, SESSIONS[ENGLISH])
    return none if count == 0 else one if count == 1 else many.format(n=_feminine(count, language))


def spoken_times(count: int, language: str = ENGLISH) -> str:
    """How often (``count`` >= 1): "once", "twice", "3 times"; "tres veces", "dreimal", "trois fois"."""
    once, twice, many = TIMES.get(language, TIMES[ENGLISH])
    if count <= 2:
        return once if count == 1 else twice
    if language == "de":  # "dreimal": one word
        return f"{_words(count, 'de')}mal"
    return many.format(n=_feminine(count, language))
