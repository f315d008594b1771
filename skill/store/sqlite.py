"""The embedded store: one SQLite file, safe for a threaded web server and for other processes.

Connections come from a small pool, one per concurrent call: a thread waiting for another process's
lock waits on its own connection, never behind a lock of ours, so waits do not stack across threads.
Each call's busy wait is cut to its deadline. Other processes on the same file are handled by WAL.

The store recovers without a restart:
- a file opened read-only (SQLite falls back to read-only when it may not write) or any other broken
  connection is dropped on the first failure, so the next call opens the file afresh;
- a data file or folder that vanished or was replaced under a running process is noticed before each
  call (its device and inode changed), logged, and recreated; the caller then finds its record gone
  (``load`` gives None, ``save`` a VersionConflict) and writes again what it holds.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from .base import Outcomes, Record, StoreError, StoreStats, StoreTimeout, VersionConflict, now, time_left

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 2.0  # without a deadline: well inside Alexa's 8 s turn
# A call's busy wait is its time left, rounded down to this step: a connection keeps the same wait from
# call to call (a turn starts with the same budget), so the PRAGMA that changes it is rarely needed.
BUSY_STEP_MS = 100
PURGE_INTERVAL_S = 3600  # expired rows are invisible anyway; purging is housekeeping
IDLE_CONNECTIONS = 8  # kept open between calls; more are opened under load and closed after
WAL_RETRY_S = 0.005  # between tries to switch a new file into WAL (see _enter_wal)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    key TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_expires_at ON records (expires_at);
"""
# SQLite's answers that mean "someone else holds the lock": wait (up to the deadline), then give up.
_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")


def _dumps(data: dict[str, Any]) -> str:
    if not isinstance(data, dict):
        raise TypeError("store data must be a dict")
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _code(exc: BaseException) -> str:
    """SQLite's error name (e.g. SQLITE_READONLY_DBMOVED) or the exception's class: never a value."""
    return str(getattr(exc, "sqlite_errorname", None) or type(exc).__name__)


def _busy(exc: BaseException) -> bool:
    return _code(exc).startswith(_BUSY)


def _enter_wal(conn: sqlite3.Connection, deadline: float | None) -> None:
    """Put the file in WAL mode (kept in the file, so a no-op once any connection has done it).

    On a new file, connections opening at the same moment (eight people on a first start, or on a data
    folder recreated after it was deleted) race to switch it, and SQLite answers the losers SQLITE_BUSY
    at once, without its busy wait. So retry until ``deadline`` (None: BUSY_TIMEOUT_S from now).
    Raises sqlite3.OperationalError when still busy then, or on any other fault.
    """
    give_up = deadline if deadline is not None else time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() + WAL_RETRY_S >= give_up:
                raise
        time.sleep(WAL_RETRY_S)


class _Connection(sqlite3.Connection):
    """A pooled connection that remembers its busy wait (ms), since SQLite gives no way to read it back."""

    busy_ms = int(BUSY_TIMEOUT_S * 1000)  # what ``timeout`` in connect() sets

    def wait_at_most(self, seconds: float | None) -> None:
        """Let a locked database be waited for at most ``seconds`` (None: BUSY_TIMEOUT_S), rounded down to
        BUSY_STEP_MS and at least 1 ms."""
        wanted = int(1000 * (BUSY_TIMEOUT_S if seconds is None else seconds)) // BUSY_STEP_MS * BUSY_STEP_MS
        wanted = max(wanted, 1)
        if wanted != self.busy_ms:
            self.execute(f"PRAGMA busy_timeout = {wanted}")  # a new statement each value: not cheap
            self.busy_ms = wanted


