"""The web service under hostile traffic, against a real `python -m skill serve` subprocess (waitress):
bodies over the limit are refused before they are read, and idle or half-sent connections do not
starve a valid request (issue 13; settings in skill/alexa/web.py SERVER_SETTINGS, docs/deploy-webservice.md)."""
from __future__ import annotations

import socket
import time

import pytest

from skill.alexa.web import MAX_BODY_BYTES
from tests.support.serve import post_launch, running


def _status_of(sock: socket.socket, timeout: float = 5.0) -> int:
    sock.settimeout(timeout)
    head = b""
    while b"\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    return int(head.split(b" ", 2)[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running(tmp_path_factory.mktemp("serve")) as (port, _proc):
        yield port


def test_a_huge_declared_body_is_refused_before_it_is_sent(server):
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100000000\r\n\r\n{")
        started = time.monotonic()
        assert _status_of(sock) == 413  # answered without waiting for the 100 MB
        assert time.monotonic() - started < 2


def test_a_chunked_body_over_the_limit_is_refused_as_it_arrives(server):
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (64 * 1024, b" " * 64 * 1024)
        status = None
        try:
            for _ in range(MAX_BODY_BYTES // (64 * 1024) + 4):  # a little over the limit, never the 100 MB
                sock.sendall(chunk)
        except OSError:
            pass  # the server may close as soon as it has answered
        status = _status_of(sock)
        assert status == 413


def test_valid_requests_are_answered_with_200_idle_connections_open(server):
    idle = []
    try:
        for i in range(200):
            sock = socket.create_connection(("127.0.0.1", server))
            if i % 2:  # half of them start a request and never finish it
                sock.sendall(b"POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"ver")
            idle.append(sock)
        time.sleep(0.5)
        for _ in range(3):
            started = time.monotonic()
            status, answer = post_launch(server, timeout=10)
            assert status == 200 and "Welcome" in answer["response"]["outputSpeech"]["ssml"]
            assert time.monotonic() - started < 5
    finally:
        for sock in idle:
            sock.close()
