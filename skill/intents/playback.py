"""Timed holds through AudioPlayer: pause and resume by voice, the player's reports, and its buttons.

AudioPlayer and PlaybackController requests carry no session: what playback needs is in the
token (see skill/audio/plan.py) and in the stored state.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.interfaces.audioplayer import PlayBehavior

from ..audio.plan import hold_segments, make_token, parse_token
from ..flows import Ev
from .base import EventHandler
from .turn import segment_directive

PLAYER_EVENTS = {
    "AudioPlayer.PlaybackStopped": Ev.HOLD_STOPPED,
    "AudioPlayer.PlaybackFailed": Ev.HOLD_FAILED,
}
CONTROLLER_EVENTS = {
    "PlaybackController.PlayCommandIssued": Ev.RESUME,
    "PlaybackController.PauseCommandIssued": Ev.PAUSE,
    "PlaybackController.NextCommandIssued": Ev.NEXT,
    "PlaybackController.PreviousCommandIssued": Ev.BACK,
}


class EnqueueNextSegment(AbstractRequestHandler):
    """PlaybackNearlyFinished: queue the hold's next segment, from the token alone (no storage read)."""

    def __init__(self, services):
        self.services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("AudioPlayer.PlaybackNearlyFinished")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        builder = handler_input.response_builder
        token = getattr(handler_input.request_envelope.request, "token", None)
        parts = parse_token(token)
        segments = hold_segments(parts.total_seconds) if parts else []
        if parts and parts.index + 1 < len(segments) and self.services.settings.audio_base_url:
            following = segments[parts.index + 1]
            next_token = make_token(parts.exercise, parts.step, parts.run, following.index, parts.total_seconds)
            builder.add_directive(segment_directive(self.services, next_token, following.file,
                                                    following.start_offset_ms, PlayBehavior.ENQUEUE, token))
        return builder.response


class HoldFinished(EventHandler):
    """PlaybackFinished: only the chime's end finishes the hold; a bed segment's end is routine."""

    def __init__(self, services):
        super().__init__(services, Ev.HOLD_FINISHED, request_types=("AudioPlayer.PlaybackFinished",))

    def handle(self, handler_input: HandlerInput) -> Response:
        parts = parse_token(getattr(handler_input.request_envelope.request, "token", None))
        if parts is None or parts.index + 1 < len(hold_segments(parts.total_seconds)):
            return handler_input.response_builder.response
        return super().handle(handler_input)


def handlers(services):
    return [
        EnqueueNextSegment(services),
        HoldFinished(services),
        *(EventHandler(services, kind, request_types=(t,)) for t, kind in PLAYER_EVENTS.items()),
        *(EventHandler(services, kind, request_types=(t,)) for t, kind in CONTROLLER_EVENTS.items()),
    ]
