"""Verification that cannot be stalled (issue 13, "The web service under hostile traffic").

A certificate server on loopback that trickles its answer one byte at a time: the fetch gives up within
its 2 s deadline for the whole exchange, a second request to the same dead URL is refused at once from
the failure cache, and junk URLs cannot push the real certificate out of the cache. The POST /alexa
tests reach the trickling server the way a deployment behind a proxy does: through HTTPS_PROXY. A resolver
that never answers is given up on within the same deadline.
"""
from __future__ import annotations

import socket
import threading
import time

import pytest

from skill.alexa.settings_api import TimeZoneLookup
from skill.alexa.verify import CertificateFetcher, RequestVerifier, VerificationError
from skill.alexa.web import create_app
from skill.alexa.skill import build
from tests.conftest import settings_for
from tests.support.alexa import Speaker
from skill.alexa.localca import CERT_URL, SKILL_ID, alexa_ca
from tests.support.trickle import TrickleServer


@pytest.fixture
def trickle_head():
    server = TrickleServer(drip=b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000, interval=0.1)
    yield server
    server.close()


@pytest.fixture
def trickle_body():
    server = TrickleServer(head=b"HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n-----BEGIN CERTIFICATE-----\n",
                           drip=b"MIIB", interval=0.05)
    yield server
    server.close()


@pytest.mark.parametrize("where", ["trickle_head", "trickle_body"])
def test_a_trickling_certificate_server_is_given_up_on_within_the_deadline(request, where):
    server = request.getfixturevalue(where)
    fetcher = CertificateFetcher(timeout=2.0)
    started = time.monotonic()
    with pytest.raises(VerificationError) as info:
        fetcher.get(server.url + "/echo.api/cert.pem")
    assert info.value.reason == "certificate fetch failed"
    assert time.monotonic() - started < 2.5
    started = time.monotonic()
    with pytest.raises(VerificationError):
        fetcher.get(server.url + "/echo.api/cert.pem")  # the same dead URL: refused from the failure cache
    assert time.monotonic() - started < 0.2
    assert server.connections == 1


