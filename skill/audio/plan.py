"""Where a timed hold is at: the chain of audio segments, and the AudioPlayer tokens that name them.

A hold of N seconds plays ceil(N/60) copies of the 60 s bed, then the chime. The first bed starts part-way in
so the beds add up to exactly N seconds. AudioPlayer requests carry no session, so the token alone must say
which hold and which segment is playing; it names the exercise, the step, a run id and the segment index, and
never anything about the person.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from typing import Literal

from . import BED_FILE, CHIME_FILE

__all__ = [
    "SEGMENT_SECONDS",
    "MAX_HOLD_SECONDS",
    "TOKEN_PREFIX",
    "Segment",
    "TokenParts",
    "hold_segments",
    "remaining_seconds",
    "position_at",
    "elapsed_ms",
    "make_token",
    "parse_token",
    "new_run_id",
]

SEGMENT_SECONDS = 60
MAX_HOLD_SECONDS = 3600
TOKEN_PREFIX = "sh1"  # format version: bump it if the token layout changes
_SEGMENT_MS = SEGMENT_SECONDS * 1000
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # exercise and step ids: no "|"
_RUN = re.compile(r"[a-z0-9]{1,16}")
_INDEX = re.compile(r"0|[1-9][0-9]{0,3}")


@dataclass(frozen=True)
class Segment:
    index: int
    kind: Literal["bed", "chime"]
    file: str  # logical file name; see skill.audio.audio_url for the URL to play
    start_offset_ms: int


@dataclass(frozen=True)
class TokenParts:
    exercise: str
    step: str
    run: str
    index: int
    total_seconds: int  # the hold's length, so the chain can be continued without a storage read


def _check_total(total_seconds: int) -> int:
    if isinstance(total_seconds, bool) or not isinstance(total_seconds, int):
        raise TypeError("total_seconds must be an int")
    if not 1 <= total_seconds <= MAX_HOLD_SECONDS:
        raise ValueError(f"a hold lasts 1 to {MAX_HOLD_SECONDS} seconds, not {total_seconds}")
    return total_seconds


def _bed_count(total_seconds: int) -> int:
    return math.ceil(total_seconds / SEGMENT_SECONDS)


def _first_offset_ms(total_seconds: int) -> int:
    return (_bed_count(total_seconds) * SEGMENT_SECONDS - total_seconds) * 1000


def hold_segments(total_seconds: int) -> list[Segment]:
    """The segments to enqueue, in order, for a hold of total_seconds (1..3600): beds, then the chime."""
    beds = _bed_count(_check_total(total_seconds))
    first = _first_offset_ms(total_seconds)
    segments = [Segment(i, "bed", BED_FILE, first if i == 0 else 0) for i in range(beds)]
    segments.append(Segment(beds, "chime", CHIME_FILE, 0))
    return segments


def elapsed_ms(total_seconds: int, index: int, offset_ms: int) -> int:
    beds = _bed_count(_check_total(total_seconds))
    if not 0 <= index <= beds:
        raise ValueError(f"segment {index} is not part of a {total_seconds} s hold")
    if index == beds:  # the chime: the quiet time is over
        return total_seconds * 1000
    first = _first_offset_ms(total_seconds)
    start = first if index == 0 else 0
    before = 0 if index == 0 else (_SEGMENT_MS - first) + (index - 1) * _SEGMENT_MS
    within = min(max(offset_ms, start), _SEGMENT_MS) - start
    return before + within


def remaining_seconds(total_seconds: int, index: int, offset_ms: int) -> int:
    """Seconds of quiet left when segment `index` is at file position offset_ms (as AudioPlayer reports it).

    Rounded up, so it only reaches 0 when the hold is really over.
    """
    left_ms = total_seconds * 1000 - elapsed_ms(total_seconds, index, offset_ms)
    return max(0, math.ceil(left_ms / 1000))


def position_at(total_seconds: int, elapsed_ms: int) -> tuple[int, int]:
    """(segment index, file offset in ms) to play after elapsed_ms of the hold, e.g. to resume it.

    Once the quiet time is over this points at the start of the chime.
    """
    segments = hold_segments(total_seconds)
    elapsed_ms = max(0, elapsed_ms)
    if elapsed_ms >= total_seconds * 1000:
        return segments[-1].index, 0
    offset = segments[0].start_offset_ms + elapsed_ms
    return offset // _SEGMENT_MS, offset % _SEGMENT_MS


def make_token(exercise: str, step: str, run: str, index: int, total_seconds: int) -> str:
    """An AudioPlayer token such as "sh1|grounding|breathe|r7f3a|3|900"; ValueError on parts it could not round-trip."""
    if not (isinstance(exercise, str) and _NAME.fullmatch(exercise)):
        raise ValueError(f"bad exercise id for a token: {exercise!r}")
    if not (isinstance(step, str) and _NAME.fullmatch(step)):
        raise ValueError(f"bad step id for a token: {step!r}")
    if not (isinstance(run, str) and _RUN.fullmatch(run)):
        raise ValueError(f"bad run id for a token: {run!r}")
    if isinstance(index, bool) or not isinstance(index, int) or not _INDEX.fullmatch(str(index)):
        raise ValueError(f"bad segment index for a token: {index!r}")
    _check_total(total_seconds)
    if index > _bed_count(total_seconds):
        raise ValueError(f"segment {index} is not part of a {total_seconds} s hold")
    return f"{TOKEN_PREFIX}|{exercise}|{step}|{run}|{index}|{total_seconds}"


def parse_token(token: object) -> TokenParts | None:
    """The parts of a token made by make_token; None for anything else (other skills' tokens, stale formats)."""
    if not isinstance(token, str) or len(token) > 1024:
        return None
    parts = token.split("|")
    if len(parts) != 6 or parts[0] != TOKEN_PREFIX:
        return None
    _, exercise, step, run, index, total = parts
    if not (_NAME.fullmatch(exercise) and _NAME.fullmatch(step) and _RUN.fullmatch(run) and _INDEX.fullmatch(index)
            and _INDEX.fullmatch(total)):
        return None
    total_seconds, i = int(total), int(index)
    if not 1 <= total_seconds <= MAX_HOLD_SECONDS or i > _bed_count(total_seconds):
        return None
    return TokenParts(exercise, step, run, i, total_seconds)


def new_run_id() -> str:
    """A short random run id ("r" + 6 hex digits) that tells this hold from an earlier one."""
    return "r" + secrets.token_hex(3)
