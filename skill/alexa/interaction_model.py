"""The Alexa interaction model, written from the intent catalogue for five English locales.

`skill/intents/catalogue.json` holds the intents, samples and fixed slot types. The Alexa models are
written into `interaction_models/` (the skill package `ask deploy` uploads as it is: only what SMAPI
expects). The EXERCISE slot type is filled from the exercise files through the content loader, so adding an
exercise needs no edit here. The generated per-locale files are committed, because the ASK CLI deploys them
as they are; `check` catches a hand edit or a stale build. Both first check the content, as
`python -m skill content check` does.

    python -m skill model build    # check the content, write interaction_models/interactionModels/custom/*.json
    python -m skill model check    # check the content; exit 1 and list drift
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..core.content import ContentError, load_catalog, load_exercise

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = REPO_ROOT / "interaction_models"
SOURCE_SUBDIR = Path("skill") / "intents" / "catalogue.json"  # relative to the repository root
SOURCE_PATH = REPO_ROOT / SOURCE_SUBDIR
CUSTOM_SUBDIR = Path("interactionModels") / "custom"
SCRIPTS_SUBDIR = Path("skill") / "audio_scripts"
EXERCISE_TYPE = "EXERCISE"


class ModelError(ValueError):
    """The source or an exercise file cannot make a valid model."""


def exercise_values(scripts_dir: Path) -> list[dict]:
    """EXERCISE slot values, one per exercise file, in file-name order (stable output), read through the
    content loader (skill.core.content), so a file the skill would refuse is refused here too."""
    values: list[dict] = []
    for path in sorted(Path(scripts_dir).glob("*.toml")):
        try:
            exercise = load_exercise(path)
        except ContentError as exc:
            raise ModelError(str(exc)) from None
        # A synonym equal to the title only adds noise to the console's model diff.
        clean = list(dict.fromkeys(s.strip() for s in exercise.synonyms if s.strip() != exercise.title))
        values.append({"id": exercise.id, "name": {"value": exercise.title, "synonyms": clean}})
    return values


def _type_values(values: list[dict]) -> list[dict]:
    return [
        {"id": v["id"], "name": {"value": v["name"], "synonyms": list(v.get("synonyms", []))}}
        for v in values
    ]


def _build_locale(source: dict, locale: str, exercises: list[dict]) -> dict:
    extra = source.get("locale_samples", {}).get(locale, {})
    intents = []
    for intent in source["intents"]:
        entry: dict = {"name": intent["name"]}
        if intent.get("slots"):
            entry["slots"] = [{"name": s["name"], "type": s["type"]} for s in intent["slots"]]
        samples = list(intent.get("samples", [])) + list(extra.get(intent["name"], []))
        entry["samples"] = list(dict.fromkeys(samples))  # keep order, drop repeats
        intents.append(entry)
    unknown = set(extra) - {i["name"] for i in source["intents"]}
    if unknown:
        raise ModelError(f"locale_samples[{locale}] names unknown intents: {sorted(unknown)}")

    types = []
    for slot_type in source.get("types", []):
        if slot_type.get("values_from") == "audio_scripts":
            values = exercises
        else:
            values = _type_values(slot_type["values"])
        types.append({"name": slot_type["name"], "values": values})

    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": source["invocationName"],
                "intents": intents,
                "types": types,
            }
        }
    }


def build_models(source_path: Path, scripts_dir: Path) -> dict[str, dict]:
    """Per-locale interaction models: same intents and slots everywhere, plus locale extras."""
    source = json.loads(Path(source_path).read_text(encoding="utf-8"))
    exercises = exercise_values(Path(scripts_dir))
    return {loc: _build_locale(source, loc, exercises) for loc in source["locales"]}


def _render(model: dict) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def _paths(repo_root: Path) -> tuple[Path, Path, Path]:
    repo_root = Path(repo_root)
    return repo_root / SOURCE_SUBDIR, repo_root / SCRIPTS_SUBDIR, repo_root / "interaction_models" / CUSTOM_SUBDIR


def warnings_for(models: dict[str, dict]) -> list[str]:
    """Problems that make the model undeployable but are not drift (e.g. no exercises yet)."""
    out = []
    for locale, model in models.items():
        for slot_type in model["interactionModel"]["languageModel"]["types"]:
            if not slot_type["values"]:
                out.append(f"{locale}: slot type {slot_type['name']} has no values (ASK build rejects this)")
    return out


def write_models(repo_root: Path = REPO_ROOT) -> list[Path]:
    source, scripts, out_dir = _paths(repo_root)
    models = build_models(source, scripts)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for locale, model in models.items():
        path = out_dir / f"{locale}.json"
        path.write_text(_render(model), encoding="utf-8")
        written.append(path)
    return written


def check_models(repo_root: Path = REPO_ROOT) -> list[str]:
    """Drift messages: each committed locale file must equal a fresh build, byte for byte."""
    source, scripts, out_dir = _paths(repo_root)
    models = build_models(source, scripts)
    drift = []
    for locale, model in models.items():
        path = out_dir / f"{locale}.json"
        if not path.exists():
            drift.append(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != _render(model):
            drift.append(f"{path}: differs from the source; run `python -m skill model build`")
    for path in sorted(out_dir.glob("*.json")) if out_dir.exists() else []:
        if path.stem not in models:
            drift.append(f"{path}: locale not in the source")
    return drift


def load_model(locale: str = "en-US") -> dict:
    """The committed interaction model of one locale."""
    path = MODELS_DIR / CUSTOM_SUBDIR / f"{locale}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args not in (["build"], ["check"]):
        print("usage: python -m skill model build|check", file=sys.stderr)
        return 2
    try:
        source, scripts, _ = _paths(REPO_ROOT)
        load_catalog(scripts)  # the content check: the model is only built from content the skill accepts
        for warning in warnings_for(build_models(source, scripts)):
            print(f"warning: {warning}", file=sys.stderr)
        if args == ["build"]:
            for path in write_models(REPO_ROOT):
                print(f"wrote {path.relative_to(REPO_ROOT)}")
            return 0
        drift = check_models(REPO_ROOT)
    except (ModelError, OSError, json.JSONDecodeError, ContentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for line in drift:
        print(line)
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main())
