"""Ratings and settings by voice: a 0-10 distress number, shorter / longer / less talking, a stretch length."""
from ..flows import Ev, Event
from .base import EventHandler, resolved_value, slot_text


def handlers(services):
    return [
        EventHandler(services, lambda hi: Event(Ev.RATING, slot_text(hi, "rating")), intents=("RatingIntent",)),
        EventHandler(services, lambda hi: Event(Ev.SETTING, resolved_value(hi, "setting")),
                     intents=("SettingIntent",)),
        EventHandler(services, lambda hi: Event(Ev.SET_LENGTH, slot_text(hi, "minutes")),
                     intents=("SetLengthIntent",)),
    ]
