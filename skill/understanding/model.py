"""The intent classifier: a linear model over words and letter groups, trained from the catalogue at build time
(skill/understanding/train.py, scikit-learn's logistic regression) and read here with no dependency.

Features of a text (canonical form, fillers dropped, numbers as ``#``, accents folded): each word, each pair of words, and the
letter groups of three to five characters of each word with its edges marked. A feature is 1 or 0, and the
vector is scaled to length 1 over every feature the text has, known or not, so that a text full of words the
catalogue never used is read with little confidence. Scores are softmax probabilities over the intents, plus
``none`` (everyday talk that means none of them).

The weights live in ``models/<language>.json``: classes, vocabulary, and for each vocabulary entry its weight per
class as a signed byte with one scale per class (quantized at training; `python -m skill model check` compares
the digest of what a model was trained from with the catalogue as it is).
"""
from __future__ import annotations

import base64
import json
import math
from array import array
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent / "models"
NONE = "none"


def features(words: list[str]) -> list[str]:
    """The features of a text given as its tokens (``Language.tokens``: canonical, fillers dropped, numbers as
    "#", accents folded): words, word pairs, letter groups."""
    words = ["#" if w.isdigit() else w for w in words]
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
    """A trained model in its quantized form: ``classes`` (intent names), ``vocabulary`` (features, sorted),
    ``weights`` (signed bytes, one row of len(classes) per feature), ``scales`` (per class: a byte times its scale
    is the weight) and ``bias`` (per class). Loading is a base64 decode: no row is built until it is read."""

    def __init__(self, classes: list[str], vocabulary: list[str], weights: array, scales: list[float],
                 bias: list[float]):
        if len(weights) != len(classes) * len(vocabulary) or not len(scales) == len(bias) == len(classes):
            raise ValueError("weights do not fit the vocabulary and classes")
        self.classes, self.vocabulary, self.weights, self.scales, self.bias = classes, vocabulary, weights, scales, bias
        self.index = {feature: i * len(classes) for i, feature in enumerate(vocabulary)}

    @classmethod
    def quantize(cls, classes: list[str], rows: dict[str, list[float]], bias: list[float]) -> "Model":
        """From float weights (feature -> weight per class): one scale per class, so that its largest weight is
        127."""
        width = len(classes)
        scales = [max((abs(r[k]) for r in rows.values()), default=0.0) / 127 or 1.0 for k in range(width)]
        vocabulary = sorted(rows)
        weights = array("b", (round(rows[f][k] / scales[k]) for f in vocabulary for k in range(width)))
        return cls(classes, vocabulary, weights, scales, bias)

    @classmethod
    def from_json(cls, data: dict) -> "Model":
        """From the file form. Raises ValueError (or KeyError) for a malformed file."""
        return cls(data["classes"], data["vocabulary"], array("b", base64.b64decode(data["weights"])),
                   data["scales"], data["bias"])

    def to_json(self) -> dict:
        """The file form: the classes, the vocabulary, the weights as base64 signed bytes, scales and bias."""
        return {"classes": self.classes, "bias": [round(b, 6) for b in self.bias],
                "scales": [round(s, 9) for s in self.scales], "vocabulary": self.vocabulary,
                "weights": base64.b64encode(self.weights.tobytes()).decode("ascii")}

    def predict(self, words: list[str]) -> Prediction:
        """The most probable class for a text given as its tokens (``Language.tokens``), with its probability."""
        found = features(words)
        width, weights = len(self.classes), self.weights
        sums = [0] * width  # bytes added up per class, scaled once at the end
        for feature in found:
            start = self.index.get(feature)
            if start is not None:
                for k in range(width):
                    sums[k] += weights[start + k]
        norm = 1 / math.sqrt(len(found)) if found else 0.0
        scores = [b + n * s * norm for b, n, s in zip(self.bias, sums, self.scales)]
        top = max(scores)
        exps = [math.exp(x - top) for x in scores]
        best = max(range(width), key=scores.__getitem__)
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

