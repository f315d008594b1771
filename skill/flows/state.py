"""The per-person state the engine works on, and the rule that settles a write race.

Only what resuming needs is kept (ARCHITECTURE.md, "State"). The dict form is what the store
keeps: JSON-safe, no floats.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_TRAIL = 30


@dataclass
class Progress:
    exercise: str
    step: str
    trail: list[str] = field(default_factory=list)  # steps visited before this one, for "back"
    gentle: bool = False  # after "yellow": slower, gentler guidance

    @classmethod
    def from_dict(cls, raw: Any) -> Progress | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("exercise"), str) or not isinstance(raw.get("step"), str):
            return None
        trail = [s for s in raw.get("trail", []) if isinstance(s, str)][-MAX_TRAIL:]
        return cls(exercise=raw["exercise"], step=raw["step"], trail=trail, gentle=raw.get("gentle") is True)


@dataclass
class State:
    progress: Progress | None = None
    pending: str | None = None  # the yes/no question just asked, if any
    welcomed: bool = False  # the first-time welcome (with the disclaimer) was given
    completed: dict[str, int] = field(default_factory=dict)  # exercise id -> times finished

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Any) -> State:
        """Tolerant: unknown or damaged fields fall back to their defaults."""
        if not isinstance(raw, dict):
            return cls()
        completed = raw.get("completed")
        return cls(
            progress=Progress.from_dict(raw.get("progress")),
            pending=raw["pending"] if isinstance(raw.get("pending"), str) else None,
            welcomed=raw.get("welcomed") is True,
            completed={k: v for k, v in completed.items() if isinstance(k, str) and type(v) is int}
            if isinstance(completed, dict) else {},
        )


def reconcile(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """Merge a turn's changes into a record another device saved in between.

    The rule, field by field (a field is a whole unit: all of ``progress`` is one field):
    - changed only by this turn: this turn's value;
    - changed only by the other device: theirs;
    - changed by both: theirs, because it was stored first and is newer than what this turn read.
    So newer stored progress is never silently overwritten by a stale device.
    """
    merged = dict(theirs)
    for key, value in mine.items():
        if value != base.get(key) and theirs.get(key) == base.get(key):
            merged[key] = value
    return merged
