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


def _slot(handler_input: HandlerInput, slot_name: str):
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    return (intent.slots or {}).get(slot_name) if intent else None


def slot_text(handler_input: HandlerInput, slot_name: str) -> str | None:
    """A built-in slot's value as Alexa heard it (e.g. AMAZON.NUMBER: "7"), or None."""
    slot = _slot(handler_input, slot_name)
    return slot.value if slot and isinstance(slot.value, str) else None


def resolved_value(handler_input: HandlerInput, slot_name: str) -> str | None:
    """The entity-resolution id of a slot, or None when it is missing or matched nothing."""
    slot = _slot(handler_input, slot_name)
    authorities = slot.resolutions.resolutions_per_authority if slot and slot.resolutions else None
    for authority in authorities or []:
        code = getattr(getattr(authority.status, "code", None), "value", None)
        value = getattr(authority.values[0], "value", None) if code == "ER_SUCCESS_MATCH" and authority.values \
            else None
        if value is not None and isinstance(value.id, str):
            return value.id
    return None
