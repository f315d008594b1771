"""Asking for the reminders permission by voice, and reading Alexa's answer.

The skill sends ``Connections.SendRequest`` named ``AskFor`` with an ``AskForPermissionsConsentRequest`` for
``alexa::alerts:reminders:skill:readwrite``; Alexa asks the person in its own words and sends back a
``Connections.Response`` request (name ``AskFor``) whose ``payload.status`` is ACCEPTED, DENIED or NOT_ANSWERED,
with the ``token`` the skill gave. The token carries the schedule that was being set (its value form, no words
of the person's), so the reminder is set after ACCEPTED without anything kept in the store. Source, Amazon's
documentation: https://developer.amazon.com/docs/alexa/smapi/voice-permissions-for-reminders.html
"""
from __future__ import annotations

from typing import Any

from ..core import Ev, Event
from ..core.reminders import Schedule
from .reminders_api import SCOPE

ASK_FOR = "AskFor"
TOKEN_PREFIX = "reminder:"
STATUSES = {"ACCEPTED": "accepted", "DENIED": "denied", "NOT_ANSWERED": "not_answered"}


def ask_for_reminders(schedule_value: str) -> dict[str, Any]:
    """The ``Connections.SendRequest`` directive asking for the reminders permission; its token names the
    schedule (``Schedule.to_value``) to set once the person accepts."""
    return {"type": "Connections.SendRequest", "name": ASK_FOR,
            "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "2",
                        "permissionScopes": [{"permissionScope": SCOPE, "consentLevel": "ACCOUNT"}]},
            "token": TOKEN_PREFIX + schedule_value}


def permission_event(request: dict[str, Any]) -> Event:
    """The engine event for a ``Connections.Response`` to AskFor: PERMISSION with "accepted", "denied" or
    "not_answered" (an unknown or missing status counts as not answered), about the schedule its token names
    (None when the token is not one this skill made)."""
    payload = request.get("payload") if isinstance(request.get("payload"), dict) else {}
    status = STATUSES.get(payload.get("status") if isinstance(payload.get("status"), str) else "", "not_answered")
    token = request.get("token")
    value = token[len(TOKEN_PREFIX):] if isinstance(token, str) and token.startswith(TOKEN_PREFIX) else None
    schedule = Schedule.from_value(value)
    return Event(Ev.PERMISSION, status, schedule.to_value() if schedule else None)
