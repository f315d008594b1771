"""Pause and resume by voice; loop and shuffle are declined in one sentence."""
from ..flows import Ev
from .base import EventHandler


def handlers(services):
    return [
        EventHandler(services, Ev.PAUSE, intents=("AMAZON.PauseIntent",)),
        EventHandler(services, Ev.RESUME, intents=("AMAZON.ResumeIntent",)),
        EventHandler(services, Ev.LOOP, intents=("AMAZON.LoopOnIntent", "AMAZON.LoopOffIntent")),
        EventHandler(services, Ev.SHUFFLE, intents=("AMAZON.ShuffleOnIntent", "AMAZON.ShuffleOffIntent")),
    ]
