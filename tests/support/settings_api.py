"""A stand-in for the Alexa Settings API on 127.0.0.1, for the device time-zone lookup.

GET /v2/devices/{deviceId}/settings/System.timeZone answers a JSON string such as "Australia/Sydney"
when the Bearer token matches; it can also be told to be slow, to fail, or to answer nonsense.
Every request is counted, so a test can see whether the skill caches the answer.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH_PREFIX = "/v2/devices/"
PATH_SUFFIX = "/settings/System.timeZone"


class SettingsAPI:
    def __init__(self, zone: str = "Australia/Sydney", token: str | None = None):
        self.zone = zone
        self.token = token  # the Bearer token to insist on; None accepts any
        self.delay = 0.0  # seconds to wait before answering
        self.status = 200
        self.raw_body: bytes | None = None  # answer these bytes instead of the zone
        self.calls = 0
        self.devices: list[str] = []
        self.auth: list[str | None] = []
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                with api._lock:
                    api.calls += 1
                    api.auth.append(self.headers.get("Authorization"))
                path = urllib.parse.urlsplit(self.path).path
                if not (path.startswith(PATH_PREFIX) and path.endswith(PATH_SUFFIX)):
                    return self._send(404, b'{"message":"not found"}')
                with api._lock:
                    api.devices.append(urllib.parse.unquote(path[len(PATH_PREFIX):-len(PATH_SUFFIX)]))
                if api.token is not None and self.headers.get("Authorization") != f"Bearer {api.token}":
                    return self._send(401, b'{"message":"bad token"}')
                if api.delay:
                    time.sleep(api.delay)
                if api.status != 200:
                    return self._send(api.status, b'{"message":"error"}')
                body = api.raw_body if api.raw_body is not None else json.dumps(api.zone).encode()
                return self._send(200, body)

            def _send(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): fine
                    pass

            def log_message(self, *args):  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a deliberately slow answer must not hold up shutdown
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "SettingsAPI":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
