"""The web service: a Flask application factory with POST /alexa and GET /healthz.

Every request is verified (docs/platform-alexa.md) unless the service runs in --dev mode on loopback.
A failed check answers 400 with a short reason; nothing answers with a stack trace.

Before the skill sees a request, the boundary refuses a body over ``MAX_BODY_BYTES`` (413, before
anything is parsed, with or without a Content-Length) and anything ``request_shape`` refuses (400).
A request type the SDK's model does not know yet is answered 200 with an empty response, as the
platform allows for any request it does not speak to.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.request import Request
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from ..config import Settings
from .request_shape import Malformed, check_envelope
from .verify import RequestVerifier, VerificationError

log = logging.getLogger("skill.web")

MAX_BODY_BYTES = 128 * 1024  # Alexa requests are a few KB; anything larger is refused before parsing
MALFORMED = "malformed request"
TOO_LARGE = "request entity too large"
EMPTY_RESPONSE = {"version": "1.0", "response": {}}

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
            raw = verifier.verify(request.headers, body)  # parsed once, strictly, by the verifier
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

        from ..audio import LOGICAL_FILES, local_path

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
