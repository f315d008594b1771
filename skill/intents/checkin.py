"""The check-in colours: green, yellow, red, at every step."""
from ..flows import Ev, Event
from .base import EventHandler, resolved_value


def handlers(services):
    return [EventHandler(services, lambda hi: Event(Ev.CHECKIN, resolved_value(hi, "color")),
                         intents=("CheckInIntent",))]
