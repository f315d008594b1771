"""The intent classifier: a linear model over words and letter groups, trained from the catalogue at build time
(skill/understanding/train.py, scikit-learn's logistic regression) and read here with no dependency.

Features of a text (canonical form, fillers dropped, numbers as ``#``): each word, each pair of words, and the
letter groups of three to five characters of each word with its edges marked. A feature is 1 or 0, and the
vector is scaled to length 1 over every feature the text has, known or not, so that a text full of words the
catalogue never used is read with little confidence. Scores are softmax probabilities over the intents, plus
``none`` (everyday talk that means none of them).

The weights live in ``models/<language>.json``: classes, vocabulary, and for each vocabulary entry its weight per
class as a signed byte with one scale per class (quantized; the predictions match the float model, which
`python -m skill model check` verifies against a fresh training).
"""
from __future__ import annotations

import base64
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent / "models"
NUMBER_WORDS = frozenset(("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                          "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
                          "eighty ninety hundred").split())
NONE = "none"


def features(words: list[str]) -> list[str]:
    """The features of a text given as its words (canonical, fillers dropped): words, word pairs, letter groups."""
    words = ["#" if w in NUMBER_WORDS or w.isdigit() else w for w in words]
    found = [f"w:{w}" for w in words]
    found += [f"b:{a} {b}" for a, b in zip(["^", *words], [*words, "$"])]
    for w in words:
        if w == "#":
            continue
        marked = f"<{w}>"
        for n in (3, 4, 5):
            found += [f"c:{marked[i:i + n]}" for i in range(len(marked) - n + 1)]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Prediction:
    intent: str  # a catalogue intent name, or "none"
    confidence: float  # the softmax probability, 0..1


class Model:
    """A trained model: ``classes`` (intent names), ``rows`` (feature -> weights per class), ``bias``."""

    def __init__(self, classes: list[str], rows: dict[str, list[float]], bias: list[float]):
        self.classes, self.rows, self.bias = classes, rows, bias

    @classmethod
    def from_json(cls, data: dict) -> "Model":
        """From the file form (see the module docstring). Raises ValueError for a malformed file."""
        classes, vocab, scales = data["classes"], data["vocabulary"], data["scales"]
        raw = base64.b64decode(data["weights"])
        width = len(classes)
        if len(raw) != width * len(vocab) or len(scales) != width:
            raise ValueError("weights do not fit the vocabulary and classes")
        rows = {}
        for index, feature in enumerate(vocab):
            chunk = raw[index * width:(index + 1) * width]
            rows[feature] = [(b - 256 if b > 127 else b) * scales[k] for k, b in enumerate(chunk)]
        return cls(classes, rows, list(data["bias"]))

    def to_json(self) -> dict:
        """The file form: weights as signed bytes, one scale per class."""
        width = len(self.classes)
        scales = [max((abs(r[k]) for r in self.rows.values()), default=0.0) / 127 or 1.0 for k in range(width)]
        vocab = sorted(self.rows)
        raw = bytearray()
        for feature in vocab:
            raw += bytes((round(w / scales[k]) & 0xFF) for k, w in enumerate(self.rows[feature]))
        return {"classes": self.classes, "bias": [round(b, 6) for b in self.bias],
                "scales": [round(s, 9) for s in scales], "vocabulary": vocab,
                "weights": base64.b64encode(bytes(raw)).decode("ascii")}

    def predict(self, words: list[str]) -> Prediction:
        """The most probable class for a text given as its words, with its probability."""
        found = features(words)
        scores = list(self.bias)
        if found:
            scale = 1 / math.sqrt(len(found))
            for feature in found:
                row = self.rows.get(feature)
                if row is not None:
                    for k, w in enumerate(row):
                        scores[k] += w * scale
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        best = max(range(len(scores)), key=scores.__getitem__)
        return Prediction(self.classes[best], exps[best] / sum(exps))


def model_path(language: str) -> Path:
    return MODELS_DIR / f"{language}.json"


@lru_cache(maxsize=None)
def load_model(language: str) -> Model:
    """The committed model of a language. Raises FileNotFoundError with the command that builds it."""
    path = model_path(language)
    if not path.exists():
        raise FileNotFoundError(f"{path.name}: no trained model; run `python -m skill model build`")
    return Model.from_json(json.loads(path.read_text(encoding="utf-8")))


WORD = re.compile(r"[\w']+")
