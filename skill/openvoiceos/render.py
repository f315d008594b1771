"""Replies as plain text for a local text-to-speech voice (OVOS speaks text, not SSML).

The core's pacing plan (skill.core.speech.plan: words and pauses at a pace from the content) is rendered for a
plain TTS voice, which cannot be told to be silent for N seconds: each written pause ends one spoken chunk, and
the next chunk is its own `speak`, so the voice stops between them; sentences within a chunk keep the voice's own
sentence gap. Pure Python.
"""
from __future__ import annotations

from ..core.speech import Pace, Pause, Words, plan, spelled

PLAIN = Pace(rate=1.0, pause_factor=1.0, sentence_gap_ms=0)  # only written pauses split; the voice sets its pace


def speech_chunks(markup: str | None, pace: Pace = PLAIN) -> list[str]:
    """ "Breathe in. [pause 2] And out." -> ["Breathe in.", "And out."]; no empty chunks, white space folded.

    A pause longer than the pace's sentence gap (every written pause) starts a new chunk. None or "" give []."""
    if not markup:
        return []
    chunks: list[list[str]] = [[]]
    for item in plan(markup, pace):
        if isinstance(item, Words) and item.text.strip():
            chunks[-1].append(spelled(item.text.strip()))
        elif isinstance(item, Pause) and item.ms > pace.sentence_gap_ms and chunks[-1]:
            chunks.append([])
    return [" ".join(c) for c in chunks if c]


def plain_text(markup: str | None) -> str:
    """All of a reply as one line, pauses dropped (for transcripts and tests)."""
    return " ".join(speech_chunks(markup))
