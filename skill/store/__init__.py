"""State stores: ``sqlite:///PATH`` (embedded default), ``dynamodb://TABLE`` or
``memory://[NAME]`` (in-memory, not persistent: development and tests)."""
from .base import Record, Store, StoreError, StoreStats, StoreTimeout, VersionConflict

__all__ = ["Record", "Store", "StoreError", "StoreStats", "StoreTimeout", "VersionConflict", "open_store"]


def open_store(url: str | None = None) -> Store:
    """Open the store named by ``url`` (or ``SKILL_STORE``; the embedded SQLite file when unset)."""
    from .factory import open_store as _open

    return _open(url)
