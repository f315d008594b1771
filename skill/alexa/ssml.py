"""Alexa SSML: render the core's speech plan (words and pauses at a pace) as SSML, and check SSML against
Alexa's rules (docs/platform-alexa.md, "SSML"). Knows nothing of exercises.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from xml.sax.saxutils import escape

from ..core.speech import DIGITS, Pace, Pause, plan

MAX_BREAK_MS = 10_000
MAX_SPEECH_CHARS = 8_000
MAX_AUDIO_CLIPS = 5
RENDER_CACHE = 1024  # rendered sentences kept per process: every wording of every step fits

ALLOWED_TAGS = {
    "speak", "p", "s", "break", "emphasis", "prosody", "say-as", "sub", "phoneme", "lang", "audio", "w", "voice",
    "amazon:effect", "amazon:emotion", "amazon:domain", "amazon:breath", "amazon:auto-breaths",
}
AMAZON_NS = "http://amazon.com/ssml"


def rate_text(pace: Pace) -> str:
    """The SSML prosody rate of a pace, e.g. "90%"."""
    return f"{round(pace.rate * 100)}%"


def _break(ms: int) -> str:
    return f'<break time="{min(ms, MAX_BREAK_MS)}ms"/>'


# A number said digit by digit (speech.DIGITS: a pairing code), slower than the speech around it.
SAY_DIGITS = '<prosody rate="slow"><say-as interpret-as="digits">{}</say-as></prosody>'


def to_ssml(text: str, pace: Pace) -> str:
    """Render markup (plain sentences with [pause N], and the engine's [digits N]) as one <speak> document at
    ``pace``."""
    parts = [_break(p.ms) if isinstance(p, Pause) else DIGITS.sub(lambda m: SAY_DIGITS.format(m.group(1)),
                                                                  escape(p.text))
             for p in plan(text, pace)]
    return f'<speak><prosody rate="{rate_text(pace)}">{"".join(parts)}</prosody></speak>'


class SSMLRenderer:
    """Renders markup at the content's paces: ``normal``, or ``gentle`` after yellow (``[pacing.*]`` in
    common/phrases.toml)."""

    def __init__(self, pacing: dict[str, Pace]):
        self.normal, self.gentle = pacing["normal"], pacing["gentle"]
        # Most of what is said is a step's fixed wording: rendering it once per process is enough.
        self.render = lru_cache(maxsize=RENDER_CACHE)(self._render)

    def _render(self, text: str, gentle: bool = False) -> str:
        """``text`` (markup) as SSML at the gentle or the normal pace."""
        return to_ssml(text, self.gentle if gentle else self.normal)


def to_plain(ssml: str) -> str:
    """Readable text for the console and for logs of content: pauses shown as (pause N s)."""
    def pause(m: re.Match) -> str:
        ms = int(m.group(1)) if m.group(2) == "ms" else int(float(m.group(1)) * 1000)
        return f" (pause {ms / 1000:g}s) " if ms >= 1000 else " "

    text = re.sub(r'<break time="(\d+(?:\.\d+)?)(ms|s)"\s*/>', pause, ssml)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return " ".join(text.split())


def _break_ms(value: str) -> int | None:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)", value or "")
    if not m:
        return None
    return round(float(m.group(1)) * (1 if m.group(2) == "ms" else 1000))


def ssml_problems(ssml: str) -> list[str]:
    """Every way ``ssml`` breaks Alexa's rules; an empty list means it is fine."""
    problems = []
    if len(ssml) >= MAX_SPEECH_CHARS:
        problems.append(f"{len(ssml)} characters; the limit is under {MAX_SPEECH_CHARS}")
    try:
        root = ET.fromstring(ssml.replace("<amazon:", "<amazon_").replace("</amazon:", "</amazon_"))
    except ET.ParseError as exc:
        return problems + [f"not well-formed XML: {exc}"]
    if root.tag != "speak":
        problems.append("the root element must be <speak>")
    clips = 0
    for el in root.iter():
        tag = el.tag.replace("amazon_", "amazon:")
        if tag not in ALLOWED_TAGS:
            problems.append(f"<{tag}> is not in Alexa's SSML")
        if tag == "break":
            ms = _break_ms(el.get("time", ""))
            if ms is None and el.get("strength") is None:
                problems.append(f"<break> with a bad time {el.get('time')!r}")
            elif ms is not None and ms > MAX_BREAK_MS:
                problems.append(f"<break> of {ms} ms is over {MAX_BREAK_MS} ms")
        if tag == "audio":
            clips += 1
            if not (el.get("src") or "").startswith("https://"):
                problems.append("<audio> src must be https")
    if clips > MAX_AUDIO_CLIPS:
        problems.append(f"{clips} audio clips; at most {MAX_AUDIO_CLIPS}")
    return problems
