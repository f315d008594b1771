"""Merge rules: what a turn saves when another writer (a second device) saved in between.

The rules are written in docs/architecture.md ("Merge rules") and tested as a table in tests/test_merge.py.
"""
from __future__ import annotations

from typing import Any

HOLD_POSITION = ("hold_ms", "hold_done")


def _moves_only_the_hold(before: Any, after: Any) -> bool:
    """``after`` is ``before`` with only the hold's position changed: what an audio report writes."""
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return False
    return ({k: v for k, v in before.items() if k not in HOLD_POSITION}
            == {k: v for k, v in after.items() if k not in HOLD_POSITION})


def reconcile(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """Merge a turn's changes into a record another writer saved in between.

    The rule, field by field (a field is a whole unit: all of ``progress`` is one field):
    - changed only by this turn: this turn's value;
    - changed only by the other writer: theirs;
    - changed by both: theirs, because it was stored first and is newer than what this turn read;
      except when theirs only moved the position of the hold this turn had left (an audio report
      racing with "red", "next" or "cancel"): then this turn's progress, or red would not stop.
    So newer stored progress is never silently overwritten by a stale device.
    """
    merged = dict(theirs)
    for key, value in mine.items():
        if value == base.get(key):
            continue
        theirs_changed = theirs.get(key) != base.get(key)
        if not theirs_changed or (key == "progress" and _moves_only_the_hold(base.get(key), theirs.get(key))):
            merged[key] = value
    return merged
