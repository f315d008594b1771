"""Alexa request verification: real RSA signatures over a test CA, every rule, the caches, the fetcher."""
from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import time

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import HealthCheck, given, settings, strategies as st

import skill.alexa.verify as verify_mod
from skill.alexa.verify import CertificateFetcher, RequestVerifier, VerificationError, load_trust_roots
from skill.alexa.localca import CERT_URL, SKILL_ID, alexa_ca, encode, launch_request

OTHER_SKILL = "amzn1.ask.skill.11111111-1111-4111-8111-111111111111"


@pytest.fixture(scope="module")
def ca():
    return alexa_ca()


def iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def reason_of(verifier: RequestVerifier, headers: dict, body: bytes) -> str:
    with pytest.raises(VerificationError) as info:
        verifier.verify(headers, body)
    return info.value.reason


class Clock:
    def __init__(self, now: float | None = None):
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now


# --------------------------------------------------------------------------- the good path


def test_good_request_passes_and_returns_envelope(ca):
    envelope = launch_request()
    body = encode(envelope)
    assert ca.make_verifier().verify(ca.signed_headers(body), body) == envelope


def test_header_names_are_case_insensitive(ca):
    body = encode(launch_request())
    headers = {k.lower(): v for k, v in ca.signed_headers(body).items()}
    assert ca.make_verifier().verify(headers, body)["request"]["type"] == "LaunchRequest"


def test_application_id_falls_back_to_session(ca):
    envelope = launch_request()
    del envelope["context"]["System"]["application"]
    body = encode(envelope)
    assert ca.make_verifier().verify(ca.signed_headers(body), body) == envelope
    envelope["session"]["application"]["applicationId"] = OTHER_SKILL
    body = encode(envelope)
    assert reason_of(ca.make_verifier(), ca.signed_headers(body), body) == "wrong skill id"


# --------------------------------------------------------------------------- signature


def test_tampered_body_fails(ca):
    body = encode(launch_request())
    headers = ca.signed_headers(body)
    tampered = body.replace(b"en-US", b"en-GB")
    assert tampered != body
    assert reason_of(ca.make_verifier(), headers, tampered) == "bad signature"


@pytest.mark.parametrize("signature", ["", "not base64!!", "AAAA", "sig" * 200])
def test_wrong_signature_header_fails(ca, signature):
    body = encode(launch_request())
    headers = dict(ca.signed_headers(body), **{"Signature-256": signature})
    assert reason_of(ca.make_verifier(), headers, body) == "bad signature"


def test_signature_of_another_body_fails(ca):
    body = encode(launch_request())
    headers = dict(ca.signed_headers(body), **{"Signature-256": ca.good.sign(body + b" ")})
    assert reason_of(ca.make_verifier(), headers, body) == "bad signature"


def test_missing_signature_header_fails(ca):
    body = encode(launch_request())
    headers = ca.signed_headers(body)
    del headers["Signature-256"]
    assert reason_of(ca.make_verifier(), headers, body) == "bad signature"


def test_missing_cert_url_header_fails(ca):
    body = encode(launch_request())
    headers = ca.signed_headers(body)
    del headers["SignatureCertChainUrl"]
    assert reason_of(ca.make_verifier(), headers, body) == "bad certificate url"


# --------------------------------------------------------------------------- certificate URL


@pytest.mark.parametrize("url", [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem",
    "https://s3.amazonaws.com/other/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../x",
    "https://s3.amazonaws.com/echo.api/../echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/%2e%2e/x.pem",
    "https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:notaport/echo.api/echo-api-cert.pem",
    "https://user:pw@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api",
    "s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "",
])
def test_bad_cert_urls_are_refused_before_any_fetch(ca, url):
    body = encode(launch_request())
    verifier = ca.make_verifier()
    before = ca.fetch_calls
    assert reason_of(verifier, ca.signed_headers(body, cert_url=url), body) == "bad certificate url"
    assert ca.fetch_calls == before


