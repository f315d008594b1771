"""The shape of an Alexa request, checked at the boundary before the skill sees it.

``check_envelope`` refuses what Alexa never sends: JSON that is not strict JSON (NaN, Infinity, a
number too big for a float such as ``1e400``, lone surrogates), nesting deeper than ``MAX_DEPTH``,
envelope fields of the wrong type and timestamps that are not timestamps. Values within the shape are
not limited to a list: what Alexa adds over the years (a new session-end reason, error type,
resolution status or player activity) passes, and the adapter (skill.alexa.adapter) simply does not
act on a value it does not know. Used by the web verifier and the adapter (for Lambda) alike.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

MAX_DEPTH = 40  # real envelopes (and this skill's session attributes) nest under 12 deep

# The envelope fields the skill reads, with the JSON types Alexa sends them as. A dict is an object
# with these keys (others are allowed); "*" stands for every value of an object; a one-item list is
# an array of that. A key that is absent or null is not checked; REQUIRED ones must be there.
_TEXT, _INT, _OBJECT = str, int, dict
# Epoch integers below this are seconds, above it milliseconds: 10**11 s is the year 5138, 10**11 ms 1973.
_MS_THRESHOLD = 10**11
_MAX_EPOCH_MS = 10**15  # far beyond any real date; keeps the float conversion safe


def timestamp_seconds(value: Any) -> float:
    """A request timestamp -> epoch seconds (float).

    Accepts ISO 8601 text (naive means UTC) and integer epochs in seconds or milliseconds (told apart
    by size, see ``_MS_THRESHOLD``). Raises ValueError for anything else. The shape check and the
    verifier's freshness check both read a timestamp here, so they cannot disagree.
    """
    if isinstance(value, bool):
        raise ValueError("not a timestamp")
    if isinstance(value, int):
        if abs(value) > _MAX_EPOCH_MS:
            raise ValueError("not a timestamp")
        return float(value) if abs(value) < _MS_THRESHOLD else value / 1000.0
    if isinstance(value, str) and len(value) <= 64:
        parsed = dt.datetime.fromisoformat(value.strip())
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        return parsed.timestamp()
    raise ValueError("not a timestamp")


def _timestamp(value: Any) -> bool:
    try:
        timestamp_seconds(value)
    except (ValueError, OverflowError, OSError):
        return False
    return True


_SLOT_RESOLUTIONS = {"resolutionsPerAuthority": [{
    "authority": _TEXT, "status": {"code": _TEXT}, "values": [{"value": {"name": _TEXT, "id": _TEXT}}],
}]}
_SHAPE: dict[str, Any] = {
    "version": _TEXT,
    "session": {"new": bool, "sessionId": _TEXT, "attributes": _OBJECT,
                "application": {"applicationId": _TEXT}, "user": {"userId": _TEXT, "accessToken": _TEXT}},
    "context": {
        "System": {"application": {"applicationId": _TEXT}, "user": {"userId": _TEXT, "accessToken": _TEXT},
                   "person": {"personId": _TEXT, "accessToken": _TEXT},
                   "device": {"deviceId": _TEXT, "supportedInterfaces": _OBJECT},
                   "apiEndpoint": _TEXT, "apiAccessToken": _TEXT},
        "AudioPlayer": {"token": _TEXT, "offsetInMilliseconds": _INT, "playerActivity": _TEXT},
    },
    "request": {
        "type": _TEXT, "requestId": _TEXT, "timestamp": _timestamp, "locale": _TEXT,
        "dialogState": _TEXT, "reason": _TEXT, "error": _OBJECT, "token": _TEXT, "offsetInMilliseconds": _INT,
        "body": _OBJECT,
        "intent": {"name": _TEXT, "confirmationStatus": _TEXT,
                   "slots": {"*": {"name": _TEXT, "value": _TEXT, "confirmationStatus": _TEXT,
                                   "source": _TEXT, "resolutions": _SLOT_RESOLUTIONS, "slotValue": _OBJECT}}},
    },
}
_REQUIRED = {(): ("request", "context"), ("request",): ("type",), ("context",): ("System",)}


class Malformed(ValueError):
    """The body is not an envelope this service will hand to the skill."""


def _reject_constant(name: str) -> Any:
    raise Malformed(f"non-JSON constant {name}")


def parse_strict(body: bytes) -> Any:
    """JSON as RFC 8259 has it: no NaN / Infinity (Python's json reads them), valid UTF-8 only."""
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Malformed(type(exc).__name__) from None


def _check_tree(value: Any) -> None:
    """Nesting no deeper than MAX_DEPTH, every string (key or value) encodable as UTF-8, every number finite.

    Iterative, so hostile nesting cannot exhaust the stack; ``"\\ud800"`` escapes a lone surrogate
    that no store, log or response encoder can write; ``1e400`` reads as infinity, which no JSON
    encoder writes back (a Lambda event arrives already parsed, so the parse alone cannot catch it).
    """
    level, depth = [value], 1
    while level:  # one nesting level at a time: no tuple per node, and ASCII text needs no encoding check
        if depth > MAX_DEPTH:
            raise Malformed("too deep")
        below: list = []
        for node in level:
            kind = type(node)
            if kind is dict:
                for key, item in node.items():
                    if not key.isascii():
                        _check_text(key)
                    below.append(item)
            elif kind is list:
                below.extend(node)
            elif kind is str:
                if not node.isascii():
                    _check_text(node)
            elif kind is float and not math.isfinite(node):
                raise Malformed("non-finite number")
        level, depth = below, depth + 1


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Malformed("lone surrogate") from None


def _check_shape(value: Any, shape: Any, path: tuple = ()) -> None:
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            raise Malformed("/".join(map(str, path)) or "envelope")
        for key in _REQUIRED.get(path, ()):
            if value.get(key) is None:
                raise Malformed("missing " + "/".join(path + (key,)))
        if "*" in shape:
            for key, item in value.items():
                if item is not None:
                    _check_shape(item, shape["*"], path + (key,))
        for key, sub in shape.items():
            if key != "*" and value.get(key) is not None:
                _check_shape(value[key], sub, path + (key,))
    elif isinstance(shape, list):
        if not isinstance(value, list):
            raise Malformed("/".join(map(str, path)))
        for i, item in enumerate(value):
            _check_shape(item, shape[0], path + (i,))
    elif not isinstance(shape, (type, tuple)):  # a predicate
        if not shape(value):
            raise Malformed("/".join(map(str, path)))
    else:
        types = shape if isinstance(shape, tuple) else (shape,)
        # bool is an int to Python, never to JSON.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise Malformed("/".join(map(str, path)))


def check_envelope(envelope: Any) -> str:
    """Raise Malformed unless ``envelope`` has the shape Alexa sends; return its request type."""
    _check_tree(envelope)
    _check_shape(envelope, _SHAPE)
    request_type = envelope["request"]["type"]
    if request_type == "IntentRequest":
        intent = envelope["request"].get("intent")
        if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
            raise Malformed("intent")
    return request_type
