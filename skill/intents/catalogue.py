"""The platform-neutral intent catalogue: what people say, per intent and per locale. Pure Python.

The data lives in `skill/intents/locales/*.toml`: `en.toml` holds the English samples every English
locale shares, and `<locale>.toml` (e.g. `en-GB.toml`) names what it extends and adds its own.
Each intent has a neutral name (``stop``, ``checkin``, ``distress``), the engine event it means,
its slots and their types, and its samples. Exercise names come from the content files
(`skill/audio_scripts/*.toml`), so adding an exercise needs no edit here.

Every platform reads this one source: the Alexa interaction model and the OVOS intent files are written from it,
and the understanding layer (skill/understanding) learns from its samples, widened by the file's ``[templates]``
(``widen``). Intents marked ``capture`` are a catch-all for platforms that otherwise hand over no words.

    cat = load("en-GB")
    cat.intents["checkin"].samples          # ("{color}", "{color} please", ...)
    cat.match_value("colour", None, "Red.") # "red": resolution id first, then the spoken value
    cat.event_for("rating", {"rating": (None, "6"), "upper": (None, "7")})   # ("rating", "7")
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cached_property, lru_cache
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from ..core.content import ContentError, load_catalog, load_exercise

# The words that open a skill by its invocation name, per language ("open safe harbor", "abre refugio seguro"), as
# Alexa's launch phrases say them: the console's routing (skill/console/nlu.py) and the OVOS launch samples
# (skill/openvoiceos/resources.py) are made of them.
LAUNCH_VERBS = {"en": ("open", "launch", "start", "begin", "talk to", "ask", "tell"),
                "es": ("abre", "abrir", "inicia", "empieza", "pon", "habla con", "pide a", "pregunta a", "dile a"),
                "de": ("öffne", "starte", "beginne", "sprich mit", "frag", "frage", "sag", "bitte"),
                "fr": ("ouvre", "ouvrir", "lance", "démarre", "parle à", "demande à", "dis à")}

HERE = Path(__file__).resolve().parent
LOCALES_DIR = HERE / "locales"
SCRIPTS_DIR = HERE.parent / "audio_scripts"
NUMBER = "number"  # the one built-in slot type: a platform's own number recogniser fills it
# Numbers tried when every value of a number slot must be (the collision check), said in the catalogue's language.
SAMPLE_NUMBERS = (0, 1, 5, 7, 8, 10, 20, 25)
# Letters of any language (not digits or "_"), apostrophes, spaces and full stops: what voice models accept.
LETTER = r"[^\W\d_]"
SAMPLE_CHARS = re.compile(rf"^(?:{LETTER}|[' .]|\{{[a-z_]+\}})+$")


class CatalogueError(ValueError):
    """A catalogue or exercise file cannot make a valid catalogue (the message names the file)."""


@dataclass(frozen=True)
class SlotValue:
    id: str
    name: str
    synonyms: tuple[str, ...] = ()
    sounds_like: tuple[str, ...] = ()  # what a recogniser may write for it; read only from a spoken value

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


@dataclass(frozen=True)
class SlotType:
    name: str
    values: tuple[SlotValue, ...] = ()
    builtin: bool = False  # a platform type (numbers): no value list here
    safest: str | None = None  # the value any trace of which wins when only the spoken value is known
    caution: tuple[str, ...] = ()  # value ids from least to most cautious: of two said, the later one wins
    # The slot's value is read from its words by the understanding layer ("schedule": days and a time,
    # skill/understanding/schedule.py); the listed values are examples of what people say, not a closed list.
    read: str | None = None

    @cached_property
    def named(self) -> dict[str, str]:
        """Every value's id, name and synonym, normalized and folded (``fold``) -> the value's id (the first value
        naming it)."""
        out: dict[str, str] = {}
        for value in self.values:
            for name in (value.id, *value.names):
                out.setdefault(fold(normalize(name)), value.id)
        return out


@dataclass(frozen=True)
class Intent:
    name: str
    event: str  # an engine event kind (skill/flows/events.py Ev value)
    value: str | None = None  # a fixed event value (e.g. slow_down -> checkin "yellow")
    value_from: tuple[str, ...] = ()  # slots carrying the event value; several numbers: the highest
    slots: Mapping[str, str] = field(default_factory=dict)  # slot name -> slot type name
    samples: tuple[str, ...] = ()  # the written samples widened by the catalogue's templates (see widen)
    written: tuple[str, ...] = ()  # the samples as written in the catalogue file
    capture: bool = False  # a catch-all for platforms that hand over no words otherwise (Alexa)


@dataclass(frozen=True)
class Catalogue:
    """One locale's intents and slot types."""

    locale: str
    invocation: str
    intents: Mapping[str, Intent]
    types: Mapping[str, SlotType]

    @property
    def language(self) -> str:
        """The language code of the locale ("fr-CA" -> "fr")."""
        return self.locale.split("-")[0]

    def match_value(self, type_name: str, resolved_id: str | None, spoken: str | None) -> str | None:
        """The value id a slot means, or None.

        ``resolved_id``: the platform's entity-resolution id, when it resolved (trusted first, if it is a
        value of this type). Otherwise ``spoken``, the words heard, is matched against every name and
        synonym, ignoring case and punctuation; then, word by word, against names and sounds-alikes.
        For a type with ``safest`` (colours: red), any trace of that value wins over the others.
        """
        slot_type = self.types.get(type_name)
        if slot_type is None or slot_type.builtin:
            return resolved_id or (spoken if spoken else None)
        ids = {v.id for v in slot_type.values}
        if resolved_id in ids:
            return resolved_id
        heard = fold(normalize(spoken or "", self.language))
        if not heard:
            return None
        named = slot_type.named.get(heard)
        if named is not None:
            if slot_type.safest and named != slot_type.safest and self._traces(slot_type.safest, heard):
                return slot_type.safest
            return named
        found = [v.id for v in slot_type.values if self._traces(v.id, heard)]
        if slot_type.safest in found:
            return slot_type.safest
        return found[0] if len(found) == 1 else None

    def _traces(self, value_id: str, heard: str) -> bool:
        """Whether a name, synonym or sounds-alike of ``value_id`` is said as whole words within ``heard``."""
        value = next(v for t in self.types.values() for v in t.values if v.id == value_id)
        padded = f" {heard} "
        names = (fold(normalize(n, self.language)) for n in (*value.names, *value.sounds_like))
        return any(f" {n} " in padded for n in names if n)

    def event_for(self, intent_name: str, slots: Mapping[str, tuple[str | None, str | None]]) -> tuple[str, str | None]:
        """The engine event (kind, value) an intent means, given its slots as name -> (resolved id, spoken).

        Unknown intents mean ``fallback``. A value that cannot be matched is None (the engine answers it).
        """
        intent = self.intents.get(intent_name)
        if intent is None:
            return "fallback", None
        if intent.value is not None or not intent.value_from:
            return intent.event, intent.value
        values = [self.match_value(intent.slots[name], *slots.get(name, (None, None))) for name in intent.value_from]
        present = [v for v in values if v is not None]
        if len(present) > 1:
            numbers = [int(v) for v in present if v.isdigit()]
            # "six or seven": the higher of two ratings is the safer one to act on; of two people's colours,
            # the more cautious ("I'm green but he's yellow": yellow).
            if numbers:
                return intent.event, str(max(numbers))
            order = self.types[intent.slots[intent.value_from[0]]].caution
            ranked = [v for v in present if v in order]
            return intent.event, max(ranked, key=order.index) if ranked else present[0]
        return intent.event, present[0] if present else None

    def expansions(self, sample: str, intent: Intent) -> Iterator[str]:
        """Every text a sample stands for, with each slot filled by each name of its type (normalized)."""
        parts = re.split(r"\{(\w+)\}", sample)
        choices: list[Iterable[str]] = []
        for index, part in enumerate(parts):
            if index % 2 == 0:
                choices.append((part,))
                continue
            slot_type = self.types[intent.slots[part]]
            names = ([number_words(n, self.language) for n in SAMPLE_NUMBERS] if slot_type.builtin
                     else [n for v in slot_type.values for n in v.names])
            choices.append(names)
        for combo in product(*choices):
            yield normalize("".join(combo), self.language)

    def collisions(self) -> list[str]:
        """Texts that two intents would both claim, with every slot value filled in (empty: none)."""
        owner: dict[str, str] = {}
        clashes = []
        for intent in self.intents.values():
            for sample in intent.samples:
                for text in self.expansions(sample, intent):
                    other = owner.setdefault(text, intent.name)
                    if other != intent.name:
                        clashes.append(f"{self.locale}: {text!r} is both {other} and {intent.name} ({sample!r})")
        return clashes


UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
         "seventeen eighteen nineteen").split()
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


@lru_cache(maxsize=512)
def number_words(n: int, language: str = "en") -> str:
    """0-99 as words in a language ("twenty five", "veinticinco", "fünfundzwanzig", "vingt cinq"); larger numbers
    stay digits. English is written here; other languages come from num2words, hyphens as spaces, as recognisers
    write them. Raises NotImplementedError for a language num2words does not know."""
    if not 0 <= n < 100:
        return str(n)
    if language == "en":
        if n < 20:
            return UNITS[n]
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + UNITS[n % 10])
    from num2words import num2words  # imported on first use: English, the common case, never needs it

    return " ".join(num2words(n, lang=language).replace("-", " ").split())


def normalize(text: str, language: str = "en") -> str:
    """Lower-case words of any language and inner apostrophes only; numerals as words in ``language``, as a
    recogniser writes samples. Accents are kept ("ça", "grün"); ``fold`` removes them where a match must not
    depend on them.

    "Red." -> "red"; "I’M at  'Yellow'!" -> "i'm at yellow"; "8 out of 10" -> "eight out of ten";
    ("Ça va, 8 sur 10", "fr") -> "ça va huit sur dix".
    """
    t = unicodedata.normalize("NFC", text).lower().replace("\u2019", "'").replace("\u2018", "'")
    t = re.sub(r"\d+", lambda m: f" {number_words(int(m.group()), language)} " if len(m.group()) < 4
               else f" {m.group()} ", t)
    t = re.sub(r"[^\w' ]+|_", " ", t)
    t = re.sub(rf"(?<!{LETTER})'|'(?!{LETTER})", " ", t)  # quotes, not contractions
    return " ".join(t.split())


