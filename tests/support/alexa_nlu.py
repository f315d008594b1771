"""A stand-in for Alexa's own language understanding, for tests: an independent client that reads a committed
interaction model and turns text into the IntentRequest Alexa would send.

Alexa matches speech against the model's samples with a trained model; this stand-in matches them exactly:
exact sample first, then `{slot}` patterns (most literal words wins). Words that match no sample go, as Alexa
hands them over, to the model's catch-all: the capture intent, with the whole utterance as its slot's value
(docs/platform-alexa.md, "Free text"). The skill's own understanding (skill/understanding) then reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from skill.alexa.interaction_model import load_model
from skill.console.nlu import CAPTURE_INTENT as CAPTURE, CAPTURE_SLOT, Router
from skill.intents.catalogue import normalize as _normalize_words

FALLBACK = "AMAZON.FallbackIntent"


@dataclass(frozen=True)
class SlotMatch:
    raw: str
    value_id: str | None  # None: no entity-resolution match (ER_SUCCESS_NO_MATCH)
    value_name: str | None
    builtin: bool = False  # an AMAZON.* type: Alexa sends the value itself, with no resolutions


UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
         "seventeen eighteen nineteen").split()
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}


def spoken_number(raw: str, language: str = "en") -> int | None:
    """ "7", "seven", "twenty five" ("ocho", "fünfundzwanzig") -> the number, as AMAZON.NUMBER would give it; None
    otherwise."""
    if raw.isdigit():
        return int(raw)
    if language != "en":  # text2num, an independent reader of number words (the skill writes them with num2words)
        from text_to_num import alpha2digit

        digits = alpha2digit(raw, language, threshold=0)
        return int(digits) if digits.isdigit() else None
    words = raw.replace("-", " ").split()
    if len(words) == 1 and words[0] in UNITS:
        return UNITS.index(words[0])
    if words and words[0] in TENS and (len(words) == 1 or (len(words) == 2 and words[1] in UNITS[1:10])):
        return TENS[words[0]] + (UNITS.index(words[1]) if len(words) == 2 else 0)
    return None


@dataclass(frozen=True)
class Match:
    kind: Literal["launch", "intent", "session_end"]
    intent: str | None = None
    slots: dict[str, SlotMatch] = field(default_factory=dict)
    one_shot: bool = False


def normalize(text: str, language: str = "en") -> str:
    """The catalogue's normalization (lower case, no punctuation, numerals as words); a leading wake
    word is dropped."""
    t = _normalize_words(text, language)
    if t == "alexa" or t.startswith("alexa "):
        t = t[len("alexa"):].strip()
    return t


def _language_model(model: dict) -> dict:
    return model.get("interactionModel", {}).get("languageModel", model)


def all_utterances(model: dict) -> list[tuple[str, str]]:
    """(intent, sample) pairs: the model's samples, all of them and nothing else."""
    return [(intent["name"], s) for intent in _language_model(model)["intents"] for s in intent.get("samples", [])]


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern
    intent: str
    literal_words: int
    slot_only: bool


