"""Practice reminders on OpenVoiceOS: the core's ``Reminders`` port (skill.core.reminders) kept on the device.

What is kept: the schedules' value forms only ("TU,FR@20:00", "daily@07:30"), in the device's SQLite store under a
keyed hash of the device's person key (``reminders_key``), until they are turned off or "delete my data". What
goes off: the skill's own scheduled events (ovos-workshop's event scheduler), one per schedule, each armed for its
next time in the device's local time zone and re-armed when it fires (one-shot events rather than a fixed weekly
interval, so a reminder stays at 8 in the evening across a daylight-saving change). The skill arms every kept
schedule again when it loads (skill.py), so reminders last across restarts.

Pure Python: the scheduling is the ``Alarms`` the skill hands in; nothing here imports OVOS. No permission step:
it is the person's own device, so no call answers ``Result.NO_PERMISSION``.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ..core.identity import keyed_hash, person_key
from ..core.reminders import DAYS, Listed, Result, Schedule
from ..store.base import Store

log = logging.getLogger("skill.reminders")
BUDGET_S = 1.0  # each call's store work, retries included: well inside a turn
KEPT_S = 10 * 365 * 86_400  # the record's expiry: kept until turned off, not expired by disuse
MAX_SCHEDULES = 14  # a handful in practice; a bound on what one device keeps and arms
EVENT_PREFIX = "reminder-"


class Alarms(Protocol):
    """The device's scheduler, as the skill gives it (skill.py). Both calls are quick and raise only on a fault
    of the message bus."""

    def arm(self, schedule: Schedule, text: str) -> None:
        """A scheduled event at ``schedule``'s next time that says ``text``, replacing any of that schedule."""

    def disarm(self, schedule: Schedule) -> None:
        """No scheduled event for ``schedule`` any more."""


def reminders_key(secret: bytes, user_id: str) -> str:
    """The store key of the reminders of the person whose record is ``person_key(secret, user_id)``: its own
    keyed hash (64 hex characters), so the two records never share a key."""
    return keyed_hash(secret, "reminders:" + (person_key(secret, user_id) or ""))


def event_name(schedule: Schedule) -> str:
    """The scheduled event's name for a schedule: "reminder-TU-FR-2000", "reminder-daily-0730" (letters, digits
    and dashes only: it becomes part of a bus message type)."""
    return f"{EVENT_PREFIX}{'-'.join(schedule.days) or 'daily'}-{schedule.hour:02d}{schedule.minute:02d}"


def next_time(schedule: Schedule, now: datetime) -> datetime:
    """The first time after ``now`` (timezone-aware, the device's local time) that ``schedule`` names: its hour
    and minute on one of its days (any day when it has none), in ``now``'s time zone, so daylight saving moves
    with the clock on the wall."""
    zone = now.tzinfo
    for offset in range(8):
        day = (now + timedelta(days=offset)).date()
        at = datetime(day.year, day.month, day.day, schedule.hour, schedule.minute, tzinfo=zone)
        if at > now and (not schedule.days or DAYS[day.weekday()] in schedule.days):
            return at
    raise ValueError("a schedule names a day of every week")  # unreachable for a Schedule


@dataclass
class DeviceReminders:
    """The core's ``Reminders`` port on one OVOS device: the schedules in ``store`` under ``key``, their events
    through ``alarms``. Every call returns within about ``BUDGET_S`` seconds and never raises; a fault is
    ``Result.UNAVAILABLE`` with nothing changed."""

    store: Store
    key: str
    alarms: Alarms

    def _load(self) -> tuple[int, list[Schedule]]:
        """(the record's version, 0 when none; its schedules). Raises StoreError."""
        record = self.store.load(self.key, deadline=time.monotonic() + BUDGET_S)
        if record is None:
            return 0, []
        raw = record.data.get("schedules")
        found = [Schedule.from_value(v) for v in raw] if isinstance(raw, list) else []
        return record.version, list(dict.fromkeys(s for s in found if s is not None))[:MAX_SCHEDULES]

    def schedules(self) -> tuple[Schedule, ...] | None:
        """The schedules kept, or None when the store cannot say."""
        try:
            return tuple(self._load()[1])
        except Exception:  # noqa: BLE001 - never an exception in a turn or a scheduled event
            log.warning("reminders: store unavailable")
            return None

    def list(self) -> Listed:
        found = self.schedules()
        return Listed(Result.UNAVAILABLE) if found is None else Listed(Result.DONE, found)

    def create(self, schedule: Schedule, text: str) -> Result:
        """Keep ``schedule`` and arm its event (saying ``text``); DONE with nothing new when it is kept already.
        The event is armed first and disarmed again if the store does not take the schedule."""
        try:
            version, found = self._load()
        except Exception:  # noqa: BLE001
            return Result.UNAVAILABLE
        if schedule in found:
            return Result.DONE
        if len(found) >= MAX_SCHEDULES:
            return Result.UNAVAILABLE
        try:
            self.alarms.arm(schedule, text)
        except Exception:  # noqa: BLE001
            return Result.UNAVAILABLE
        try:
            self.store.save(self.key, {"schedules": [s.to_value() for s in found + [schedule]]}, version,
                            int(time.time()) + KEPT_S, deadline=time.monotonic() + BUDGET_S)
        except Exception:  # noqa: BLE001 - a conflict or an outage: the event goes again, nothing half done
            self._disarm([schedule])
            return Result.UNAVAILABLE
        return Result.DONE

    def delete_all(self) -> Listed:
        """Forget every schedule, then disarm their events; ``schedules``: those deleted."""
        try:
            _, found = self._load()
            if found:
                self.store.delete(self.key, deadline=time.monotonic() + BUDGET_S)
        except Exception:  # noqa: BLE001
            return Listed(Result.UNAVAILABLE)
        self._disarm(found)
        return Listed(Result.DONE, tuple(found))

    def arm_all(self, text: str) -> int:
        """Arm the event of every schedule kept (the skill loads): how many. Never raises."""
        armed = 0
        for schedule in self.schedules() or ():
            try:
                self.alarms.arm(schedule, text)
                armed += 1
            except Exception:  # noqa: BLE001
                log.warning("reminders: an event could not be armed")
        return armed

    def _disarm(self, schedules: list[Schedule]) -> None:
        for schedule in schedules:
            try:
                self.alarms.disarm(schedule)
            except Exception:  # noqa: BLE001
                log.warning("reminders: an event could not be cancelled")
