"""The one request builder (skill.alexa.envelopes) makes what Alexa sends: held to captured requests."""
from __future__ import annotations

import pytest

from skill.alexa.envelopes import Conversation
from tests.support.alexa import fixture

SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"


def paths(value, prefix=()) -> set[tuple]:
    """Every key path of a JSON value (list items as "[]"), to compare shapes, not values."""
    out = {prefix}
    if isinstance(value, dict):
        for key, item in value.items():
            out |= paths(item, prefix + (key,))
    elif isinstance(value, list):
        for item in value:
            out |= paths(item, prefix + ("[]",))
    return out


def conversation() -> Conversation:
    return Conversation(SKILL_ID, api_access_token="token", user_id="amzn1.ask.account.X",
                        device_id="amzn1.ask.device.Y")


CASES = {
    "launch": lambda c: c.launch(),
    "intent": lambda c: c.intent("AMAZON.NextIntent"),
    "session_ended": lambda c: c.session_ended(),
    "audio_player": lambda c: c.audio_event("AudioPlayer.PlaybackNearlyFinished", "TOKEN", 0),
    "skill_disabled": lambda c: c.skill_disabled(),
}
OPTIONAL = {("context", "Viewports"), ("request", "shouldLinkResultBeReturned")}  # screens; account linking


@pytest.mark.parametrize("name", CASES)
def test_each_envelope_has_the_shape_of_a_captured_request(name):
    built, captured = CASES[name](conversation()), fixture(name)
    wanted = {p for p in paths(captured) if p[:2] not in OPTIONAL}
    assert wanted <= paths(built), sorted(wanted - paths(built))
    assert built["request"]["type"] == captured["request"]["type"]
    assert ("session" in built) == ("session" in captured)


def test_the_session_lasts_until_a_response_ends_it():
    c = conversation()
    first = c.launch()
    assert first["session"]["new"] is True
    c.received({"response": {"shouldEndSession": False}, "sessionAttributes": {"sh": {"v": 1}}})
    second = c.intent("AMAZON.NextIntent")
    assert second["session"]["new"] is False and second["session"]["sessionId"] == first["session"]["sessionId"]
    assert second["session"]["attributes"] == {"sh": {"v": 1}}
    c.received({"response": {}})  # shouldEndSession absent: the session ends
    third = c.intent("AMAZON.NextIntent")
    assert third["session"]["new"] is True and third["session"]["attributes"] == {}


def test_slots_resolved_unmatched_empty_and_builtin():
    slots = conversation().intent("X", {"color": ("red", "red"), "exercise": ("hmm", None), "minutes": None,
                                        "rating": ("7", None)}, builtin=frozenset({"rating"}))["request"]["intent"]
    slots = slots["slots"]
    assert slots["color"]["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] == "ER_SUCCESS_MATCH"
    assert slots["exercise"]["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] == "ER_SUCCESS_NO_MATCH"
    assert "value" not in slots["minutes"]
    assert slots["rating"] == {"name": "rating", "value": "7", "confirmationStatus": "NONE", "source": "USER"}
