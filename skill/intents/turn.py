"""One turn's state in the voice adapter: read once, handed to the engine, rendered, saved once."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from ask_sdk_model.interfaces.audioplayer import (AudioItem, PlayBehavior, PlayDirective, PlayerActivity,
                                                  StopDirective, Stream)

from ..audio import audio_url
from ..audio.plan import elapsed_ms, hold_segments, make_token, parse_token, position_at
from ..flows import Context, Event, Reply, State
from ..flows.events import HoldPlay, HoldPosition
from ..speech import to_ssml
from .services import Services

TURN = "safe_harbor_turn"  # request attribute holding the TurnState
STORE_BUDGET_S = 2.5  # all store work of one turn: with speech and network, well inside Alexa's 8 s
SESSION = "sh"  # session attribute: version, last saved state, unsaved state, owner, tag (see persistence.py)


@dataclass
class TurnState:
    key: str | None  # keyed hash of the person; None when the request names nobody
    saved: dict[str, Any]  # the state as last stored (or the default, when nothing is stored)
    state: State
    version: int  # 0: no record stored yet (or unknown, after a failed read)
    started: float = field(default_factory=time.perf_counter)
    # All store work of the turn ends by this time.monotonic() instant, retries included (STORE_BUDGET_S).
    deadline: float = field(default_factory=lambda: time.monotonic() + STORE_BUDGET_S)
    reads: int = 0
    writes: int = 0
    store_failed: bool = False
    unsaved: bool = False  # an earlier turn of this session could not be saved
    loaded: bool = True  # False for requests that need no state (nothing is read, nothing saved)
    account: str | None = None  # the account's key (differs from ``key`` for a voice profile's record)
    recognised: bool = False  # the speaker's voice profile was recognised
    other_voice: bool = False  # the speaker is not the owner of this session's record
    forget: bool = False  # delete the record instead of saving it


def turn_of(handler_input: HandlerInput) -> TurnState:
    return handler_input.attributes_manager.request_attributes[TURN]


def hold_position(token: str | None, offset_ms: int | None) -> HoldPosition | None:
    """Where in a hold an AudioPlayer token and offset point; None for a token that is not one of ours."""
    parts = parse_token(token)
    if parts is None:
        return None
    elapsed = elapsed_ms(parts.total_seconds, parts.index, max(0, int(offset_ms or 0)))
    return HoldPosition(parts.exercise, parts.step, parts.run, elapsed)


def is_audio_request(handler_input: HandlerInput) -> bool:
    kind = handler_input.request_envelope.request.object_type or ""
    return kind.startswith(("AudioPlayer.", "PlaybackController."))


def _playing(handler_input: HandlerInput) -> HoldPosition | None:
    """Our hold audio, if the request is about it (audio requests) or it is playing now (spoken requests)."""
    request = handler_input.request_envelope.request
    if (request.object_type or "").startswith("AudioPlayer."):
        return hold_position(getattr(request, "token", None), getattr(request, "offset_in_milliseconds", 0))
    player = handler_input.request_envelope.context.audio_player
    if player is None or player.player_activity not in (PlayerActivity.PLAYING, PlayerActivity.BUFFER_UNDERRUN):
        return None
    return hold_position(player.token, player.offset_in_milliseconds)


def context_for(handler_input: HandlerInput, services: Services) -> Context:
    envelope = handler_input.request_envelope
    system = envelope.context.system if envelope.context else None
    device = system.device if system else None

    def local_time():
        return services.timezone.local_now(system.api_endpoint if system else None,
                                           device.device_id if device else None,
                                           system.api_access_token if system else None)

    interfaces = device.supported_interfaces if device else None
    turn = turn_of(handler_input)
    return Context(locale=getattr(envelope.request, "locale", None) or "en-US",
                   new_session=bool(envelope.session and envelope.session.new),
                   local_time=local_time,
                   audio_player=bool(interfaces and interfaces.audio_player is not None
                                     and services.settings.audio_base_url),
                   playing=_playing(handler_input),
                   recognised_voice=turn.recognised,
                   other_voice=turn.other_voice,
                   record_days=services.settings.record_days)


def respond(handler_input: HandlerInput, services: Services, event: Event) -> Response:
    """Hand the event to the engine with the turn's state, keep the new state, render the reply."""
    turn = turn_of(handler_input)
    outcome = services.engine.handle(turn.state, event, context_for(handler_input, services))
    turn.state = outcome.state
    turn.forget = outcome.reply.forget
    return render(handler_input, services, outcome.reply)


def play_directive(services: Services, hold: HoldPlay) -> PlayDirective:
    index, offset = position_at(hold.seconds, hold.elapsed_ms)
    segment = hold_segments(hold.seconds)[index]
    return segment_directive(services, make_token(hold.exercise, hold.step, hold.run, index, hold.seconds),
                             segment.file, offset, PlayBehavior.REPLACE_ALL)


def segment_directive(services: Services, token: str, file: str, offset_ms: int, behavior: PlayBehavior,
                      expected_previous: str | None = None) -> PlayDirective:
    assert services.settings.audio_base_url is not None
    stream = Stream(token=token, url=audio_url(services.settings.audio_base_url, file),
                    offset_in_milliseconds=offset_ms, expected_previous_token=expected_previous)
    # No metadata: a screen would show it, and it must not name the exercise.
    return PlayDirective(play_behavior=behavior, audio_item=AudioItem(stream=stream))


def render(handler_input: HandlerInput, services: Services, reply: Reply) -> Response:
    builder = handler_input.response_builder
    if reply.play:
        builder.add_directive(play_directive(services, reply.play))
    elif reply.stop_audio:
        builder.add_directive(StopDirective())
    if is_audio_request(handler_input):
        return builder.response  # the platform allows only AudioPlayer directives here: no speech
    if reply.speech:
        builder.speak(to_ssml(reply.speech, reply.gentle))
    if not reply.end_session and reply.reprompt:
        builder.ask(to_ssml(reply.reprompt, reply.gentle))
    builder.set_should_end_session(reply.end_session)
    return builder.response
