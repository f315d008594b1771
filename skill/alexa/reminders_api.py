"""Practice reminders on Alexa: the Reminders REST API behind the core's port (skill.core.reminders.Reminders).

    GET    {apiEndpoint}/v1/alerts/reminders              this skill's reminders for this person
    POST   {apiEndpoint}/v1/alerts/reminders              create one
    DELETE {apiEndpoint}/v1/alerts/reminders/{alertToken}  delete one

Each call carries ``Authorization: Bearer {apiAccessToken}`` from the request's ``context.System`` and needs the
customer's permission ``alexa::alerts:reminders:skill:readwrite`` (401 without it). A recurring reminder is a
``SCHEDULED_ABSOLUTE`` trigger with ``recurrence.recurrenceRules`` (RFC 5545 RRULE strings) and the device's
``timeZoneId`` from the Settings API (skill/alexa/settings_api.py). Sources, Amazon's documentation:
https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-reminders-api-reference.html (operations, the
reminder object, errors) and https://developer.amazon.com/docs/smapi/alexa-reminders-overview.html (permissions;
the time and recurrence must be said to the customer before a reminder is set).

Reminders are read as plain JSON, never through ask-sdk-model: its reminder model fails to read reminders whose
spoken content carries text (ask-sdk-model issues #4 and #30). Every call has one deadline for the whole
exchange (deadline_fetch); any fault is ``Result.UNAVAILABLE`` and a calm reply, never an exception in a turn.
"""
from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core.reminders import Listed, Result, Schedule
from .deadline_fetch import HTTPStatus, lazy_fetch
from .settings_api import TimeZoneLookup

PATH = "/v1/alerts/reminders"
SCOPE = "alexa::alerts:reminders:skill:readwrite"
NO_PERMISSION = frozenset({401, 403})  # the customer has not granted (or has withdrawn) the permission
MAX_ANSWER_BYTES = 256 * 1024  # a page of reminders
MAX_DELETES = 20  # a person has a handful of practice reminders; a bound on a damaged listing


