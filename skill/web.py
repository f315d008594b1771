"""The web service: a Flask application factory with POST /alexa and GET /healthz.

Every request is verified (PLATFORM.md) unless the service runs in --dev mode on loopback.
A failed check answers 400 with a short reason; nothing answers with a stack trace.
"""
from __future__ import annotations

import json
from pathlib import Path

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from .config import Settings
from .verify import RequestVerifier, VerificationError

MAX_BODY_BYTES = 128 * 1024  # Alexa requests are a few KB; anything larger is refused before parsing


def dev_verifier(settings: Settings) -> RequestVerifier:
    return RequestVerifier(settings.skill_ids, check_signature=False, check_timestamp=False)


def create_app(settings: Settings, skill: CustomSkill, verifier: RequestVerifier | None = None,
               audio_dir: Path | None = None) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    if verifier is None:
        verifier = dev_verifier(settings) if settings.dev else RequestVerifier(settings.skill_ids)
    serializer = DefaultSerializer()

    def answer(status: int, payload: dict) -> Response:
        return Response(json.dumps(payload), status=status, mimetype="application/json")

    @app.post("/alexa")
    def alexa() -> Response:
        body = request.get_data(cache=False)
        try:
            verifier.verify(request.headers, body)
            envelope = serializer.deserialize(body.decode("utf-8"), RequestEnvelope)
        except VerificationError as exc:
            return answer(400, {"error": exc.reason})
        except Exception:  # the verifier parsed it, but the SDK's model refused its shape
            return answer(400, {"error": "malformed request"})
        if not isinstance(envelope, RequestEnvelope) or envelope.request is None or envelope.context is None:
            return answer(400, {"error": "malformed request"})
        result = skill.invoke(request_envelope=envelope, context=None)
        return answer(200, serializer.serialize(result))

    @app.get("/healthz")
    def healthz() -> Response:
        return answer(200, {"status": "ok"})

    if audio_dir is not None:
        from flask import send_from_directory

        @app.get("/audio/<path:name>")
        def audio(name: str) -> Response:
            # send_from_directory refuses paths outside the folder and honours Range requests.
            return send_from_directory(audio_dir, name, mimetype="audio/mpeg", conditional=True, max_age=86_400)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return answer(exc.code or 500, {"error": (exc.name or "error").lower()})

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        app.logger.error('{"event":"error","type":"%s"}', type(exc).__name__)
        return answer(500, {"error": "internal error"})

    return app
