"""A stand-in for the Alexa Reminders REST API (and the Settings API's time zone) on 127.0.0.1.

Follows the documented shapes (https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-reminders-api-reference.html):
GET /v1/alerts/reminders -> {"totalCount": "N", "alerts": [...], "links": {}}; POST /v1/alerts/reminders with a
reminder -> {"alertToken": ..., "createdTime": ..., "status": "ON", ...}; DELETE /v1/alerts/reminders/{alertToken}
-> 200, 404 for an unknown token. Without the permission every call answers 401 UNAUTHORIZED; a test can make it
answer 429 or a 5xx instead (``fail``). GET /v2/devices/{id}/settings/System.timeZone answers ``zone``.
Each stored reminder is kept as it was POSTed (plus its token and status), so a test reads exactly what was sent.
"""
from __future__ import annotations

import json
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATH = "/v1/alerts/reminders"
ERRORS = {401: "UNAUTHORIZED", 429: "TOO_MANY_REQUESTS", 500: "INTERNAL_SERVER_ERROR", 503: "SERVICE_UNAVAILABLE"}


class RemindersAPI:
    def __init__(self, token: str, zone: str = "Europe/London", granted: bool = False):
        self.token, self.zone, self.granted = token, zone, granted
        self.fail: int | None = None  # answer every reminders call with this status (429, 500, 503)
        self.reminders: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str]] = []  # (method, path)
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _route(self, method: str) -> None:
                path = urllib.parse.urlsplit(self.path).path
                with api._lock:
                    api.calls.append((method, path))
                if self.headers.get("Authorization") != f"Bearer {api.token}":
                    return self._error(401)
                if path.endswith("/settings/System.timeZone") and method == "GET":
                    return self._send(200, api.zone)
                if not path.startswith(PATH):
                    return self._send(404, {"code": "NOT_FOUND", "message": "no such resource"})
                if not api.granted:
                    return self._error(401)
                if api.fail:
                    return self._error(api.fail)
                with api._lock:
                    if method == "GET" and path == PATH:
                        return self._send(200, {"totalCount": str(len(api.reminders)), "alerts": api.reminders,
                                                "links": {}})
                    if method == "POST" and path == PATH:
                        length = int(self.headers.get("Content-Length") or 0)
                        body = json.loads(self.rfile.read(length))
                        if self.headers.get("Content-Type") != "application/json" or "trigger" not in body:
                            return self._send(400, {"code": "INVALID_REQUEST", "message": "bad reminder"})
                        alert = {**body, "alertToken": str(uuid.uuid4()), "status": "ON",
                                 "createdTime": body.get("requestTime"), "version": "1"}
                        api.reminders.append(alert)
                        return self._send(200, {k: alert[k] for k in ("alertToken", "createdTime", "status",
                                                                      "version")})
                    if method == "DELETE" and path.startswith(PATH + "/"):
                        token = urllib.parse.unquote(path[len(PATH) + 1:])
                        kept = [r for r in api.reminders if r["alertToken"] != token]
                        if len(kept) == len(api.reminders):
                            return self._send(404, {"code": "NOT_FOUND", "message": "no such reminder"})
                        api.reminders = kept
                        return self._send(200, None)
                return self._send(405, {"code": "METHOD_NOT_ALLOWED", "message": "no"})

            def do_GET(self):  # noqa: N802 (http.server's naming)
                self._route("GET")

            def do_POST(self):  # noqa: N802
                self._route("POST")

            def do_DELETE(self):  # noqa: N802
                self._route("DELETE")

            def _error(self, status: int) -> None:
                self._send(status, {"code": ERRORS.get(status, "ERROR"), "message": "error"})

            def _send(self, status: int, body: Any) -> None:
                raw = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def rules(self) -> list[list[str]]:
        return [r["trigger"]["recurrence"]["recurrenceRules"] for r in self.reminders]

    def __enter__(self) -> "RemindersAPI":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
