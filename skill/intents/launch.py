"""Opening the skill: a welcome, or an offer to resume that names nothing."""
from ..flows import Ev
from .base import EventHandler


def handlers(services):
    return [EventHandler(services, Ev.LAUNCH, request_types=("LaunchRequest",))]
