"""`python -m skill serve` as a real subprocess on a free loopback port, for tests of the server itself."""
from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

from tests.support.alexa import fixture, now_iso
from skill.alexa.localca import SKILL_ID

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SKILL_") and k not in ("AWS_ENDPOINT_URL_DYNAMODB",)}
    env.update({"HOME": str(tmp_path), "SKILL_STORE": f"sqlite:///{tmp_path / 'state.sqlite3'}",
                "SKILL_ID": SKILL_ID, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", **extra})
    return env


@contextlib.contextmanager
def running(tmp_path: Path, *args: str, **env: str) -> Iterator[tuple[int, subprocess.Popen]]:
    """Start `python -m skill serve --dev --port P *args`; yield (port, process) once /healthz answers."""
    port = free_port()
    log = open(tmp_path / "serve.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "skill", "serve", "--dev", "--port", str(port), *args],
                            cwd=ROOT, env=serve_env(tmp_path, **env), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                    assert reply.status == 200
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.2)
        yield port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def launch_body() -> bytes:
    envelope = fixture("launch")
    for where in (envelope["context"]["System"]["application"], envelope["session"]["application"]):
        where["applicationId"] = SKILL_ID
    envelope["request"]["timestamp"] = now_iso()
    envelope["context"]["System"]["apiEndpoint"] = f"http://127.0.0.1:{free_port()}"  # nothing listens
    return json.dumps(envelope).encode()


def post_launch(port: int, timeout: float = 10) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/alexa", data=launch_body(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return reply.status, json.loads(reply.read())


class HttpClient:
    """The ``post`` of Flask's test client (what ``Speaker`` uses), over real HTTP to a server process on
    loopback ``port``."""

    def __init__(self, port: int, timeout: float = 15):
        self.base, self.timeout = f"http://127.0.0.1:{port}", timeout

    def post(self, path: str, data: bytes, headers: dict, content_type: str) -> "HttpReply":
        request = urllib.request.Request(self.base + path, data=data, method="POST",
                                         headers={**headers, "Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                return HttpReply(reply.status, reply.read())
        except urllib.error.HTTPError as err:
            return HttpReply(err.code, err.read())


class HttpReply:
    """The part of a Flask test response that ``Speaker`` reads."""

    def __init__(self, status: int, body: bytes):
        self.status_code, self._body = status, body

    def get_data(self, as_text: bool = False):
        return self._body.decode() if as_text else self._body
