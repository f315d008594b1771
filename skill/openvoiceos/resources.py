"""The OVOS intent and entity files, generated from the intent catalogue (skill/intents/catalogue.json), the
same source as the Alexa interaction model.

Pure Python (no OVOS import), so `python -m skill model build|check` can run without the `ovos` extra.

Per OVOS language folder (`locale/en-us/`, ...), one file per intent and slot:

- `<intent>.intent`: every sample of that intent (lower case, `{slot}` kept), for the skill's own matcher, which
  runs while a Safe Harbor conversation or hold is on (OVOS `converse`). Every phrasing Alexa is given is here.
- `<intent>.anywhere.intent`: the samples registered with the device's intent pipeline (Padatious / Padacioso), for
  the few intents that start something from nowhere (open, start an exercise, ground me). Samples that are only a
  slot ("{exercise} please") are left out there: on a shared device they would catch other skills' requests.
- `<slot>.entity`: the spoken names of a custom slot type's values; `slots.json`: spoken name -> value id.

The reader of the catalogue is `load_source`; if the catalogue's shape changes (issue 12), only it changes. Built-in Alexa intents carry few samples in the source (Amazon trains them); `BUILTIN_SAMPLES` stands in.
"""
from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCE_SUBDIR = Path("skill") / "intents" / "catalogue.json"  # the platform-neutral intent catalogue
SOURCE_PATH = REPO_ROOT / SOURCE_SUBDIR
SCRIPTS_DIR = REPO_ROOT / "skill" / "audio_scripts"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SLOTS_FILE = "slots.json"

