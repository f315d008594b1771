"""A practice schedule said in words: "Tuesday and Friday at eight", "every evening", "weekdays at half past
seven in the morning" -> a ``skill.core.reminders.Schedule`` (its value form), or None when no time and no part
of the day was said.

Reads a canonical text (``Language.canon``: lower case, numbers as words) with text2num for the numbers.
A bare hour from 1 to 11 is taken in the evening unless the morning is said ("at seven" is 19:00): practice
is mostly in the evening, and the skill says the time back before setting anything, so a wrong guess is
one "no" away. A part of the day with no hour takes a usual hour for it (evening: 8 pm).
"""
from __future__ import annotations

import re

from text_to_num import alpha2digit

from ..core.reminders import DAYS, Schedule

DAY_WORDS = {
    "MO": ("monday", "mondays", "mon"), "TU": ("tuesday", "tuesdays", "tues", "tue"),
    "WE": ("wednesday", "wednesdays", "wed"), "TH": ("thursday", "thursdays", "thurs", "thu"),
    "FR": ("friday", "fridays", "fri"), "SA": ("saturday", "saturdays", "sat"), "SU": ("sunday", "sundays", "sun"),
}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
WEEKEND = ("SA", "SU")
EVERY_DAY = re.compile(r"\b(?:every|each) (?:day|night|evening|morning|afternoon)\b|\b(?:daily|nightly)\b")
MORNING = re.compile(r"\b(?:morning|mornings|a m|am)\b")
AFTERNOON = re.compile(r"\b(?:afternoon|afternoons)\b")
EVENING = re.compile(r"\b(?:evening|evenings|tonight|p m|pm)\b")
NIGHT = re.compile(r"\b(?:night|nights|bedtime)\b")
NOON = re.compile(r"\b(?:noon|midday|lunchtime)\b")
# A usual hour for a part of the day said with no time.
USUAL = {"morning": 8, "afternoon": 15, "evening": 20, "night": 21}
# "at 8", "8 30", "8 o'clock", "half past 7", "quarter past 8", "quarter to 9", "20 past 8", "10 to 9"
PAST = re.compile(r"\b(half|quarter|\d{1,2}) (past|after|to) (\d{1,2})\b")
CLOCK = re.compile(r"\b(?:at|around|about|by|for|from) (\d{1,2})(?: (\d{1,2}))?\b|\b(\d{1,2})(?: (\d{1,2}))? "
                   r"(?:o'clock|o clock|a m|am|p m|pm|in the|at night|tonight)\b")


def days_said(text: str) -> tuple[str, ...] | None:
    """The BYDAY codes named in ``text`` in week order; () for every day; None when no day is named."""
    words = set(text.split())
    if EVERY_DAY.search(text) or "every day" in text:
        return ()
    named = {code for code, forms in DAY_WORDS.items() if words & set(forms)}
    if words & {"weekdays", "weekday", "workdays"}:
        named |= set(WEEKDAYS)
    if words & {"weekends", "weekend"}:
        named |= set(WEEKEND)
    if not named:
        return None
    return () if len(named) == len(DAYS) else tuple(d for d in DAYS if d in named)


def _part(text: str) -> str | None:
    for name, pattern in (("morning", MORNING), ("afternoon", AFTERNOON), ("evening", EVENING), ("night", NIGHT)):
        if pattern.search(text):
            return name
    return None


def time_said(text: str) -> tuple[int, int] | None:
    """(hour 0-23, minute) said in ``text`` (canonical words), or None."""
    digits = alpha2digit(text, "en", threshold=0)
    part = _part(text)
    if NOON.search(text):
        return 12, 0
    hour = minute = None
    m = PAST.search(digits)
    if m:
        amount = {"half": 30, "quarter": 15}.get(m.group(1)) or int(m.group(1))
        hour = int(m.group(3))
        minute = amount if m.group(2) != "to" else 60 - amount
        hour = hour - 1 if m.group(2) == "to" else hour
    else:
        m = CLOCK.search(digits)
        if m:
            hour = int(m.group(1) or m.group(3))
            minute = int(m.group(2) or m.group(4) or 0)
    if hour is None:
        return (USUAL[part], 0) if part else None
    if not (0 <= hour <= 23 and 0 <= (minute or 0) <= 59):
        return None
    if 1 <= hour <= 11 and part != "morning":
        hour += 12  # the evening, unless the morning was said (see the module docstring)
    elif hour == 12 and part in ("night",):
        hour = 0
    return hour, minute or 0


def schedule_value(text: str) -> str | None:
    """The schedule said in ``text`` (canonical words), in its value form ("TU,FR@20:00"), or None when no
    time was said. No day named means every day."""
    when = time_said(text)
    if when is None:
        return None
    days = days_said(text)
    return Schedule(days=days or (), hour=when[0], minute=when[1]).to_value()