def fold(text: str) -> str:
    """``text`` without accents, for matches that must not depend on how a recogniser or a keyboard wrote them:
    "pánico" -> "panico", "grün" -> "grun", "ß" -> "ss". English text is unchanged."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Templates:
    """How written samples are widened (the catalogue file's ``[templates]``): ``before`` and ``after`` are
    fillers said around a short sample; ``we`` and ``they`` are (from, to) openings that say a sample for two
    people or for a partner ("i'm" -> "we're", "i'm" -> "she's"); ``they`` applies to the intents it names."""

    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    we: tuple[tuple[str, str], ...] = ()
    they: tuple[tuple[str, str], ...] = ()
    they_intents: frozenset[str] = frozenset()
    max_words: int = 4  # fillers go around samples of at most this many words


def widen(samples: Iterable[str], intent: str, templates: Templates) -> tuple[str, ...]:
    """The written samples, then each said for two people or a partner (by the longest opening that fits, so a
    language can give a verb its own form: "ich muss" -> "wir müssen"), then short ones with fillers around
    them; in that order, without repeats. "i'm {color}" -> "we're {color}", "she's {color}", "um i'm {color}"..."""
    out = list(dict.fromkeys(samples))
    pairs = templates.we + (templates.they if intent in templates.they_intents else ())
    for sample in list(out):
        low = sample.lower()
        # Only the longest opening that fits: "je suis" -> "on est", never also "je" -> "on" ("on suis").
        fits = [(start, to) for start, to in pairs if low.startswith(start + " ")]
        longest = max((len(start) for start, _ in fits), default=0)
        out += [to + sample[len(start):] for start, to in fits if len(start) == longest]
    for sample in list(out):
        if len(sample.split()) <= templates.max_words:
            out += [f"{b} {sample}" for b in templates.before] + [f"{sample} {a}" for a in templates.after]
    return tuple(dict.fromkeys(out))


def exercise_values(scripts_dir: Path = SCRIPTS_DIR, language: str = "en") -> list[SlotValue]:
    """Exercise slot values, one per content file, in file-name order: id, title, synonyms, in ``language``'s
    words where its content folder is present (``skill/audio_scripts/<code>/``), else in English (a language
    not present is spoken in English). Read through the content loader (skill.core.content), so a file the skill
    would refuse is refused here too (CatalogueError naming the file)."""
    if language != "en" and (Path(scripts_dir) / language).is_dir():
        try:
            spoken = load_catalog(Path(scripts_dir)).speaking(language)
        except ContentError as exc:
            raise CatalogueError(str(exc)) from None
        return [SlotValue(e.id, e.title, _clean(e.synonyms, e.title)) for e in spoken.exercises.values()]
    values: list[SlotValue] = []
    seen: set[str] = set()
    for path in sorted(Path(scripts_dir).glob("*.toml")):
        try:
            exercise = load_exercise(path)
        except ContentError as exc:
            raise CatalogueError(str(exc)) from None
        if exercise.id in seen:
            raise CatalogueError(f"{path.name}: duplicate exercise id {exercise.id!r}")
        seen.add(exercise.id)
        values.append(SlotValue(exercise.id, exercise.title, _clean(exercise.synonyms, exercise.title)))
    return values


def _clean(synonyms: Iterable[str], name: str) -> tuple[str, ...]:
    # A synonym equal to the name only adds noise; repeats are dropped, order kept.
    return tuple(dict.fromkeys(s.strip() for s in synonyms if s.strip() and s.strip() != name))


def locales(directory: Path = LOCALES_DIR) -> list[str]:
    """The locales the catalogue serves: every `<language>-<REGION>.toml` file, sorted."""
    return sorted(p.stem for p in Path(directory).glob("*-*.toml"))


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise CatalogueError(f"{path.name}: no such catalogue file") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{path.name}: {exc}") from None


def _layers(locale: str, directory: Path) -> list[tuple[str, dict]]:
    """The locale's file and the files it extends, base first."""
    chain, name = [], locale
    while name:
        if any(name == n for n, _ in chain):
            raise CatalogueError(f"{name}.toml: extends itself")
        data = _read(directory / f"{name}.toml")
        chain.append((name, data))
        name = data.get("extends")
    return chain[::-1]


def _merge(layers: list[tuple[str, dict]]) -> tuple[str, dict[str, dict], dict[str, dict], dict]:
    invocation, intents, types, templates = "", {}, {}, {}
    for file, data in layers:
        invocation = data.get("invocation", invocation)
        templates.update(data.get("templates", {}))
        for name, spec in data.get("intents", {}).items():
            into = intents.setdefault(name, {"samples": [], "_file": file})
            for key, value in spec.items():
                if key == "samples":
                    into["samples"] += list(value)
                else:
                    into[key] = value
        for name, spec in data.get("types", {}).items():
            into = types.setdefault(name, {})
            for key, value in spec.items():
                if key == "extra_synonyms":
                    merged = into.setdefault(key, {})
                    for vid, words in value.items():
                        merged[vid] = merged.get(vid, []) + list(words)
                else:
                    into[key] = value
    return invocation, intents, types, templates


def _templates(spec: dict, locale: str) -> Templates:
    def pairs(key: str) -> tuple[tuple[str, str], ...]:
        value = spec.get(key, [])
        if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(w, str) for w in p) for p in value):
            raise CatalogueError(f"{locale}.toml or a file it extends: templates.{key}: a list of [from, to] pairs")
        return tuple((a, b) for a, b in value)
    return Templates(tuple(spec.get("before", ())), tuple(spec.get("after", ())), pairs("we"), pairs("they"),
                     frozenset(spec.get("they_intents", ())), int(spec.get("max_words", 4)))