# Intent name (Alexa's) -> the file stem used on OVOS.
LAUNCH = "launch"
ANYWHERE = ("launch", "start_exercise", "ground_me")  # registered with the device's pipeline
# Everyday phrasings of Alexa's built-in intents (Amazon's own training is not available to us).
BUILTIN_SAMPLES: dict[str, tuple[str, ...]] = {
    "AMAZON.YesIntent": ("yes", "yeah", "yep", "sure", "okay", "ok", "yes please"),
    "AMAZON.NoIntent": ("no", "nope", "no thanks", "not now", "no thank you"),
    "AMAZON.NextIntent": ("next", "next step", "skip", "skip ahead", "go forward"),
    "AMAZON.PreviousIntent": ("previous", "back", "previous step", "last step"),
    "AMAZON.RepeatIntent": ("repeat", "repeat that", "say that again", "again", "what did you say"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again", "begin again", "from the top"),
    "AMAZON.PauseIntent": ("pause", "hold on", "wait", "pause please"),
    "AMAZON.ResumeIntent": ("resume", "continue", "keep going", "unpause", "carry on"),
    "AMAZON.HelpIntent": ("help", "what can i say", "what can i do", "i need help"),
    "AMAZON.StopIntent": ("stop", "stop please", "please stop", "that's enough"),
    "AMAZON.CancelIntent": ("cancel", "never mind", "nevermind", "forget it"),
    "AMAZON.NavigateHomeIntent": ("go home",),
    "AMAZON.LoopOnIntent": ("loop on", "turn on loop"),
    "AMAZON.LoopOffIntent": ("loop off", "turn off loop"),
    "AMAZON.ShuffleOnIntent": ("shuffle on", "turn on shuffle"),
    "AMAZON.ShuffleOffIntent": ("shuffle off", "turn off shuffle"),
    "AMAZON.FallbackIntent": (),
}
LAUNCH_SAMPLES = ("open {name}", "start {name}", "launch {name}", "talk to {name}", "{name}")


class ResourceError(ValueError):
    """The source cannot make valid OVOS files."""


def stem(intent_name: str) -> str:
    """ "AMAZON.NextIntent" -> "next", "StartExerciseIntent" -> "start_exercise"."""
    name = intent_name.removeprefix("AMAZON.").removesuffix("Intent")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def ovos_lang(locale: str) -> str:
    """ "en-US" -> "en-us" (OVOS's folder names)."""
    return locale.lower()


def _clean(sample: str) -> str:
    return " ".join(sample.lower().replace("\u2019", "'").split())


def _only_slots(sample: str) -> bool:
    """True when a sample's words, beyond its slots, are at most fillers ("{exercise} please")."""
    words = re.sub(r"\{[a-z_]+\}", " ", sample).split()
    return all(w in ("please", "the", "a", "exercise") for w in words)


def load_source(source_path: Path = SOURCE_PATH, scripts_dir: Path = SCRIPTS_DIR) -> dict:
    """The parts of the intent source the OVOS files need: {"name", "locales", "intents": {stem: {locale:
    [samples]}}, "slots": {slot name: {spoken: value id}}, "slot_types": {slot name: type}}."""
    source = json.loads(Path(source_path).read_text(encoding="utf-8"))
    types = {t["name"]: t for t in source.get("types", [])}
    exercises: list[dict] = []
    for path in sorted(Path(scripts_dir).glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        exercises.append({"id": data["id"], "name": data["title"], "synonyms": data.get("synonyms", [])})
    slots: dict[str, dict[str, str]] = {}
    slot_types: dict[str, str] = {}
    intents: dict[str, dict[str, list[str]]] = {}
    extra = source.get("locale_samples", {})
    for intent in source["intents"]:
        for slot in intent.get("slots", []):
            slot_types[slot["name"]] = slot["type"]
            kind = types.get(slot["type"])
            if kind is None:
                continue  # a built-in type (AMAZON.NUMBER): the adapter reads the number itself
            values = exercises if kind.get("values_from") == "audio_scripts" else kind["values"]
            table = slots.setdefault(slot["name"], {})
            for value in values:
                for spoken in [value["name"], *value.get("synonyms", [])]:
                    table.setdefault(_clean(spoken), value["id"])
        per_locale = {}
        for locale in source["locales"]:
            samples = [*intent.get("samples", []), *extra.get(locale, {}).get(intent["name"], []),
                       *BUILTIN_SAMPLES.get(intent["name"], ())]
            per_locale[locale] = list(dict.fromkeys(_clean(s) for s in samples))
        if intent["name"].startswith("AMAZON.") and intent["name"] not in BUILTIN_SAMPLES:
            raise ResourceError(f"no OVOS phrasings for the built-in intent {intent['name']}")
        intents[stem(intent["name"])] = per_locale
    name = _clean(source["invocationName"])
    intents[LAUNCH] = {loc: [s.format(name=name) for s in LAUNCH_SAMPLES] for loc in source["locales"]}
    return {"name": name, "locales": source["locales"], "intents": intents, "slots": slots, "slot_types": slot_types}


def build_files(source_path: Path = SOURCE_PATH, scripts_dir: Path = SCRIPTS_DIR) -> dict[str, str]:
    """Every generated file: path relative to `locale/` -> its text."""
    src = load_source(source_path, scripts_dir)
    files: dict[str, str] = {}
    for locale in src["locales"]:
        lang = ovos_lang(locale)
        for name, per_locale in sorted(src["intents"].items()):
            samples = per_locale[locale]
            if not samples:
                continue  # the fallback intent: whatever nothing else matched
            files[f"{lang}/{name}.intent"] = "\n".join(samples) + "\n"
            if name in ANYWHERE:
                anywhere = [s for s in samples if not _only_slots(s)]
                files[f"{lang}/{name}.anywhere.intent"] = "\n".join(anywhere) + "\n"
        for slot, table in sorted(src["slots"].items()):
            files[f"{lang}/{slot}.entity"] = "\n".join(sorted(table)) + "\n"
        files[f"{lang}/{SLOTS_FILE}"] = json.dumps({"slots": src["slots"], "slot_types": src["slot_types"]},
                                                  indent=1, sort_keys=True) + "\n"
    return files


def _paths(repo_root: Path | None) -> tuple[Path, Path, Path]:
    """(intent source, exercise scripts, locale folder) of a repository checkout (default: this one)."""
    if repo_root is None:
        return SOURCE_PATH, SCRIPTS_DIR, LOCALE_DIR
    root = Path(repo_root)
    return (root / SOURCE_SUBDIR, root / "skill" / "audio_scripts",
            root / "skill" / "openvoiceos" / "locale")


def write_files(repo_root: Path | None = None) -> list[Path]:
    """Write the generated files under the repository's skill/openvoiceos/locale/ (and remove stale ones);
    returns the paths written."""
    source, scripts, locale_dir = _paths(repo_root)
    files = build_files(source, scripts)
    written = []
    for rel, text in files.items():
        path = Path(locale_dir) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for path in sorted(Path(locale_dir).glob("*/*")):
        if path.relative_to(locale_dir).as_posix() not in files:
            path.unlink()
    return written


def check_files(repo_root: Path | None = None) -> list[str]:
    """Drift messages: each committed file must equal a fresh build, and no other file may be there."""
    source, scripts, locale_dir = _paths(repo_root)
    files = build_files(source, scripts)
    drift = []
    for rel, text in files.items():
        path = Path(locale_dir) / rel
        if not path.exists():
            drift.append(f"{path}: missing; run `python -m skill model build`")
        elif path.read_text(encoding="utf-8") != text:
            drift.append(f"{path}: differs from the source; run `python -m skill model build`")
    for path in sorted(Path(locale_dir).glob("*/*")) if Path(locale_dir).exists() else []:
        if path.relative_to(locale_dir).as_posix() not in files:
            drift.append(f"{path}: not generated from the source; run `python -m skill model build`")
    return drift


def main(argv: list[str], repo_root: Path | None = None) -> int:
    """`python -m skill model build|check`, the OVOS half: 0 when built or current, 1 on drift or a bad source."""
    try:
        if argv == ["build"]:
            written = write_files(repo_root)
            print(f"wrote {len(written)} OVOS intent and entity files under skill/openvoiceos/locale")
            return 0
        drift = check_files(repo_root)
    except (ResourceError, KeyError, OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        print(f"error: OVOS intent files: {exc}", file=sys.stderr)
        return 1
    for line in drift:
        print(line)
    return 1 if drift else 0
