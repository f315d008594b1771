"""The Alexa adapter's request handlers: requests in, engine events through the turn runner, responses out.

Thin by design: the understanding layer (skill.understanding) maps each intent to an engine event, reading its
slots and any words that reach the skill, a table maps each request type to an event, the
turn runner does everything a turn needs (skill.core.turn), and the reply is rendered as SSML and AudioPlayer
directives. AudioPlayer and PlaybackController requests carry no session (docs/platform-alexa.md); the hold they are
about is named by the token (skill.alexa.audioplayer).
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import Response
from ask_sdk_model.interfaces.audioplayer import PlayerActivity, StopDirective

from ..config import Settings
from ..logs import Fields
from ..core import Context, Ev, Event, Reply, TurnRequest, TurnRunner, identity_for
from ..core.events import HoldPosition
from ..core.holds import is_final_segment
from ..core.identity import request_digest
from ..core.turn import SORRY
from ..understanding import reader_for
from ..store import StoreError
from .audioplayer import enqueue_directive, hold_position, parse_token, play_directive
from .interaction_model import NEUTRAL_INTENTS
from .settings_api import TimeZoneLookup
from .ssml import SSMLRenderer

log = logging.getLogger("skill.turn")
SESSION = "sh"  # the session attribute that carries TurnResult.session, as one JSON string (see _carried)
SPOKEN_TYPES = frozenset({"LaunchRequest", "IntentRequest"})

DEFAULT_LOCALE = "en-US"


def slot_readings(handler_input: HandlerInput) -> dict[str, tuple[str | None, str | None]]:
    """name -> (entity-resolution id or None, words heard or None), for each slot of the request's intent.

    The id is read only from an ER_SUCCESS_MATCH; the words are kept in every case, so a value is still
    understood when resolution timed out, matched nothing, or was not sent (see Catalogue.match_value).
    """
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    readings = {}
    for name, slot in ((intent.slots or {}) if intent else {}).items():
        spoken = slot.value if isinstance(slot.value, str) and slot.value.strip() else None
        resolved = None
        authorities = slot.resolutions.resolutions_per_authority if slot.resolutions else None
        for authority in authorities or []:
            code = getattr(getattr(authority.status, "code", None), "value", None)
            first = authority.values[0] if code == "ER_SUCCESS_MATCH" and authority.values else None
            value_id = getattr(getattr(first, "value", None), "id", None)
            if isinstance(value_id, str):
                resolved = value_id
                break
        readings[name] = (resolved, spoken)
    return readings


def intent_event(handler_input: HandlerInput) -> Event:
    """The engine event for an IntentRequest: Alexa's intent name -> the catalogue's intent -> its event, read by
    the understanding layer wherever words reach the skill (the capture intent's words, a slot's words that match
    none of its values; skill.understanding.Reader.intent). An intent the model lacks is a calm fallback."""
    request = handler_input.request_envelope.request
    neutral = NEUTRAL_INTENTS.get(getattr(request.intent, "name", None) or "")
    if neutral is None:
        return Event(Ev.FALLBACK)
    return reader_for(getattr(request, "locale", None) or DEFAULT_LOCALE).intent(neutral, slot_readings(handler_input))


# Request types that become events. AudioPlayer.PlaybackFinished counts only for the chime (see below).
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


@dataclass(frozen=True)
class Services:
    """What every handler needs, built once per process."""

    runner: TurnRunner
    settings: Settings
    timezone: TimeZoneLookup
    ssml: SSMLRenderer

    @property
    def store(self):
        return self.runner.store

    @property
    def engine(self):
        return self.runner.engine


def _request_type(handler_input: HandlerInput) -> str:
    return handler_input.request_envelope.request.object_type or ""


def log_turn(secret: bytes, handler_input: HandlerInput, started: float, result=None,
             error: str | None = None) -> None:
    """One JSON line per request (logger ``skill.turn``, INFO): ``request`` (request_digest(..., for_log=True)
    of Alexa's request id: 16 hex characters, or None), ``type`` (the request type), ``intent`` (the
    interaction model's intent name, "unknown" for a name the model lacks, None for other requests),
    ``latency_ms`` (float, since ``started``, a time.perf_counter() instant), ``store`` ({"reads": int,
    "writes": int, "failed": bool} from ``result``, a TurnResult, when a turn ran) and ``error`` (an
    exception's type name) when the request failed.

    Nothing else: no utterance or slot value, no raw Alexa id, no state value (exercise, step)."""
    request = handler_input.request_envelope.request
    intent = getattr(getattr(request, "intent", None), "name", None)
    if intent is not None and intent not in NEUTRAL_INTENTS:
        intent = "unknown"  # a name from the request, not the model: it could be any text
    line = Fields({"event": "turn", "request": request_digest(secret, getattr(request, "request_id", None),
                                                              for_log=True),
                   "type": getattr(request, "object_type", None), "intent": intent,
                   "latency_ms": round((time.perf_counter() - started) * 1000, 2),
                   "store": {"reads": result.reads if result else 0, "writes": result.writes if result else 0,
                             "failed": result.store_failed if result else False}})
    if error:
        line["error"] = error
    log.info(line)


def _carried(attribute: object) -> object:
    """What the previous turn carried (``TurnResult.session``), from the session attribute.

    It travels as one JSON string rather than a nested object: Alexa hands it back untouched either way,
    and a string is one value to every walk a turn makes over the request and the response (the shape
    check, the envelope builder, the SDK's copy of the session attributes and its serializer) instead of a
    tree of a few dozen. Anything else (a forged or older form) goes to the runner as it is, which reads
    the store instead when it is not a tagged record of this service.
    """
    if isinstance(attribute, str):
        try:
            return json.loads(attribute, parse_constant=_not_finite)
        except (ValueError, RecursionError):  # not JSON, NaN or Infinity, or nested past the parser's depth
            return None
    return attribute


def _not_finite(constant: str) -> None:
    raise ValueError(constant)


class TurnHandler(AbstractRequestHandler):
    """Every request that becomes an engine event: build the event and context, run the turn, render."""

    def __init__(self, services: Services):
        self.services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        kind = _request_type(handler_input)
        return kind in REQUEST_TYPES or kind == "IntentRequest"

    def handle(self, handler_input: HandlerInput) -> Response:
        started = time.perf_counter()
        envelope = handler_input.request_envelope
        request, kind = envelope.request, _request_type(handler_input)
        token = None
        if kind.startswith("AudioPlayer."):
            token = parse_token(getattr(request, "token", None))
            if kind == "AudioPlayer.PlaybackFinished" and (
                    token is None or not is_final_segment(token.total_seconds, token.index)):
                log_turn(self.services.settings.hash_secret, handler_input, started)
                return handler_input.response_builder.response  # a bed's end is routine: only the chime counts
        elif kind.startswith("PlaybackController.") and envelope.context.audio_player:
            token = parse_token(envelope.context.audio_player.token)
        system = envelope.context.system
        identity = identity_for(self.services.settings.hash_secret, system.user.user_id if system.user else None,
                                system.person.person_id if system.person else None)
        session = envelope.session
        carried = _carried(handler_input.attributes_manager.session_attributes.get(SESSION)) if session else None
        result = self.services.runner.run(TurnRequest(
            identity=identity, event=self._event(handler_input, kind), context=self._context(handler_input, kind),
            session=carried, session_id=(session.session_id or "") if session else None,
            hold=token.hold if token else None, request_id=getattr(request, "request_id", None)))
        if session is not None and result.session is not None:
            handler_input.attributes_manager.session_attributes[SESSION] = json.dumps(
                result.session, separators=(",", ":"))
        response = self._render(handler_input, kind, result.reply)
        log_turn(self.services.settings.hash_secret, handler_input, started, result)
        return response

    @staticmethod
    def _event(handler_input: HandlerInput, kind: str) -> Event:
        if kind != "IntentRequest":
            return Event(REQUEST_TYPES[kind])
        return intent_event(handler_input)

    def _context(self, handler_input: HandlerInput, kind: str) -> Context:
        envelope = handler_input.request_envelope
        system = envelope.context.system
        device = system.device
        timezone = self.services.timezone

        def local_time():
            return timezone.local_now(system.api_endpoint, device.device_id if device else None,
                                      system.api_access_token)

        interfaces = device.supported_interfaces if device else None
        return Context(locale=getattr(envelope.request, "locale", None) or "en-US",
                       new_session=bool(envelope.session and envelope.session.new),
                       local_time=local_time,
                       audio_player=bool(interfaces and interfaces.audio_player is not None
                                         and self.services.settings.audio_base_url),
                       playing=self._playing(handler_input, kind),
                       record_days=self.services.settings.record_days)

    @staticmethod
    def _playing(handler_input: HandlerInput, kind: str) -> HoldPosition | None:
        """Our hold audio, if the request is about it (audio reports) or it is playing now (spoken requests)."""
        request = handler_input.request_envelope.request
        if kind.startswith("AudioPlayer."):
            return hold_position(getattr(request, "token", None), getattr(request, "offset_in_milliseconds", 0))
        player = handler_input.request_envelope.context.audio_player
        # A button press reports where the player stands, whether it is still playing or has just stopped.
        active = (PlayerActivity.PLAYING, PlayerActivity.BUFFER_UNDERRUN) + (
            (PlayerActivity.PAUSED, PlayerActivity.STOPPED) if kind.startswith("PlaybackController.") else ())
        if player is None or player.player_activity not in active:
            return None
        return hold_position(player.token, player.offset_in_milliseconds)

    def _render(self, handler_input: HandlerInput, kind: str, reply: Reply) -> Response:
        builder = handler_input.response_builder
        if reply.play:
            assert self.services.settings.audio_base_url is not None  # Context.audio_player requires it
            builder.add_directive(play_directive(self.services.settings.audio_base_url, reply.play))
        elif reply.stop_audio:
            builder.add_directive(StopDirective())
        if kind.startswith(("AudioPlayer.", "PlaybackController.")):
            return builder.response  # the platform allows only AudioPlayer directives here: no speech
        if reply.speech:
            builder.speak(self.services.ssml.render(reply.speech, reply.gentle))
        if not reply.end_session and reply.reprompt:
            builder.ask(self.services.ssml.render(reply.reprompt, reply.gentle))
        builder.set_should_end_session(reply.end_session)
        return builder.response


class _OneRequestType(AbstractRequestHandler):
    """A handler of one request type that needs no turn."""

    request_type = ""

    def __init__(self, services: Services):
        self.services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _request_type(handler_input) == self.request_type


class EnqueueNextSegment(_OneRequestType):
    """PlaybackNearlyFinished: queue the hold's next segment, from the token alone (no storage read)."""

    request_type = "AudioPlayer.PlaybackNearlyFinished"

    def handle(self, handler_input: HandlerInput) -> Response:
        started = time.perf_counter()
        builder = handler_input.response_builder
        base = self.services.settings.audio_base_url
        directive = enqueue_directive(base, getattr(handler_input.request_envelope.request, "token", None)) \
            if base else None
        if directive is not None:
            builder.add_directive(directive)
        log_turn(self.services.settings.hash_secret, handler_input, started)
        return builder.response


class SkillDisabled(_OneRequestType):
    """Disabling the skill deletes what it kept, unless Alexa says the person chose to keep it."""

    request_type = "AlexaSkillEvent.SkillDisabled"

    def handle(self, handler_input: HandlerInput) -> Response:
        # The SDK's model drops the event's body, so the raw JSON rides along as the context.
        raw = handler_input.context if isinstance(handler_input.context, dict) else {}
        body = (raw.get("request") or {}).get("body") if isinstance(raw.get("request"), dict) else None
        status = body.get("userInformationPersistenceStatus") if isinstance(body, dict) else None
        if status != "PERSISTED":
            system = handler_input.request_envelope.context.system
            account = identity_for(self.services.settings.hash_secret,
                                   system.user.user_id if system.user else None).account
            try:
                deleted = self.services.runner.forget_account(account) if account else 0
                log.info('{"event":"skill_disabled","records_deleted":%d}', deleted)
            except StoreError:
                log.error('{"event":"skill_disabled","error":"store unavailable"}')
        return handler_input.response_builder.response


class SilentHandler(AbstractRequestHandler):
    """Request types this skill has nothing to say to (PlaybackStarted, ExceptionEncountered, other events)."""

    def __init__(self, services: Services):
        self.services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        log_turn(self.services.settings.hash_secret, handler_input, time.perf_counter())
        return handler_input.response_builder.response


class CalmErrorHandler(AbstractExceptionHandler):
    """Anything unexpected: a calm spoken apology where speech is allowed, an empty answer elsewhere."""

    def __init__(self, services: Services):
        self.services = services

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        # The exception's type only: messages can carry request data.
        log_turn(self.services.settings.hash_secret, handler_input, time.perf_counter(),
                 error=type(exception).__name__)
        if _request_type(handler_input) not in SPOKEN_TYPES:
            return handler_input.response_builder.response
        speech = self.services.ssml.render(SORRY)
        return handler_input.response_builder.speak(speech).ask(speech).response


def build_skill(services: Services) -> CustomSkill:
    """The ask-sdk-core skill: one turn handler for every event, plus the handlers that need no turn."""
    builder = SkillBuilder()
    for handler in (EnqueueNextSegment(services), SkillDisabled(services), TurnHandler(services),
                    SilentHandler(services)):
        builder.add_request_handler(handler)
    builder.add_exception_handler(CalmErrorHandler(services))
    return builder.create()
