"""The Alexa adapter: request JSON in, response JSON out, through the turn shell (skill.core.shell).

    raw envelope (dict) --to_turn--> AlexaTurn (the shell's `Heard`) --Shell.turn--> Reply --render--> response (dict)

Dict in, dict out, with no ask-sdk on the path (docs/platform-alexa.md, "Dict in, dict out"): the envelope is read
as Alexa sends it, so a value Alexa adds over the years (a session-end reason, a resolution status, a player
activity) is simply one this skill does not act on. `to_turn` and `render` do no I/O; the local time is a lazy
Settings API lookup the engine calls only when a step names the day. AudioPlayer and PlaybackController
requests carry no session (docs/platform-alexa.md); the hold they are about is named by the token
(skill.alexa.audioplayer).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..core import Ev, Event, Reply, TurnRunner
from ..core.holds import is_final_segment
from ..core.shell import Device, Heard, Shell
from ..understanding import reader_for
from . import apl
from .audioplayer import STOP_DIRECTIVE, enqueue_directive, hold_position, parse_token, play_directive
from .interaction_model import NEUTRAL_INTENTS
from .permissions import ASK_FOR, ask_for_reminders, permission_event
from .request_shape import Malformed, check_envelope
from .reminders_api import RemindersAPI
from .settings_api import TimeZoneLookup
from .ssml import SSMLRenderer

PLATFORM = "alexa"
SESSION = "sh"  # the session attribute that carries Turned.session, a JSON object
DEFAULT_LOCALE = "en-US"
NEARLY_FINISHED = "AudioPlayer.PlaybackNearlyFinished"
SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"
# Alexa's answer to this skill's permission request (Connections.SendRequest, AskFor): it may be spoken to.
CONNECTIONS_RESPONSE = "Connections.Response"
# A calm failure may speak only here; a touch on the screen (APL UserEvent) is answered like words.
SPOKEN_TYPES = frozenset({"LaunchRequest", "IntentRequest", CONNECTIONS_RESPONSE, apl.USER_EVENT})
ANSWERED_TYPES = SPOKEN_TYPES | {"SessionEndedRequest"}  # responses that carry shouldEndSession
# Request types that become events. AudioPlayer.PlaybackFinished counts only for the chime (see to_turn).
REQUEST_TYPES: dict[str, Ev] = {
    "LaunchRequest": Ev.LAUNCH,
    "SessionEndedRequest": Ev.SESSION_END,
    "AudioPlayer.PlaybackStopped": Ev.HOLD_STOPPED,
    "AudioPlayer.PlaybackFailed": Ev.HOLD_FAILED,
    "AudioPlayer.PlaybackFinished": Ev.HOLD_FINISHED,
    "PlaybackController.PlayCommandIssued": Ev.RESUME,
    "PlaybackController.PauseCommandIssued": Ev.PAUSE,
    # The player's skip buttons cannot be answered in words, so they never move the exercise: during a hold
    # they carry it on from where it is (a silent move would leave people lost); elsewhere they do nothing.
    "PlaybackController.NextCommandIssued": Ev.RESUME,
    "PlaybackController.PreviousCommandIssued": Ev.RESUME,
}
# Logged by name; any other type (newer than this list, or made up) is logged as "other".
KNOWN_TYPES = frozenset(REQUEST_TYPES) | SPOKEN_TYPES | {
    NEARLY_FINISHED, SKILL_DISABLED, "AudioPlayer.PlaybackStarted", "System.ExceptionEncountered",
    "AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillAccountLinked",
    "AlexaSkillEvent.SkillPermissionAccepted", "AlexaSkillEvent.SkillPermissionChanged"}
PLAYING = frozenset({"PLAYING", "BUFFER_UNDERRUN"})
# A button press reports where the player stands, whether it is still playing or has just stopped.
PLAYING_OR_HALTED = PLAYING | {"PAUSED", "STOPPED"}


@dataclass(frozen=True)
class BadRequest:
    """An envelope this service will not hand to the skill: HTTP 400 (web) or an error (Lambda)."""

    reason: str


@dataclass(frozen=True)
class AlexaTurn:
    """One Alexa request, translated: ``heard`` for the shell, plus what rendering needs (``type``: the request
    type; ``token``: the AudioPlayer token the request names; ``attributes``: the session attributes, None
    outside a session)."""

    heard: Heard
    type: str
    token: str | None
    attributes: dict | None
    media: bool = False  # the screen plays a hold in its document (apl.plays_media)


@dataclass(frozen=True)
class Services:
    """What the adapter needs, built once per process."""

    runner: TurnRunner
    settings: Settings
    timezone: TimeZoneLookup
    ssml: SSMLRenderer
    reminders: RemindersAPI | None = None  # None: the device is told it has no reminders

    @property
    def store(self):
        return self.runner.store

    @property
    def engine(self):
        return self.runner.engine


def _obj(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def slot_readings(intent: dict) -> dict[str, tuple[str | None, str | None]]:
    """name -> (entity-resolution id or None, words heard or None), for each slot of an intent (request JSON).

    The id is read only from an ER_SUCCESS_MATCH; the words are kept in every case, so a value is still
    understood when resolution timed out, matched nothing, or was not sent (see Catalogue.match_value).
    """
    readings = {}
    for name, slot in _obj(intent.get("slots")).items():
        slot = _obj(slot)
        spoken = slot.get("value")
        spoken = spoken if isinstance(spoken, str) and spoken.strip() else None
        resolved = None
        for authority in _obj(slot.get("resolutions")).get("resolutionsPerAuthority") or []:
            authority = _obj(authority)
            values = authority.get("values") or []
            if _obj(authority.get("status")).get("code") == "ER_SUCCESS_MATCH" and values:
                value_id = _obj(_obj(values[0]).get("value")).get("id")
                if isinstance(value_id, str):
                    resolved = value_id
                    break
        readings[name] = (resolved, spoken)
    return readings


def intent_event(request: dict) -> Event:
    """The engine event for an IntentRequest: Alexa's intent name -> the catalogue's intent -> its event, read by
    the understanding layer wherever words reach the skill (the capture intent's words, a slot's words that match
    none of its values; skill.understanding.Reader.intent). An intent the model lacks is a calm fallback."""
    intent = _obj(request.get("intent"))
    neutral = NEUTRAL_INTENTS.get(intent.get("name") or "")
    if neutral is None:
        return Event(Ev.FALLBACK)
    return reader_for(request.get("locale") or DEFAULT_LOCALE).intent(neutral, slot_readings(intent))


def carried(attribute: object) -> object:
    """What the previous turn carried (``Turned.session``), from the session attribute: a JSON object; sessions
    in flight from before it was one carry it as a JSON string. Anything else (forged) goes to the runner as it
    is, which reads the store instead when it is not a tagged record of this service."""
    if isinstance(attribute, str):
        try:
            return json.loads(attribute, parse_constant=_not_finite)
        except (ValueError, RecursionError):  # not JSON, NaN or Infinity, or nested past the parser's depth
            return None
    return attribute


def _not_finite(constant: str) -> None:
    raise ValueError(constant)


class AlexaSkill:
    """The skill as Alexa sees it: ``invoke(envelope) -> response``, both JSON dicts."""

    def __init__(self, services: Services):
        self.services = services
        self.shell = Shell(services.runner)
        self.audio_base = services.settings.audio_base_url

    def invoke(self, raw: Any, checked: bool = False) -> dict:
        """The response JSON to the request JSON ``raw``. ``checked``: the boundary already ran
        request_shape.check_envelope on it (the web verifier does). Raises Malformed for a bad envelope; never
        for anything in a turn (the shell's calm failure)."""
        turn = self.to_turn(raw, checked)
        if isinstance(turn, BadRequest):
            raise Malformed(turn.reason)
        if turn.type == SKILL_DISABLED:
            status = _obj(raw["request"].get("body")).get("userInformationPersistenceStatus")
            if status != "PERSISTED":  # unless Alexa says the person chose to keep it
                self.shell.forget_account(turn.heard.user_id)
            return self.render(turn, Reply(), None)
        turned = self.shell.turn(turn.heard)
        return self.render(turn, turned.reply, turned.session)

    def to_turn(self, raw: Any, checked: bool = False) -> AlexaTurn | BadRequest:
        """Request JSON -> what the shell needs, or BadRequest for an envelope of the wrong shape. No I/O."""
        if not checked:
            try:
                check_envelope(raw)
            except Malformed as exc:
                return BadRequest(str(exc))
        request, context = raw["request"], raw["context"]
        kind = request["type"]
        system, session = context["System"], raw.get("session")
        attributes = dict(_obj(session.get("attributes"))) if session else None
        device, player = _obj(system.get("device")), context.get("AudioPlayer")
        token, touch_at = None, None
        if kind.startswith("AudioPlayer."):
            token = request.get("token")
        elif kind.startswith("PlaybackController.") and player:
            token = player.get("token")
        parts = parse_token(token)
        event: Event | Any = None
        if kind == "IntentRequest":
            event = lambda: intent_event(request)  # noqa: E731 - read inside the shell's calm failure
        elif kind == CONNECTIONS_RESPONSE and request.get("name") == ASK_FOR:
            event = permission_event(request)
        elif kind == apl.USER_EVENT:
            event, touch_at = apl.read_touch(request)  # where a hold on the screen stood: from the touch
        elif kind in REQUEST_TYPES and not (kind == "AudioPlayer.PlaybackFinished" and (
                parts is None or not is_final_segment(parts.total_seconds, parts.index))):
            event = Event(REQUEST_TYPES[kind])  # a bed's end is routine: of PlaybackFinished, only the chime counts

        def local_time():
            return self.services.timezone.local_now(system.get("apiEndpoint"), device.get("deviceId"),
                                                    system.get("apiAccessToken"))

        def time_zone():  # the same cached lookup as local_time: one request at most per device and hour
            return self.services.timezone.zone_name(system.get("apiEndpoint"), device.get("deviceId"),
                                                    system.get("apiAccessToken"))

        if kind == apl.USER_EVENT:
            playing = touch_at
        elif kind.startswith("AudioPlayer."):
            playing = hold_position(token, request.get("offsetInMilliseconds"))
        elif player and player.get("playerActivity") in (
                PLAYING_OR_HALTED if kind.startswith("PlaybackController.") else PLAYING):
            playing = hold_position(player.get("token"), player.get("offsetInMilliseconds"))
        else:
            playing = None
        interfaces = _obj(device.get("supportedInterfaces"))
        locale = request.get("locale") or DEFAULT_LOCALE
        reminders = self.services.reminders.for_request(system, locale) if self.services.reminders else None
        screen = kind in SPOKEN_TYPES and apl.has_screen(interfaces)
        media = screen and apl.plays_media(context)
        name = _obj(request.get("intent")).get("name") if kind == "IntentRequest" else None
        heard = Heard(
            platform=PLATFORM, type=kind if kind in KNOWN_TYPES else "other", event=event,
            user_id=_obj(system.get("user")).get("userId"), person_id=_obj(system.get("person")).get("personId"),
            session_id=(session.get("sessionId") or "") if session else None,
            session=carried(attributes.get(SESSION)) if attributes is not None else None,
            new_session=bool(session and session.get("new")),
            device=Device(locale=locale, local_time=local_time, playing=playing, time_zone=time_zone,
                          audio_player=bool((interfaces.get("AudioPlayer") is not None or media) and self.audio_base),
                          reminders=reminders, screen=screen, pairing=True),
            hold=parts.hold if parts else None, request_id=request.get("requestId"),
            # A name the model lacks comes from the request: it could be any text.
            intent=name if name is None or name in NEUTRAL_INTENTS else "unknown",
            spoken=kind in SPOKEN_TYPES)
        return AlexaTurn(heard, kind, token, attributes, media)

    def render(self, turn: AlexaTurn, reply: Reply, session: Any) -> dict:
        """The response JSON for ``reply`` to ``turn``, carrying ``session`` in the session attributes. No I/O.
        Responses to AudioPlayer and PlaybackController requests carry directives only, never speech; a request
        that ran no turn gets none of the session's fields."""
        response: dict[str, Any] = {}
        directives = []
        answered = turn.type in ANSWERED_TYPES and turn.heard.event is not None
        # On a screen that plays media the hold plays in the document, which speaks the step's words first.
        in_document = bool(reply.play and turn.media and reply.screen and answered)
        if reply.play and not in_document:
            assert self.audio_base is not None  # Device.audio_player requires it
            directives.append(play_directive(self.audio_base, reply.play))
        elif reply.stop_audio:
            directives.append(STOP_DIRECTIVE)
        if turn.type == NEARLY_FINISHED and self.audio_base:
            following = enqueue_directive(self.audio_base, turn.token)  # from the token alone: no store read
            directives += [following] if following else []
        if reply.ask_permission and turn.type in SPOKEN_TYPES:
            directives.append(ask_for_reminders(reply.ask_permission))  # Alexa speaks its own prompt
        ssml = self.services.ssml.render
        if reply.screen is not None and turn.heard.device.screen and answered:
            spoken = ssml(reply.speech, reply.gentle) if in_document and reply.speech else None
            directives.append(apl.render_document(reply.screen, self.audio_base if in_document else None, spoken))
        if directives:
            response["directives"] = directives
        if answered:
            if reply.speech and not in_document:
                response["outputSpeech"] = {"type": "SSML", "ssml": ssml(reply.speech, reply.gentle)}
            if not reply.end_session and reply.reprompt:
                response["reprompt"] = {"outputSpeech": {"type": "SSML",
                                                         "ssml": ssml(reply.reprompt, reply.gentle)}}
            response["shouldEndSession"] = reply.end_session
        envelope: dict[str, Any] = {"version": "1.0", "response": response}
        if turn.attributes is not None:
            if session is not None:
                turn.attributes[SESSION] = session
            envelope["sessionAttributes"] = turn.attributes
        return envelope
