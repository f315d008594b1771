"""Practice reminders through POST /alexa with real request JSON, against a stand-in of the Reminders REST API
on loopback (tests/support/reminders_api.py): said back before setting, the voice permission request and its
Connections.Response, one recurring reminder with the right RRULE and time zone, list and delete by voice,
calm answers that lose nothing when the API fails, and a "no" that is not asked again the same week."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.support.alexa import API_TOKEN
from tests.support.reminders_api import RemindersAPI

PHRASES = tomllib.loads((Path(__file__).resolve().parents[1] / "skill/audio_scripts/common/phrases.toml")
                        .read_text())["phrases"]
SCOPE = "alexa::alerts:reminders:skill:readwrite"
WHEN = "Tuesday and Friday at 8 in the evening, every week"


def remind(alexa, words: str):
    """"Alexa, ask Safe Harbor to remind us <words>": the named intent, its slot heard as said."""
    return alexa.intent("SetReminderIntent", {"when": (words, None)})


@pytest.fixture
def api():
    with RemindersAPI(token=API_TOKEN, zone="Australia/Sydney") as stand_in:
        yield stand_in


def test_said_back_then_permission_then_one_recurring_reminder(server, api):
    alexa = server.speaker(api_endpoint=api.endpoint)
    turn = remind(alexa, "tuesday and friday at eight")
    assert f"So that's {WHEN}. Shall I set it?" in turn.speech
    assert api.calls == []  # nothing is set, or even read, before the person says yes
    turn = alexa.say("yes")
    ask = [d for d in turn.directives if d["type"] == "Connections.SendRequest"]
    assert ask == [{"type": "Connections.SendRequest", "name": "AskFor",
                    "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "2",
                                "permissionScopes": [{"permissionScope": SCOPE, "consentLevel": "ACCOUNT"}]},
                    "token": "reminder:TU,FR@20:00"}]
    assert turn.ends_session and api.reminders == []
    api.granted = True  # the person says yes to Alexa's own prompt
    turn = alexa.connections_response("ACCEPTED", ask[0]["token"])
    assert turn.status == 200 and "The reminder is set for " + WHEN in turn.speech, turn.speech
    assert PHRASES["reminder_text"] in turn.speech
    assert len(api.reminders) == 1
    reminder = api.reminders[0]
    assert reminder["trigger"]["type"] == "SCHEDULED_ABSOLUTE"
    assert reminder["trigger"]["recurrence"]["recurrenceRules"] == ["FREQ=WEEKLY;BYDAY=TU,FR;BYHOUR=20;BYMINUTE=0"]
    assert reminder["trigger"]["timeZoneId"] == "Australia/Sydney"
    assert reminder["alertInfo"]["spokenInfo"]["content"] == [{"locale": "en-US", "text": PHRASES["reminder_text"]}]


def test_list_and_delete_by_voice(server, api):
    api.granted = True
    alexa = server.speaker(api_endpoint=api.endpoint)
    turn = alexa.intent("ListRemindersIntent", new_session=True)
    assert PHRASES["reminders_none"] in turn.speech
    remind(alexa, "every evening")
    turn = alexa.say("yes")
    assert "every day at 8 in the evening" in turn.speech and len(api.reminders) == 1
    remind(alexa, "tuesday and friday at eight")
    alexa.say("yes")
    assert api.rules() == [["FREQ=DAILY;BYHOUR=20;BYMINUTE=0"], ["FREQ=WEEKLY;BYDAY=TU,FR;BYHOUR=20;BYMINUTE=0"]]
    turn = alexa.intent("ListRemindersIntent")
    assert f"Practice reminders are set for every day at 8 in the evening; and {WHEN}." in turn.speech, turn.speech
    turn = alexa.intent("DeleteRemindersIntent")
    assert PHRASES["reminders_deleted"] in turn.speech and api.reminders == []
    turn = alexa.intent("ListRemindersIntent")
    assert PHRASES["reminders_none"] in turn.speech


def test_the_same_reminder_twice_is_one_reminder(server, api):
    api.granted = True
    alexa = server.speaker(api_endpoint=api.endpoint)
    for _ in range(2):
        remind(alexa, "tuesday and friday at eight")
        alexa.say("yes")
    assert len(api.reminders) == 1


def test_no_to_the_question_sets_nothing(server, api):
    api.granted = True
    alexa = server.speaker(api_endpoint=api.endpoint)
    remind(alexa, "tuesday and friday at eight")
    turn = alexa.say("no")
    assert PHRASES["reminder_not_set"] in turn.speech and api.reminders == [] and api.calls == []


@pytest.mark.parametrize("status", [429, 500, 503])
def test_errors_give_a_calm_reply_and_lose_nothing(server, api, status):
    api.granted = True
    alexa = server.speaker(api_endpoint=api.endpoint)
    remind(alexa, "tuesday and friday at eight")
    alexa.say("yes")
    api.fail = status
    for turn in (alexa.intent("ListRemindersIntent"), alexa.intent("DeleteRemindersIntent")):
        assert turn.status == 200 and PHRASES["reminder_unavailable"] in turn.speech
    remind(alexa, "every evening")
    turn = alexa.say("yes")
    assert PHRASES["reminder_unavailable"] in turn.speech
    api.fail = None
    assert api.rules() == [["FREQ=WEEKLY;BYDAY=TU,FR;BYHOUR=20;BYMINUTE=0"]]  # nothing lost, nothing half set


def test_unreachable_api_is_calm(server):
    alexa = server.speaker(api_endpoint="http://127.0.0.1:9")  # nothing listens there
    remind(alexa, "tuesday and friday at eight")
    turn = alexa.say("yes")
    assert turn.status == 200 and PHRASES["reminder_unavailable"] in turn.speech


def test_denied_is_not_asked_again_this_week(server, api):
    alexa = server.speaker(api_endpoint=api.endpoint)
    remind(alexa, "tuesday and friday at eight")
    token = alexa.say("yes").directives[0]["token"]
    turn = alexa.connections_response("DENIED", token)
    assert PHRASES["reminder_permission_no"] in turn.speech and api.reminders == []
    turn = remind(alexa, "every evening")
    assert PHRASES["reminder_declined_recently"] in turn.speech
    assert not any(d["type"] == "Connections.SendRequest" for d in turn.directives)


def test_not_answered_sets_nothing_and_may_ask_again(server, api):
    alexa = server.speaker(api_endpoint=api.endpoint)
    remind(alexa, "tuesday and friday at eight")
    token = alexa.say("yes").directives[0]["token"]
    turn = alexa.connections_response("NOT_ANSWERED", token)
    assert PHRASES["reminder_permission_unanswered"] in turn.speech and api.reminders == []
    remind(alexa, "tuesday and friday at eight")
    assert alexa.say("yes").directives[0]["type"] == "Connections.SendRequest"


def test_a_forged_token_sets_nothing(server, api):
    api.granted = True
    alexa = server.speaker(api_endpoint=api.endpoint)
    turn = alexa.connections_response("ACCEPTED", "reminder:not a schedule")
    assert turn.status == 200 and api.reminders == []


def test_without_days_or_a_time_the_skill_says_how(server, api):
    alexa = server.speaker(api_endpoint=api.endpoint)
    turn = alexa.intent("SetReminderIntent", {"when": None}, new_session=True)
    assert "Tuesday and Friday at eight" in turn.speech and api.calls == []


def test_safety_first_in_the_schedule_slot(server, api):
    alexa = server.speaker(api_endpoint=api.endpoint)
    turn = remind(alexa, "i can't do this i'm not okay")
    assert "Shall I set it" not in turn.speech and api.calls == []
