"""Pacing as data: content markup turned into a plan of words and pauses, at a pace from the content.

Markup is plain sentences with ``[pause N]`` (N seconds, at most 10). A pace (``[pacing.*]`` in
``common/phrases.toml``) says how fast the voice goes, how much longer each written pause becomes, and how
much silence falls between sentences. Each platform renders the plan its own way (Alexa: SSML breaks and
prosody; plain text-to-speech: short silences between chunks; the studio: text with the seconds shown).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

PAUSE = re.compile(r"\[pause (\d+(?:\.\d+)?)\]")
SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


@dataclass(frozen=True)
class Pace:
    """``rate``: the voice's speed as a fraction of its normal rate (0.9 = 90 %); ``pause_factor``: how much
    longer every written pause becomes; ``sentence_gap_ms``: silence between sentences."""

    rate: float
    pause_factor: float
    sentence_gap_ms: int


@dataclass(frozen=True)
class Words:
    """Words to say, as written."""

    text: str  # one sentence (or the part of one between pauses), as written


@dataclass(frozen=True)
class Pause:
    """A silence."""

    ms: int  # silence in milliseconds


def plan(markup: str, pace: Pace) -> list[Words | Pause]:
    """``markup`` as words and pauses at ``pace``: written pauses stretched by the pace, a sentence gap between
    sentences. White space is folded; nothing is escaped (that is each renderer's business)."""
    out: list[Words | Pause] = []
    for i, chunk in enumerate(PAUSE.split(" ".join(markup.split()))):
        if i % 2:  # the captured number of a [pause N]
            out.append(Pause(round(float(chunk) * 1000 * pace.pause_factor)))
            continue
        sentences = [s for s in SENTENCE_END.split(chunk.strip()) if s]
        for j, sentence in enumerate(sentences):
            if j:
                out.append(Pause(pace.sentence_gap_ms))
            out.append(Words(sentence))
    return out


def spoken_seconds(markup: str, pace: Pace, words_per_minute: float) -> float:
    """How long ``markup`` takes to say at ``pace``: words at ``words_per_minute`` (scaled by the pace's rate),
    plus every pause."""
    total = 0.0
    for part in plan(markup, pace):
        if isinstance(part, Pause):
            total += part.ms / 1000
        else:
            total += len(part.text.split()) * 60 / (words_per_minute * pace.rate)
    return total
