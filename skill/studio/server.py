"""The studio's web app: the page, its static files (Graphviz as viz.js, served from this package) and a small
JSON API over the content. Loopback only; no account; nothing is fetched from anywhere else.
"""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, Response, abort, jsonify, render_template, request, send_from_directory

from . import clients, library, review_api, sources
from .tryit import TryIt

STATIC = Path(__file__).resolve().parent / "static"
# The page and Graphviz come from this service alone; WebAssembly needs 'wasm-unsafe-eval' to compile.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


def create_app(content_dir: Path = sources.SCRIPTS_DIR) -> Flask:
    """The studio app over ``content_dir``. Only requests whose Host is a loopback name are answered, and
    state-changing calls must be JSON, so another site open in the same browser cannot drive it."""
    content_dir = Path(content_dir)
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024
    lib = library.Library(content_dir)
    tryit = TryIt(content_dir)
    app.extensions["studio_tryit"] = tryit

    @app.before_request
    def guard():
        host = (request.host or "").rsplit(":", 1)[0].strip("[]")
        if host not in ("127.0.0.1", "localhost", "::1"):
            abort(403)
        if request.method == "POST" and not request.is_json:
            abort(415)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(400)
    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(405)
    @app.errorhandler(413)
    @app.errorhandler(415)
    def http_error(exc):
        return jsonify(error=getattr(exc, "description", "bad request")), getattr(exc, "code", 400)

    @app.errorhandler(500)
    def internal_error(exc):
        # Flask has logged the exception to this terminal; the page gets a short answer, no stack trace.
        return jsonify(error="The studio hit an internal error; its terminal shows what happened."), 500

    @app.get("/")
    @app.get("/sheet/<eid>")
    def page(eid: str | None = None):
        return send_from_directory(STATIC, "index.html")

    @app.get("/static/<path:name>")
    def static_file(name: str):
        return send_from_directory(STATIC, name)

    @app.get("/api/index")
    def api_index():
        snap = lib.current()
        data = library.index(snap, content_dir)
        if tryit.content_version != snap.version:  # content changed on disk: try-it starts afresh over it
            tryit.reset(snap.version)
        data["try_error"] = tryit.error
        return jsonify(data)

    @app.get("/api/exercise/<eid>")
    def api_exercise(eid: str):
        data = library.detail(lib.current(), content_dir, eid, request.args.get("langs"))
        if data is None:
            abort(404, "no such exercise (or its file has errors)")
        return jsonify(data)

    review_api.register(app, lib, content_dir)

    @app.post("/api/try")
    def api_try():
        body = review_api.json_object()
        text = body.get("text")
        if not isinstance(text, str):
            abort(400, "text is needed")
        snap = lib.current()
        result = tryit.say(text, snap.version)
        where = result.get("where")
        exercise = snap.exercises.get(where["exercise"]) if where else None
        if where and exercise:  # the titles people read, beside the ids the page matches on
            step = next((s for s in exercise.steps if s.id == where["step"]), None)
            where.update(exercise_title=exercise.title, step_title=step.title if step else where["step"])
        return jsonify(result)

    _client_routes(app, clients.ClientPages(lib, content_dir))

    @app.post("/api/try/reset")
    def api_try_reset():
        tryit.reset(lib.current().version)
        return jsonify(error=tryit.error)

    return app


def _client_routes(app: Flask, pages: clients.ClientPages) -> None:
    """A client's own version (``/client`` and its API) and the take-home print view (``/print/<id>``)."""
    app.add_url_rule("/client", "client_page", lambda: send_from_directory(STATIC, "client.html"))
    app.add_url_rule("/api/client", "api_client", lambda: jsonify(pages.offer()))
    app.add_url_rule("/api/client/check", "api_client_check", methods=["POST"],
                     view_func=lambda: jsonify(pages.check(request.get_json(silent=True))))
    app.add_url_rule("/api/client/export", "api_client_export", methods=["POST"], view_func=lambda: jsonify(
        pages.export(request.get_json(silent=True), datetime.now(timezone.utc).date())))

    @app.get("/print/<eid>")
    def print_page(eid: str):
        sheet = pages.sheet(eid, request.args.get("lang", "en"))
        if sheet is None:
            abort(404, "no such exercise in that language (or its file has errors)")
        return render_template("print.html", sheet=sheet)


def serve(port: int, content_dir: Path = sources.SCRIPTS_DIR) -> int:
    """Serve the studio on http://127.0.0.1:PORT until interrupted (PORT 0: any free port, printed)."""
    from waitress.server import create_server

    app = create_app(content_dir)
    server = create_server(app, host="127.0.0.1", port=port, threads=4, ident="safe-harbor-studio")
    print(f"Safe Harbor review studio on http://127.0.0.1:{server.effective_port}/ (loopback only; Ctrl+C stops it)",
          file=sys.stderr, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        app.extensions["studio_tryit"].close()
    return 0
