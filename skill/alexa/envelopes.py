"""Alexa request envelopes, as a speaker would send them, for the local console."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

CONSOLE_USER = "amzn1.ask.account.LOCAL-CONSOLE"
CONSOLE_DEVICE = "amzn1.ask.device.LOCAL-CONSOLE"
AUDIO_INTERFACES = {"AudioPlayer": {}}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Conversation:
    """Builds the envelopes of one console conversation: a session id that lasts until the session ends."""

    def __init__(self, skill_id: str, locale: str = "en-US", audio_player: bool = True):
        self.skill_id = skill_id
        self.locale = locale
        self.audio_player = audio_player
        self.session: dict[str, Any] | None = None
        self.attributes: dict[str, Any] = {}
        self.player: dict[str, Any] | None = None  # context.AudioPlayer: token, offset, activity

    def _context(self) -> dict[str, Any]:
        return {"System": {
            "application": {"applicationId": self.skill_id},
            "user": {"userId": CONSOLE_USER},
            "device": {"deviceId": CONSOLE_DEVICE,
                       "supportedInterfaces": AUDIO_INTERFACES if self.audio_player else {}},
            "apiEndpoint": "https://api.amazonalexa.com",
        }}

    def _envelope(self, request: dict[str, Any], with_session: bool = True) -> dict[str, Any]:
        request = {"requestId": f"amzn1.echo-api.request.{uuid.uuid4()}", "timestamp": _now(),
                   "locale": self.locale, **request}
        envelope: dict[str, Any] = {"version": "1.0", "context": self._context(), "request": request}
        if self.player:
            envelope["context"]["AudioPlayer"] = dict(self.player)
        if with_session:
            new = self.session is None
            if new:
                self.session = {"sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
                                "application": {"applicationId": self.skill_id},
                                "user": {"userId": CONSOLE_USER}}
                self.attributes = {}
            envelope["session"] = {**self.session, "new": new, "attributes": self.attributes}
        return envelope

    def launch(self) -> dict[str, Any]:
        return self._envelope({"type": "LaunchRequest"})

    def intent(self, name: str, slots: dict[str, tuple[str, str | None, str | None]] | None = None,
               builtin: frozenset[str] = frozenset()) -> dict[str, Any]:
        """``slots``: name -> (heard text, resolved id or None, resolved name or None). Slots named in
        ``builtin`` are of AMAZON.* types: Alexa sends their value with no resolutions."""
        body = {}
        for slot, (heard, value_id, value_name) in (slots or {}).items():
            if slot in builtin:
                body[slot] = {"name": slot, "value": heard, "confirmationStatus": "NONE"}
                continue
            resolution = {"authority": f"amzn1.er-authority.echo-sdk.{self.skill_id}.{slot}",
                          "status": {"code": "ER_SUCCESS_MATCH" if value_id else "ER_SUCCESS_NO_MATCH"}}
            if value_id:
                resolution["values"] = [{"value": {"name": value_name or heard, "id": value_id}}]
            body[slot] = {"name": slot, "value": heard, "confirmationStatus": "NONE",
                          "resolutions": {"resolutionsPerAuthority": [resolution]}}
        return self._envelope({"type": "IntentRequest", "dialogState": "COMPLETED",
                               "intent": {"name": name, "confirmationStatus": "NONE", "slots": body}})

    def session_ended(self, reason: str = "USER_INITIATED") -> dict[str, Any]:
        return self._envelope({"type": "SessionEndedRequest", "reason": reason})

    def audio_event(self, kind: str, token: str, offset_ms: int, activity: str = "PLAYING") -> dict[str, Any]:
        """An AudioPlayer or PlaybackController request: no session, as Alexa sends them."""
        request: dict[str, Any] = {"type": kind}
        if kind.startswith("AudioPlayer."):
            request.update(token=token, offsetInMilliseconds=offset_ms)
        envelope = self._envelope(request, with_session=False)
        envelope["context"]["AudioPlayer"] = {"token": token, "offsetInMilliseconds": offset_ms,
                                              "playerActivity": activity}
        return envelope

    def received(self, response: dict[str, Any]) -> None:
        """Keep the session's attributes, or end the session, as Alexa does."""
        if self.session is None:
            return
        if response.get("response", {}).get("shouldEndSession", True) is not False:
            self.session = None
            self.attributes = {}
        else:
            self.attributes = response.get("sessionAttributes") or {}
