"""The web service: a Flask application factory with POST /alexa and GET /healthz.

Every request is verified (PLATFORM.md) unless the service runs in --dev mode on loopback.
A failed check answers 400 with a short reason; nothing answers with a stack trace.

Before the skill sees a request, the boundary refuses what Alexa never sends: a body over
``MAX_BODY_BYTES`` (413, before anything is parsed, with or without a Content-Length), JSON that is
not strict JSON (NaN, Infinity, lone surrogates), nesting deeper than ``MAX_DEPTH``, and fields of
the envelope with the wrong type (400). A request type the SDK's model does not know yet is
answered 200 with an empty response, as the platform allows for any request it does not speak to.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.request import Request
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from .config import Settings
from .verify import RequestVerifier, VerificationError

log = logging.getLogger("skill.web")

MAX_BODY_BYTES = 128 * 1024  # Alexa requests are a few KB; anything larger is refused before parsing
MAX_DEPTH = 40  # real envelopes (and this skill's session attributes) nest under 12 deep
MALFORMED = "malformed request"
TOO_LARGE = "request entity too large"
EMPTY_RESPONSE = {"version": "1.0", "response": {}}

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


def _strict_json(body: bytes) -> Any:
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


def read_body() -> bytes | None:
    """The raw body, or None when it is over MAX_BODY_BYTES.

    Werkzeug refuses a Content-Length over MAX_CONTENT_LENGTH before reading anything. A chunked
    body (no Content-Length) is another matter: werkzeug's server stops reading it at that limit and
    hands over the first bytes as if they were all, so a huge body would be parsed truncated. The
    limit is therefore set one byte past ours, and a body that reaches it is refused here.
    """
    body = request.get_data(cache=False)
    return None if len(body) > MAX_BODY_BYTES else body


def dev_verifier(settings: Settings) -> RequestVerifier:
    return RequestVerifier(settings.skill_ids, check_signature=False, check_timestamp=False)


def create_app(settings: Settings, skill: CustomSkill, verifier: RequestVerifier | None = None,
               audio_dir: Path | None = None) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES + 1  # see read_body
    if verifier is None:
        verifier = dev_verifier(settings) if settings.dev else RequestVerifier(settings.skill_ids)
    serializer = DefaultSerializer()
    known_types = frozenset(Request.discriminator_value_class_map)

    def answer(status: int, payload: dict, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(payload, allow_nan=False), status=status, mimetype="application/json",
                        headers=headers)

    @app.post("/alexa")
    def alexa() -> Response:
        body = read_body()
        if body is None:
            return answer(413, {"error": TOO_LARGE})
        try:
            verifier.verify(request.headers, body)
            raw = _strict_json(body)
            request_type = check_envelope(raw)
        except VerificationError as exc:
            return answer(400, {"error": exc.reason})
        except Malformed:
            return answer(400, {"error": MALFORMED})
        if request_type not in known_types:
            # A type newer than the SDK's model: nothing here speaks to it, and an empty answer is valid.
            log.info('{"event":"unknown_request_type"}')
            return answer(200, EMPTY_RESPONSE)
        try:
            envelope = serializer.deserialize(body.decode("utf-8"), RequestEnvelope)
        except Exception:  # the SDK's model refused a shape the check above let through
            return answer(400, {"error": MALFORMED})
        if not isinstance(envelope, RequestEnvelope) or envelope.request is None or envelope.context is None:
            return answer(400, {"error": MALFORMED})
        # The raw JSON rides along as the context: the SDK's model drops some fields (a skill event's body).
        result = skill.invoke(request_envelope=envelope, context=raw)
        return answer(200, serializer.serialize(result))

    @app.get("/healthz")
    def healthz() -> Response:
        return answer(200, {"status": "ok"})

    if audio_dir is not None:
        from flask import abort, send_file

        from .audio import LOGICAL_FILES, local_path

        @app.get("/audio/<path:name>")
        def audio(name: str) -> Response:
            # Only the hold audio, by its published (content-hashed) or plain name; Range requests honoured.
            path = local_path(name, audio_dir) or (audio_dir / name if name in LOGICAL_FILES else None)
            if path is None:
                abort(404)
            return send_file(path, mimetype="audio/mpeg", conditional=True, max_age=31_536_000)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        # Keep what the status needs (Allow on a 405); drop the HTML body.
        headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
        return answer(exc.code or 500, {"error": (exc.name or "error").lower()}, headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        app.logger.error('{"event":"error","type":"%s"}', type(exc).__name__)
        return answer(500, {"error": "internal error"})

    return app
