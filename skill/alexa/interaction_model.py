"""The Alexa interaction model, written from the intent catalogue (skill/intents/catalogue.py).

The catalogue holds the intents, samples and slot types under platform-neutral names; this module is
the Alexa-only part: the table of Alexa names (``AMAZON.YesIntent``, ``CHECKIN_COLOR``) and the
JSON of an ASK CLI skill package. The generated per-locale files under
`interaction_models/interactionModels/custom/` are committed, because the ASK CLI deploys them as
they are; `check` catches a hand edit or a stale build.

Both first check the content, as `python -m skill content check` does.

    python -m skill model build    # check the content, write interaction_models/interactionModels/custom/*.json
    python -m skill model check    # check the content; exit 1 and list drift
"""

from __future__ import annotations

import json
from pathlib import Path

from ..core.content import ContentError, load_catalog
from ..intents import catalogue
from ..intents.catalogue import Catalogue, CatalogueError

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = REPO_ROOT / "interaction_models"
CUSTOM_SUBDIR = Path("interactionModels") / "custom"
CATALOGUE_SUBDIR = Path("skill") / "intents" / "locales"  # relative to the repository root
SCRIPTS_SUBDIR = Path("skill") / "audio_scripts"

# Neutral intent name -> Alexa intent name. Built-in intents keep Amazon's names: Alexa routes
# "stop", "pause" and the player's buttons to them even outside the skill's own samples.
ALEXA_INTENTS: dict[str, str] = {
    "start_exercise": "StartExerciseIntent",
    "ground": "GroundMeIntent",
    "at_risk": "AtRiskIntent",
    "distress": "DistressIntent",
    "checkin": "CheckInIntent",
    "slow_down": "SlowDownIntent",
    "take_break": "BreakIntent",
    "keep_going": "KeepGoingIntent",
    "rating": "RatingIntent",
    "not_sure": "NotSureIntent",
    "which_one": "WhichOneIntent",
    "set_length": "SetLengthIntent",
    "setting": "SettingIntent",
    "go_first": "GoFirstIntent",
    "delete_data": "DeleteDataIntent",
    "what_we_keep": "WhatDoYouKeepIntent",
    "set_reminder": "SetReminderIntent",
    "list_reminders": "ListRemindersIntent",
    "delete_reminders": "DeleteRemindersIntent",
    "progress": "HowAreWeDoingIntent",
    "pairing": "PairingCodeIntent",
    "yes": "AMAZON.YesIntent",
    "no": "AMAZON.NoIntent",
    "next": "AMAZON.NextIntent",
    "previous": "AMAZON.PreviousIntent",
    "repeat": "AMAZON.RepeatIntent",
    "start_over": "AMAZON.StartOverIntent",
    "pause": "AMAZON.PauseIntent",
    "resume": "AMAZON.ResumeIntent",
    "help": "AMAZON.HelpIntent",
    "stop": "AMAZON.StopIntent",
    "cancel": "AMAZON.CancelIntent",
    "home": "AMAZON.NavigateHomeIntent",
    "loop_on": "AMAZON.LoopOnIntent",
    "loop_off": "AMAZON.LoopOffIntent",
    "shuffle_on": "AMAZON.ShuffleOnIntent",
    "shuffle_off": "AMAZON.ShuffleOffIntent",
    "fallback": "AMAZON.FallbackIntent",
    "capture": "CaptureIntent",
}
NEUTRAL_INTENTS: dict[str, str] = {alexa: neutral for neutral, alexa in ALEXA_INTENTS.items()}
# Neutral slot type -> Alexa slot type.
ALEXA_TYPES: dict[str, str] = {"colour": "CHECKIN_COLOR", "exercise": "EXERCISE", "setting": "SETTING",
                               "number": "AMAZON.NUMBER", "capture": "CAPTURE_TEXT", "schedule": "PRACTICE_SCHEDULE"}


class ModelError(ValueError):
    """The catalogue cannot make a valid Alexa model (e.g. an intent with no Alexa name)."""


def _alexa_intent(name: str) -> str:
    if name not in ALEXA_INTENTS:
        raise ModelError(f"intent {name!r} has no Alexa name in skill/alexa/interaction_model.py ALEXA_INTENTS")
    return ALEXA_INTENTS[name]


def _alexa_type(name: str) -> str:
    if name not in ALEXA_TYPES:
        raise ModelError(f"slot type {name!r} has no Alexa name in skill/alexa/interaction_model.py ALEXA_TYPES")
    return ALEXA_TYPES[name]


def model_for(cat: Catalogue) -> dict:
    """One locale's interaction model (the JSON the ASK CLI deploys) from its catalogue."""
    intents = []
    for intent in cat.intents.values():
        entry: dict = {"name": _alexa_intent(intent.name)}
        if intent.slots:
            entry["slots"] = [{"name": slot, "type": _alexa_type(t)} for slot, t in intent.slots.items()]
        entry["samples"] = list(intent.samples)
        intents.append(entry)
    types = [{"name": _alexa_type(t.name),
              "values": [{"id": v.id, "name": {"value": v.name, "synonyms": list(v.synonyms)}} for v in t.values]}
             for t in cat.types.values() if not t.builtin]
    types.sort(key=lambda t: t["name"])
    return {"interactionModel": {"languageModel": {"invocationName": cat.invocation, "intents": intents,
                                                   "types": types}}}


def build_models(catalogue_dir: Path = REPO_ROOT / CATALOGUE_SUBDIR,
                 scripts_dir: Path = REPO_ROOT / SCRIPTS_SUBDIR) -> dict[str, dict]:
    """Per-locale interaction models, one per catalogue locale file."""
    return {loc: model_for(catalogue.load(loc, Path(catalogue_dir), Path(scripts_dir)))
            for loc in catalogue.locales(Path(catalogue_dir))}


def _render(model: dict) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def _paths(repo_root: Path) -> tuple[Path, Path, Path]:
    repo_root = Path(repo_root)
    return repo_root / CATALOGUE_SUBDIR, repo_root / SCRIPTS_SUBDIR, repo_root / "interaction_models" / CUSTOM_SUBDIR


# What a bad source raises while the models are built (the message names the file).
SOURCE_ERRORS = (ModelError, CatalogueError, ContentError, OSError, json.JSONDecodeError)


def check_content(repo_root: Path = REPO_ROOT) -> list[str]:
    """Load the exercises as the skill does (raising ContentError, naming file, step and field), then build the
    models; returns the warnings that make a model undeployable without being drift."""
    source, scripts, _ = _paths(repo_root)
    load_catalog(scripts)  # the model is only built from content the skill accepts
    return warnings_for(build_models(source, scripts))


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
    """Drift messages: each committed locale file must equal a fresh build, byte for byte;
    and no text may belong to two intents."""
    source, scripts, out_dir = _paths(repo_root)
    models = build_models(source, scripts)
    drift = [c for loc in models for c in catalogue.load(loc, source, scripts).collisions()]
    for locale, model in models.items():
        path = out_dir / f"{locale}.json"
        if not path.exists():
            drift.append(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != _render(model):
            drift.append(f"{path}: differs from the catalogue; run `python -m skill model build`")
    for path in sorted(out_dir.glob("*.json")) if out_dir.exists() else []:
        if path.stem not in models:
            drift.append(f"{path}: locale not in the catalogue")
    return drift


def load_model(locale: str = "en-US") -> dict:
    """The committed interaction model of one locale."""
    path = MODELS_DIR / CUSTOM_SUBDIR / f"{locale}.json"
    return json.loads(path.read_text(encoding="utf-8"))
