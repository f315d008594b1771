"""The per-person state the engine works on, and its stored form.

Only what resuming needs is kept (docs/architecture.md, "State"). The dict form is what the store keeps:
JSON-safe, no floats. The question just asked (``pending``) lives in the session only, never in the store.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .questions import Question

MAX_TRAIL = 30
PRACTISED_DAYS = 31  # how far back "how are we doing?" looks, and so how long a session's date is kept
MAX_PRACTISED = 100  # a bound on a damaged or forged list
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_date(raw: Any) -> bool:
    return isinstance(raw, str) and _DATE.match(raw) is not None


@dataclass(frozen=True)
class Progress:
    """Where a person is in an exercise: exercise and step ids, the steps before (for "back"), whether it is
    gentle, and the current hold's run id and position (ms) and whether its chime has played."""

    exercise: str
    step: str
    trail: list[str] = field(default_factory=list)  # steps visited before this one, for "back"
    gentle: bool = False  # after "yellow": slower, gentler guidance
    run: str | None = None  # names this step's current hold playback (in AudioPlayer tokens)
    hold_ms: int = 0  # how far into the step's timed hold, for resuming
    hold_done: bool = False  # the hold played to its chime
    full: bool = False  # full guidance whatever "less talking" says: grounding reached after distress or red

    def to_dict(self) -> dict[str, Any]:
        """The stored form: a JSON-safe dict."""
        return {"exercise": self.exercise, "step": self.step, "trail": list(self.trail), "gentle": self.gentle,
                "run": self.run, "hold_ms": self.hold_ms, "hold_done": self.hold_done, "full": self.full}

    @classmethod
    def from_dict(cls, raw: Any) -> Progress | None:
        """The progress from its stored form; None for anything that is not a valid one."""
        if not (isinstance(raw, dict) and isinstance(raw.get("exercise"), str) and isinstance(raw.get("step"), str)):
            return None
        trail = raw.get("trail")
        trail = [s for s in trail if isinstance(s, str)][-MAX_TRAIL:] if isinstance(trail, list) else []
        hold_ms = raw.get("hold_ms")
        return cls(exercise=raw["exercise"], step=raw["step"], trail=trail, gentle=raw.get("gentle") is True,
                   run=raw["run"] if isinstance(raw.get("run"), str) else None,
                   hold_ms=hold_ms if type(hold_ms) is int and hold_ms >= 0 else 0,
                   hold_done=raw.get("hold_done") is True, full=raw.get("full") is True)


@dataclass(frozen=True)
class State:
    """Everything kept for one person between turns (the stored form: ``to_dict``), plus the question just
    asked, which lives in the session only. Frozen: the engine returns a new State (dataclasses.replace) and
    never changes one it is given, nor the dicts inside it."""

    progress: Progress | None = None
    pending: Question | None = None  # the yes/no question just asked, if any (session only)
    misses: int = 0  # turns in a row not understood (session only)
    welcomed: bool = False  # the first-time welcome (with the disclaimer) was given
    completed: dict[str, int] = field(default_factory=dict)  # exercise id -> times finished
    holds: int = 0  # holds started, for fresh run ids
    playback_failed: bool = False  # the hold audio failed; the next spoken turn says so
    settings: dict[str, Any] = field(default_factory=dict)  # stretch_minutes, quiet_minutes, less_talking
    ratings: dict[str, int] = field(default_factory=dict)  # this run's 0-10 distress: "before", "after"
    repeat_next: list[str] = field(default_factory=list)  # exercises to repeat next time (distress rose)
    ready_next: bool = False  # both partners last said they feel ready for the next stage
    return_to: Progress | None = None  # the partnered exercise left for grounding, to return to gently
    # Local dates ("2026-12-01") an exercise was finished on, one per session, within the last PRACTISED_DAYS
    # ("how are we doing?"); the date reminders were last declined, so that no is not asked again that week.
    practised: list[str] = field(default_factory=list)
    declined: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stored form: a JSON-safe dict of every field but ``pending``. Built by hand (not
        dataclasses.asdict, which deep-copies generically): it runs once a turn."""
        return {
            "progress": self.progress.to_dict() if self.progress else None,
            "welcomed": self.welcomed,
            "completed": dict(self.completed),
            "holds": self.holds,
            "playback_failed": self.playback_failed,
            "settings": dict(self.settings),
            "ratings": dict(self.ratings),
            "repeat_next": list(self.repeat_next),
            "ready_next": self.ready_next,
            "return_to": self.return_to.to_dict() if self.return_to else None,
            "practised": list(self.practised),
            "declined": self.declined,
        }

    @classmethod
    def from_dict(cls, raw: Any, pending: Question | None = None) -> State:
        """The state from its stored form (plus the session's question). Tolerant: unknown or damaged fields
        fall back to their defaults."""
        if not isinstance(raw, dict):
            return cls(pending=pending)
        completed = raw.get("completed")
        return cls(
            progress=Progress.from_dict(raw.get("progress")),
            pending=pending,
            welcomed=raw.get("welcomed") is True,
            completed={k: v for k, v in completed.items() if isinstance(k, str) and type(v) is int}
            if isinstance(completed, dict) else {},
            holds=raw["holds"] if type(raw.get("holds")) is int else 0,
            playback_failed=raw.get("playback_failed") is True,
            settings=_settings(raw.get("settings")),
            ratings={k: v for k, v in raw["ratings"].items() if k in ("before", "after") and type(v) is int}
            if isinstance(raw.get("ratings"), dict) else {},
            repeat_next=[e for e in raw["repeat_next"] if isinstance(e, str)]
            if isinstance(raw.get("repeat_next"), list) else [],
            ready_next=raw.get("ready_next") is True,
            return_to=Progress.from_dict(raw.get("return_to")),
            practised=sorted(d for d in raw["practised"] if _is_date(d))[-MAX_PRACTISED:]
            if isinstance(raw.get("practised"), list) else [],
            declined=raw["declined"] if _is_date(raw.get("declined")) else None,
        )


def _settings(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {}
    out: dict[str, Any] = {k: v for k, v in raw.items() if k.endswith("_minutes") and type(v) is int}
    for flag in ("less_talking", "only_my_voice"):
        if isinstance(raw.get(flag), bool):
            out[flag] = raw[flag]
    return out


DEFAULT = State().to_dict()  # a new person's stored form


def sparse(data: dict[str, Any]) -> dict[str, Any]:
    """Only the fields that differ from a new person's: the session copy stays small to parse and copy."""
    return {k: v for k, v in data.items() if k not in DEFAULT or DEFAULT[k] != v}


def dense(data: dict[str, Any]) -> dict[str, Any]:
    """The inverse of ``sparse``."""
    return {**DEFAULT, **data}
