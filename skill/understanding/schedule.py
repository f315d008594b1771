"""A practice schedule said in words: "Tuesday and Friday at eight", "every evening", "weekdays at half past
seven in the morning", "el martes y el viernes a las ocho", "dienstags um halb acht" -> a
``skill.core.reminders.Schedule`` (its value form), or None when no time and no part of the day was said.

Reads a canonical text (``Language.canon``: lower case, numbers as words) with text2num for the numbers, in the
language whose ``[schedule]`` section of ``lang/<code>.toml`` names its days, parts of the day and ways of saying
a time (errors name the file and the field, ``LanguageError``). A bare hour from 1 to 11 is taken in the evening
unless the morning is said ("at seven" is 19:00): practice is mostly in the evening, and the skill says the time
back before setting anything, so a wrong guess is one "no" away. A part of the day with no hour takes a usual hour
for it (evening: 8 pm).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from text_to_num import alpha2digit

from ..core.reminders import DAYS, Schedule
from ..intents.catalogue import number_words
from .language import LANG_DIR, LanguageError

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
WEEKEND = ("SA", "SU")
PARTS = ("morning", "afternoon", "evening", "night")  # read in this order; "noon" is a time of its own
# A usual hour for a part of the day said with no time.
USUAL = {"morning": 8, "afternoon": 15, "evening": 20, "night": 21}


@dataclass(frozen=True)
class ScheduleWords:
    """One language's words for a schedule (``lang/<code>.toml`` ``[schedule]``): ``days`` BYDAY code -> forms;
    patterns for ``weekdays``, the ``weekend``, every day, each part of the day and noon; ``times``: patterns
    over the text with numerals as digits, each with named groups ``hour`` and optionally ``minute``, or
    ``amount`` (a word of ``amounts`` or digits) with ``past`` or ``to`` (minutes before the hour), or ``half_to``
    (German "halb acht": half an hour before the hour)."""

    days: dict[str, frozenset[str]]
    weekdays: re.Pattern
    weekend: re.Pattern
    every_day: re.Pattern
    parts: dict[str, re.Pattern]
    noon: re.Pattern
    times: tuple[re.Pattern, ...]
    amounts: dict[str, int]


@lru_cache(maxsize=None)
def schedule_words(code: str, directory: Path = LANG_DIR) -> ScheduleWords:
    """The compiled ``[schedule]`` section of a language file. Raises LanguageError naming the file and field."""
    path = Path(directory) / f"{code}.toml"
    try:
        section = tomllib.loads(path.read_text(encoding="utf-8")).get("schedule")
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LanguageError(f"{path.name}: {exc}") from None
    if not isinstance(section, dict):
        raise LanguageError(f"{path.name}: field 'schedule': a table")

    def pattern(field: str, source: object) -> re.Pattern:
        if not isinstance(source, str):
            raise LanguageError(f"{path.name}: field 'schedule.{field}': a pattern")
        try:
            return re.compile(source)
        except re.error as exc:
            raise LanguageError(f"{path.name}: field 'schedule.{field}': {exc}") from None

    def words(field: str, value: object) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise LanguageError(f"{path.name}: field 'schedule.{field}': a list of words")
        return frozenset(value)

    days = section.get("days", {})
    if set(days) != set(DAYS):
        raise LanguageError(f"{path.name}: field 'schedule.days': one list for each of {', '.join(DAYS)}")
    parts = section.get("parts", {})
    if set(parts) != {*PARTS, "noon"}:
        raise LanguageError(f"{path.name}: field 'schedule.parts': {', '.join(PARTS)} and noon")
    times = section.get("times", [])
    if not isinstance(times, list) or not times:
        raise LanguageError(f"{path.name}: field 'schedule.times': a list of patterns")
    amounts = section.get("amounts", {})
    if not all(isinstance(v, int) and 0 < v < 60 for v in amounts.values()):
        raise LanguageError(f"{path.name}: field 'schedule.amounts': minutes from 1 to 59")
    return ScheduleWords(
        days={code_: words(f"days.{code_}", forms) for code_, forms in days.items()},
        weekdays=pattern("weekdays", section.get("weekdays")), weekend=pattern("weekend", section.get("weekend")),
        every_day=pattern("every_day", section.get("every_day")),
        parts={name: pattern(f"parts.{name}", parts[name]) for name in PARTS},
        noon=pattern("parts.noon", parts["noon"]),
        times=tuple(pattern(f"times[{n}]", p) for n, p in enumerate(times)), amounts=dict(amounts))


def days_said(text: str, code: str = "en") -> tuple[str, ...] | None:
    """The BYDAY codes named in ``text`` in week order; () for every day; None when no day is named."""
    said = schedule_words(code)
    words = set(text.split())
    if said.every_day.search(text):
        return ()
    named = {day for day, forms in said.days.items() if words & forms}
    if said.weekdays.search(text):
        named |= set(WEEKDAYS)
    if said.weekend.search(text):
        named |= set(WEEKEND)
    if not named:
        return None
    return () if len(named) == len(DAYS) else tuple(d for d in DAYS if d in named)


def _part(said: ScheduleWords, text: str) -> str | None:
    return next((name for name in PARTS if said.parts[name].search(text)), None)


def _clock(said: ScheduleWords, digits: str) -> tuple[int, int] | None:
    """The first time a ``times`` pattern finds, as (hour, minute) before the part of the day is applied."""
    for pattern in said.times:
        m = pattern.search(digits)
        if not m:
            continue
        found = {k: v for k, v in m.groupdict().items() if v is not None}
        hour = int(found["hour"])
        if "half_to" in found:
            return hour - 1, 30
        amount = found.get("amount")
        minutes = said.amounts.get(amount, 0) if amount and not amount.isdigit() else int(amount or 0)
        if "to" in found:
            return hour - 1, 60 - minutes
        if "past" in found:
            return hour, minutes
        return hour, int(found.get("minute") or 0)
    return None


@lru_cache(maxsize=None)
def _number_pattern(code: str) -> tuple[re.Pattern, dict[str, str]]:
    said = {number_words(n, code): str(n) for n in range(60)}
    alternatives = "|".join(re.escape(w) for w in sorted(said, key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w'])"), said


def _digits(text: str, code: str) -> str:
    """``text`` with its numbers as digits: text2num first, then any number word from 0 to 59 it left (it leaves
    some where a sentence makes them look like words: "le dimanche à neuf heures")."""
    pattern, said = _number_pattern(code)
    return pattern.sub(lambda m: said[m.group()], alpha2digit(text, code, threshold=0))


def time_said(text: str, code: str = "en") -> tuple[int, int] | None:
    """(hour 0-23, minute) said in ``text`` (canonical words), or None."""
    said = schedule_words(code)
    if said.noon.search(text):
        return 12, 0
    part = _part(said, text)
    when = _clock(said, _digits(text, code))
    if when is None:
        return (USUAL[part], 0) if part else None
    hour, minute = when
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    if 1 <= hour <= 11 and part != "morning":
        hour += 12  # the evening, unless the morning was said (see the module docstring)
    elif hour == 12 and part == "night":
        hour = 0
    return hour, minute


def schedule_value(text: str, code: str = "en") -> str | None:
    """The schedule said in ``text`` (canonical words of language ``code``), in its value form ("TU,FR@20:00"),
    or None when no time was said. No day named means every day."""
    when = time_said(text, code)
    if when is None:
        return None
    return Schedule(days=days_said(text, code) or (), hour=when[0], minute=when[1]).to_value()
