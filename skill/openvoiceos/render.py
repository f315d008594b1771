"""Replies as plain text for a local text-to-speech voice (OVOS speaks text, not SSML).

The content markup is plain sentences with "[pause N]". A plain TTS voice cannot be told to be silent for N
seconds, so each pause ends one spoken chunk and the next chunk is its own `speak`: the voice stops between
them, as it does between sentences. Pure Python.
"""
from __future__ import annotations

import re

PAUSE = re.compile(r"\[pause \d+(?:\.\d+)?\]")


def speech_chunks(markup: str | None) -> list[str]:
    """ "Breathe in. [pause 2] And out." -> ["Breathe in.", "And out."]; no empty chunks, whitespace tidied.

    Raises nothing: None or "" give []."""
    if not markup:
        return []
    return [" ".join(part.split()) for part in PAUSE.split(markup) if part.strip()]


def plain_text(markup: str | None) -> str:
    """All of a reply as one line, pauses dropped (for transcripts and tests)."""
    return " ".join(speech_chunks(markup))
