"""Starting an exercise by name, and "help me ground" / "I'm triggered" from anywhere."""
from ..flows import Ev, Event
from .base import EventHandler, resolved_value


def handlers(services):
    return [
        EventHandler(services, lambda hi: Event(Ev.START, resolved_value(hi, "exercise")),
                     intents=("StartExerciseIntent",)),
        EventHandler(services, Ev.GROUND, intents=("GroundMeIntent",)),
    ]
