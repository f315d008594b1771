"""Drive the skill as Alexa does: real request JSON (tests/fixtures) POSTed to /alexa.

A ``Speaker`` is one person at one device. It keeps the session as Alexa would: session
attributes go back with each request, and a response with shouldEndSession true (or absent)
ends the session. Requests can be signed by the test CA for the production path.
"""
from __future__ import annotations

import copy
import itertools
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
from skill.alexa.localca import SKILL_ID

_ids = itertools.count(1)


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def plain(ssml: str | None) -> str:
    """SSML as words only (pauses dropped), for assertions on what is said."""
    return " ".join(re.sub(r"<[^>]+>", " ", ssml or "").split())


@dataclass
class Turn:
    status: int
    body: dict[str, Any] | None
    raw: bytes

    @property
    def response(self) -> dict[str, Any]:
        return (self.body or {}).get("response") or {}

    @property
    def ssml(self) -> str | None:
        return (self.response.get("outputSpeech") or {}).get("ssml")

    @property
    def speech(self) -> str:
        return plain(self.ssml)

    @property
    def reprompt_ssml(self) -> str | None:
        return ((self.response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml")

    @property
    def reprompt(self) -> str:
        return plain(self.reprompt_ssml)

    @property
    def ends_session(self) -> bool:
        return self.response.get("shouldEndSession", True) is not False

    @property
    def directives(self) -> list[dict[str, Any]]:
        return self.response.get("directives") or []


class Speaker:
    def __init__(self, client, *, skill_id: str = SKILL_ID, user_id: str = "amzn1.ask.account.AEXAMPLEUSER",
                 person_id: str | None = None, device_id: str = "amzn1.ask.device.AEXAMPLEDEVICE",
                 audio_player: bool = True, locale: str = "en-US", api_endpoint: str = "https://api.amazonalexa.com",
                 sign: Callable[[bytes], dict[str, str]] | None = None):
        self.client = client
        self.skill_id = skill_id
        self.user_id = user_id
        self.person_id = person_id
        self.device_id = device_id
        self.audio_player = audio_player
        self.locale = locale
        self.api_endpoint = api_endpoint
        self.sign = sign
        self.session_id: str | None = None
        self.attributes: dict[str, Any] = {}
        self.sent: list[bytes] = []  # every request body, for privacy checks

    # ---- building requests ------------------------------------------------------------------

    def _system(self, envelope: dict[str, Any]) -> None:
        system = envelope["context"]["System"]
        system["application"]["applicationId"] = self.skill_id
        system["user"]["userId"] = self.user_id
        system["apiEndpoint"] = self.api_endpoint
        if "device" in system:
            system["device"]["deviceId"] = self.device_id
            system["device"]["supportedInterfaces"] = {"AudioPlayer": {}} if self.audio_player else {}
        if self.person_id:
            system["person"] = {"personId": self.person_id, "accessToken": "person-token"}
        envelope["request"]["requestId"] = f"amzn1.echo-api.request.{next(_ids):06d}"
        envelope["request"]["timestamp"] = now_iso()
        envelope["request"]["locale"] = self.locale

    def _session(self, envelope: dict[str, Any], new_session: bool) -> None:
        if new_session or self.session_id is None:
            self.session_id = f"amzn1.echo-api.session.{next(_ids):06d}"
            self.attributes = {}
            envelope["session"]["new"] = True
        else:
            envelope["session"]["new"] = False
        envelope["session"]["sessionId"] = self.session_id
        envelope["session"]["application"]["applicationId"] = self.skill_id
        envelope["session"]["user"]["userId"] = self.user_id
        envelope["session"]["attributes"] = copy.deepcopy(self.attributes)

    def post(self, envelope: dict[str, Any] | bytes, headers: dict[str, str] | None = None) -> Turn:
        body = envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode()
        self.sent.append(body)
        all_headers = dict(self.sign(body)) if self.sign else {}
        all_headers.update(headers or {})
        reply = self.client.post("/alexa", data=body, headers=all_headers, content_type="application/json")
        raw = reply.get_data()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        turn = Turn(reply.status_code, parsed, raw)
        if isinstance(envelope, dict) and "session" in envelope and turn.status == 200:
            if turn.ends_session:
                self.session_id, self.attributes = None, {}
            else:
                self.attributes = (turn.body or {}).get("sessionAttributes") or {}
        return turn

    # ---- what a person says -----------------------------------------------------------------

    def launch(self) -> Turn:
        envelope = fixture("launch")
        self._system(envelope)
        self._session(envelope, new_session=True)
        return self.post(envelope)

    def envelope(self, intent: str, slots: dict[str, Any] | None = None, new_session: bool = False) -> dict:
        """An IntentRequest. ``slots``: name -> (heard, resolved id or None), or name -> None (slot empty)."""
        envelope = fixture("intent")
        self._system(envelope)
        self._session(envelope, new_session)
        body = {}
        for name, value in (slots or {}).items():
            if value is None:
                body[name] = {"name": name, "confirmationStatus": "NONE"}
                continue
            heard, value_id = value
            authority = {"authority": f"amzn1.er-authority.echo-sdk.{self.skill_id}.{name.upper()}",
                         "status": {"code": "ER_SUCCESS_MATCH" if value_id else "ER_SUCCESS_NO_MATCH"}}
            if value_id:
                authority["values"] = [{"value": {"name": heard, "id": value_id}}]
            body[name] = {"name": name, "value": heard, "confirmationStatus": "NONE", "source": "USER",
                          "slotValue": {"type": "Simple", "value": heard,
                                        "resolutions": {"resolutionsPerAuthority": [authority]}},
                          "resolutions": {"resolutionsPerAuthority": [authority]}}
        envelope["request"]["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": body}
        return envelope

    def intent(self, intent: str, slots: dict[str, Any] | None = None, new_session: bool = False) -> Turn:
        return self.post(self.envelope(intent, slots, new_session))

    def say(self, what: str, new_session: bool = False) -> Turn:
        """Shorthands for the common intents: next, back, repeat, pause, resume, help, stop, cancel, yes, no,
        green, yellow, red, ground, start:<exercise id>."""
        builtin = {"next": "AMAZON.NextIntent", "back": "AMAZON.PreviousIntent", "repeat": "AMAZON.RepeatIntent",
                   "start over": "AMAZON.StartOverIntent", "pause": "AMAZON.PauseIntent",
                   "resume": "AMAZON.ResumeIntent", "help": "AMAZON.HelpIntent", "stop": "AMAZON.StopIntent",
                   "cancel": "AMAZON.CancelIntent", "yes": "AMAZON.YesIntent", "no": "AMAZON.NoIntent",
                   "fallback": "AMAZON.FallbackIntent"}
        if what in builtin:
            return self.intent(builtin[what], new_session=new_session)
        if what in ("green", "yellow", "red"):
            return self.intent("CheckInIntent", {"color": (what, what)}, new_session=new_session)
        if what == "ground":
            return self.intent("GroundMeIntent", new_session=new_session)
        if what.startswith("start:"):
            exercise = what.split(":", 1)[1]
            return self.intent("StartExerciseIntent", {"exercise": (exercise, exercise)}, new_session=new_session)
        raise ValueError(f"no shorthand for {what!r}")

    def session_ended(self, reason: str = "USER_INITIATED") -> Turn:
        envelope = fixture("session_ended")
        self._system(envelope)
        self._session(envelope, new_session=False)
        envelope["request"]["reason"] = reason
        turn = self.post(envelope)
        self.session_id, self.attributes = None, {}
        return turn

    def audio_event(self, request_type: str, token: str, offset_ms: int = 0, activity: str = "PLAYING",
                    **extra: Any) -> Turn:
        """An AudioPlayer.* or PlaybackController.* request: no session, token and offset in the context."""
        envelope = fixture("audio_player")
        self._system(envelope)
        envelope["request"]["type"] = request_type
        envelope["request"]["token"] = token
        envelope["request"]["offsetInMilliseconds"] = offset_ms
        envelope["request"].update(extra)
        if request_type.startswith("PlaybackController."):
            del envelope["request"]["token"], envelope["request"]["offsetInMilliseconds"]
        envelope["context"]["AudioPlayer"] = {"token": token, "offsetInMilliseconds": offset_ms,
                                              "playerActivity": activity}
        return self.post(envelope)

    def skill_disabled(self, persistence: str = "NOT_PERSISTED") -> Turn:
        envelope = fixture("skill_disabled")
        self._system(envelope)
        envelope["request"]["body"]["userId"] = self.user_id
        envelope["request"]["body"]["userInformationPersistenceStatus"] = persistence
        return self.post(envelope)