@pytest.fixture
def proxied_app(tmp_path, monkeypatch, trickle_head):
    """The production app, verifying with the real fetcher, whose traffic goes through a trickling proxy."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("https_proxy", trickle_head.url)
    monkeypatch.setenv("HTTPS_PROXY", trickle_head.url)
    settings = settings_for(tmp_path / "state.sqlite3", dev=False)
    skill, _services = build(settings)
    verifier = RequestVerifier([SKILL_ID], trust_roots=[alexa_ca().root], fetcher=CertificateFetcher(timeout=2.0))
    return create_app(settings, skill, verifier=verifier), trickle_head


def test_post_alexa_with_a_stalled_certificate_fetch_is_refused_in_time(proxied_app):
    app, proxy = proxied_app
    sp = Speaker(app.test_client(), sign=alexa_ca().signed_headers)
    started = time.monotonic()
    turn = sp.launch()
    assert (turn.status, turn.body) == (400, {"error": "certificate fetch failed"})
    assert time.monotonic() - started < 2.5
    started = time.monotonic()
    turn = sp.launch()
    assert (turn.status, turn.body) == (400, {"error": "certificate fetch failed"})
    assert time.monotonic() - started < 0.5  # refused at once, from the failure cache
    assert proxy.connections == 1


def test_concurrent_requests_for_a_stalled_url_share_one_fetch(proxied_app):
    app, proxy = proxied_app
    statuses: list[int] = []

    def one() -> None:
        statuses.append(Speaker(app.test_client(), sign=alexa_ca().signed_headers).launch().status)

    started = time.monotonic()
    threads = [threading.Thread(target=one) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [400] * 16
    assert time.monotonic() - started < 3.5
    assert proxy.connections == 1


def test_junk_urls_do_not_evict_the_real_certificate(verified_server):
    ca = alexa_ca()
    real_fetches = []

    def s3(url: str) -> bytes:
        # Amazon's bucket holds only its certificates: any other object is refused.
        if url != CERT_URL:
            raise OSError("HTTP 403")
        real_fetches.append(url)
        return ca.chain_pem

    verifier = ca.make_verifier(fetcher=CertificateFetcher(fetch=s3))
    app = create_app(verified_server.settings, verified_server.skill, verifier=verifier)
    sp = Speaker(app.test_client())

    def launch(cert_url: str):
        sp.sign = lambda raw: ca.signed_headers(raw, cert_url=cert_url)
        return sp.launch()

    assert launch(CERT_URL).status == 200
    for i in range(100):
        assert launch(f"{CERT_URL}?junk={i}").status == 200  # same object: served from the cached chain
        turn = launch(f"https://s3.amazonaws.com/echo.api/junk-{i}.pem")
        assert (turn.status, turn.body) == (400, {"error": "certificate fetch failed"})
    assert launch(CERT_URL).status == 200
    assert real_fetches == [CERT_URL]  # fetched once, still cached after 200 junk URLs


# ---- a resolver that never answers ---------------------------------------------------------------------------
# Name resolution is on the fetch's deadline too. The stand-in for a DNS server that does not answer is
# socket.getaddrinfo itself, held until the test ends: the system resolver reads /etc/resolv.conf, which a
# test cannot point at a local server. Everything else (the fetcher, the opener, POST /alexa) is the real one.


@pytest.fixture
def stalled_resolver(monkeypatch):
    """socket.getaddrinfo stalls until the test ends; yields the (host, port) of each call."""
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    release = threading.Event()
    calls: list[tuple] = []

    def stall(host, port, *args, **kwargs):
        calls.append((host, port))
        release.wait(30)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", stall)
    yield calls
    release.set()
    for thread in threading.enumerate():  # the stalled look-ups end now: none is left for the next test
        if thread.name == "deadline-resolve":
            thread.join(5)


def test_a_certificate_fetch_gives_up_on_a_stalled_resolver_within_its_deadline(stalled_resolver):
    failures: list[tuple[str, float]] = []

    def fetch() -> None:
        started = time.monotonic()
        try:
            CertificateFetcher(timeout=2.0).get(CERT_URL)  # a fetcher each: no cache shared between them
        except VerificationError as exc:
            failures.append((exc.reason, time.monotonic() - started))

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert [reason for reason, _ in failures] == ["certificate fetch failed"] * 4
    assert all(seconds < 2.5 for _, seconds in failures), failures
    # The four fetches waited on one look-up: a resolver that never answers holds one thread per name.
    assert stalled_resolver == [("s3.amazonaws.com", 443)]


def test_post_alexa_with_a_stalled_resolver_is_refused_in_time(tmp_path, stalled_resolver):
    settings = settings_for(tmp_path / "state.sqlite3", dev=False)
    skill, _services = build(settings)
    verifier = RequestVerifier([SKILL_ID], trust_roots=[alexa_ca().root], fetcher=CertificateFetcher(timeout=2.0))
    app = create_app(settings, skill, verifier=verifier)
    started = time.monotonic()
    turn = Speaker(app.test_client(), sign=alexa_ca().signed_headers).launch()
    assert (turn.status, turn.body) == (400, {"error": "certificate fetch failed"})
    assert time.monotonic() - started < 2.5
    assert stalled_resolver


def test_a_time_zone_lookup_gives_up_on_a_stalled_resolver_within_its_deadline(stalled_resolver):
    lookup = TimeZoneLookup(timeout=0.8)
    started = time.monotonic()
    assert lookup.local_now("https://api.amazonalexa.com", "amzn1.ask.device.STALLED", "token") is None
    assert time.monotonic() - started < 1.3
    assert stalled_resolver == [("api.amazonalexa.com", 443)]
