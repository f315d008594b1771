"""What the OVOS skill hears: utterances through the skill's one understanding layer (skill/understanding), and
the device pipeline's own intent matches through the catalogue.

OVOS hands a skill several transcriptions of one utterance. A safety reading in any of them wins (a stop, a
colour that could be red, distress); otherwise the first one understood counts.
"""
from __future__ import annotations

from functools import lru_cache

from ..core import Ev, Event
from ..intents.catalogue import normalize
from ..understanding import SAFETY_KINDS, reader_for
from .resources import LAUNCH, launch_samples


def heard(utterances: list[str], locale: str, safety_only: bool = False) -> Event | None:
    """The event the utterances mean, safety first; None when none of them is understood (with
    ``safety_only``: when none of them is a safety reading)."""
    reader = reader_for(locale)
    readings = [reader.understand(u) for u in utterances if u and u.strip()]
    for reading in readings:
        if reading.screened in SAFETY_KINDS:
            return reading.event
    if safety_only:
        return None
    return next((r.event for r in readings if r.event.kind != Ev.FALLBACK), None)


def named(intent: str, data: dict, locale: str) -> Event:
    """The event of an intent the device's pipeline matched (its message data carries the slots' words)."""
    if intent == LAUNCH:
        return Event(Ev.LAUNCH)
    reader = reader_for(locale)
    spec = reader.catalogue.intents.get(intent)
    return reader.intent(intent, {slot: (None, data.get(slot)) for slot in (spec.slots if spec else {})})


def opens_skill(utterances: list[str], locale: str) -> bool:
    """Whether an utterance is the skill's own name with the language's opening words ("abre refugio seguro", "ouvre
    havre de paix"): the device pipeline's launch intent takes those, as Alexa's own routing does, not the skill's
    reading of words (which would hear the Spanish name's "seguro" as "sure")."""
    language, opening = _openings(locale)
    return any(normalize(u, language) in opening for u in utterances if u)


@lru_cache(maxsize=None)
def _openings(locale: str) -> tuple[str, frozenset[str]]:
    # Asked on every utterance while a session is open (can_converse): made once per locale.
    catalogue = reader_for(locale).catalogue
    language = catalogue.locale.split("-")[0]
    return language, frozenset(normalize(s, language) for s in launch_samples(catalogue.invocation, language))
