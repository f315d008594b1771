"""Pick the store from a URL: ``sqlite:///PATH``, ``dynamodb://TABLE``, ``memory://[NAME]`` (not persistent:
development and tests only), or the embedded default.

``sqlite:///`` is followed by the path as written: ``sqlite:///state.db`` is relative to the
working folder, ``sqlite:////var/lib/x.db`` is absolute (the SQLAlchemy convention).
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from .base import Store

ACCEPTED = ("sqlite:///PATH (e.g. sqlite:///state.sqlite3 or sqlite:////abs/path/state.sqlite3), dynamodb://TABLE, "
            "memory:// or memory://NAME (not persistent)")
_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")


def default_sqlite_path() -> Path:
    """The per-user data file: XDG on Linux and others, the usual folders on macOS and Windows."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        folder = Path(base) if base else Path.home() / "AppData" / "Local"
        return folder / "Safe Harbor" / "state.sqlite3"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Safe Harbor" / "state.sqlite3"
    xdg = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    folder = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return folder / "safe-harbor" / "state.sqlite3"


def open_store(url: str | None = None) -> Store:
    url = url or os.environ.get("SKILL_STORE") or ""
    url = url.strip()
    if not url:
        from .sqlite import SqliteStore

        return SqliteStore(default_sqlite_path())
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if not path:
            raise ValueError(f"SKILL_STORE: sqlite URL has no path; accepted forms: {ACCEPTED}")
        from .sqlite import SqliteStore

        return SqliteStore(Path(path).expanduser())
    if url.startswith("dynamodb://"):
        table = url[len("dynamodb://"):]
        if not _TABLE_NAME.fullmatch(table):
            raise ValueError(
                "SKILL_STORE: dynamodb table name must be 3-255 characters of letters, digits, '_', '-', '.'; "
                f"accepted forms: {ACCEPTED}"
            )
        from .dynamodb import DynamoDBStore  # boto3 is imported only when asked for

        return DynamoDBStore(table)
    if url.startswith("memory://"):
        from .memory import MemoryStore, named_space

        name = url[len("memory://"):]
        return MemoryStore(named_space(name) if name else None)
    scheme = url.split(":", 1)[0] if ":" in url else url
    raise ValueError(f"SKILL_STORE: unsupported store {scheme!r}; accepted forms: {ACCEPTED}")
