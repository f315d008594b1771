"""The AWS Lambda entry point, `skill.lambda_function.handler(event, context)`, driven with real Alexa events.

Configuration comes from the environment as in the deployed function; the hashing key either from
SKILL_HASH_SECRET or from an SSM SecureString (SKILL_HASH_SECRET_PARAMETER) on a moto_server over loopback.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import uuid

import boto3
import pytest

from skill.alexa import lambda_function
from skill.config import ConfigError
from tests.support.alexa import fixture, now_iso, plain
from skill.alexa.localca import SKILL_ID
from tests.support.dynamo_server import local_aws_env, moto_server  # noqa: F401  (fixture)

SECRET = "lambda-test-secret-0123456789abcdef"
USER = "amzn1.ask.account.ALAMBDAUSER"


class FakeContext:
    """What Lambda passes as the context object (the skill never relies on more than this)."""

    function_name = "safe-harbor-skill"
    aws_request_id = "11111111-2222-3333-4444-555555555555"

    def get_remaining_time_in_millis(self) -> int:
        return 7000


@pytest.fixture
def lambda_env(monkeypatch, tmp_path):
    """A clean environment for one cold start: the cached skill is dropped before and after."""
    for name in ("SKILL_HASH_SECRET", "SKILL_HASH_SECRET_PARAMETER", "SKILL_AUDIO_BASE_URL", "SKILL_RECORD_DAYS"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "state.sqlite3"
    monkeypatch.setenv("SKILL_ID", SKILL_ID)
    monkeypatch.setenv("SKILL_HASH_SECRET", SECRET)
    monkeypatch.setenv("SKILL_STORE", f"sqlite:///{db}")
    lambda_function._skill.cache_clear()
    yield db
    lambda_function._skill.cache_clear()


def event(name: str, skill_id: str = SKILL_ID, user_id: str = USER, **request) -> dict:
    envelope = fixture(name)
    envelope["context"]["System"]["application"]["applicationId"] = skill_id
    envelope["context"]["System"]["user"]["userId"] = user_id
    if "session" in envelope:
        envelope["session"]["application"]["applicationId"] = skill_id
        envelope["session"]["user"]["userId"] = user_id
        envelope["session"]["sessionId"] = f"amzn1.echo-api.session.{uuid.uuid4()}"
    envelope["request"]["requestId"] = f"amzn1.echo-api.request.{uuid.uuid4()}"
    envelope["request"]["timestamp"] = now_iso()
    envelope["request"].update(request)
    return envelope


def speech(response: dict) -> str:
    return plain(((response.get("response") or {}).get("outputSpeech") or {}).get("ssml"))


def stored_keys(db) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT key FROM records")]


def key_of(secret: str, user_id: str) -> str:
    return hmac.new(secret.encode(), f"user:{user_id}".encode(), hashlib.sha256).hexdigest()


def test_launch_returns_a_spoken_response(lambda_env):
    response = lambda_function.handler(event("launch"), FakeContext())
    assert isinstance(response, dict)
    json.dumps(response)  # Lambda serialises the return value: it must be plain JSON
    assert response["version"] == "1.0"
    assert response["response"]["outputSpeech"]["type"] == "SSML"
    assert "Welcome to Safe Harbor" in speech(response)
    assert response["response"]["shouldEndSession"] is False
    assert "reprompt" in response["response"]
    # The turn's state went to the store named by SKILL_STORE, under the keyed hash, never the raw id.
    assert stored_keys(lambda_env) == [key_of(SECRET, USER)]
    with sqlite3.connect(lambda_env) as conn:
        assert USER not in "\n".join(conn.iterdump())


def test_warm_invocations_share_one_skill_and_its_store(lambda_env):
    first = lambda_function.handler(event("launch"), FakeContext())
    built = lambda_function._skill()
    second = lambda_function.handler(event("launch"), FakeContext())
    assert lambda_function._skill() is built  # built once per container, not per event
    # The second launch remembers the first: the long first-time welcome (with its disclaimer) is not repeated.
    assert "not to replace a therapist" in speech(first)
    assert "Welcome back" in speech(second) and "not to replace a therapist" not in speech(second)


@pytest.mark.parametrize("request_type", ["AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackNearlyFinished",
                                          "AudioPlayer.PlaybackFinished"])
def test_audio_player_event_gets_a_valid_response_without_speech(lambda_env, request_type):
    response = lambda_function.handler(event("audio_player", type=request_type), FakeContext())
    assert isinstance(response, dict) and response["version"] == "1.0"
    json.dumps(response)
    body = response.get("response") or {}
    assert "outputSpeech" not in body and "reprompt" not in body and "card" not in body
    # The only thing such a response may carry is AudioPlayer directives.
    for directive in body.get("directives") or []:
        assert directive["type"].startswith("AudioPlayer."), directive


def test_skill_disabled_event_is_answered_quietly(lambda_env):
    lambda_function.handler(event("launch"), FakeContext())
    response = lambda_function.handler(event("skill_disabled"), FakeContext())
    assert "outputSpeech" not in (response.get("response") or {})


@pytest.mark.parametrize("skill_id", ["amzn1.ask.skill.someone-else", ""])
def test_wrong_skill_id_is_a_lambda_error(lambda_env, skill_id):
    with pytest.raises(PermissionError):
        lambda_function.handler(event("launch", skill_id=skill_id), FakeContext())
    assert not lambda_env.exists() or stored_keys(lambda_env) == []  # nothing was acted on


def test_event_without_context_is_refused(lambda_env):
    bare = event("launch")
    del bare["context"]
    with pytest.raises(PermissionError):
        lambda_function.handler(bare, FakeContext())


def test_missing_configuration_fails_the_cold_start_clearly(lambda_env, monkeypatch):
    monkeypatch.delenv("SKILL_HASH_SECRET")
    with pytest.raises(ConfigError, match="SKILL_HASH_SECRET"):
        lambda_function.handler(event("launch"), FakeContext())


# ---- the hashing key from SSM Parameter Store -----------------------------------------------------


@pytest.fixture
def ssm(moto_server, monkeypatch, lambda_env):
    """Dummy credentials and the local SSM endpoint; no hashing key in the environment."""
    monkeypatch.delenv("SKILL_HASH_SECRET", raising=False)
    local_aws_env(monkeypatch, ssm=moto_server.endpoint)
    return boto3.client("ssm")


def test_hash_secret_read_from_an_ssm_secure_string(ssm, monkeypatch, lambda_env):
    name = f"/safe-harbor/{uuid.uuid4().hex}/hash-secret"
    ssm_secret = "from-ssm-" + uuid.uuid4().hex
    ssm.put_parameter(Name=name, Type="SecureString", Value=ssm_secret)
    monkeypatch.setenv("SKILL_HASH_SECRET_PARAMETER", name)

    response = lambda_function.handler(event("launch"), FakeContext())
    assert "Welcome to Safe Harbor" in speech(response)
    # The record is keyed with the key that was in SSM, so it really was read from there.
    assert stored_keys(lambda_env) == [key_of(ssm_secret, USER)]


def test_missing_ssm_parameter_is_a_clear_config_error(ssm, monkeypatch, lambda_env):
    name = f"/safe-harbor/{uuid.uuid4().hex}/absent"
    monkeypatch.setenv("SKILL_HASH_SECRET_PARAMETER", name)
    with pytest.raises(ConfigError) as raised:
        lambda_function.handler(event("launch"), FakeContext())
    message = str(raised.value)
    assert name in message and "SSM" in message and "ParameterNotFound" in message
    assert not lambda_env.exists() or stored_keys(lambda_env) == []


def test_a_malformed_event_is_refused_like_the_web_service_refuses_it(lambda_env):
    from skill.alexa.request_shape import Malformed

    bad = event("launch")
    bad["request"]["locale"] = 12
    with pytest.raises(Malformed):
        lambda_function.handler(bad, None)
