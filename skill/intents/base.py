"""The one shape every handler here has: match the request, turn it into an engine event, respond."""
from __future__ import annotations

from typing import Callable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from ..flows import Ev, Event
from .services import Services
from .turn import respond

ToEvent = Callable[[HandlerInput], Event]


class EventHandler(AbstractRequestHandler):
    """Answers the named intents (or request types) by sending one engine event."""

    def __init__(self, services: Services, to_event: ToEvent | Ev, *, intents: tuple[str, ...] = (),
                 request_types: tuple[str, ...] = ()):
        self.services = services
        self.to_event = (lambda _hi, kind=to_event: Event(kind)) if isinstance(to_event, Ev) else to_event
        self.intents = intents  # named, so a test can hold the interaction model to what is handled
        self.matchers = [is_intent_name(n) for n in intents] + [is_request_type(t) for t in request_types]

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(match(handler_input) for match in self.matchers)

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, self.services, self.to_event(handler_input))

