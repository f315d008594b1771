"""The state store's small interface: load, save with an expected version, delete.

A store knows nothing of exercises or Alexa. It keeps one JSON-safe dict per person under an
opaque key (a keyed hash made by ``skill.core.identity``), with a version for optimistic concurrency
and an expiry time in epoch seconds.
"""
from __future__ import annotations

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
    """The interface every store has (sqlite, dynamodb): load, save with an expected version, delete."""

    stats: StoreStats

    def load(self, key: str) -> Record | None:
        """The record, or None when absent or expired. Raises StoreError when unreachable."""

    def save(self, key: str, data: dict[str, Any], expected_version: int, expires_at: int) -> Record:
        """Write ``data`` if the stored version equals ``expected_version`` (0: no record yet).

        Returns the new record (version ``expected_version + 1``). Raises VersionConflict when
        another writer got there first, StoreError when unreachable.
        """

    def delete(self, key: str) -> None:
        """Remove the record if present. Raises StoreError when unreachable."""


def now() -> int:
    """The current time in whole epoch seconds, as records' expiry uses it."""
    return int(time.time())
