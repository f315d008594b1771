"""Echo Show: the core's ``Screen`` drawn as an APL document, and touches read back as engine events.

One document (``apl/screen.json``, the ``alexa-layouts`` components) is filled per turn from the data source
``screen``. Facts it relies on (docs/platform-alexa.md, "Screens (APL)"):

- A device shows APL only when ``context.System.device.supportedInterfaces`` has ``Alexa.Presentation.APL``;
  no directive is sent otherwise.
  https://developer.amazon.com/en-US/docs/alexa/alexa-presentation-language/apl-interface.html
- While ``AudioPlayer`` plays, a screen device shows the audio player's own screen, not the skill's document,
  so a hold there would show no countdown and no buttons. Where the viewport plays media (``Viewports[].video``),
  the hold plays in the document instead, through a ``Video`` component with the same audio files.
  https://developer.amazon.com/en-US/docs/alexa/custom-skills/audioplayer-interface-reference.html
- The countdown is a data-binding expression over ``elapsedTime`` (ms since the document was shown), so it
  runs on the device with no request per second.
  https://developer.amazon.com/en-US/docs/alexa/alexa-presentation-language/apl-data-binding-evaluation.html
- A touch arrives as ``Alexa.Presentation.APL.UserEvent`` with the ``arguments`` the document's ``SendEvent``
  gave (``ACTIONS``); anything else in them is answered calmly as words not understood.
  https://developer.amazon.com/en-US/docs/alexa/alexa-presentation-language/apl-send-event-command.html
"""
from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..audio import audio_url, segment_file
from ..core import holds
from ..core.events import Ev, Event, HoldPosition, Screen
from .audioplayer import make_token, parse_token

INTERFACE = "Alexa.Presentation.APL"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
RENDER = "Alexa.Presentation.APL.RenderDocument"
DOCUMENT_FILE = Path(__file__).resolve().parent / "apl" / "screen.json"
PRESENTATION_TOKEN = "safe-harbor"  # names the document, never the person or the exercise
# What a touch says (the first argument of SendEvent), as the same events as speech.
ACTIONS = {"stop": Ev.STOP, "pause": Ev.PAUSE, "help": Ev.DISTRESS, "hold_end": Ev.HOLD_FINISHED}
MAX_ARGUMENT = 1100  # an argument longer than any token of ours is not ours


@lru_cache(maxsize=1)
def document() -> dict:
    """The APL document (a fresh copy is made per response)."""
    return json.loads(DOCUMENT_FILE.read_text(encoding="utf-8"))


def has_screen(interfaces: dict) -> bool:
    """Whether the device's ``supportedInterfaces`` (request JSON) lists APL."""
    return isinstance(interfaces.get(INTERFACE), dict)


def plays_media(context: dict) -> bool:
    """Whether the device's APL viewport can play media: ``context.Viewports[].configuration.current.video``
    (or the older ``context.Viewport.video``) lists codecs. There a hold plays in the document, with its
    countdown and buttons. https://developer.amazon.com/en-US/docs/alexa/alexa-presentation-language/apl-viewport-property.html"""
    def codecs(video: Any) -> bool:
        return isinstance(video, dict) and isinstance(video.get("codecs"), list) and bool(video["codecs"])

    viewports = context.get("Viewports")
    for viewport in viewports if isinstance(viewports, list) else []:
        current = ((viewport.get("configuration") or {}) if isinstance(viewport, dict) else {})
        current = current.get("current") if isinstance(current, dict) else None
        if viewport.get("type") == "APL" and isinstance(current, dict) and codecs(current.get("video")):
            return True
    legacy = context.get("Viewport")
    return isinstance(legacy, dict) and codecs(legacy.get("video"))


def _hold_data(screen: Screen, base_url: str | None) -> dict:
    hold = screen.hold
    if hold is None or base_url is None:
        return {"token": "", "sources": [], "remainingMs": 0, "format": "mm:ss", "label": "", "firstIndex": 0}
    first, offset = holds.position_at(hold.seconds, hold.elapsed_ms)
    segments = holds.hold_segments(hold.seconds)[first:]
    sources = [{"url": audio_url(base_url, segment_file(s.kind)), "offset": offset if s.index == first else
                s.start_offset_ms} for s in segments]
    return {"token": make_token(hold.exercise, hold.step, hold.run, first, hold.seconds), "sources": sources,
            "remainingMs": max(0, hold.seconds * 1000 - hold.elapsed_ms), "firstIndex": first,
            "format": "H:mm:ss" if hold.seconds >= 3600 else "mm:ss", "label": screen.hold_label or ""}


def render_document(screen: Screen, base_url: str | None = None, ssml: str | None = None) -> dict:
    """``Alexa.Presentation.APL.RenderDocument`` (JSON) showing ``screen``. A hold in it plays from
    ``base_url`` (None: not in the document); ``ssml``, when given, is spoken by the document itself before the
    hold starts (the response then carries no outputSpeech, so the two never overlap)."""
    properties: dict[str, Any] = {
        "title": screen.title, "crisis": screen.crisis or "", "hold": _hold_data(screen, base_url),
        "buttons": [{"does": does, "label": label} for does, label in screen.buttons], "speech": ""}
    source: dict[str, Any] = {"type": "object", "properties": properties}
    if ssml:
        properties["ssml"] = ssml
        source["transformers"] = [{"inputPath": "ssml", "outputName": "speech", "transformer": "ssmlToSpeech"}]
    return {"type": RENDER, "token": PRESENTATION_TOKEN, "document": copy.deepcopy(document()),
            "datasources": {"screen": source}}


def _whole(value: Any) -> int | None:
    """A whole number from an argument (APL may send numbers as numbers or text); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value) < 12:
        value = int(value)
    return value if isinstance(value, int) and value >= 0 else None


def read_touch(request: dict) -> tuple[Event, HoldPosition | None]:
    """A UserEvent request -> (the engine event, where the hold in the document stood, or None).

    ``arguments``: ["stop"], ["pause"], ["help"], ["pause", token, segment index, file offset ms] (from the
    hold's player) or ["hold_end", token]. Anything else, malformed or unknown, is Ev.FALLBACK: a calm answer.
    """
    args = request.get("arguments")
    if not (isinstance(args, list) and args and isinstance(args[0], str) and args[0] in ACTIONS):
        return Event(Ev.FALLBACK), None
    kind = ACTIONS[args[0]]
    token = args[1] if len(args) > 1 and isinstance(args[1], str) and len(args[1]) <= MAX_ARGUMENT else None
    parts = parse_token(token)
    if parts is None:
        return Event(Ev.FALLBACK if kind == Ev.HOLD_FINISHED else kind), None
    if kind == Ev.HOLD_FINISHED:
        index, offset = holds.bed_count(parts.total_seconds), 0
    else:
        index, offset = (_whole(a) for a in (args + [None, None])[2:4])
    if index is None or offset is None or index > holds.bed_count(parts.total_seconds):
        return Event(kind), None
    elapsed = holds.elapsed_ms(parts.total_seconds, index, offset)
    return Event(kind), HoldPosition(parts.exercise, parts.step, parts.run, elapsed)
