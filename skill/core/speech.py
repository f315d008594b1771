"""Pacing as data: content markup turned into a plan of words and pauses, at a pace from the content.

Markup is plain sentences with ``[pause N]`` (a rest of N seconds, at most 10) and ``[breath N]`` (one paced
breath in or out, N seconds, within the comfortable range of docs/writing-content.md). A pace (``[pacing.*]`` in
``common/phrases.toml``) says how fast the voice goes, how much longer each written rest becomes, and how
much silence falls between sentences; a paced breath keeps its written length at every pace. Each platform
renders the plan its own way (Alexa: SSML breaks and prosody; plain text-to-speech: short silences between
chunks; the studio: text with the seconds shown).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

PAUSE = re.compile(r"\[pause (\d+(?:\.\d+)?)\]")
# A number said digit by digit (a pairing code). Only the engine writes it, into a filled phrase (``digits``):
# content cannot (the loader allows no other [markup]). Alexa says it as SSML say-as digits, slowly; a plain
# voice gets the digits spaced out (``spelled``).
DIGITS = re.compile(r"\[digits (\d{1,12})\]")
SILENCE = re.compile(r"\[(pause|breath) (\d+(?:\.\d+)?)\]")  # either, with its kind
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


@dataclass(frozen=True)
class Breath(Pause):
    """A silence that is one paced breath in or out: never stretched by the pace."""


def plan(markup: str, pace: Pace) -> list[Words | Pause]:
    """``markup`` as words and pauses at ``pace``: written rests stretched by the pace, paced breaths as written
    (``Breath``), a sentence gap between sentences. White space is folded; nothing is escaped (that is each
    renderer's business)."""
    out: list[Words | Pause] = []
    parts = SILENCE.split(" ".join(markup.split()))
    for i in range(0, len(parts), 3):
        chunk = parts[i]
        if i:  # the kind and number of the [pause N] or [breath N] before this chunk
            kind, seconds = parts[i - 2], float(parts[i - 1])
            out.append(Breath(round(seconds * 1000)) if kind == "breath"
                       else Pause(round(seconds * 1000 * pace.pause_factor)))
        sentences = [s for s in SENTENCE_END.split(chunk.strip()) if s]
        for j, sentence in enumerate(sentences):
            if j:
                out.append(Pause(pace.sentence_gap_ms))
            out.append(Words(sentence))
    return out


def digits(number: str) -> str:
    """``number`` (1 to 12 digits) as markup said digit by digit: "[digits 481592]"."""
    if not DIGITS.fullmatch(f"[digits {number}]"):
        raise ValueError("digits takes 1 to 12 digits")
    return f"[digits {number}]"


def spelled(text: str) -> str:
    """``text`` with each [digits N] as its digits spaced out ("4 8 1 5 9 2"), for a voice that takes plain text."""
    return DIGITS.sub(lambda m: " ".join(m.group(1)), text)


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
