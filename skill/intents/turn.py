"""One turn's state in the voice adapter: read once, handed to the engine, rendered, saved once."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from ..flows import Context, Event, Reply, State
from ..speech import to_ssml
from .services import Services

TURN = "safe_harbor_turn"  # request attribute holding the TurnState
SESSION = "sh"  # session attribute: {"v": version, "b": last saved state, "s": unsaved state}


@dataclass
class TurnState:
    key: str | None  # keyed hash of the person; None when the request names nobody
    saved: dict[str, Any]  # the state as last stored (or the default, when nothing is stored)
    state: State
    version: int  # 0: no record stored yet (or unknown, after a failed read)
    started: float = field(default_factory=time.perf_counter)
    reads: int = 0
    writes: int = 0
    store_failed: bool = False
    unsaved: bool = False  # an earlier turn of this session could not be saved


def turn_of(handler_input: HandlerInput) -> TurnState:
    return handler_input.attributes_manager.request_attributes[TURN]


def context_for(handler_input: HandlerInput, services: Services) -> Context:
    envelope = handler_input.request_envelope
    system = envelope.context.system if envelope.context else None
    device = system.device.device_id if system and system.device else None

    def local_time():
        return services.timezone.local_now(system.api_endpoint if system else None, device,
                                           system.api_access_token if system else None)

    return Context(locale=getattr(envelope.request, "locale", None) or "en-US",
                   new_session=bool(envelope.session and envelope.session.new),
                   local_time=local_time)


def respond(handler_input: HandlerInput, services: Services, event: Event) -> Response:
    """Hand the event to the engine with the turn's state, keep the new state, render the reply."""
    turn = turn_of(handler_input)
    outcome = services.engine.handle(turn.state, event, context_for(handler_input, services))
    turn.state = outcome.state
    return render(handler_input, outcome.reply)


def render(handler_input: HandlerInput, reply: Reply) -> Response:
    builder = handler_input.response_builder
    if reply.speech:
        builder.speak(to_ssml(reply.speech, reply.gentle))
    if not reply.end_session and reply.reprompt:
        builder.ask(to_ssml(reply.reprompt, reply.gentle))
    builder.set_should_end_session(reply.end_session)
    return builder.response
