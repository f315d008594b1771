"""POST /alexa in production mode: real RSA signatures from a test CA; every failed check is a clean 400."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from skill.alexa.web import create_app
from tests.support.alexa import Speaker
from skill.alexa.localca import CERT_URL, SKILL_ID, alexa_ca
from tests.test_grounding import WALK, closed_port, step_of

OTHER_SKILL = "amzn1.ask.skill.11111111-1111-4111-8111-111111111111"


@pytest.fixture(scope="module")
def ca():
    return alexa_ca()


def unsigned(server, **kw) -> Speaker:
    """A speaker on the verified app that signs nothing by itself: each test builds its own headers."""
    kw.setdefault("api_endpoint", f"http://127.0.0.1:{closed_port()}")
    return Speaker(server.client, **kw)


def launch_body(alexa: Speaker, change=None) -> bytes:
    envelope = alexa.envelope("GroundMeIntent", new_session=True)
    if change:
        change(envelope)
    return json.dumps(envelope).encode()


def assert_clean_400(turn) -> None:
    assert turn.status == 400, (turn.status, turn.raw[:300])
    assert isinstance(turn.body, dict) and isinstance(turn.body.get("error"), str)
    assert "response" not in turn.body
    assert b"Traceback" not in turn.raw and b'File "' not in turn.raw and b".py" not in turn.raw


def test_good_signed_requests_pass_through(verified_server):
    alexa = verified_server.speaker(api_endpoint=f"http://127.0.0.1:{closed_port()}")
    turn = alexa.launch()
    assert turn.status == 200 and "Welcome" in turn.speech
    turn = alexa.say("ground")
    assert turn.status == 200 and step_of(turn) == ["arrive"]
    assert step_of(alexa.say("next")) == [WALK[1]]


def test_healthz(verified_server):
    reply = verified_server.client.get("/healthz")
    assert reply.status_code == 200 and reply.get_json()["status"] == "ok"


def test_unsigned_request_refused_by_default(verified_server):
    alexa = unsigned(verified_server)
    assert_clean_400(alexa.post(launch_body(alexa)))


def test_tampered_body(verified_server, ca):
    alexa = unsigned(verified_server)
    body = launch_body(alexa)
    headers = ca.signed_headers(body)
    at = body.index(b"GroundMeIntent")
    tampered = bytearray(body)
    tampered[at] = ord("g")  # one byte changed: "groundMeIntent"
    tampered = bytes(tampered)
    assert len(tampered) == len(body) and sum(a != b for a, b in zip(body, tampered)) == 1
    assert_clean_400(alexa.post(tampered, headers=headers))
    assert alexa.post(body, headers=headers).status == 200  # the same headers pass with the real body


@pytest.mark.parametrize("signature", ["other-body", "garbage", "empty", "truncated"])
def test_wrong_signature(verified_server, ca, signature):
    alexa = unsigned(verified_server)
    body = launch_body(alexa)
    good = ca.signed_headers(body)["Signature-256"]
    value = {"other-body": ca.good.sign(body + b" "), "garbage": "not base64 !!", "empty": "",
             "truncated": good[: len(good) // 2]}[signature]
    assert_clean_400(alexa.post(body, headers={"SignatureCertChainUrl": CERT_URL, "Signature-256": value}))


@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256", "both"])
def test_missing_headers(verified_server, ca, missing):
    alexa = unsigned(verified_server)
    body = launch_body(alexa)
    headers = ca.signed_headers(body)
    for name in (["SignatureCertChainUrl", "Signature-256"] if missing == "both" else [missing]):
        del headers[name]
    assert_clean_400(alexa.post(body, headers=headers))


@pytest.mark.parametrize("url", [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",  # not https
    "https://notamazon.com/echo.api/echo-api-cert.pem",  # wrong host
    "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem",  # host only starts right
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",  # path is case-sensitive
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",  # wrong path
    "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",  # path escapes /echo.api/
    "https://s3.amazonaws.com/echo.api/%2e%2e/invalid.path/echo-api-cert.pem",  # encoded escape
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",  # port other than 443
    "https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem",  # credentials
    "",
])
def test_bad_certificate_url(verified_server, ca, url):
    alexa = unsigned(verified_server)
    body = launch_body(alexa)
    fetched = len(ca.fetched_urls)
    assert_clean_400(alexa.post(body, headers=ca.signed_headers(body, cert_url=url)))
    assert len(ca.fetched_urls) == fetched  # refused before anything was fetched


@pytest.mark.parametrize("url", [
    "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",  # scheme and host are case-insensitive
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
])
def test_certificate_url_spellings_that_are_allowed(verified_server, ca, url):
    alexa = unsigned(verified_server)
    body = launch_body(alexa)
    assert alexa.post(body, headers=ca.signed_headers(body, cert_url=url)).status == 200


@pytest.mark.parametrize("chain", ["expired", "wrong_san", "untrusted"])
def test_bad_certificate_chain(verified_server, ca, chain):
    bad = getattr(ca, chain)
    app = create_app(verified_server.settings, verified_server.skill, verifier=ca.make_verifier(SKILL_ID, chain=bad))
    alexa = Speaker(app.test_client(), api_endpoint=f"http://127.0.0.1:{closed_port()}")
    body = launch_body(alexa)
    # Signed with the key that matches the bad leaf, so only the certificate itself is wrong.
    assert_clean_400(alexa.post(body, headers=ca.signed_headers(body, chain=bad)))


@pytest.mark.parametrize("age", [200, -200, 3600])
def test_stale_or_future_timestamp(verified_server, ca, age):
    alexa = unsigned(verified_server)
    stamp = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=age)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = launch_body(alexa, lambda e: e["request"].update(timestamp=stamp))
    assert_clean_400(alexa.post(body, headers=ca.signed_headers(body)))


def test_recent_timestamp_is_fine(verified_server, ca):
    alexa = unsigned(verified_server)
    stamp = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = launch_body(alexa, lambda e: e["request"].update(timestamp=stamp))
    assert alexa.post(body, headers=ca.signed_headers(body)).status == 200


def test_wrong_skill_id(verified_server, ca):
    alexa = unsigned(verified_server, skill_id=OTHER_SKILL)
    body = launch_body(alexa)
    assert_clean_400(alexa.post(body, headers=ca.signed_headers(body)))
    # Also when only the context names another skill.
    alexa = unsigned(verified_server)
    body = launch_body(alexa, lambda e: e["context"]["System"]["application"].update(applicationId=OTHER_SKILL))
    assert_clean_400(alexa.post(body, headers=ca.signed_headers(body)))


def test_signed_but_malformed_body(verified_server, ca):
    alexa = unsigned(verified_server)
    for body in [b"{not json", b"", b"[]"]:
        assert_clean_400(alexa.post(body, headers=ca.signed_headers(body)))
