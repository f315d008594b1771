"""`python -m skill model build|check` for the classifier: one model per catalogue language, written to
skill/understanding/models/<language>.json from the first locale of that language (the samples every locale of a
language shares; a locale's own additions are few and its wording is read through the same language file).

A model file records the digest of what it was trained from (the examples, the feature recipe, the settings);
`check` compares that digest with the catalogue as it is now, so it needs no scikit-learn and no training.
"""
from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path

from ..intents import catalogue as cat
from . import model as model_module
from .language import LanguageError

SOURCE_ERRORS = (cat.CatalogueError, LanguageError, OSError, ValueError, KeyError)
MODELS_SUBDIR = Path("skill") / "understanding" / "models"
CATALOGUE_SUBDIR = Path("skill") / "intents" / "locales"
SCRIPTS_SUBDIR = Path("skill") / "audio_scripts"


def _languages(root: Path) -> dict[str, str]:
    """language -> the locale its model is trained from (the first of that language, sorted)."""
    out: dict[str, str] = {}
    for locale in cat.locales(root / CATALOGUE_SUBDIR):
        out.setdefault(locale.split("-")[0], locale)
    return out


def _catalogue(root: Path, locale: str) -> cat.Catalogue:
    return cat.load(locale, Path(root) / CATALOGUE_SUBDIR, Path(root) / SCRIPTS_SUBDIR)


def source_digest(catalogue: cat.Catalogue) -> str:
    """The digest of everything a model is trained from: the catalogue's examples, the feature recipe, the
    training settings."""
    from . import train

    digest = hashlib.sha256()
    for text, label in train.examples(catalogue):
        digest.update(f"{label}\t{text}\n".encode())
    digest.update(inspect.getsource(model_module.features).encode())
    digest.update(f"C={train.C} fills={train.FILLS_PER_SAMPLE}".encode())
    return digest.hexdigest()


def write_files(root: Path) -> list[Path]:
    """Train and write every language's model; returns the paths written. Needs scikit-learn."""
    from .train import train

    out_dir = Path(root) / MODELS_SUBDIR
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for language, locale in _languages(Path(root)).items():
        catalogue = _catalogue(root, locale)
        data = {"source": source_digest(catalogue), **train(catalogue).to_json()}
        path = out_dir / f"{language}.json"
        path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        written.append(path)
    return written


def check_files(root: Path) -> list[str]:
    """Drift messages: a language without a model, or a model trained from another catalogue than today's."""
    drift = []
    for language, locale in _languages(Path(root)).items():
        path = Path(root) / MODELS_SUBDIR / f"{language}.json"
        if not path.exists():
            drift.append(f"{path}: missing; run `python -m skill model build`")
        elif json.loads(path.read_text(encoding="utf-8")).get("source") != source_digest(_catalogue(root, locale)):
            drift.append(f"{path}: trained from another catalogue; run `python -m skill model build`")
    return drift
