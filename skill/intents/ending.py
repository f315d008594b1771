"""Stop (silent, keeps progress), cancel (ends the exercise), going home, and the session's end."""
from ..flows import Ev
from .base import EventHandler


def handlers(services):
    return [
        EventHandler(services, Ev.STOP, intents=("AMAZON.StopIntent",)),
        EventHandler(services, Ev.CANCEL, intents=("AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")),
        EventHandler(services, Ev.SESSION_END, request_types=("SessionEndedRequest",)),
    ]
