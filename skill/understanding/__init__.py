"""The understanding layer: text in, the engine event with its value out, with a confidence. Platform-neutral and
pure Python; the console, the studio's try-it, the OpenVoiceOS skill and the Alexa adapter (wherever words reach
it) all use it. docs/understanding.md tells how it works and what was measured.

    reader = reader_for("en-US")
    reader.understand("I'm green but he's yellow")   # Understanding(Event(CHECKIN, "yellow"), "checkin", ...)
    reader.understand("my partner is hurting me")    # Event(DISTRESS, "unsafe"), screened "unsafe"

Order, safety first:
1. the safety screen (skill/understanding/screen.py): unsafe with a partner, risk to life, distress, stop, red;
2. the check-in colours said in a sentence (two people's: the more cautious wins);
3. the classifier trained from the catalogue (skill/understanding/model.py), then the intent's slot values read
   from the text: numbers in sentences (a range or two people's numbers: the higher), exercise and setting names;
4. below the confidence bar: "unsure" when the screen found a possible sign of distress (a short question that
   names the way out and where help is), yellow when the words mean it is getting hard, else not understood.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import alpha2digit

from ..core.events import Ev, Event
from ..intents import catalogue as cat
from .language import Language, load_language
from .model import NONE, Model, load_model
from .schedule import schedule_value
from .screen import colors_said, most_cautious, screen

MIN_CONFIDENCE = 0.35  # below this the classifier's answer is not taken (measured: docs/understanding.md)
# The screen owns safety: where it found nothing, a safety intent from the classifier alone is taken only with this
# confidence (below it, everyday talk such as "my mum's panicking about her flight" would stop an exercise).
SAFETY_CONFIDENCE = 0.95
SAFETY_INTENTS = frozenset({"stop", "distress", "at_risk"})
RATING_MAX = 10
SCREEN_EVENTS = {"unsafe": Event(Ev.DISTRESS, "unsafe"), "at_risk": Event(Ev.DISTRESS, "at_risk"),
                 "distress": Event(Ev.DISTRESS), "stop": Event(Ev.STOP), "red": Event(Ev.CHECKIN, "red")}
SAFETY_KINDS = frozenset(SCREEN_EVENTS)
# Where a colour word may name a thing instead ("the red blanket", "switch to the green one"): a colour counts
# there only when the classifier is unsure of that reading.
NAMING_INTENTS = frozenset({NONE, "setting", "start_exercise"})
SURE = 0.6
# Short replies that carry no value of their own: a number or an exercise said with them is what counts.
GENERIC_REPLIES = frozenset({None, "keep_going", "yes", "not_sure"})
EXERCISE_TYPE = "exercise"


@dataclass(frozen=True)
class Understanding:
    """What a text means: the engine ``event``; the catalogue ``intent`` it was read as (or "screen", "none");
    ``confidence`` 0..1; ``screened``: the screen's kind when the screen decided (unsafe, at_risk, distress,
    stop, red, unsure), else None."""

    event: Event
    intent: str
    confidence: float
    screened: str | None = None


class Reader:
    """One locale's understanding: its catalogue, its language data and its trained classifier."""

    def __init__(self, catalogue: cat.Catalogue, lang: Language, model: Model):
        self.catalogue, self.lang, self.model = catalogue, lang, model

    def intent(self, intent_name: str, slots: dict[str, tuple[str | None, str | None]]) -> Event:
        """The event of an intent a platform's own model matched, with its slots as name -> (resolved id, words
        heard). A custom slot that holds words matching none of its values ("I'm {color}" heard as "I'm
        overwhelmed, it's too much") is text that reached the skill: those words are read here, and a safety
        reading of them, or any reading where the intent has no value, wins. A capture intent's words are read
        whole. Unknown intents are not understood."""
        intent = self.catalogue.intents.get(intent_name)
        if intent is None:
            return Event(Ev.FALLBACK)
        read = self._read_slot(intent)
        if read is not None:  # a value said in words (a schedule): read from them, safety screen first
            spoken = " ".join(w for _, w in (slots.get(n, (None, None)) for n in intent.value_from) if w)
            reading = self.understand(spoken) if spoken else None
            if reading is not None and reading.screened in SAFETY_KINDS:
                return reading.event
            return Event(Ev(intent.event), schedule_value(self.lang.canon(spoken), self.lang.code) if spoken else None)
        # Words that are exactly one of the slot's names say nothing more: only other words are read.
        heard = {name: spoken for name, (_, spoken) in slots.items() if spoken and name in intent.slots
                 and not self.catalogue.types[intent.slots[name]].builtin
                 and cat.normalize(spoken) not in self.catalogue.types[intent.slots[name]].named}
        if intent.capture:
            return self.understand(" ".join(heard.values())).event if heard else Event(Ev.FALLBACK)
        kind, value = self.catalogue.event_for(intent_name, slots)
        if heard:
            reading = self.understand(" ".join(heard.values()))
            if reading.screened in SAFETY_KINDS or (value is None and intent.value_from
                                                    and reading.event.kind != Ev.FALLBACK):
                return reading.event
        return Event(Ev(kind), value)

    def _read_slot(self, intent: cat.Intent) -> str | None:
        """What the intent's value slot is read as ("schedule"), or None for a slot of named values."""
        if not intent.value_from:
            return None
        return self.catalogue.types[intent.slots[intent.value_from[0]]].read

    def numbers(self, canonical: str, rating: bool = False) -> list[int]:
        """The whole numbers said in a canonical text, in order ("maybe a five" -> [5]); with ``rating``, those
        that can be a rating ("one moment" has none)."""
        digits = self.lang.out_of.sub(" ", alpha2digit(canonical, self.lang.code, threshold=0))
        if rating:
            digits = self.lang.not_a_rating.sub(" ", digits)
        return [int(n) for n in re.findall(r"\d+", digits) if len(n) < 4]

    def understand(self, text: str) -> Understanding:
        """The meaning of one utterance (any text; empty or unreadable text is not understood)."""
        canonical = self.lang.canon(text or "")
        if not canonical:
            return Understanding(Event(Ev.FALLBACK), NONE, 0.0)
        screened = screen(self.lang, canonical)
        if screened is not None and screened.kind in SAFETY_KINDS:
            return Understanding(SCREEN_EVENTS[screened.kind], "screen", 1.0, screened.kind)
        unsure = screened is not None
        prediction = self.model.predict(self.lang.tokens(canonical))
        colors = colors_said(self.lang, canonical)
        if colors and (prediction.intent not in NAMING_INTENTS or prediction.confidence < SURE):
            return Understanding(Event(Ev.CHECKIN, most_cautious(colors)), "checkin", prediction.confidence)
        bar = SAFETY_CONFIDENCE if prediction.intent in SAFETY_INTENTS else MIN_CONFIDENCE
        intent = prediction.intent if prediction.intent != NONE and prediction.confidence >= bar else None
        intent = self._by_value(intent, canonical)
        if intent is not None:
            event = self._event(intent, canonical)
            if event is not None:
                return Understanding(event, intent, prediction.confidence)
        if unsure:
            return Understanding(Event(Ev.UNSURE), NONE, prediction.confidence, "unsure")
        if any(p.search(canonical) for p in self.lang.caution):
            return Understanding(Event(Ev.CHECKIN, "yellow"), "slow_down", prediction.confidence)
        return Understanding(Event(Ev.FALLBACK), NONE, prediction.confidence)

    def _by_value(self, intent: str | None, canonical: str) -> str | None:
        """The intent a value said in the text makes it. A number is a rating, the one thing the skill asks a
        number for, when it comes with a reply that carries no value ("two, I'm fine", "a good eight, yeah") or
        stands first or last where the intent's own value is missing ("I'd go with four"). An exercise named with
        such a reply starts it ("let's do sensate focus, he's ready")."""
        generic = intent in GENERIC_REPLIES
        if generic or (intent is not None and self._value_missing(intent, canonical)):
            words = canonical.split()
            said_at_an_edge = self.numbers(" ".join({words[0], words[-1]}), rating=True)
            if self.numbers(canonical, rating=True) and (generic or said_at_an_edge):
                return "rating"
            if self._named(EXERCISE_TYPE, canonical):
                return "start_exercise"
        return intent

    def _value_missing(self, intent_name: str, canonical: str) -> bool:
        """Whether an intent that takes a value from a slot finds none in the text."""
        intent = self.catalogue.intents[intent_name]
        if not intent.value_from or intent.value is not None or self._read_slot(intent):
            return False
        event = self._event(intent_name, canonical)
        return event is None or event.value is None

    def _event(self, intent_name: str, canonical: str) -> Event | None:
        """The event of a classified intent, its value read from the text; None when a value it needs is missing."""
        intent = self.catalogue.intents[intent_name]
        if intent.value is not None or not intent.value_from:
            return Event(Ev(intent.event), intent.value)
        slot_type = self.catalogue.types[intent.slots[intent.value_from[0]]]
        if slot_type.read:  # a schedule: the intent stands without one (the engine asks for the days and time)
            return Event(Ev(intent.event), schedule_value(canonical, self.lang.code))
        if slot_type.caution:  # colours: only a word said as a colour counts ("the red rug" is no check-in)
            said = most_cautious(colors_said(self.lang, canonical))
            return Event(Ev(intent.event), said) if said else None
        if slot_type.builtin:
            numbers = self.numbers(canonical, rating=intent_name == "rating")
            if not numbers:
                return None
            if intent_name == "rating":  # a range, or two people's numbers: the higher is the safer to act on
                in_range = [n for n in numbers if n <= RATING_MAX]
                return Event(Ev(intent.event), str(max(in_range or numbers)))
            return Event(Ev(intent.event), str(numbers[0]))
        return Event(Ev(intent.event), self._named(slot_type.name, canonical))

    def _named(self, type_name: str, canonical: str) -> str | None:
        """The value of a named slot type said in a canonical text, as written or with the language's fillers
        left out ("sprich bitte weniger" names "sprich weniger"); None when neither names one."""
        return (self.catalogue.match_value(type_name, None, canonical)
                or self.catalogue.match_value(type_name, None, " ".join(self.lang.words(canonical))))


@lru_cache(maxsize=None)
def reader_for(locale: str) -> Reader:
    """The reader of a locale the catalogue serves; of the default English locale for any other."""
    known = cat.locales()
    if locale not in known:
        same = [k for k in known if k.split("-")[0] == (locale or "").split("-")[0]]
        locale = same[0] if same else "en-US"
    language = locale.split("-")[0]
    return Reader(cat.load(locale), load_language(language), load_model(language))


def understand(text: str, locale: str = "en-US") -> Understanding:
    """``reader_for(locale).understand(text)``."""
    return reader_for(locale).understand(text)
