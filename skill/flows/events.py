"""What the engine understands: platform-neutral events, the turn's context, and its reply."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Callable


class Ev(StrEnum):
    LAUNCH = "launch"
    START = "start"  # value: exercise id, or None when the name did not match
    GROUND = "ground"  # "help me ground", "I'm triggered", "I'm having a flashback"
    NEXT = "next"
    BACK = "back"
    REPEAT = "repeat"
    START_OVER = "start_over"
    PAUSE = "pause"
    RESUME = "resume"
    HELP = "help"
    YES = "yes"
    NO = "no"
    CHECKIN = "checkin"  # value: green, yellow, red, or None when unmatched
    STOP = "stop"
    CANCEL = "cancel"
    FALLBACK = "fallback"
    LOOP = "loop"
    SHUFFLE = "shuffle"
    SESSION_END = "session_end"


@dataclass(frozen=True)
class Event:
    kind: Ev
    value: str | None = None


def _unknown_time() -> datetime | None:
    return None


@dataclass(frozen=True)
class Context:
    locale: str = "en-US"
    new_session: bool = False
    # The device's local time, asked for only when a step names the day (it may cost a network call).
    local_time: Callable[[], datetime | None] = field(default=_unknown_time)


@dataclass(frozen=True)
class Reply:
    """What to say, in the content markup (plain text with [pause N]); the speech layer renders it."""

    speech: str = ""
    reprompt: str | None = None
    end_session: bool = True
    gentle: bool = False