@pytest.mark.parametrize("url", [
    "HTTPS://S3.AMAZONAWS.COM/echo.api/../echo.api/x.pem",
    "https://s3.amazonaws.com:443/echo.api/x.pem",
    "https://s3.amazonaws.com/echo.api/./x.pem",
])
def test_cert_url_variants_accepted_and_fetched_normalised(ca, url):
    body = encode(launch_request())
    verifier = ca.make_verifier()
    verifier.verify(ca.signed_headers(body, cert_url=url), body)
    assert ca.fetched_urls[-1] == "https://s3.amazonaws.com/echo.api/x.pem"


# --------------------------------------------------------------------------- certificate chain


def test_expired_leaf_fails(ca):
    body = encode(launch_request())
    verifier = ca.make_verifier(chain=ca.expired)
    assert reason_of(verifier, ca.signed_headers(body, chain=ca.expired), body) == "certificate chain not trusted"


def test_expired_leaf_was_good_while_valid(ca):
    # Proves expiry is what failed above: the same chain passes at a time inside its validity.
    clock = Clock(ca.expired.leaf.not_valid_after_utc.timestamp() - 3600)
    body = encode(launch_request(now=clock.now))
    verifier = ca.make_verifier(chain=ca.expired, clock=clock)
    assert verifier.verify(ca.signed_headers(body, chain=ca.expired), body)


def test_wrong_san_fails(ca):
    body = encode(launch_request())
    verifier = ca.make_verifier(chain=ca.wrong_san)
    assert reason_of(verifier, ca.signed_headers(body, chain=ca.wrong_san), body) == "certificate chain not trusted"


def test_untrusted_chain_fails_and_passes_once_its_root_is_trusted(ca):
    body = encode(launch_request())
    headers = ca.signed_headers(body, chain=ca.untrusted)
    assert reason_of(ca.make_verifier(chain=ca.untrusted), headers, body) == "certificate chain not trusted"
    trusting = ca.make_verifier(chain=ca.untrusted, trust_roots=[ca.untrusted.root])
    assert trusting.verify(headers, body)


def test_chain_without_intermediate_fails(ca):
    body = encode(launch_request())
    leaf_only = ca.leaf.public_bytes(Encoding.PEM)
    verifier = ca.make_verifier(fetcher=CertificateFetcher(fetch=lambda url: leaf_only))
    assert reason_of(verifier, ca.signed_headers(body), body) == "certificate chain not trusted"


def test_garbage_pem_fails(ca):
    body = encode(launch_request())
    verifier = ca.make_verifier(fetcher=CertificateFetcher(fetch=lambda url: b"<html>Access Denied</html>"))
    assert reason_of(verifier, ca.signed_headers(body), body) == "certificate chain not trusted"


def test_fetch_error_and_oversize_fail_as_fetch_failed(ca):
    body = encode(launch_request())

    def broken(url):
        raise ConnectionResetError("boom")

    for fetcher in (CertificateFetcher(fetch=broken), CertificateFetcher(fetch=lambda url: b"x" * 300_000)):
        verifier = ca.make_verifier(fetcher=fetcher)
        assert reason_of(verifier, ca.signed_headers(body), body) == "certificate fetch failed"


# --------------------------------------------------------------------------- timestamp


@pytest.mark.parametrize("offset", [-151, 151, -10_000])
def test_stale_or_future_timestamp_fails(ca, offset):
    clock = Clock()
    body = encode(launch_request(timestamp=iso(clock.now + offset)))
    assert reason_of(ca.make_verifier(clock=clock), ca.signed_headers(body), body) == "stale request"


@pytest.mark.parametrize("offset", [-150, 150, 0])
def test_timestamp_at_the_limit_passes(ca, offset):
    clock = Clock(float(int(time.time())))
    body = encode(launch_request(timestamp=iso(clock.now + offset)))
    assert ca.make_verifier(clock=clock).verify(ca.signed_headers(body), body)


def test_epoch_millisecond_timestamp_accepted(ca):
    clock = Clock()
    body = encode(launch_request(timestamp=int(clock.now * 1000) - 5000))
    verifier = ca.make_verifier(clock=clock)
    assert verifier.verify(ca.signed_headers(body), body)
    stale = encode(launch_request(timestamp=int(clock.now * 1000) - 151_000))
    assert reason_of(verifier, ca.signed_headers(stale), stale) == "stale request"