def _slot_type(name: str, spec: dict, scripts_dir: Path, language: str) -> SlotType:
    if spec.get("builtin"):
        return SlotType(name, builtin=True)
    if spec.get("from_content"):
        values = exercise_values(scripts_dir, language)
    else:
        values = [SlotValue(v["id"], v["name"], _clean(v.get("synonyms", []), v["name"]),
                            tuple(v.get("sounds_like", []))) for v in spec.get("values", [])]
    extra = spec.get("extra_synonyms", {})
    unknown = set(extra) - {v.id for v in values}
    if unknown and not spec.get("from_content"):  # an exercise may leave the content; its words then go too
        raise CatalogueError(f"type {name}: extra synonyms for unknown values {sorted(unknown)}")
    values = [SlotValue(v.id, v.name, _clean([*v.synonyms, *extra.get(v.id, [])], v.name), v.sounds_like)
              for v in values]
    safest = spec.get("safest")
    if safest is not None and safest not in {v.id for v in values}:
        raise CatalogueError(f"type {name}: safest value {safest!r} is not one of its values")
    caution = tuple(spec.get("caution", ()))
    if set(caution) - {v.id for v in values}:
        raise CatalogueError(f"type {name}: caution names values it does not have")
    read = spec.get("read")
    if read not in (None, "schedule"):
        raise CatalogueError(f"type {name}: read must be 'schedule'")
    return SlotType(name, tuple(values), safest=safest, caution=caution, read=read)


