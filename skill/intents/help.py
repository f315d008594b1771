"""Help that fits the step the person is on."""
from ..flows import Ev
from .base import EventHandler


def handlers(services):
    return [EventHandler(services, Ev.HELP, intents=("AMAZON.HelpIntent",))]
