"""Training the intent classifier from the catalogue, deterministically, at build time (`python -m skill model
build`). Needs scikit-learn (the `test` extra); the skill itself reads the result with no dependency
(skill/understanding/model.py).

Examples: every sample of every intent (the catalogue's widened samples), each slot filled in turn by the names
of its type (numbers by number words in the catalogue's language), so that colours, numbers and exercise names are read inside sentences;
plus the catalogue's everyday lines (the capture slot's values) as ``none``. Same catalogue, same model: the fill order is fixed and the
solver is deterministic.
"""
from __future__ import annotations

import re
from itertools import cycle

from ..intents import catalogue as cat
from .language import load_language
from .model import NONE, Model, features

CAPTURE_TYPE = "capture"  # the catalogue's catch-all slot type: its values are everyday talk
NUMBERS = range(11)  # a number slot is filled by these, said in the catalogue's language
FILLS_PER_SAMPLE = 3  # each sample with a slot is filled this many ways
C = 8.0  # inverse regularization: measured on the development corpus (docs/understanding.md)


def examples(catalogue: cat.Catalogue) -> list[tuple[str, str]]:
    """(text, class) pairs: the catalogue's samples with their slots filled, then everyday lines as ``none``."""
    names: dict[str, cycle] = {}
    for type_name, slot_type in catalogue.types.items():
        values = ([cat.number_words(n, catalogue.language) for n in NUMBERS] if slot_type.builtin
                  else [n for v in slot_type.values for n in v.names])
        names[type_name] = cycle(values)
    out: list[tuple[str, str]] = []
    for intent in catalogue.intents.values():
        if intent.capture:
            continue  # its values are the everyday lines below
        for sample in intent.samples:
            slots = re.findall(r"\{(\w+)\}", sample)
            for _ in range(FILLS_PER_SAMPLE if slots else 1):
                text = re.sub(r"\{(\w+)\}", lambda m: next(names[intent.slots[m.group(1)]]), sample)
                out.append((text, intent.name))
    out += [(v.name, NONE) for v in catalogue.types[CAPTURE_TYPE].values]
    return out


def train(catalogue: cat.Catalogue) -> Model:
    """The classifier for a catalogue, trained on ``examples``. Raises ImportError without scikit-learn."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize

    lang = load_language(catalogue.language)
    pairs = examples(catalogue)
    rows = [dict.fromkeys(features(lang.tokens(lang.canon(text))), 1.0) for text, _ in pairs]
    vectorizer = DictVectorizer()
    x = normalize(vectorizer.fit_transform(rows))
    labels = [label for _, label in pairs]
    fit = LogisticRegression(C=C, max_iter=5000, tol=1e-6).fit(x, labels)
    classes = [str(c) for c in fit.classes_]
    weights = fit.coef_.T  # features x classes
    vocab = vectorizer.get_feature_names_out()
    rows_out = {str(f): [float(w) for w in weights[i]] for i, f in enumerate(vocab)}
    return Model.quantize(classes, rows_out, [float(b) for b in fit.intercept_])
