"""What nothing else answers: the fallback intent, unknown intents and request types, and errors.

Every one of them gets a calm answer within the platform's rules, never an error to the caller.
"""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from ..flows import Ev
from ..speech import to_ssml
from .base import EventHandler
from .persistence import log_turn

log = logging.getLogger("skill.turn")
SORRY = "Sorry, something went wrong on my side. [pause 1] Please say that again."
SPOKEN_TYPES = ("LaunchRequest", "IntentRequest")


class SilentHandler(AbstractRequestHandler):
    """Request types this skill has nothing to say to (and skill events it does not act on)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return not any(is_request_type(t)(handler_input) for t in SPOKEN_TYPES)

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.response


class CalmErrorHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        # The exception's type only: messages can carry request data.
        log_turn(handler_input, None, error=type(exception).__name__)
        if not any(is_request_type(t)(handler_input) for t in SPOKEN_TYPES):
            return handler_input.response_builder.response
        speech = to_ssml(SORRY)
        return handler_input.response_builder.speak(speech).ask(speech).response


def handlers(services):
    # Registered last: any intent the model does not have.
    return [
        EventHandler(services, Ev.FALLBACK, request_types=("IntentRequest",)),  # intents the model lacks
        SilentHandler(),
    ]
