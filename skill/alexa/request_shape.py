"""The shape of an Alexa request, checked at the boundary before the skill sees it.

It refuses what Alexa never sends: JSON that is not strict JSON (NaN, Infinity, lone surrogates),
nesting deeper than ``MAX_DEPTH``, and envelope fields of the wrong type. Used by the web service
and the Lambda entry point alike.
"""
from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 40  # real envelopes (and this skill's session attributes) nest under 12 deep

# The envelope fields the skill reads, with the JSON types Alexa sends them as. A dict is an object
# with these keys (others are allowed); "*" stands for every value of an object; a one-item list is
# an array of that. A key that is absent or null is not checked; REQUIRED ones must be there.
_TEXT, _INT, _OBJECT = str, int, dict
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
        "type": _TEXT, "requestId": _TEXT, "timestamp": (_TEXT, _INT), "locale": _TEXT,
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
    """Nesting no deeper than MAX_DEPTH, and every string (key or value) encodable as UTF-8.

    Iterative, so hostile nesting cannot exhaust the stack; ``"\\ud800"`` escapes a lone surrogate
    that no store, log or response encoder can write.
    """
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Malformed("too deep")
        if isinstance(node, dict):
            for key, item in node.items():
                _check_text(key)
                stack.append((item, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str):
            _check_text(node)


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