class RemindersAPI:
    """The REST calls, with one timeout (seconds) per call for the whole exchange. ``opener(request, timeout,
    ok)`` returns the body or raises (HTTPStatus for a status not in ``ok``); the default is deadline_fetch."""

    def __init__(self, timezones: TimeZoneLookup, timeout: float = 1.5, opener: Callable[..., bytes] | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.timezones, self.timeout, self.clock = timezones, timeout, clock
        self.opener = opener or lazy_fetch(MAX_ANSWER_BYTES)

    def for_request(self, system: dict[str, Any], locale: str) -> AlexaReminders:
        """The port for one request's ``context.System`` (its apiEndpoint, apiAccessToken, device and the
        permission scopes it reports)."""
        user = system.get("user") if isinstance(system.get("user"), dict) else {}
        scopes = (user.get("permissions") or {}).get("scopes") if isinstance(user.get("permissions"), dict) else None
        scope = scopes.get(SCOPE) if isinstance(scopes, dict) else None
        status = scope.get("status") if isinstance(scope, dict) else None
        device = system.get("device") if isinstance(system.get("device"), dict) else {}
        return AlexaReminders(self, _text(system.get("apiEndpoint")), _text(system.get("apiAccessToken")),
                              _text(device.get("deviceId")), locale, denied=status is not None and status != "GRANTED")

    def call(self, endpoint: str, token: str, method: str, path: str = PATH, body: Any = None) -> Any:
        """One call; the JSON answer (None for an empty body). Raises HTTPStatus or OSError."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(endpoint.rstrip("/") + path, data=data, headers=headers, method=method)
        raw = self.opener(request, timeout=self.timeout, ok=frozenset({200, 201, 204}))
        try:
            return json.loads(raw) if raw.strip() else None
        except ValueError:
            raise OSError("not JSON") from None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def schedules_of(answer: Any) -> list[tuple[str, Schedule]]:
    """(alertToken, schedule) of each reminder in a "get all reminders" answer that this skill could have set
    (a recurring one whose rule it can read); anything else in the answer is skipped."""
    alerts = answer.get("alerts") if isinstance(answer, dict) else None
    out = []
    for alert in alerts if isinstance(alerts, list) else []:
        if not isinstance(alert, dict) or not isinstance(alert.get("alertToken"), str):
            continue
        trigger = alert.get("trigger") if isinstance(alert.get("trigger"), dict) else {}
        recurrence = trigger.get("recurrence") if isinstance(trigger.get("recurrence"), dict) else {}
        rules = recurrence.get("recurrenceRules")
        rule = rules[0] if isinstance(rules, list) and rules else None
        schedule = Schedule.from_rrule(rule)
        if schedule is not None and alert.get("status", "ON") == "ON":
            out.append((alert["alertToken"], schedule))
    return out


@dataclass
class AlexaReminders:
    """The core's ``Reminders`` port for one Alexa request. ``denied``: the request's context already says the
    permission is not granted, so no call is made."""

    api: RemindersAPI
    endpoint: str | None
    token: str | None
    device_id: str | None
    locale: str
    denied: bool = False

    def _listing(self) -> tuple[Result, list[tuple[str, Schedule]]]:
        if self.denied:
            return Result.NO_PERMISSION, []
        if not (self.endpoint and self.token):
            return Result.UNAVAILABLE, []
        try:
            return Result.DONE, schedules_of(self.api.call(self.endpoint, self.token, "GET"))
        except HTTPStatus as exc:
            return (Result.NO_PERMISSION if exc.code in NO_PERMISSION else Result.UNAVAILABLE), []
        except Exception:  # noqa: BLE001 - any fault is "unavailable": never an exception in a turn
            return Result.UNAVAILABLE, []

    def list(self) -> Listed:
        result, found = self._listing()
        return Listed(result, tuple(s for _, s in found))

    def create(self, schedule: Schedule, text: str) -> Result:
        """One recurring reminder saying ``text``; none if the same schedule is already set (a retried request,
        or asked twice)."""
        result, found = self._listing()
        if result != Result.DONE:
            return result
        if any(s == schedule for _, s in found):
            return Result.DONE
        zone = self.api.timezones.zone_name(self.endpoint, self.device_id, self.token)
        try:
            now = self.api.clock().astimezone(ZoneInfo(zone)) if zone else self.api.clock()
        except (ZoneInfoNotFoundError, ValueError):
            zone, now = None, self.api.clock()
        trigger: dict[str, Any] = {"type": "SCHEDULED_ABSOLUTE",
                                   "recurrence": {"recurrenceRules": [schedule.rrule()]}}
        if zone:
            trigger["timeZoneId"] = zone  # without it Alexa uses the device's own zone
        body = {"requestTime": now.strftime("%Y-%m-%dT%H:%M:%S.000"), "trigger": trigger,
                "alertInfo": {"spokenInfo": {"content": [{"locale": self.locale, "text": text}]}},
                "pushNotification": {"status": "ENABLED"}}
        try:
            self.api.call(self.endpoint, self.token, "POST", body=body)
        except HTTPStatus as exc:
            return Result.NO_PERMISSION if exc.code in NO_PERMISSION else Result.UNAVAILABLE
        except Exception:  # noqa: BLE001
            return Result.UNAVAILABLE
        return Result.DONE

    def delete_all(self) -> Listed:
        """Every reminder of this skill's that it can read goes; the answer lists those deleted. A fault part
        way is UNAVAILABLE (what was deleted stays deleted; asking again finishes the job)."""
        result, found = self._listing()
        if result != Result.DONE:
            return Listed(Result.DONE if result == Result.NO_PERMISSION else result)
        for alert_token, _ in found[:MAX_DELETES]:
            try:
                self.api.call(self.endpoint, self.token, "DELETE", f"{PATH}/{urllib.parse.quote(alert_token, safe='')}")
            except HTTPStatus as exc:
                if exc.code != 404:  # already gone is gone
                    return Listed(Result.UNAVAILABLE)
            except Exception:  # noqa: BLE001
                return Listed(Result.UNAVAILABLE)
        return Listed(Result.DONE, tuple(s for _, s in found[:MAX_DELETES]))
