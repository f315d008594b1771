"""Moving between steps: next, previous, repeat, start over, yes / no answers, and "I'll go first"."""
from ..flows import Ev
from .base import EventHandler

INTENTS = {
    "AMAZON.NextIntent": Ev.NEXT,
    "AMAZON.PreviousIntent": Ev.BACK,
    "AMAZON.RepeatIntent": Ev.REPEAT,
    "AMAZON.StartOverIntent": Ev.START_OVER,
    "AMAZON.YesIntent": Ev.YES,
    "AMAZON.NoIntent": Ev.NO,
    "GoFirstIntent": Ev.GO_FIRST,
}


def handlers(services):
    return [EventHandler(services, kind, intents=(name,)) for name, kind in INTENTS.items()]
