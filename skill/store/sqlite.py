"""The embedded store: one SQLite file, safe for a threaded web server.

One connection guarded by a lock: a turn does at most one read and one write, so serialising
them costs nothing noticeable, and it keeps the store free of per-thread connection leaks.
Other processes on the same file are handled by WAL and a busy timeout.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from .base import Record, StoreError, StoreStats, VersionConflict, now

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 2.0  # well inside Alexa's 8 s turn
PURGE_INTERVAL_S = 3600  # expired rows are invisible anyway; purging is housekeeping

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    key TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_expires_at ON records (expires_at);
"""


def _dumps(data: dict[str, Any]) -> str:
    if not isinstance(data, dict):
        raise TypeError("store data must be a dict")
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class SqliteStore:
    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.stats = StoreStats()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._next_purge = 0  # purge on the first save after opening

    # -- connection ---------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        """Open lazily (under the lock), so a store whose disk comes back later recovers."""
        if self._conn is not None:
            return self._conn
        self._create_private_file()
        # isolation_level=None: autocommit; every statement below is atomic on its own.
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # WAL with NORMAL: a process crash loses nothing; only a power loss can drop the last turns.
            # That is the right trade for progress in a guided exercise, and it spares an fsync per turn.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA secure_delete=ON")  # deleted state is personal: overwrite it
            conn.executescript(_SCHEMA)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _create_private_file(self) -> None:
        """Create the file 0600 (and a missing folder 0700) before SQLite opens it.

        SQLite gives its -wal and -shm files the database file's permissions.
        """
        parent = self.path.parent
        if not parent.exists():
            parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _fail(self, op: str, exc: BaseException) -> StoreError:
        self.stats.failures += 1
        # sqlite3 messages never carry bound values, so no keys or data leak here.
        return StoreError(f"sqlite {op} failed: {type(exc).__name__}: {exc}")

    # -- Store interface ----------------------------------------------------------------------

    def load(self, key: str) -> Record | None:
        with self._lock:
            self.stats.reads += 1
            try:
                row = (
                    self._connect()
                    .execute(
                        "SELECT version, expires_at, data FROM records WHERE key = ? AND expires_at > ?",
                        (key, now()),
                    )
                    .fetchone()
                )
                if row is None:
                    return None
                version, expires_at, text = row
                return Record(key=key, data=json.loads(text), version=version, expires_at=expires_at)
            except (sqlite3.Error, OSError, ValueError) as exc:
                raise self._fail("load", exc) from None

    def save(self, key: str, data: dict[str, Any], expected_version: int, expires_at: int) -> Record:
        if expected_version < 0:
            raise ValueError("expected_version must be >= 0")
        text = _dumps(data)  # a TypeError here is a caller bug, not a store fault
        new_version = expected_version + 1
        with self._lock:
            self.stats.writes += 1
            try:
                conn = self._connect()
                if expected_version == 0:
                    # A first save may replace an expired record: load() called it absent.
                    cur = conn.execute(
                        "INSERT INTO records (key, version, expires_at, data) VALUES (?, 1, ?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET version = 1, "
                        "expires_at = excluded.expires_at, data = excluded.data "
                        "WHERE records.expires_at <= ?",
                        (key, int(expires_at), text, now()),
                    )
                else:
                    cur = conn.execute(
                        "UPDATE records SET version = ?, expires_at = ?, data = ? "
                        "WHERE key = ? AND version = ?",
                        (new_version, int(expires_at), text, key, expected_version),
                    )
                changed = cur.rowcount
            except sqlite3.IntegrityError:
                changed = 0
            except (sqlite3.Error, OSError) as exc:
                raise self._fail("save", exc) from None
            if changed == 0:
                self.stats.conflicts += 1
                raise VersionConflict(key, expected_version)
            self._maybe_purge(conn)
        return Record(key=key, data=json.loads(text), version=new_version, expires_at=int(expires_at))

    def delete(self, key: str) -> None:
        with self._lock:
            self.stats.deletes += 1
            try:
                self._connect().execute("DELETE FROM records WHERE key = ?", (key,))
            except (sqlite3.Error, OSError) as exc:
                raise self._fail("delete", exc) from None

    # -- housekeeping -------------------------------------------------------------------------

    def purge_expired(self) -> int:
        """Delete expired rows now; returns how many. Not counted in stats (not a turn's work)."""
        with self._lock:
            try:
                return self._purge(self._connect())
            except (sqlite3.Error, OSError) as exc:
                raise self._fail("purge", exc) from None

    def _purge(self, conn: sqlite3.Connection) -> int:
        self._next_purge = now() + PURGE_INTERVAL_S
        return conn.execute("DELETE FROM records WHERE expires_at <= ?", (now(),)).rowcount

    def _maybe_purge(self, conn: sqlite3.Connection) -> None:
        if now() < self._next_purge:
            return
        try:
            self._purge(conn)
        except sqlite3.Error as exc:  # the save already succeeded; try again next interval
            log.warning("sqlite purge of expired records failed: %s", type(exc).__name__)
