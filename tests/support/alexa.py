"""Drive the skill as Alexa does: Alexa request JSON POSTed to /alexa.

A ``Speaker`` is one person at one device: the product's one request builder
(``skill.alexa.envelopes.Conversation``, held to the captured requests in tests/fixtures by
tests/test_envelopes.py) plus a client to post with. It keeps the session as Alexa would: session
attributes go back with each request, and a response with shouldEndSession true (or absent) ends the
session. Requests can be signed by the local CA for the production path.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from skill.alexa.envelopes import Conversation, now_iso  # noqa: F401  (now_iso: for tests)
from skill.alexa.localca import SKILL_ID

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def while_playing(envelope: dict[str, Any], token: str | None, offset_ms: int = 4000) -> dict[str, Any]:
    """The envelope as said while our hold audio plays (``token``, ``offset_ms`` in): the player's state in the
    context, as a device sends it with "Alexa, tell Safe Harbor ..."; unchanged when nothing plays."""
    if token:
        envelope["context"]["AudioPlayer"] = {"token": token, "offsetInMilliseconds": offset_ms,
                                              "playerActivity": "PLAYING"}
    return envelope


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


API_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.example-token"  # as in tests/fixtures

BUILTIN = {"next": "AMAZON.NextIntent", "back": "AMAZON.PreviousIntent", "repeat": "AMAZON.RepeatIntent",
           "start over": "AMAZON.StartOverIntent", "pause": "AMAZON.PauseIntent", "resume": "AMAZON.ResumeIntent",
           "help": "AMAZON.HelpIntent", "stop": "AMAZON.StopIntent", "cancel": "AMAZON.CancelIntent",
           "yes": "AMAZON.YesIntent", "no": "AMAZON.NoIntent", "fallback": "AMAZON.FallbackIntent"}


class Speaker(Conversation):
    """A Conversation that posts what it builds and returns ``Turn``s (one method per thing a person does)."""

    def __init__(self, client, *, skill_id: str = SKILL_ID, user_id: str = "amzn1.ask.account.AEXAMPLEUSER",
                 person_id: str | None = None, device_id: str = "amzn1.ask.device.AEXAMPLEDEVICE",
                 audio_player: bool = True, locale: str = "en-US", api_endpoint: str = "https://api.amazonalexa.com",
                 sign: Callable[[bytes], dict[str, str]] | None = None, screen: bool = False, video: bool = True):
        super().__init__(skill_id, locale, audio_player, user_id=user_id, device_id=device_id, person_id=person_id,
                         api_endpoint=api_endpoint, api_access_token=API_TOKEN, screen=screen, video=video)
        self.client = client
        self.sign = sign
        self.sent: list[bytes] = []  # every request body, for privacy checks

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
            self.received(turn.body or {})
        return turn

    # ---- what a person says -----------------------------------------------------------------

    def envelope(self, intent: str, slots: dict[str, Any] | None = None, new_session: bool = False) -> dict:
        """An IntentRequest. ``slots``: name -> (heard, resolved id or None), or name -> None (slot empty)."""
        return Conversation.intent(self, intent, slots, new_session)

    def launch(self) -> Turn:
        return self.post(Conversation.launch(self))

    def intent(self, intent: str, slots: dict[str, Any] | None = None, new_session: bool = False) -> Turn:
        return self.post(self.envelope(intent, slots, new_session))

    def say(self, what: str, new_session: bool = False) -> Turn:
        """Shorthands for the common intents: next, back, repeat, pause, resume, help, stop, cancel, yes, no,
        green, yellow, red, ground, start:<exercise id>."""
        if what in BUILTIN:
            return self.intent(BUILTIN[what], new_session=new_session)
        if what in ("green", "yellow", "red"):
            return self.intent("CheckInIntent", {"color": (what, what)}, new_session=new_session)
        if what == "ground":
            return self.intent("GroundMeIntent", new_session=new_session)
        if what.startswith("start:"):
            exercise = what.split(":", 1)[1]
            return self.intent("StartExerciseIntent", {"exercise": (exercise, exercise)}, new_session=new_session)
        raise ValueError(f"no shorthand for {what!r}")

    def words(self, text: str, playing: str | None = None) -> Turn:
        """The person says ``text`` in the session: the request Alexa builds from the committed model of this
        speaker's locale (tests/support/alexa_nlu.py, ``words_request``)."""
        from tests.support.alexa_nlu import words_request

        return self.post(words_request(self, text, playing))

    def session_ended(self, reason: str = "USER_INITIATED") -> Turn:
        return self.post(Conversation.session_ended(self, reason))

    def audio_event(self, request_type: str, token: str, offset_ms: int = 0, activity: str = "PLAYING",
                    **extra: Any) -> Turn:
        """An AudioPlayer.* or PlaybackController.* request: no session, token and offset in the context."""
        return self.post(Conversation.audio_event(self, request_type, token, offset_ms, activity, **extra))

    def connections_response(self, status: str, token: str, name: str = "AskFor") -> Turn:
        return self.post(Conversation.connections_response(self, status, token, name))

    def touch(self, arguments: Any, new_session: bool = False) -> Turn:
        """A touch on the screen: an APL UserEvent with ``arguments``."""
        return self.post(Conversation.user_event(self, arguments, new_session))

    def skill_disabled(self, persistence: str = "NOT_PERSISTED") -> Turn:
        return self.post(Conversation.skill_disabled(self, persistence))
