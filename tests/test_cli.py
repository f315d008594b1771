"""The command line as a person runs it: real subprocesses, a private HOME and SQLite file."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.alexa import fixture, now_iso
from skill.alexa.localca import SKILL_ID
from tests.test_grounding import MARK, RED_STOP, WALK

ROOT = Path(__file__).resolve().parents[1]


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SKILL_") and k not in ("AWS_ENDPOINT_URL_DYNAMODB",)}
    env.update(HOME=str(tmp_path), SKILL_STORE=f"sqlite:///{tmp_path / 'state.sqlite3'}",
               PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", **extra)
    return env


def run(tmp_path: Path, *args: str, stdin: str = "", timeout: float = 60, **extra: str):
    return subprocess.run([sys.executable, "-m", "skill", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=cli_env(tmp_path, **extra), timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_chat_plays_a_grounding_session(tmp_path):
    result = run(tmp_path, "chat", stdin="open safe harbor\nhelp me ground\nnext\nred\nquit\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    assert "Welcome to Safe Harbor" in out
    first, second, third = WALK[:3]
    assert MARK[first] in out and MARK[second] in out
    assert "(pause" in out  # pauses are shown, not swallowed
    assert RED_STOP in out
    assert out.index(MARK[first]) < out.index(MARK[second]) < out.index(RED_STOP)
    assert MARK[third] not in out  # red stopped it: nothing after it
    assert (tmp_path / "state.sqlite3").exists()  # the store is where SKILL_STORE said


def test_chat_ends_at_end_of_input(tmp_path):
    result = run(tmp_path, "chat", stdin="help me ground\n", timeout=60)
    assert result.returncode == 0 and MARK["arrive"] in result.stdout


def test_serve_dev_refuses_a_public_host(tmp_path):
    result = run(tmp_path, "serve", "--dev", "--host", "0.0.0.0", "--port", str(free_port()), timeout=30)
    assert result.returncode != 0
    assert "--dev" in result.stderr and "0.0.0.0" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("missing", ["both", "SKILL_ID", "SKILL_HASH_SECRET"])
def test_serve_without_secrets_refuses(tmp_path, missing):
    extra = {"SKILL_ID": SKILL_ID, "SKILL_HASH_SECRET": "a-long-enough-test-secret-0123"}
    for name in (["SKILL_ID", "SKILL_HASH_SECRET"] if missing == "both" else [missing]):
        del extra[name]
    result = run(tmp_path, "serve", "--port", str(free_port()), timeout=30, **extra)
    assert result.returncode != 0
    named = "SKILL_ID" if missing != "SKILL_HASH_SECRET" else "SKILL_HASH_SECRET"
    assert named in result.stderr and "not set" in result.stderr
    assert "Traceback" not in result.stderr


def _get(url: str, timeout: float = 2.0):
    with urllib.request.urlopen(url, timeout=timeout) as reply:
        return reply.status, reply.read()


def test_serve_dev_answers_healthz_and_a_launch(tmp_path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "skill", "serve", "--dev", "--port", str(port)], cwd=ROOT,
                            env=cli_env(tmp_path, SKILL_ID=SKILL_ID), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.2)
        assert status == 200 and json.loads(body)["status"] == "ok"

        envelope = fixture("launch")
        for where in (envelope["context"]["System"]["application"], envelope["session"]["application"]):
            where["applicationId"] = SKILL_ID
        envelope["request"]["timestamp"] = now_iso()
        envelope["context"]["System"]["apiEndpoint"] = f"http://127.0.0.1:{free_port()}"
        request = urllib.request.Request(f"http://127.0.0.1:{port}/alexa", data=json.dumps(envelope).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as reply:
            assert reply.status == 200
            answer = json.loads(reply.read())
        assert "Welcome to Safe Harbor" in answer["response"]["outputSpeech"]["ssml"]
        assert answer["response"]["shouldEndSession"] is False

        request = urllib.request.Request(f"http://127.0.0.1:{port}/alexa", data=b"{broken",
                                         headers={"Content-Type": "application/json"}, method="POST")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(request, timeout=10)
        assert info.value.code == 400 and b"Traceback" not in info.value.read()
    finally:
        proc.terminate()
        try:
            _out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    assert "DEV MODE" in err
    assert (tmp_path / "state.sqlite3").exists()
