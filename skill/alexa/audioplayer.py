"""Holds on Alexa: AudioPlayer tokens, the Play / Stop directives, and where the device says a hold is.

AudioPlayer requests carry no session (docs/platform-alexa.md, "Requests without a session"), so the token
alone says which hold and which segment is playing: exercise, step, a run id, the segment index and the hold's
length, never anything about the person. The arithmetic is the core's (``skill.core.holds``).
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from ..audio import audio_url, segment_file
from ..core import holds
from ..core.events import HoldPlay, HoldPosition

TOKEN_PREFIX = "sh1"  # format version: bump it if the token layout changes
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # exercise and step ids: no "|"
_RUN = re.compile(r"[a-z0-9]{1,16}")
_INDEX = re.compile(r"0|[1-9][0-9]{0,3}")


@dataclass(frozen=True)
class TokenParts:
    exercise: str
    step: str
    run: str
    index: int
    total_seconds: int  # the hold's length, so the chain can be continued without a storage read

    @property
    def hold(self) -> tuple[str, str, str]:
        return self.exercise, self.step, self.run


def make_token(exercise: str, step: str, run: str, index: int, total_seconds: int) -> str:
    """A token such as "sh1|grounding|breathe|r7f3a|3|900" (at most 1024 characters, Alexa's limit);
    ValueError on parts it could not parse back."""
    if not (isinstance(exercise, str) and _NAME.fullmatch(exercise)):
        raise ValueError(f"bad exercise id for a token: {exercise!r}")
    if not (isinstance(step, str) and _NAME.fullmatch(step)):
        raise ValueError(f"bad step id for a token: {step!r}")
    if not (isinstance(run, str) and _RUN.fullmatch(run)):
        raise ValueError(f"bad run id for a token: {run!r}")
    if isinstance(index, bool) or not isinstance(index, int) or not _INDEX.fullmatch(str(index)):
        raise ValueError(f"bad segment index for a token: {index!r}")
    if index > holds.bed_count(total_seconds):
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
    if not 1 <= total_seconds <= holds.MAX_HOLD_SECONDS or i > holds.bed_count(total_seconds):
        return None
    return TokenParts(exercise, step, run, i, total_seconds)


def new_run_id() -> str:
    """A short random run id ("r" + 6 hex digits) that tells this hold from an earlier one."""
    return "r" + secrets.token_hex(3)


def hold_position(token: str | None, offset_ms: int | None) -> HoldPosition | None:
    """Where in a hold a token and file offset point; None for a token that is not one of ours."""
    parts = parse_token(token)
    if parts is None:
        return None
    elapsed = holds.elapsed_ms(parts.total_seconds, parts.index, max(0, int(offset_ms or 0)))
    return HoldPosition(parts.exercise, parts.step, parts.run, elapsed)


STOP_DIRECTIVE = {"type": "AudioPlayer.Stop"}


def segment_directive(base_url: str, token: str, segment: holds.Segment, offset_ms: int, behavior: str,
                      expected_previous: str | None = None) -> dict:
    """``AudioPlayer.Play`` (JSON) for one segment; ``behavior``: "REPLACE_ALL" or "ENQUEUE". No metadata: a
    screen would show it, and it must not name the exercise."""
    stream = {"token": token, "url": audio_url(base_url, segment_file(segment.kind)), "offsetInMilliseconds": offset_ms}
    if expected_previous is not None:
        stream["expectedPreviousToken"] = expected_previous
    return {"type": "AudioPlayer.Play", "playBehavior": behavior, "audioItem": {"stream": stream}}


def play_directive(base_url: str, hold: HoldPlay) -> dict:
    """``AudioPlayer.Play`` (REPLACE_ALL) that starts ``hold`` at its elapsed position."""
    index, offset = holds.position_at(hold.seconds, hold.elapsed_ms)
    segment = holds.hold_segments(hold.seconds)[index]
    token = make_token(hold.exercise, hold.step, hold.run, index, hold.seconds)
    return segment_directive(base_url, token, segment, offset, "REPLACE_ALL")


def enqueue_directive(base_url: str, token: str | None) -> dict | None:
    """``AudioPlayer.Play`` (ENQUEUE) of the segment after ``token``'s, from the token alone; None after the
    chime or for a token that is not ours."""
    parts = parse_token(token)
    following = holds.next_segment(parts.total_seconds, parts.index) if parts else None
    if parts is None or following is None:
        return None
    next_token = make_token(parts.exercise, parts.step, parts.run, following.index, parts.total_seconds)
    return segment_directive(base_url, next_token, following, following.start_offset_ms, "ENQUEUE", token)