def skill_event(age_seconds: float, now: float) -> bytes:
    envelope = launch_request(timestamp=iso(now - age_seconds), request_type="AlexaSkillEvent.SkillDisabled")
    del envelope["session"]  # events carry no session and no device
    del envelope["context"]["System"]["device"]
    envelope["request"]["body"] = {"userInformationPersistenceStatus": "NOT_PERSISTED"}
    return encode(envelope)


def test_skill_event_within_an_hour_passes_but_not_after(ca):
    clock = Clock()
    verifier = ca.make_verifier(clock=clock)
    body = skill_event(59 * 60, clock.now)
    assert verifier.verify(ca.signed_headers(body), body)["request"]["type"] == "AlexaSkillEvent.SkillDisabled"
    old = skill_event(61 * 60, clock.now)
    assert reason_of(verifier, ca.signed_headers(old), old) == "stale request"
    launch = encode(launch_request(timestamp=iso(clock.now - 59 * 60)))
    assert reason_of(verifier, ca.signed_headers(launch), launch) == "stale request"


# --------------------------------------------------------------------------- skill id and JSON


def test_wrong_skill_id_fails(ca):
    body = encode(launch_request(OTHER_SKILL))
    error = pytest.raises(VerificationError, ca.make_verifier().verify, ca.signed_headers(body), body)
    assert error.value.reason == "wrong skill id"
    assert OTHER_SKILL not in str(error.value)


def test_several_skill_ids_accepted():
    verifier = RequestVerifier([SKILL_ID, OTHER_SKILL], check_signature=False, check_timestamp=False)
    for skill_id in (SKILL_ID, OTHER_SKILL):
        assert verifier.verify({}, encode(launch_request(skill_id)))