class SqliteStore:
    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.stats = StoreStats()
        self.outcomes = Outcomes("sqlite", log)
        self._lock = threading.Lock()  # held only to take or give back a connection, never during SQL
        self._idle: list[tuple[int, _Connection]] = []  # (generation, connection)
        self._generation = 0  # bumped when the file must be reopened: older connections are closed
        self._opened: tuple[int, int] | None = None  # (device, inode) of the file the connections hold
        self._next_purge = 0  # purge on the first save after opening

    # -- connections --------------------------------------------------------------------------

    def _checkout(self, deadline: float | None) -> tuple[int, _Connection]:
        """An open connection on the file as it is now; reopens when the file vanished or was replaced.
        Opening waits for other connections at most until ``deadline`` (None: BUSY_TIMEOUT_S)."""
        self._notice_replaced_file()
        with self._lock:
            while self._idle:
                generation, conn = self._idle.pop()
                if generation == self._generation:
                    return generation, conn
                conn.close()
            generation = self._generation
        return generation, self._open(deadline)

    def _give_back(self, generation: int, conn: _Connection, broken: bool = False) -> None:
        with self._lock:
            if broken:
                self._generation += 1  # every connection of that file is suspect: reopen all
            if not broken and generation == self._generation and len(self._idle) < IDLE_CONNECTIONS:
                self._idle.append((generation, conn))
                return
        conn.close()

    def _notice_replaced_file(self) -> None:
        """A deleted data folder or file is noticed before the call, not after saves vanish into it."""
        opened = self._opened
        if opened is None:
            return
        try:
            st = os.stat(self.path)
            current: tuple[int, int] | None = (st.st_dev, st.st_ino)
        except OSError:
            current = None
        if current == opened:
            return
        with self._lock:
            if self._opened != opened:
                return  # another thread noticed it first
            self._opened = None
            self._generation += 1
        folder_there = self.path.parent.is_dir()
        self.outcomes.note("data_file_missing" if current is None else "data_file_replaced",
                           folder_missing=not folder_there, action="reopen")

    def _open(self, deadline: float | None) -> _Connection:
        self._create_private_file()
        # isolation_level=None: autocommit; every statement below is atomic on its own.
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False,
                               factory=_Connection)
        try:
            _enter_wal(conn, deadline)
            # WAL with NORMAL: a process crash loses nothing; only a power loss can drop the last turns.
            # That is the right trade for progress in a guided exercise, and it spares an fsync per turn.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA secure_delete=ON")  # deleted state is personal: overwrite it
            conn.executescript(_SCHEMA)
            st = os.stat(self.path)
        except BaseException:
            conn.close()
            raise
        self._opened = (st.st_dev, st.st_ino)
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
            idle, self._idle = self._idle, []
            self._generation += 1
        for _generation, conn in idle:
            conn.close()

    def _run(self, op: str, deadline: float | None, work):
        """Run ``work(conn)`` on a pooled connection with the busy wait cut to the deadline.

        Raises StoreTimeout when the lock was not granted in time, StoreError for any other fault (and
        the connection is dropped so the next call reopens the file).
        """
        try:
            left = time_left(deadline)
            generation, conn = self._checkout(deadline)
        except StoreTimeout as exc:
            raise self._fail(op, exc) from None
        except (sqlite3.Error, OSError) as exc:
            raise self._fail(op, exc) from None
        broken = False
        try:
            conn.wait_at_most(left)
            result = work(conn)
        except (sqlite3.Error, OSError, ValueError) as exc:
            if isinstance(exc, sqlite3.IntegrityError):
                raise
            broken = not _busy(exc)  # a lock held elsewhere is not our fault; anything else: reopen
            raise self._fail(op, exc) from None
        finally:
            self._give_back(generation, conn, broken)
        self.outcomes.succeeded(op)
        return result

    def _fail(self, op: str, exc: BaseException) -> StoreError:
        self.stats.failures += 1
        code = "Timeout" if isinstance(exc, StoreTimeout) else _code(exc)
        self.outcomes.failed(op, code)
        # sqlite3 messages never carry bound values, so no keys or data leak here.
        kind = StoreTimeout if isinstance(exc, StoreTimeout) or _busy(exc) else StoreError
        return kind(f"sqlite {op} failed: {code}")

    # -- Store interface ----------------------------------------------------------------------

    def load(self, key: str, *, deadline: float | None = None) -> Record | None:
        self.stats.reads += 1

        def read(conn: sqlite3.Connection) -> Record | None:
            row = conn.execute(
                "SELECT version, expires_at, data FROM records WHERE key = ? AND expires_at > ?", (key, now())
            ).fetchone()
            if row is None:
                return None
            version, expires_at, text = row
            return Record(key=key, data=json.loads(text), version=version, expires_at=expires_at)

        return self._run("load", deadline, read)

    def save(self, key: str, data: dict[str, Any], expected_version: int, expires_at: int, *,
             deadline: float | None = None) -> Record:
        if expected_version < 0:
            raise ValueError("expected_version must be >= 0")
        text = _dumps(data)  # a TypeError here is a caller bug, not a store fault
        new_version = expected_version + 1
        self.stats.writes += 1

        def write(conn: sqlite3.Connection) -> int:
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
                    "UPDATE records SET version = ?, expires_at = ?, data = ? WHERE key = ? AND version = ?",
                    (new_version, int(expires_at), text, key, expected_version),
                )
            changed = cur.rowcount
            if changed:
                self._maybe_purge(conn)
            return changed

        try:
            changed = self._run("save", deadline, write)
        except sqlite3.IntegrityError:
            changed = 0
        if changed == 0:
            self.stats.conflicts += 1
            raise VersionConflict(key, expected_version)
        return Record(key=key, data=json.loads(text), version=new_version, expires_at=int(expires_at))

    def delete(self, key: str, *, deadline: float | None = None) -> None:
        self.stats.deletes += 1
        self._run("delete", deadline, lambda conn: conn.execute("DELETE FROM records WHERE key = ?", (key,)))

    # -- housekeeping -------------------------------------------------------------------------

    def purge_expired(self) -> int:
        """Delete expired rows now; returns how many. Not counted in stats (not a turn's work)."""
        return self._run("purge", None, self._purge)

    def _purge(self, conn: sqlite3.Connection) -> int:
        self._next_purge = now() + PURGE_INTERVAL_S
        return conn.execute("DELETE FROM records WHERE expires_at <= ?", (now(),)).rowcount

    def _maybe_purge(self, conn: sqlite3.Connection) -> None:
        if now() < self._next_purge:
            return
        try:
            self._purge(conn)
        except sqlite3.Error as exc:  # the save already succeeded; try again next interval
            log.warning(json.dumps({"event": "store", "store": "sqlite", "op": "purge", "outcome": "failed",
                                    "error": _code(exc)}, separators=(",", ":")))