def load(locale: str, directory: Path = LOCALES_DIR, scripts_dir: Path = SCRIPTS_DIR) -> Catalogue:
    """One locale's catalogue. Raises CatalogueError naming the file and intent for a bad entry."""
    invocation, intent_specs, type_specs, template_spec = _merge(_layers(locale, Path(directory)))
    templates = _templates(template_spec, locale)
    types = {name: _slot_type(name, spec, Path(scripts_dir), locale.split("-")[0])
             for name, spec in type_specs.items()}
    intents: dict[str, Intent] = {}
    for name, spec in intent_specs.items():
        where = f"{spec['_file']}.toml: intent {name}"
        if not isinstance(spec.get("event"), str):
            raise CatalogueError(f"{where}: needs an event")
        slots = dict(spec.get("slots", {}))
        if set(slots.values()) - set(types):
            raise CatalogueError(f"{where}: unknown slot types {sorted(set(slots.values()) - set(types))}")
        value_from = spec.get("value_from", ())
        value_from = (value_from,) if isinstance(value_from, str) else tuple(value_from)
        if set(value_from) - set(slots):
            raise CatalogueError(f"{where}: value_from names an undeclared slot")
        samples = tuple(dict.fromkeys(spec["samples"]))
        for sample in samples:
            if not SAMPLE_CHARS.match(sample) or sample != " ".join(sample.split()):
                raise CatalogueError(f"{where}: sample {sample!r} has characters a voice model refuses")
            if set(re.findall(r"\{(\w+)\}", sample)) - set(slots):
                raise CatalogueError(f"{where}: sample {sample!r} names an undeclared slot")
        widened = samples if spec.get("widen", True) is False else widen(samples, name, templates)
        intents[name] = Intent(name, spec["event"], spec.get("value"), value_from, slots, widened, samples,
                               bool(spec.get("capture", False)))
    if not invocation:
        raise CatalogueError(f"{locale}.toml: no invocation name")
    return Catalogue(locale, invocation, intents, types)
