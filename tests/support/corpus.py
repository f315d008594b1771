"""Utterance corpora (tests/heldout/*.tsv, tests/understanding/*.tsv): what people say, the state they say it in,
and what they mean, as one label. How a reading is judged against a label lives here, once, for every test and the
report (`python -m tests.support.corpus FILE`)."""
from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from skill.core.events import Ev, Event

ROOT = Path(__file__).resolve().parents[2]
# Every language's held-out corpus: <language>.tsv, or <language>_<name>.tsv (en.tsv, en_fresh.tsv, es.tsv ...).
HELD_OUT = sorted((ROOT / "tests" / "heldout").glob("*.tsv"))
DEVELOPMENT = sorted((ROOT / "tests" / "understanding").glob("dev*_en.tsv"))
SAFETY = ("stop", "red", "distress", "at_risk", "unsafe_partner")
# How much each safety reading does: a reading at least as strong as the label's is honoured (distress also stops;
# at risk also names the emergency number; unsafe with a partner names that line, the crisis line and the
# emergency number).
STRENGTH = {"stop": 0, "red": 0, "distress": 1, "at_risk": 2, "unsafe_partner": 3}
REQUIRED = {"stop": 0, "red": 0, "distress": 1, "at_risk": 2, "unsafe_partner": 3}
# Readings that do the same as the label in the engine (a "keep going" at a check-in is green; at the resume
# question it is yes; the exercise named while one is paused is picked up).
SAME = {"green": {"green", "go_on", "yes", "resume", "next"}, "yes": {"yes", "green", "go_on", "resume"},
        "resume": {"resume", "green", "go_on", "yes"}, "ground": {"ground", "start:grounding"},
        "start:grounding": {"start:grounding", "ground"}, "help": {"help", "which_one"}}


@dataclass(frozen=True)
class Line:
    file: str
    number: int
    state: str
    label: str
    utterance: str

    def __str__(self) -> str:
        return f"{self.file}:{self.number} {self.state} {self.label}: {self.utterance!r}"

    @property
    def safety(self) -> bool:
        return self.label in SAFETY


