"""The skill's own understanding while it is in a conversation: an utterance against every phrasing in the
generated `*.intent` files (the same source as Alexa's model), with the slot values read the same way.

Matching is deterministic: `{slot}` patterns by `simplematch` (what OVOS's Padacioso is built on), the pattern
with the most literal words wins, and a custom slot (exercise, colour, setting) counts only when its value is one
of the slot's names or synonyms. A pattern that is nothing but a slot ("{color}") must resolve, so "what time is
it" is never read as a colour.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import simplematch
from ovos_number_parser import extract_number

from ..core import Ev, Event
from .resources import SLOTS_FILE

FILLERS = ("please", "now", "thanks", "thank you", "i think", "okay", "ok")
SLOT = re.compile(r"\{([a-z_]+)\}")
NUMBER_TYPES = ("AMAZON.NUMBER",)
# Intent file stem -> engine event kind (slots are read separately).
EVENTS = {
    "launch": Ev.LAUNCH, "start_exercise": Ev.START, "ground_me": Ev.GROUND, "check_in": Ev.CHECKIN,
    "rating": Ev.RATING, "set_length": Ev.SET_LENGTH, "setting": Ev.SETTING, "go_first": Ev.GO_FIRST,
    "delete_data": Ev.DELETE_DATA, "what_do_you_keep": Ev.WHAT_WE_KEEP, "yes": Ev.YES, "no": Ev.NO,
    "next": Ev.NEXT, "previous": Ev.BACK, "repeat": Ev.REPEAT, "start_over": Ev.START_OVER, "pause": Ev.PAUSE,
    "resume": Ev.RESUME, "help": Ev.HELP, "stop": Ev.STOP, "cancel": Ev.CANCEL, "navigate_home": Ev.CANCEL,
    "loop_on": Ev.LOOP, "loop_off": Ev.LOOP, "shuffle_on": Ev.SHUFFLE, "shuffle_off": Ev.SHUFFLE,
}
SLOT_OF = {"start_exercise": "exercise", "check_in": "color", "setting": "setting", "rating": "rating",
           "set_length": "minutes"}




@dataclass(frozen=True)
class Match:
    intent: str  # the intent file's stem, e.g. "check_in"
    slots: dict[str, str | None] = field(default_factory=dict)  # value id / number as text; None: unresolved


@dataclass(frozen=True)
class _Pattern:
    intent: str
    text: str
    literal_words: int
    matcher: simplematch.Matcher


def normalize(text: str) -> str:
    """Lower case, curly apostrophes made straight, other punctuation dropped."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(re.sub(r"[^a-z0-9' -]+", " ", text).split())


class Matcher:
    def __init__(self, locale_dir: Path):
        self.patterns: dict[str, list[_Pattern]] = {}
        self.slots: dict[str, dict] = {}
        for folder in sorted(p for p in Path(locale_dir).iterdir() if p.is_dir()):
            patterns = []
            for path in sorted(folder.glob("*.intent")):
                if path.name.endswith(".anywhere.intent"):
                    continue
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        literal = len(SLOT.sub(" ", line).split())
                        patterns.append(_Pattern(path.stem, line, literal,
                                                 simplematch.Matcher(line, case_sensitive=False)))
            patterns.sort(key=lambda p: -p.literal_words)
            self.patterns[folder.name] = patterns
            self.slots[folder.name] = json.loads((folder / SLOTS_FILE).read_text(encoding="utf-8"))

    def _lang(self, lang: str) -> str:
        lang = lang.lower().replace("_", "-")
        if lang in self.patterns:
            return lang
        same = [k for k in self.patterns if k.split("-")[0] == lang.split("-")[0]]
        return "en-us" if "en-us" in same or not same else same[0]

    def resolve(self, lang: str, slot: str, spoken: str | None) -> str | None:
        """A slot's value id (custom types) or number as text (numbers); None when it names nothing known."""
        if spoken is None:
            return None
        tables = self.slots[self._lang(lang)]
        text = normalize(spoken)
        if tables["slot_types"].get(slot) in NUMBER_TYPES:
            number = extract_number(text, lang="en")
            return None if number is False or number is None else str(int(number))
        values = tables["slots"].get(slot, {})
        for _ in range(3):  # "red please", "please red": fillers around the name
            if text in values:
                return values[text]
            text = re.sub(rf"^(?:{'|'.join(FILLERS)})\s+|\s+(?:{'|'.join(FILLERS)})$", "", text).strip()
        return values.get(text)

    def match(self, utterance: str, lang: str) -> Match | None:
        """The best reading of an utterance, or None when no phrasing fits."""
        lang = self._lang(lang)
        text = normalize(utterance)
        if not text:
            return None
        best: tuple[tuple[int, int], Match] | None = None
        for pattern in self.patterns[lang]:
            if best is not None and pattern.literal_words < best[0][1]:
                break  # sorted by literal words: nothing later can win
            found = pattern.matcher.match(text)
            if found is None:
                continue
            slots = {name: self.resolve(lang, name, value) for name, value in found.items()}
            resolved = all(v is not None for v in slots.values())
            if not resolved and pattern.literal_words == 0:
                continue  # a bare slot must name something known
            rank = (int(resolved), pattern.literal_words)
            if best is None or rank > best[0]:
                best = (rank, Match(pattern.intent, slots))
        return best[1] if best else None

    def named(self, intent: str, data: dict, lang: str) -> Match:
        """The match the device's intent pipeline made, with its slot values read like ours."""
        names = set(SLOT.findall(" ".join(p.text for p in self.patterns[self._lang(lang)] if p.intent == intent)))
        return Match(intent, {n: self.resolve(lang, n, data.get(n)) for n in names})

    @staticmethod
    def event(match: Match) -> Event:
        """The engine event for a match."""
        kind = EVENTS.get(match.intent, Ev.FALLBACK)
        slot = SLOT_OF.get(match.intent)
        return Event(kind, match.slots.get(slot) if slot else None)
