"""The skill's own understanding while it is in a conversation: an utterance against every phrasing of the intent
catalogue (skill/intents, the same source as Alexa's model and the console), with slot values and events read by
the catalogue itself (`Catalogue.match_value`, `Catalogue.event_for`).

Matching is deterministic: `{slot}` patterns by `simplematch` (what OVOS's Padacioso is built on), a pattern whose
slots all name something known beats one whose slots do not, then the pattern with the most literal words wins.
A pattern that is nothing but a slot ("{color}") must name something known, so "what time is it" is never read
as a colour.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import simplematch
from ovos_number_parser import extract_number

from ..core import Ev, Event
from ..intents import catalogue as cat
from .resources import LAUNCH, launch_samples

SLOT = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Match:
    intent: str  # the catalogue's intent name, e.g. "checkin" (or "launch")
    slots: dict[str, str | None] = field(default_factory=dict)  # slot name -> the words heard


@dataclass(frozen=True)
class _Pattern:
    intent: str
    literal_words: int
    matcher: simplematch.Matcher


def normalize(text: str) -> str:
    """Lower case, curly apostrophes made straight, other punctuation dropped."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(re.sub(r"[^a-z0-9' -]+", " ", text).split())


class Matcher:
    """Every locale of the catalogue, loaded once."""

    def __init__(self):
        self.catalogues: dict[str, cat.Catalogue] = {}
        self.patterns: dict[str, list[_Pattern]] = {}
        for locale in cat.locales():
            catalogue = cat.load(locale)
            samples = [(name, s) for name, intent in catalogue.intents.items() for s in intent.samples]
            samples += [(LAUNCH, s) for s in launch_samples(catalogue.invocation)]
            patterns = [_Pattern(name, len(SLOT.sub(" ", s).split()),
                                 simplematch.Matcher(" ".join(s.lower().split()), case_sensitive=False))
                        for name, s in dict.fromkeys(samples)]
            patterns.sort(key=lambda p: -p.literal_words)
            self.catalogues[locale.lower()], self.patterns[locale.lower()] = catalogue, patterns

    def _locale(self, lang: str) -> str:
        lang = (lang or "en-us").lower().replace("_", "-")
        if lang in self.patterns:
            return lang
        same = [k for k in self.patterns if k.split("-")[0] == lang.split("-")[0]]
        return "en-us" if "en-us" in same or not same else same[0]

    def _value(self, catalogue: cat.Catalogue, intent: str, slot: str, heard: str | None) -> str | None:
        """What a slot's words mean: a value id, or a number as digits; None when they name nothing known."""
        spec = catalogue.intents.get(intent)
        type_name = spec.slots.get(slot) if spec else None
        if heard is None or type_name is None:
            return None
        if catalogue.types[type_name].builtin:  # numbers: "seven", "7", "twenty five"
            number = extract_number(normalize(heard), lang="en")
            return None if number is False or number is None else str(int(number))
        return catalogue.match_value(type_name, None, heard)

    def match(self, utterance: str, lang: str) -> Match | None:
        """The best reading of an utterance, or None when no phrasing fits."""
        locale = self._locale(lang)
        catalogue, text = self.catalogues[locale], normalize(utterance)
        if not text:
            return None
        best: tuple[tuple[int, int], Match] | None = None
        for pattern in self.patterns[locale]:
            if best is not None and pattern.literal_words < best[0][1] and best[0][0]:
                break  # sorted by literal words: nothing later can beat a fully resolved match
            found = pattern.matcher.match(text)
            if found is None:
                continue
            resolved = all(self._value(catalogue, pattern.intent, k, v) is not None for k, v in found.items())
            if not resolved and pattern.literal_words == 0:
                continue  # a bare slot must name something known
            rank = (int(resolved), pattern.literal_words)
            if best is None or rank > best[0]:
                best = (rank, Match(pattern.intent, dict(found)))
        return best[1] if best else None

    def named(self, intent: str, data: dict, lang: str) -> Match:
        """The match the device's intent pipeline made (its message data carries the slots' words)."""
        spec = self.catalogues[self._locale(lang)].intents.get(intent)
        return Match(intent, {slot: data.get(slot) for slot in (spec.slots if spec else {})})

    def event(self, match: Match, lang: str) -> Event:
        """The engine event a match means, as the catalogue says (unknown values: None, the engine answers)."""
        if match.intent == LAUNCH:
            return Event(Ev.LAUNCH)
        catalogue = self.catalogues[self._locale(lang)]
        slots = {}
        for slot, heard in match.slots.items():
            value = self._value(catalogue, match.intent, slot, heard)
            spec = catalogue.intents.get(match.intent)
            builtin = spec is not None and catalogue.types[spec.slots[slot]].builtin
            slots[slot] = (None, value) if builtin else (value, heard)
        kind, value = catalogue.event_for(match.intent, slots)
        return Event(Ev(kind), value)
