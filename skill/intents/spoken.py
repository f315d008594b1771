"""Every spoken intent, one way: the Alexa name -> the catalogue's intent -> one engine event.

The catalogue (skill/intents/catalogue.py) says which event each intent means and which slots carry
its value; this handler only reads the slots off the Alexa request. A slot is read as (resolution id,
spoken value): the id when entity resolution matched, and the words heard in any case, so a value is
still understood when resolution timed out or matched nothing.
"""
from __future__ import annotations

from functools import lru_cache

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from ..flows import Ev, Event
from .. import model as alexa_model  # the Alexa names (module, not names: skill.model imports this package)
from . import catalogue
from .services import Services
from .turn import respond

DEFAULT_LOCALE = "en-US"


@lru_cache(maxsize=None)
def catalogue_for(locale: str) -> catalogue.Catalogue:
    """The catalogue of a locale the skill serves, else of the default locale (an unknown locale still
    gets English understanding rather than none)."""
    return catalogue.load(locale if locale in catalogue.locales() else DEFAULT_LOCALE)


def slot_readings(handler_input: HandlerInput) -> dict[str, tuple[str | None, str | None]]:
    """name -> (entity-resolution id or None, spoken value or None) for each slot of the intent."""
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


def event_for(handler_input: HandlerInput) -> Event:
    """The engine event for an IntentRequest whose intent is in the catalogue."""
    request = handler_input.request_envelope.request
    cat = catalogue_for(getattr(request, "locale", None) or DEFAULT_LOCALE)
    kind, value = cat.event_for(alexa_model.NEUTRAL_INTENTS[request.intent.name], slot_readings(handler_input))
    return Event(Ev(kind), value)


class CatalogueIntentHandler(AbstractRequestHandler):
    """Answers every intent the catalogue names (by its Alexa name) with the event the catalogue gives."""

    def __init__(self, services: Services):
        self.services = services
        self.intents = tuple(alexa_model.ALEXA_INTENTS.values())  # named, so a test can hold the model to what is handled

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return request.object_type == "IntentRequest" and getattr(request.intent, "name", None) in alexa_model.NEUTRAL_INTENTS

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, self.services, event_for(handler_input))


def handlers(services):
    return [CatalogueIntentHandler(services)]
