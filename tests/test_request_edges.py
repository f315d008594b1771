"""Requests Alexa may send that the SDK's own model refuses (issue 13, "Requests Alexa may send").

All through POST /alexa (dev mode and verifying with the test CA) or the Lambda handler:
integer timestamps in seconds or milliseconds are read the same way by verification and by the
model; enum values the model does not know are answered 200 and treated as unknown; a number too
large for a float (``1e400``) anywhere in the body is a 400, never a 500.
"""
from __future__ import annotations

import json
import time

import pytest

from skill.alexa import lambda_function
from skill.alexa.request_shape import timestamp_seconds
from skill.core import Ev, Event
from tests.support.alexa import Speaker
from tests.test_lambda import FakeContext, event, lambda_env  # noqa: F401  (fixture)


@pytest.fixture(params=["dev", "production"])
def any_server(request):
    srv = request.getfixturevalue("server" if request.param == "dev" else "verified_server")

    def refuse(*_a, **_kw):
        raise OSError("no network in tests")
    srv.services.timezone.opener = refuse
    return srv


def launch_with(sp: Speaker, timestamp) -> dict:
    env = sp.envelope("AMAZON.HelpIntent", new_session=True)
    env["request"]["timestamp"] = timestamp
    return env


# --------------------------------------------------------------------------- integer timestamps


@pytest.mark.parametrize("unit", [1, 1000], ids=["seconds", "milliseconds"])
def test_integer_timestamp_is_answered(any_server, unit):
    sp = any_server.speaker()
    turn = sp.post(launch_with(sp, int(time.time() * unit)))
    assert turn.status == 200, turn.raw
    assert turn.speech


@pytest.mark.parametrize("unit", [1, 1000], ids=["seconds", "milliseconds"])
def test_stale_integer_timestamp_is_refused_as_stale(verified_server, unit):
    sp = verified_server.speaker()
    turn = sp.post(launch_with(sp, int((time.time() - 600) * unit)))
    assert (turn.status, turn.body) == (400, {"error": "stale request"})


@pytest.mark.parametrize("value", [1_764_500_000, 1_764_500_000_000, "2025-11-30T10:53:20Z",
                                   "2025-11-30T10:53:20.000Z", "2025-11-30T10:53:20"])
def test_one_reading_of_a_timestamp_for_verification_and_model(server, value):
    """One reading of a timestamp, whatever the form: the shape check and the verifier's freshness check both
    read it with ``timestamp_seconds`` (the skill itself reads none: dict in, dict out)."""
    sp = server.speaker()
    assert timestamp_seconds(value) == 1_764_500_000
    turn = sp.post(launch_with(sp, value))
    assert turn.status == 200, turn.raw
    assert turn.speech


@pytest.mark.parametrize("value", [True, 1.5e9, -10**16, "yesterday", "", [1]])
def test_a_timestamp_that_is_no_timestamp_is_a_400(any_server, value):
    sp = any_server.speaker()
    turn = sp.post(launch_with(sp, value))
    assert (turn.status, turn.body) == (400, {"error": "malformed request"})


# --------------------------------------------------------------------------- enum values newer than the model


@pytest.mark.parametrize("reason,error", [("TIMEOUT", None), ("USER_INITIATED", None),
                                          ("ERROR", {"type": "SKILL_RESPONSE_TOO_LARGE", "message": "too big"}),
                                          ("SOMETHING_NEW", {"type": "ANOTHER_NEW_ERROR"})])
def test_session_ended_with_an_unknown_reason_or_error_is_200(any_server, reason, error):
    sp = any_server.speaker()
    sp.launch()
    env = sp.envelope("AMAZON.HelpIntent")
    env["request"] = {"type": "SessionEndedRequest", "requestId": "amzn1.echo-api.request.x",
                      "timestamp": env["request"]["timestamp"], "locale": "en-US", "reason": reason,
                      **({"error": error} if error else {})}
    turn = sp.post(env)
    assert turn.status == 200, turn.raw
    assert "outputSpeech" not in turn.response
    # A reason or error type the adapter does not know is not acted on: the session simply ends.
    assert any_server.skill.to_turn(env).heard.event == Event(Ev.SESSION_END)