def _truncated() -> bytes:
    body = encode(launch_request())
    return body[: len(body) // 2]


def _with(path: tuple, value) -> bytes:
    envelope = launch_request()
    node = envelope
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return encode(envelope)


@pytest.mark.parametrize("body", [
    b"", b"[]", b"null", b"3", b'"text"', b'{"request": 3}', b'{"request": {}}', b"{}",
    b"\xff\xfe\x00garbage", b"[" * 100_000, b"1" * 10_000,
    _truncated(),
    _with(("request", "type"), 7),
    _with(("request", "timestamp"), True),
    _with(("request", "timestamp"), "yesterday"),
    _with(("request", "timestamp"), 10**400),
    _with(("request", "timestamp"), None),
    _with(("context", "System", "application", "applicationId"), 12),
    _with(("context", "System"), "not an object"),
    encode({"version": "1.0", "request": launch_request()["request"]}),  # no application id anywhere
], ids=lambda b: repr(b[:24]))
def test_malformed_bodies_fail_as_malformed(ca, body):
    # With or without the other checks, bad JSON is "malformed", before any fetch.
    before = ca.fetch_calls
    for verifier in (ca.make_verifier(), RequestVerifier([SKILL_ID], check_signature=False, check_timestamp=False)):
        assert reason_of(verifier, ca.signed_headers(body), body) == "malformed request"
    assert ca.fetch_calls == before


def test_body_must_be_bytes(ca):
    assert reason_of(ca.make_verifier(), {}, json.dumps(launch_request())) == "malformed request"


# --------------------------------------------------------------------------- checks turned off


def test_signature_check_off_skips_signature_but_not_json_or_skill_id(ca):
    verifier = RequestVerifier([SKILL_ID], check_signature=False)
    body = encode(launch_request())
    assert verifier.verify({}, body)  # no headers at all
    assert reason_of(verifier, {}, encode(launch_request(OTHER_SKILL))) == "wrong skill id"
    assert reason_of(verifier, {}, b"[]") == "malformed request"
    stale = encode(launch_request(timestamp=iso(time.time() - 1000)))
    assert reason_of(verifier, {}, stale) == "stale request"


def test_timestamp_check_off_skips_timestamp_only(ca):
    verifier = ca.make_verifier(check_timestamp=False)
    stale = encode(launch_request(timestamp=iso(time.time() - 10 * 86400)))
    assert verifier.verify(ca.signed_headers(stale), stale)
    assert reason_of(verifier, ca.signed_headers(stale), stale + b" ") == "bad signature"
    other = encode(launch_request(OTHER_SKILL))
    assert reason_of(verifier, ca.signed_headers(other), other) == "wrong skill id"


@pytest.mark.parametrize("ids", [[], [""], ["  "], ""])
def test_skill_ids_required(ids):
    with pytest.raises(ValueError):
        RequestVerifier(ids, check_signature=False)


def test_single_string_skill_id_is_one_id():
    verifier = RequestVerifier(SKILL_ID, check_signature=False)
    assert verifier.verify({}, encode(launch_request()))
    assert reason_of(verifier, {}, encode(launch_request("a"))) == "wrong skill id"


# --------------------------------------------------------------------------- caching


def test_second_request_neither_fetches_nor_rewalks_the_chain(ca, monkeypatch):
    verifier = ca.make_verifier()
    builds = []
    real_builder = verify_mod.PolicyBuilder
    monkeypatch.setattr(verify_mod, "PolicyBuilder", lambda: builds.append(1) or real_builder())
    before = ca.fetch_calls
    for _ in range(3):
        body = encode(launch_request())
        verifier.verify(ca.signed_headers(body), body)
    assert ca.fetch_calls - before == 1
    assert len(builds) == 1
    # A warm request still checks the signature.
    body = encode(launch_request())
    assert reason_of(verifier, ca.signed_headers(body), body + b"\n") == "bad signature"


def test_cache_expires_after_ttl(ca):
    clock = Clock()
    verifier = ca.make_verifier(clock=clock, ttl_seconds=600)
    before = ca.fetch_calls

    def send():
        body = encode(launch_request(now=clock.now))
        verifier.verify(ca.signed_headers(body), body)

    send()
    clock.now += 599
    send()
    assert ca.fetch_calls - before == 1
    clock.now += 2
    send()
    assert ca.fetch_calls - before == 2


def test_a_refetched_chain_is_verified_again(ca):
    # Same URL, same signing key, but after the TTL S3 "serves" a chain from an untrusted root.
    served = [ca.chain_pem, ca.untrusted.chain_pem]
    clock = Clock()
    fetcher = CertificateFetcher(fetch=lambda url: served.pop(0), ttl_seconds=60, clock=clock)
    verifier = ca.make_verifier(clock=clock, fetcher=fetcher)
    body = encode(launch_request(now=clock.now))
    assert verifier.verify(ca.signed_headers(body), body)
    clock.now += 61
    body = encode(launch_request(now=clock.now))
    assert reason_of(verifier, ca.signed_headers(body), body) == "certificate chain not trusted"


def test_fetcher_cache_never_outlives_the_leaf(ca):
    expires = ca.leaf.not_valid_after_utc.timestamp()
    clock = Clock(expires - 10)
    fetcher = CertificateFetcher(fetch=ca.fetch, ttl_seconds=10**9, clock=clock)
    before = ca.fetch_calls
    leaf, intermediates = fetcher.get(CERT_URL)
    assert leaf == ca.leaf and intermediates == [ca.intermediate]
    fetcher.get(CERT_URL)
    assert ca.fetch_calls - before == 1
    clock.now = expires + 1
    fetcher.get(CERT_URL)
    assert ca.fetch_calls - before == 2


def test_fetcher_cache_key_is_the_normalised_url(ca):
    fetcher = CertificateFetcher(fetch=ca.fetch)
    before = ca.fetch_calls
    fetcher.get("HTTPS://S3.AMAZONAWS.COM:443/echo.api/a/../x.pem")
    fetcher.get("https://s3.amazonaws.com/echo.api/x.pem")
    assert ca.fetch_calls - before == 1


def test_failed_fetch_is_not_cached(ca):
    calls = []

    def flaky(url):
        calls.append(url)
        if len(calls) == 1:
            raise TimeoutError
        return ca.chain_pem

    fetcher = CertificateFetcher(fetch=flaky)
    with pytest.raises(VerificationError):
        fetcher.get(CERT_URL)
    assert fetcher.get(CERT_URL)[0] == ca.leaf


# --------------------------------------------------------------------------- the default fetcher (local server)


@pytest.fixture(scope="module")
def local_server(ca):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/slow":
                time.sleep(3)
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "/ok")
                self.end_headers()
                return
            if self.path == "/missing":
                self.send_error(404)
                return
            payload = b"x" * 300_000 if self.path == "/big" else ca.chain_pem
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_default_fetcher_reads_chain(ca, local_server):
    leaf, intermediates = CertificateFetcher(timeout=2).get(local_server + "/ok")
    assert leaf == ca.leaf and intermediates == [ca.intermediate]


