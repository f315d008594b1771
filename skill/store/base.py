"""The state store's small interface: load, save with an expected version, delete.

A store knows nothing of exercises or Alexa. It keeps one JSON-safe dict per person under an
opaque key (a keyed hash made by ``skill.core.identity``), with a version for optimistic concurrency
and an expiry time in epoch seconds.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Record:
    """One stored record: its key, data (JSON-safe), version (1 after the first save) and expiry (epoch s)."""

    key: str
    data: dict[str, Any]  # JSON-safe only: str, int, bool, None, list, dict
    version: int  # 1 after the first save; a record never saved has no Record at all
    expires_at: int  # epoch seconds


class StoreError(Exception):
    """The store could not be reached or failed. The turn goes on from the state in hand."""


class StoreTimeout(StoreError):
    """The call's deadline passed before the store answered. What it was asked to write may still be
    applied later by the store, but only where a conditional write allows (see ``Store.save``)."""


class VersionConflict(StoreError):
    """Another writer saved a newer version since this one was loaded."""

    def __init__(self, key: str, expected_version: int):
        super().__init__(f"version conflict (expected version {expected_version})")
        self.key = key
        self.expected_version = expected_version


@dataclass
class StoreStats:
    """Counts of store operations, for tests and benchmarks."""

    reads: int = 0
    writes: int = 0
    deletes: int = 0
    conflicts: int = 0
    failures: int = 0

    def snapshot(self) -> dict[str, int]:
        """The counts as a plain dict."""
        return dict(self.__dict__)


class Store(Protocol):
    """The interface every store has (sqlite, dynamodb): load, save with an expected version, delete.

    Every call takes an optional ``deadline``: an instant on the ``time.monotonic()`` clock. A call
    still unanswered at its deadline raises StoreTimeout (a StoreError) at about that instant, retries
    included; a deadline already past raises StoreTimeout without touching the store. None: the store's
    own bounded timeouts only."""

    stats: StoreStats

    def load(self, key: str, *, deadline: float | None = None) -> Record | None:
        """The record, or None when absent or expired. Raises StoreError when unreachable or late."""

    def save(self, key: str, data: dict[str, Any], expected_version: int, expires_at: int, *,
             deadline: float | None = None) -> Record:
        """Write ``data`` if the stored version equals ``expected_version`` (0: no record yet).

        Returns the new record (version ``expected_version + 1``). Raises VersionConflict when
        another writer got there first, StoreError when unreachable, StoreTimeout when late. A late
        write that the store applies after all is still conditional on ``expected_version``: it can
        never land on top of a newer write.
        """

    def delete(self, key: str, *, deadline: float | None = None) -> None:
        """Remove the record if present. Raises StoreError when unreachable or late."""


def now() -> int:
    """The current time in whole epoch seconds, as records' expiry uses it."""
    return int(time.time())


def time_left(deadline: float | None) -> float | None:
    """Seconds until ``deadline`` (a ``time.monotonic()`` instant); None for no deadline.

    Raises StoreTimeout when it has passed: a call that cannot finish in time is not started.
    """
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise StoreTimeout("store deadline passed before the call")
    return left


class Outcomes:
    """Logs a store's failures and its recovery honestly, as JSON lines with no keys and no data.

    Each failed call is logged (warning) with the operation and the error class; the first call that
    succeeds after failures is logged (info) as a recovery, with how many calls failed in between.
    """

    def __init__(self, backend: str, logger: logging.Logger):
        self.backend, self.log = backend, logger
        self.failing = 0  # failed calls since the last success
        self._lock = threading.Lock()

    def failed(self, op: str, error: str) -> None:
        with self._lock:
            self.failing += 1
            streak = self.failing
        self.log.warning(json.dumps({"event": "store", "store": self.backend, "op": op, "outcome": "failed",
                                     "error": error, "failing": streak}, separators=(",", ":")))

    def succeeded(self, op: str) -> None:
        if not self.failing:  # the common case: no lock, no log
            return
        with self._lock:
            streak, self.failing = self.failing, 0
        if streak:
            self.log.info(json.dumps({"event": "store", "store": self.backend, "op": op, "outcome": "recovered",
                                      "failed_before": streak}, separators=(",", ":")))

    def note(self, what: str, **fields: Any) -> None:
        """Something the store did on its own to recover (e.g. recreated a deleted data folder)."""
        self.log.warning(json.dumps({"event": "store", "store": self.backend, "outcome": what, **fields},
                                    separators=(",", ":")))