def test_unknown_resolution_status_is_treated_as_no_match(any_server):
    sp = any_server.speaker()
    sp.launch()
    # The resolved id says grounding, but under a status the model does not know; the heard words name nothing.
    env = sp.envelope("StartExerciseIntent", {"exercise": ("the blue one", "grounding")})
    slot = env["request"]["intent"]["slots"]["exercise"]
    for resolutions in (slot["resolutions"], slot["slotValue"]["resolutions"]):
        resolutions["resolutionsPerAuthority"][0]["status"]["code"] = "ER_SUCCESS_NEWER_CODE"
    turn = sp.post(env)
    assert turn.status == 200, turn.raw
    matched = sp.say("start:grounding", new_session=True)
    assert turn.speech and turn.speech != matched.speech  # the id under an unknown status is not taken as a match
    assert not turn.directives


@pytest.mark.parametrize("activity", ["SOME_NEW_ACTIVITY", "IDLE", "PLAYING"])
def test_unknown_player_activity_is_200(any_server, activity):
    sp = any_server.speaker()
    sp.launch()
    env = sp.envelope("AMAZON.HelpIntent")
    env["context"]["AudioPlayer"] = {"token": "not-ours", "offsetInMilliseconds": 1000, "playerActivity": activity}
    turn = sp.post(env)
    assert turn.status == 200, turn.raw
    assert turn.speech


def test_unknown_nested_kinds_and_extra_keys_are_200(any_server):
    sp = any_server.speaker()
    env = sp.envelope("AMAZON.HelpIntent", new_session=True)
    env["context"]["Viewports"] = [{"type": "APL_SOMETHING_NEW", "id": "main"}]
    env["context"]["System"]["device"]["supportedInterfaces"]["Brand.New.Interface"] = {"v": 1}
    env["context"]["Extra"] = {"anything": [1, 2, {"x": None}]}
    env["request"]["newField"] = "new"
    turn = sp.post(env)
    assert turn.status == 200, turn.raw
    assert turn.speech


# --------------------------------------------------------------------------- non-finite numbers


def _with_raw(sp: Speaker, where: str, literal: str) -> bytes:
    env = sp.envelope("AMAZON.HelpIntent", new_session=True)
    env["session"]["attributes"] = {"marker": 0}
    env["context"]["Extra"] = {"marker": 0}
    env["request"]["intent"]["slots"] = {"n": {"name": "n", "value": "1", "marker": 0}}
    body = json.dumps(env)
    anchor = {"attributes": '"attributes": {"marker": 0', "context": '"Extra": {"marker": 0',
              "slot": '"value": "1", "marker": 0'}[where]
    assert body.count(anchor) == 1
    return body.replace(anchor, anchor[:-1] + literal).encode()


@pytest.mark.parametrize("where", ["attributes", "context", "slot"])
@pytest.mark.parametrize("literal", ["1e400", "-1e400", "1E999"])
def test_a_number_too_large_for_a_float_is_a_400(any_server, where, literal):
    sp = any_server.speaker()
    body = _with_raw(sp, where, literal)
    assert literal.encode() in body
    turn = sp.post(body)
    assert (turn.status, turn.body) == (400, {"error": "malformed request"})


def test_large_but_finite_numbers_are_fine(any_server):
    sp = any_server.speaker()
    turn = sp.post(_with_raw(sp, "attributes", "1e300"))
    assert turn.status == 200, turn.raw


# --------------------------------------------------------------------------- the same through Lambda


def test_lambda_reads_integer_timestamps_and_unknown_enums(lambda_env):
    ended = event("session_ended", reason="TIMEOUT", timestamp=int(time.time()))
    assert lambda_function.handler(ended, FakeContext())["version"] == "1.0"
    launch = event("launch", timestamp=int(time.time() * 1000))
    launch["context"]["AudioPlayer"] = {"token": "x", "offsetInMilliseconds": 0, "playerActivity": "NEW"}
    assert "outputSpeech" in lambda_function.handler(launch, FakeContext())["response"]


def test_lambda_refuses_non_finite_numbers(lambda_env):
    launch = event("launch")
    launch["session"]["attributes"] = {"x": float("inf")}  # what Lambda's own parse makes of 1e400
    with pytest.raises(ValueError):
        lambda_function.handler(launch, FakeContext())
