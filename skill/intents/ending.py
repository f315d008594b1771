"""The session's end. (Stop, cancel and going home are spoken intents: see spoken.py.)"""
from ..flows import Ev
from .base import EventHandler


def handlers(services):
    return [
        EventHandler(services, Ev.SESSION_END, request_types=("SessionEndedRequest",)),
    ]