def test_default_fetcher_times_out(local_server):
    started = time.monotonic()
    with pytest.raises(VerificationError) as info:
        CertificateFetcher(timeout=0.3).get(local_server + "/slow")
    assert info.value.reason == "certificate fetch failed"
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("path", ["/big", "/redirect", "/missing"])
def test_default_fetcher_refuses_oversize_redirect_and_errors(local_server, path):
    with pytest.raises(VerificationError) as info:
        CertificateFetcher(timeout=2, max_bytes=256_000).get(local_server + path)
    assert info.value.reason == "certificate fetch failed"


def test_default_fetcher_refused_connection(local_server):
    with pytest.raises(VerificationError):
        CertificateFetcher(timeout=1).get("http://127.0.0.1:1/x.pem")


# --------------------------------------------------------------------------- trust roots


def test_load_trust_roots_from_path_env_and_system(ca, tmp_path, monkeypatch):
    bundle = tmp_path / "roots.pem"
    roots = ca.root.public_bytes(Encoding.PEM) + ca.untrusted.root.public_bytes(Encoding.PEM)
    bundle.write_bytes(b"junk before\n" + roots)
    assert load_trust_roots(str(bundle)) == [ca.root, ca.untrusted.root]
    bundle.unlink()  # parsed once: a second call needs no file
    assert load_trust_roots(str(bundle)) == [ca.root, ca.untrusted.root]

    env_bundle = tmp_path / "env.pem"
    env_bundle.write_bytes(ca.root.public_bytes(Encoding.PEM))
    monkeypatch.setenv("SKILL_TRUST_ROOTS", str(env_bundle))
    assert load_trust_roots() == [ca.root]

    monkeypatch.delenv("SKILL_TRUST_ROOTS")
    system = load_trust_roots()
    assert len(system) > 10 and ca.root not in system


def test_load_trust_roots_refuses_empty_bundle(tmp_path):
    empty = tmp_path / "empty.pem"
    empty.write_bytes(b"no certificates here")
    with pytest.raises(ValueError):
        load_trust_roots(str(empty))


def test_system_roots_do_not_trust_the_test_ca(ca):
    body = encode(launch_request())
    verifier = RequestVerifier([SKILL_ID], fetcher=CertificateFetcher(fetch=ca.fetch))
    assert reason_of(verifier, ca.signed_headers(body), body) == "certificate chain not trusted"


# --------------------------------------------------------------------------- fuzzing

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
_header_names = st.sampled_from(["SignatureCertChainUrl", "signature-256", "SIGNATURE-256", "Signature", "X-Other"])
_header_values = st.one_of(
    st.text(max_size=80),
    st.sampled_from([CERT_URL, "https://s3.amazonaws.com/echo.api/../echo.api/a.pem", "AAAA", ""]),
)


@pytest.fixture(scope="module")
def fuzz_verifiers(ca):
    return ca.make_verifier(), RequestVerifier([SKILL_ID], check_signature=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300), headers=st.dictionaries(_header_names | st.text(max_size=20), _header_values))
def test_random_bytes_and_headers_only_raise_verification_error(fuzz_verifiers, body, headers):
    try:
        fuzz_verifiers[0].verify(headers, body)
    except VerificationError as error:
        assert error.reason in {"bad certificate url", "certificate chain not trusted", "bad signature",
                                "stale request", "wrong skill id", "malformed request",
                                "certificate fetch failed"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    request=st.dictionaries(st.sampled_from(["type", "timestamp", "requestId"]), _json),
    context=_json,
    session=_json,
    headers=st.dictionaries(_header_names, _header_values),
    sign=st.booleans(),
)
def test_random_envelopes_only_raise_verification_error(ca, fuzz_verifiers, request, context, session, headers,
                                                       sign):
    body = json.dumps({"version": "1.0", "request": request, "context": context, "session": session}).encode()
    if sign:
        headers = dict(headers, **ca.signed_headers(body))
    for verifier in fuzz_verifiers:
        try:
            verifier.verify(headers, body)
        except VerificationError:
            pass
