"""Hold arithmetic: where a timed quiet stretch stands, in plain numbers (seconds, ms, segment index).

A hold of N seconds plays ceil(N/60) copies of a 60 s bed, then a chime. The first bed starts part-way in,
so the beds add up to exactly N seconds. Only the chime's end finishes a hold; a bed's end is routine.
Platforms name segments their own way (Alexa: AudioPlayer tokens; OVOS: its audio service); this module
knows no platform and no file.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

SEGMENT_SECONDS = 60
MAX_HOLD_SECONDS = 3600
_SEGMENT_MS = SEGMENT_SECONDS * 1000


@dataclass(frozen=True)
class Segment:
    """One piece of a hold: ``index`` in the chain, a ``bed`` or the final ``chime``, and where in its file
    (ms) playback starts."""

    index: int
    kind: Literal["bed", "chime"]
    start_offset_ms: int


def check_total(total_seconds: int) -> int:
    """``total_seconds`` if it is a whole number of seconds from 1 to 3600; TypeError / ValueError otherwise."""
    if isinstance(total_seconds, bool) or not isinstance(total_seconds, int):
        raise TypeError("total_seconds must be an int")
    if not 1 <= total_seconds <= MAX_HOLD_SECONDS:
        raise ValueError(f"a hold lasts 1 to {MAX_HOLD_SECONDS} seconds, not {total_seconds}")
    return total_seconds


def bed_count(total_seconds: int) -> int:
    """How many beds a hold of ``total_seconds`` plays before its chime (the chime's index)."""
    return math.ceil(check_total(total_seconds) / SEGMENT_SECONDS)


def _first_offset_ms(total_seconds: int) -> int:
    return (bed_count(total_seconds) * SEGMENT_SECONDS - total_seconds) * 1000


def hold_segments(total_seconds: int) -> list[Segment]:
    """The segments of a hold of ``total_seconds`` (1..3600), in order: beds, then the chime."""
    beds = bed_count(total_seconds)
    first = _first_offset_ms(total_seconds)
    segments = [Segment(i, "bed", first if i == 0 else 0) for i in range(beds)]
    segments.append(Segment(beds, "chime", 0))
    return segments


def is_final_segment(total_seconds: int, index: int) -> bool:
    """True for the chime: only its end finishes the hold."""
    return index >= bed_count(total_seconds)


def next_segment(total_seconds: int, index: int) -> Segment | None:
    """The segment to chain after ``index``, or None after the chime."""
    segments = hold_segments(total_seconds)
    return segments[index + 1] if 0 <= index + 1 < len(segments) else None


def elapsed_ms(total_seconds: int, index: int, offset_ms: int) -> int:
    """Quiet time played (ms) when segment ``index`` is at file position ``offset_ms``; the chime counts as
    all of it. ValueError for an index outside the hold."""
    beds = bed_count(total_seconds)
    if not 0 <= index <= beds:
        raise ValueError(f"segment {index} is not part of a {total_seconds} s hold")
    if index == beds:
        return total_seconds * 1000
    first = _first_offset_ms(total_seconds)
    start = first if index == 0 else 0
    before = 0 if index == 0 else (_SEGMENT_MS - first) + (index - 1) * _SEGMENT_MS
    within = min(max(offset_ms, start), _SEGMENT_MS) - start
    return before + within


def remaining_seconds(total_seconds: int, index: int, offset_ms: int) -> int:
    """Seconds of quiet left at segment ``index``, file position ``offset_ms``; rounded up, so it reaches 0 only
    when the hold is over."""
    left_ms = total_seconds * 1000 - elapsed_ms(total_seconds, index, offset_ms)
    return max(0, math.ceil(left_ms / 1000))


def position_at(total_seconds: int, elapsed: int) -> tuple[int, int]:
    """(segment index, file offset in ms) to play after ``elapsed`` ms of the hold, e.g. to resume it.
    Once the quiet time is over this points at the start of the chime."""
    segments = hold_segments(total_seconds)
    elapsed = max(0, elapsed)
    if elapsed >= total_seconds * 1000:
        return segments[-1].index, 0
    offset = segments[0].start_offset_ms + elapsed
    return offset // _SEGMENT_MS, offset % _SEGMENT_MS