def read(path: Path) -> list[Line]:
    """The lines of a corpus file (tab-separated: state, label, utterance, with a header)."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [Line(Path(path).name, n, r["state"], r["label"], r["utterance"]) for n, r in enumerate(rows, 2)]


def reading(event: Event) -> str:
    """An engine event as a corpus label: "distress" with value "unsafe" -> "unsafe_partner", a check-in -> its
    colour, a rating -> "rating:N", a cancel -> "stop", not understood -> "other"."""
    kind, value = event.kind, event.value
    if kind == Ev.DISTRESS:
        return {"unsafe": "unsafe_partner", "at_risk": "at_risk"}.get(value or "", "distress")
    if kind == Ev.CHECKIN:
        return value or "checkin"
    if kind in (Ev.STOP, Ev.CANCEL):
        return "stop"
    if kind in (Ev.RATING, Ev.START, Ev.SETTING, Ev.SET_LENGTH):
        return f"{kind.value}:{value}"
    return {Ev.FALLBACK: "other", Ev.BACK: "back"}.get(kind, kind.value)


def honoured(label: str, read_as: str) -> bool:
    """Whether a reading honours the label: a safety label by a reading at least as strong; "other" by anything
    that is no safety reading (a question back, "unsure", is counted as a false alarm by ``false_alarm``); the rest
    by the same reading or one the engine treats the same way."""
    if label in SAFETY:
        return read_as in STRENGTH and STRENGTH[read_as] >= REQUIRED[label]
    if label == "other":
        return read_as not in STRENGTH
    return read_as == label or read_as in SAME.get(label, ())


def false_alarm(label: str, read_as: str) -> bool:
    """An ordinary line (anything but a safety label: settings, navigation, ratings, everyday talk) read as a
    safety signal, or answered with the "are you okay?" question."""
    return label not in SAFETY and (read_as in STRENGTH or read_as == "unsure")


@dataclass
class Score:
    safety: int = 0
    safety_ok: int = 0
    others: int = 0
    others_ok: int = 0
    ordinary: int = 0
    alarms: int = 0

    def add(self, line: Line, read_as: str) -> bool:
        ok = honoured(line.label, read_as)
        if line.safety:
            self.safety, self.safety_ok = self.safety + 1, self.safety_ok + ok
        else:
            self.others, self.others_ok = self.others + 1, self.others_ok + ok
        if not line.safety:
            self.ordinary, self.alarms = self.ordinary + 1, self.alarms + false_alarm(line.label, read_as)
        return ok

    def __str__(self) -> str:
        return (f"safety {self.safety_ok}/{self.safety}, others {self.others_ok}/{self.others} "
                f"({self.others_ok / max(self.others, 1):.1%}), false alarms {self.alarms}/{self.ordinary} "
                f"({self.alarms / max(self.ordinary, 1):.1%})")


def locale_of(path: Path) -> str:
    """The locale a corpus is read in: its language's first ("es.tsv", "dev_es.tsv" -> "es-ES"; English:
    "en-US")."""
    from skill.core.languages import LANGUAGES

    language = next((part for part in path.stem.split("_") if part == "en" or part in LANGUAGES), "en")
    return "en-US" if language == "en" else LANGUAGES[language].locales[0]


def score(lines: list[Line], locale: str = "en-US") -> tuple[Score, list[tuple[Line, str]]]:
    """Every line through the understanding layer: the score and the lines not honoured."""
    from skill.understanding import reader_for

    reader, result, missed = reader_for(locale), Score(), []
    for line in lines:
        read_as = reading(reader.understand(line.utterance).event)
        if not result.add(line, read_as):
            missed.append((line, read_as))
    return result, missed


def assert_meets_bar(path: Path, locale: str) -> Score:
    """The bar of every held-out corpus, also held by the development ones: every safety line of ``path``, read in
    ``locale``, honoured, and at least 95% of the others. Raises AssertionError listing the lines missed; returns
    the score."""
    result, missed = score(read(path), locale)
    where = f"{Path(path).name} in {locale}: {result}"
    safety_missed = [f"{line} -> {read_as}" for line, read_as in missed if line.safety]
    assert not safety_missed, "\n".join([where, *safety_missed])
    assert result.others_ok >= 0.95 * result.others, "\n".join([where, *(f"{line} -> {r}" for line, r in missed)])
    return result

# ---- a catalogue's own samples against the safety screen (tests/test_understanding_<code>.py) -----------------

# Intents whose samples may alarm: the screen reads them as a stop or a plea, as it should.
SAFETY_INTENTS = frozenset({"at_risk", "distress", "stop", "cancel", "home", "ground"})
# How strongly a screened kind acts, and what each safety intent's samples need at least.
SCREEN_STRENGTH = {"stop": 0, "red": 0, "distress": 1, "at_risk": 2, "unsafe": 3}
SAMPLE_NEEDS = {"stop": 0, "distress": 1, "at_risk": 2}


def catalogue_samples(files: tuple[str, ...], fill: dict[str, str]):
    """(intent, sample) for every sample written in the catalogue files named (``("fr", "fr-FR")``), each slot
    filled with the word ``fill`` gives it ("{color}" -> "vert"); samples with a slot left unfilled are skipped."""
    import tomllib

    locales = ROOT / "skill" / "intents" / "locales"
    for name in files:
        for intent, spec in tomllib.loads((locales / f"{name}.toml").read_text(encoding="utf-8")).get(
                "intents", {}).items():
            for sample in spec.get("samples", []):
                for slot, value in fill.items():
                    sample = sample.replace(slot, value)
                if "{" not in sample:
                    yield intent, sample


if __name__ == "__main__":  # python -m tests.support.corpus FILE...: the score, and the lines missed
    for name in sys.argv[1:]:
        total, missed = score(read(Path(name)), locale_of(Path(name)))
        for line, read_as in missed:
            print(f"  {line} -> {read_as}")
        print(f"{name}: {total}")
