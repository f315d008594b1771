"""The web service: a Flask application factory with POST /alexa and GET /healthz.

Every request is verified (docs/platform-alexa.md) unless the service runs in --dev mode on loopback.
A failed check answers 400 with a short reason; nothing answers with a stack trace.

Before the skill sees a request, the boundary refuses a body over ``MAX_BODY_BYTES`` (413, before
anything is parsed, with or without a Content-Length) and anything ``request_shape`` refuses (400).
Then the request JSON goes to the skill (skill.alexa.adapter.AlexaSkill.invoke), the same path as Lambda's.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from ..config import Settings
from .adapter import AlexaSkill
from .verify import RequestVerifier, VerificationError

log = logging.getLogger("skill.web")

MAX_BODY_BYTES = 128 * 1024  # Alexa requests are a few KB; anything larger is refused before parsing
TOO_LARGE = "request entity too large"

# How `python -m skill serve` runs waitress (docs/deploy-webservice.md, "Server settings").
# Waitress reads a whole request, on its I/O thread, before a worker thread sees it: the limits here
# are what keep a large body or a crowd of idle connections from reaching or starving the workers.
SERVER_SETTINGS = {
    "max_request_body_size": MAX_BODY_BYTES + 1,  # larger bodies answered 413 by waitress, unread
    "max_request_header_size": 32 * 1024,  # Alexa's headers are under 2 KB
    "connection_limit": 1000,  # idle or slow clients hold a connection, not a thread
    "asyncore_use_poll": True,  # poll(), not select(): no 1024-descriptor ceiling under that limit
    "channel_timeout": 15,  # seconds a connection may sit idle (or trickle a request) before it is closed
    "cleanup_interval": 5,  # how often idle connections are looked for
    "backlog": 1024,
    "ident": "safe-harbor",
}

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


def create_app(settings: Settings, skill: AlexaSkill, verifier: RequestVerifier | None = None,
               audio_dir: Path | None = None) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES + 1  # see read_body
    if verifier is None:
        verifier = dev_verifier(settings) if settings.dev else RequestVerifier(settings.skill_ids)

    def answer(status: int, payload: dict, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(payload, allow_nan=False), status=status, mimetype="application/json",
                        headers=headers)

    @app.post("/alexa")
    def alexa() -> Response:
        body = read_body()
        if body is None:
            return answer(413, {"error": TOO_LARGE})
        try:
            raw = verifier.verify(request.headers, body)  # parsed once and shape-checked once, by the verifier
        except VerificationError as exc:
            return answer(400, {"error": exc.reason})
        return answer(200, skill.invoke(raw, checked=True))

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