class Matcher:
    """Text -> the IntentRequest's intent and slots for one locale's committed ``model`` (``locale`` names its
    language: how numbers are said)."""

    def __init__(self, model: dict, locale: str = "en-US"):
        self.language = locale.split("-")[0]
        normalize = self._normalize
        lm = _language_model(model)
        self.invocation = normalize(lm["invocationName"])
        self._values: dict[str, dict[str, tuple[str, str]]] = {}
        for slot_type in lm.get("types", []):
            table = self._values.setdefault(slot_type["name"], {})
            for v in slot_type["values"]:
                name = v["name"]["value"]
                for key in (v["id"], name, *v["name"].get("synonyms", [])):
                    table.setdefault(normalize(key), (v["id"], name))
        self._slot_types: dict[str, dict[str, str]] = {
            i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])} for i in lm["intents"]
        }
        self._exact: dict[str, str] = {}
        self._patterns: list[_Pattern] = []
        for intent, sample in all_utterances(model):
            if "{" in sample:
                self._patterns.append(self._compile(intent, sample))
            else:
                self._exact.setdefault(normalize(sample), intent)
        self._router = Router(locale, invocation=self.invocation)

    def _normalize(self, text: str) -> str:
        return normalize(text, self.language)

    def _compile(self, intent: str, sample: str) -> _Pattern:
        normalize = self._normalize
        parts, literals = [], 0
        for token in re.split(r"(\{\w+\})", sample):
            if token.startswith("{"):
                parts.append(rf"(?P<{token[1:-1]}>.+?)")
            elif normalize(token):
                parts.append(re.escape(normalize(token)))
                literals += len(normalize(token).split())
        regex = re.compile(" ".join(parts))
        return _Pattern(regex, intent, literals, slot_only=literals == 0)

    def _resolve(self, intent: str, slot: str, raw: str) -> SlotMatch:
        slot_type = self._slot_types.get(intent, {}).get(slot, "")
        if slot_type == "AMAZON.NUMBER":
            number = spoken_number(raw, self.language)
            value = str(number) if number is not None else None
            return SlotMatch(value or raw, value, value, builtin=True)
        table = self._values.get(slot_type, {})
        for key in (raw, raw.removeprefix("the ")):
            if key in table:
                value_id, value_name = table[key]
                return SlotMatch(raw, value_id, value_name)
        return SlotMatch(raw, None, None)

    def match_intent(self, text: str) -> tuple[str, dict[str, SlotMatch]]:
        """The intent and slots for an utterance said inside the skill's session."""
        t = self._normalize(text)
        if t in self._exact:
            return self._exact[t], {}
        best, best_key = None, None
        for pattern in self._patterns:
            m = pattern.regex.fullmatch(t)
            if not m:
                continue
            slots = {name: self._resolve(pattern.intent, name, raw) for name, raw in m.groupdict().items()}
            if any(s.builtin and s.value_id is None for s in slots.values()):
                continue  # AMAZON.NUMBER is filled by numbers only
            # A sentence in a custom slot that names none of its values goes to the model's catch-all instead:
            # with a capture intent trained on whole sentences, that is the closer match (an assumption of this
            # stand-in; docs/platform-alexa.md, "Free text", says what it costs when Alexa decides otherwise).
            if CAPTURE in self._slot_types and any(
                    not s.builtin and s.value_id is None and len(s.raw.split()) > 2 for s in slots.values()):
                continue
            resolved = sum(s.value_id is not None for s in slots.values())
            # A bare "{color}" would swallow any text; it counts only when the value resolves.
            if pattern.slot_only and resolved < len(slots):
                continue
            # A value that resolves beats one that does not; then the most literal words.
            key = (resolved, pattern.literal_words)
            if best_key is None or key > best_key:
                best, best_key = (pattern.intent, slots), key
        if best:
            return best
        if CAPTURE in self._slot_types:  # the catch-all: the words themselves, matching none of its values
            return CAPTURE, {CAPTURE_SLOT: SlotMatch(t, None, None)}
        return FALLBACK, {}

    def match(self, text: str) -> Match:
        """The speaker's routing (skill.console.nlu.Router: launch, "ask safe harbor to ...", session end), then
        the intent for the words."""
        routed = self._router.match(text)
        if routed.kind != "intent":
            return Match(routed.kind)
        intent, slots = self.match_intent(routed.slots[CAPTURE_SLOT])
        return Match("intent", intent, slots, one_shot=routed.one_shot)


_MATCHERS: dict[str, Matcher] = {}


def matcher_for(locale: str) -> Matcher:
    """The Matcher of ``locale``'s committed interaction model (interaction_models/<locale>.json), made once."""
    if locale not in _MATCHERS:
        _MATCHERS[locale] = Matcher(load_model(locale), locale)
    return _MATCHERS[locale]


def words_request(alexa, text: str, playing: str | None = None) -> dict:
    """The IntentRequest Alexa sends when the person at ``alexa`` (a tests.support.alexa.Speaker) says ``text``
    inside the skill, built from the committed model of the speaker's locale: an exact sample's intent and slots,
    else the capture intent with the words (entity resolution: no match); said while the hold ``playing`` plays
    (its token; "Alexa, tell Safe Harbor ...") when given."""
    from tests.support.alexa import while_playing

    intent, slots = matcher_for(alexa.locale).match_intent(text)
    envelope = alexa.envelope(intent, {name: (s.raw, s.value_id) for name, s in slots.items() if not s.builtin},
                              new_session=alexa.session_id is None)
    for name, s in slots.items():
        if s.builtin:  # AMAZON.NUMBER: the value itself, no resolutions
            envelope["request"]["intent"]["slots"][name] = {"name": name, "value": s.value_id or s.raw,
                                                            "confirmationStatus": "NONE"}
    return while_playing(envelope, playing)
