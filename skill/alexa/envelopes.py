"""Alexa request envelopes, as a speaker sends them: the one builder for the console, the tests and the
benchmarks.

A ``Conversation`` is one person at one device. It keeps the session as Alexa does: session attributes go
back with each request until a response ends the session (``received``). The shapes follow Alexa's request
JSON (docs/platform-alexa.md); tests/fixtures holds captured examples that tests/test_envelopes.py holds the
builder to.
"""
from __future__ import annotations

import copy
import itertools
import uuid
from datetime import datetime, timezone
from typing import Any

CONSOLE_USER = "amzn1.ask.account.LOCAL-CONSOLE"
CONSOLE_DEVICE = "amzn1.ask.device.LOCAL-CONSOLE"
DEFAULT_API = "https://api.amazonalexa.com"

# A slot as said: the words heard and the entity-resolution id they matched (None: no match), or None for a
# slot Alexa sent empty.
SlotValue = "tuple[str, str | None] | None"


def now_iso() -> str:
    """The request timestamp Alexa sends: ISO 8601 in UTC, to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Conversation:
    """Builds the envelopes of one person's conversation with the skill, and keeps its session."""

    _numbers = itertools.count(1)

    def __init__(self, skill_id: str, locale: str = "en-US", audio_player: bool = True, *,
                 user_id: str = CONSOLE_USER, device_id: str | None = CONSOLE_DEVICE, person_id: str | None = None,
                 api_endpoint: str = DEFAULT_API, api_access_token: str | None = None, screen: bool = False,
                 video: bool = True):
        self.skill_id, self.locale, self.audio_player = skill_id, locale, audio_player
        self.screen, self.video = screen, video  # an Echo Show: APL, and (video) a viewport that plays media
        self.user_id, self.device_id, self.person_id = user_id, device_id, person_id
        self.api_endpoint, self.api_access_token = api_endpoint, api_access_token
        self.session_id: str | None = None
        self.attributes: dict[str, Any] = {}
        self.player: dict[str, Any] | None = None  # context.AudioPlayer: token, offset, activity

    # ---- the parts --------------------------------------------------------------------------

    def _context(self, device: bool = True) -> dict[str, Any]:
        system: dict[str, Any] = {"application": {"applicationId": self.skill_id},
                                  "user": {"userId": self.user_id}, "apiEndpoint": self.api_endpoint}
        if device and self.device_id is not None:
            interfaces: dict[str, Any] = {"AudioPlayer": {}} if self.audio_player else {}
            if self.screen:
                interfaces["Alexa.Presentation.APL"] = {"runtime": {"maxVersion": "2024.2"}}
            system["device"] = {"deviceId": self.device_id, "supportedInterfaces": interfaces}
        if self.api_access_token:
            system["apiAccessToken"] = self.api_access_token
        if self.person_id:
            system["person"] = {"personId": self.person_id, "accessToken": "person-token"}
        context: dict[str, Any] = {"System": system}
        if device and self.screen:  # an Echo Show 8's viewport, as it reports itself
            current: dict[str, Any] = {"mode": "HUB", "size": {"type": "DISCRETE", "pixelWidth": 1280,
                                                              "pixelHeight": 800}}
            if self.video:
                current["video"] = {"codecs": ["H_264_42", "H_264_41"]}
            context["Viewports"] = [{"type": "APL", "id": "main", "shape": "RECTANGLE", "dpi": 160,
                                     "presentationType": "STANDARD", "canRotate": False,
                                     "configuration": {"current": current}}]
        if device and self.audio_player:
            context["AudioPlayer"] = dict(self.player) if self.player else {"playerActivity": "IDLE"}
        return context

    def _request(self, kind: str, **fields: Any) -> dict[str, Any]:
        return {"type": kind, "requestId": f"amzn1.echo-api.request.{next(self._numbers):06d}-{uuid.uuid4().hex[:8]}",
                "timestamp": now_iso(), "locale": self.locale, **fields}

    def _envelope(self, request: dict[str, Any], with_session: bool = True, new_session: bool = False,
                  device: bool = True) -> dict[str, Any]:
        envelope: dict[str, Any] = {"version": "1.0", "context": self._context(device), "request": request}
        if with_session:
            new = new_session or self.session_id is None
            if new:
                self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
                self.attributes = {}
            envelope["session"] = {"new": new, "sessionId": self.session_id,
                                   "application": {"applicationId": self.skill_id},
                                   "user": {"userId": self.user_id}, "attributes": copy.deepcopy(self.attributes)}
        return envelope

    # ---- what a person (or their device) sends -----------------------------------------------

    def launch(self) -> dict[str, Any]:
        """A LaunchRequest ("open safe harbor"): always a new session."""
        return self._envelope(self._request("LaunchRequest"), new_session=True)

    def intent(self, name: str, slots: dict[str, Any] | None = None, new_session: bool = False,
               builtin: frozenset[str] = frozenset()) -> dict[str, Any]:
        """An IntentRequest. ``slots``: name -> (heard, resolved id or None), or name -> None (sent empty).
        Slots named in ``builtin`` are of AMAZON.* types: Alexa sends their value with no resolutions."""
        body: dict[str, Any] = {}
        for slot, value in (slots or {}).items():
            if value is None:
                body[slot] = {"name": slot, "confirmationStatus": "NONE"}
                continue
            heard, value_id = value
            if slot in builtin:
                body[slot] = {"name": slot, "value": heard, "confirmationStatus": "NONE", "source": "USER"}
                continue
            authority = {"authority": f"amzn1.er-authority.echo-sdk.{self.skill_id}.{slot.upper()}",
                         "status": {"code": "ER_SUCCESS_MATCH" if value_id else "ER_SUCCESS_NO_MATCH"}}
            if value_id:
                authority["values"] = [{"value": {"name": heard, "id": value_id}}]
            resolutions = {"resolutionsPerAuthority": [authority]}
            body[slot] = {"name": slot, "value": heard, "confirmationStatus": "NONE", "source": "USER",
                          "slotValue": {"type": "Simple", "value": heard, "resolutions": resolutions},
                          "resolutions": resolutions}
        request = self._request("IntentRequest", dialogState="COMPLETED",
                                intent={"name": name, "confirmationStatus": "NONE", "slots": body})
        return self._envelope(request, new_session=new_session)

    def session_ended(self, reason: str = "USER_INITIATED") -> dict[str, Any]:
        """A SessionEndedRequest in the current session; the session is over afterwards."""
        envelope = self._envelope(self._request("SessionEndedRequest", reason=reason))
        self.session_id, self.attributes = None, {}
        return envelope

    def audio_event(self, kind: str, token: str, offset_ms: int = 0, activity: str = "PLAYING",
                    **extra: Any) -> dict[str, Any]:
        """An AudioPlayer.* or PlaybackController.* request: no session; the player's state in the context."""
        fields: dict[str, Any] = dict(extra)
        if kind.startswith("AudioPlayer."):
            fields.update(token=token, offsetInMilliseconds=offset_ms)
        envelope = self._envelope(self._request(kind, **fields), with_session=False)
        envelope["context"]["AudioPlayer"] = {"token": token, "offsetInMilliseconds": offset_ms,
                                              "playerActivity": activity}
        return envelope

    def connections_response(self, status: str, token: str, name: str = "AskFor") -> dict[str, Any]:
        """Alexa's answer to the skill's ``Connections.SendRequest`` (a permission asked for by voice): the
        person's ``status`` (ACCEPTED, DENIED, NOT_ANSWERED) and the skill's own ``token``, in a new session.
        Shape: https://developer.amazon.com/docs/alexa/smapi/voice-permissions-for-reminders.html"""
        request = self._request("Connections.Response", name=name, status={"code": "200", "message": "OK"},
                                token=token, payload={"permissionScope": "alexa::alerts:reminders:skill:readwrite",
                                                      "status": status, "isCardThrown": False})
        return self._envelope(request, new_session=True)

    def user_event(self, arguments: Any, new_session: bool = False) -> dict[str, Any]:
        """An Alexa.Presentation.APL.UserEvent: a touch on the document, with the ``arguments`` its SendEvent
        gave. In the open session, or (after the session closed) in a new one."""
        request = self._request("Alexa.Presentation.APL.UserEvent", token="safe-harbor", arguments=arguments,
                                source={"type": "TouchWrapper", "handler": "Press", "id": ""}, components={})
        return self._envelope(request, new_session=new_session)

    def skill_disabled(self, persistence: str = "NOT_PERSISTED") -> dict[str, Any]:
        """An AlexaSkillEvent.SkillDisabled: no session and no device."""
        request = self._request("AlexaSkillEvent.SkillDisabled", eventCreationTime=now_iso(),
                                eventPublishingTime=now_iso(),
                                body={"userId": self.user_id, "userInformationPersistenceStatus": persistence})
        return self._envelope(request, with_session=False, device=False)

    def received(self, response: dict[str, Any]) -> None:
        """Keep the session's attributes, or end the session, as Alexa does after a response."""
        if self.session_id is None:
            return
        if (response.get("response") or {}).get("shouldEndSession", True) is not False:
            self.session_id, self.attributes = None, {}
        else:
            self.attributes = response.get("sessionAttributes") or {}
