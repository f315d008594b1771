"""Practice reminders as the core sees them: a weekly schedule, and the port a platform gives the turn.

The core stays pure: the engine asks ``Context.reminders`` (a ``Reminders``, or None where the device has none)
to list, create or delete, and gets plain results back. Alexa's port calls the Reminders REST API
(skill/alexa/reminders_api.py); OpenVoiceOS's keeps the skill's own scheduled events (skill/openvoiceos).

A schedule's value form (an event's value, a question's ``about``, a permission request's token) is small and
plain: ``"TU,FR@20:00"`` (those days, every week) or ``"daily@20:00"``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

# RFC 5545 weekday codes (BYDAY), Monday first.
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAILY = "daily"
_VALUE = re.compile(r"^(daily|(?:MO|TU|WE|TH|FR|SA|SU)(?:,(?:MO|TU|WE|TH|FR|SA|SU))*)@(\d{1,2}):(\d{2})$")
_RULE_PART = re.compile(r"^([A-Z]+)=([A-Z0-9,]+)$")


@dataclass(frozen=True)
class Schedule:
    """Practice at ``hour``:``minute`` (local time, 24-hour clock) on ``days`` (BYDAY codes in week order),
    every week; no days means every day."""

    days: tuple[str, ...]
    hour: int
    minute: int = 0

    def to_value(self) -> str:
        """The value form: "TU,FR@20:00" or "daily@20:00"."""
        return f"{','.join(self.days) or DAILY}@{self.hour:02d}:{self.minute:02d}"

    @classmethod
    def from_value(cls, raw: object) -> Schedule | None:
        """The schedule in a value form; None for anything else (a forged or damaged value)."""
        m = _VALUE.match(raw) if isinstance(raw, str) else None
        if m is None:
            return None
        hour, minute = int(m.group(2)), int(m.group(3))
        if hour > 23 or minute > 59:
            return None
        days = () if m.group(1) == DAILY else tuple(d for d in DAYS if d in m.group(1).split(","))
        return cls(days=() if len(days) == len(DAYS) else days, hour=hour, minute=minute)

    def rrule(self) -> str:
        """The RFC 5545 recurrence rule, as the Reminders API takes it in ``recurrenceRules``:
        "FREQ=WEEKLY;BYDAY=TU,FR;BYHOUR=20;BYMINUTE=0" or "FREQ=DAILY;BYHOUR=20;BYMINUTE=0"."""
        freq = f"FREQ=WEEKLY;BYDAY={','.join(self.days)}" if self.days else "FREQ=DAILY"
        return f"{freq};BYHOUR={self.hour};BYMINUTE={self.minute}"

    @classmethod
    def from_rrule(cls, rule: object) -> Schedule | None:
        """The schedule an RRULE (with or without its "RRULE:" prefix) names, if it is one this skill could have
        made; None otherwise."""
        if not isinstance(rule, str):
            return None
        parts: dict[str, str] = {}
        for part in rule.strip().removeprefix("RRULE:").split(";"):
            m = _RULE_PART.match(part.strip())
            if m is None:
                return None
            parts[m.group(1)] = m.group(2)
        hour, minute = parts.get("BYHOUR", ""), parts.get("BYMINUTE", "0")
        if not (hour.isdigit() and minute.isdigit()):
            return None
        if parts.get("FREQ") == "DAILY":
            days: tuple[str, ...] = ()
        elif parts.get("FREQ") == "WEEKLY" and parts.get("BYDAY"):
            said = parts["BYDAY"].split(",")
            if any(d not in DAYS for d in said):
                return None
            days = tuple(d for d in DAYS if d in said)
        else:
            return None
        return cls.from_value(f"{','.join(days) or DAILY}@{int(hour)}:{int(minute):02d}")


class Result(StrEnum):
    """What a reminder call came to."""

    DONE = "done"
    NO_PERMISSION = "no_permission"  # the person has not allowed this skill to set reminders
    UNAVAILABLE = "unavailable"  # the service did not answer, or answered an error: nothing changed


@dataclass(frozen=True)
class Listed:
    """The skill's own reminders: ``result``, and when DONE the ``schedules`` found (in no promised order)."""

    result: Result
    schedules: tuple[Schedule, ...] = ()


class Reminders(Protocol):
    """The port a platform gives the turn (``Context.reminders``). Every call returns within the turn's budget
    and never raises: a fault is ``Result.UNAVAILABLE``, and nothing is half done."""

    def list(self) -> Listed:
        """This skill's reminders for this person."""

    def create(self, schedule: Schedule, text: str) -> Result:
        """A recurring reminder that says ``text`` (names nothing private) on ``schedule``. Creating one that
        already exists with the same schedule is DONE, with no second reminder."""

    def delete_all(self) -> Listed:
        """Delete every reminder this skill set for this person; ``schedules``: those deleted."""
