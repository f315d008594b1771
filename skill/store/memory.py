"""The in-memory store, for development and tests: ``memory://`` (private) or ``memory://NAME`` (shared).

NOT PERSISTENT: everything is lost when the process ends. It keeps the same contract as the SQLite and
DynamoDB stores (tests/test_store_contract.py runs all three): versions for optimistic concurrency,
expiry (an expired record is absent and may be started afresh), deadlines, stats, and data that
round-trips exactly as JSON (each record is kept as JSON text, so callers never share objects with it).

``memory://NAME`` opens the process-wide space of that name, so two stores opened on it see the same
records, as two processes on one SQLite file would. ``memory://`` is a fresh space no one else sees.
"""
from __future__ import annotations

import json
import threading
from typing import Any

from .base import Record, StoreStats, StoreTimeout, VersionConflict, now, time_left


class MemorySpace:
    """The records of one space: key -> (version, expires_at epoch s, JSON text), behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: dict[str, tuple[int, int, str]] = {}

    def dump(self) -> str:
        """Everything held, as text (for tests that check what a store keeps)."""
        with self.lock:
            return json.dumps(self.rows, ensure_ascii=False, sort_keys=True)


_named: dict[str, MemorySpace] = {}
_named_lock = threading.Lock()


def named_space(name: str) -> MemorySpace:
    """The process-wide space called ``name`` (created on first use)."""
    with _named_lock:
        return _named.setdefault(name, MemorySpace())


class MemoryStore:
    """A Store (skill.store.base.Store) on a MemorySpace; several stores may share one space."""

    def __init__(self, space: MemorySpace | None = None):
        self.space = space or MemorySpace()
        self.stats = StoreStats()

    def _check(self, deadline: float | None) -> None:
        """A call whose deadline has passed is not started (as the other stores); counted as a failure."""
        try:
            time_left(deadline)
        except StoreTimeout:
            self.stats.failures += 1
            raise

    def load(self, key: str, *, deadline: float | None = None) -> Record | None:
        self.stats.reads += 1
        self._check(deadline)
        with self.space.lock:
            row = self.space.rows.get(key)
        if row is None or row[1] <= now():
            return None
        version, expires_at, text = row
        return Record(key=key, data=json.loads(text), version=version, expires_at=expires_at)

    def save(self, key: str, data: dict[str, Any], expected_version: int, expires_at: int, *,
             deadline: float | None = None) -> Record:
        if expected_version < 0:
            raise ValueError("expected_version must be >= 0")
        if not isinstance(data, dict):
            raise TypeError("store data must be a dict")
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        self.stats.writes += 1
        self._check(deadline)
        new_version = expected_version + 1
        with self.space.lock:
            row = self.space.rows.get(key)
            if expected_version == 0:
                ok = row is None or row[1] <= now()  # a first save may replace an expired record
            else:
                ok = row is not None and row[0] == expected_version
            if ok:
                self.space.rows[key] = (new_version, int(expires_at), text)
        if not ok:
            self.stats.conflicts += 1
            raise VersionConflict(key, expected_version)
        return Record(key=key, data=json.loads(text), version=new_version, expires_at=int(expires_at))

    def delete(self, key: str, *, deadline: float | None = None) -> None:
        self.stats.deletes += 1
        self._check(deadline)
        with self.space.lock:
            self.space.rows.pop(key, None)

    def purge_expired(self) -> int:
        """Drop expired records now; returns how many. Not counted in stats (not a turn's work)."""
        with self.space.lock:
            dead = [k for k, (_v, expires_at, _d) in self.space.rows.items() if expires_at <= now()]
            for k in dead:
                del self.space.rows[k]
        return len(dead)
