"""The OVOS intent and entity files, generated from the intent catalogue (skill/intents: `locales/*.toml`), the
same source as the Alexa interaction model and the console.

Pure Python (no OVOS import), so `python -m skill model build|check` can run without the `ovos` extra.

Per OVOS language folder (`locale/en-us/`, ...), one file per intent and slot:

- `<intent>.intent`: every sample of that intent (lower case, `{slot}` kept). The skill's understanding layer reads the
  catalogue itself while a Safe Harbor conversation or hold is on (OVOS `converse`); these files are what the
  device's pipeline and OVOS tools see.
- `<intent>.anywhere.intent`: the samples registered with the device's intent pipeline (Padatious / Padacioso), for
  the few intents that work from nowhere (open, start an exercise, ground me, distress). Samples that are only a
  slot ("{exercise} please") are left out there: on a shared device they would catch other skills' requests.
- `<slot>.entity`: the spoken names of a catalogue slot type's values.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
CATALOGUE_SUBDIR = Path("skill") / "intents" / "locales"  # the intent catalogue's data (skill/intents)
SCRIPTS_SUBDIR = Path("skill") / "audio_scripts"

LAUNCH = "launch"
# Registered with the device's pipeline, so they work from nowhere: opening the skill, starting an exercise, and
# the words of someone who needs help now (grounding, distress, at risk).
ANYWHERE = ("launch", "start_exercise", "ground", "distress", "at_risk")


class ResourceError(ValueError):
    """The catalogue cannot make valid OVOS files."""


# What a bad source raises while the files are built (the message names the file or the intent).
SOURCE_ERRORS = (ResourceError, KeyError, OSError, ValueError, tomllib.TOMLDecodeError)


def ovos_lang(locale: str) -> str:
    """ "en-US" -> "en-us" (OVOS's folder names)."""
    return locale.lower()


def _clean(sample: str) -> str:
    return " ".join(sample.lower().replace("\u2019", "'").split())


def _only_slots(sample: str) -> bool:
    """True when a sample's words, beyond its slots, are at most fillers ("{exercise} please")."""
    words = re.sub(r"\{[a-z_]+\}", " ", sample).split()
    return all(w in ("please", "the", "a", "exercise") for w in words)


def launch_samples(invocation: str, language: str = "en") -> list[str]:
    """What opens the skill on a device with no invocation name, in ``language`` (its opening words,
    ``catalogue.LAUNCH_VERBS``; English's for a language without them): "open safe harbor", "abre refugio seguro",
    and the name alone."""
    from ..intents.catalogue import LAUNCH_VERBS

    name = _clean(invocation)
    return [f"{verb} {name}" for verb in LAUNCH_VERBS.get(language, LAUNCH_VERBS["en"])] + [name]


def load_source(catalogue_dir: Path | None = None, scripts_dir: Path | None = None) -> dict:
    """What the OVOS files need from the intent catalogue: {"locales": [...], "intents": {name: {locale:
    [samples]}}, "entities": {locale: {slot name: [spoken names]}}}. Raises ResourceError on a bad catalogue."""
    from ..intents import catalogue as cat

    kwargs = {}
    if catalogue_dir is not None:
        kwargs["directory"] = Path(catalogue_dir)
    if scripts_dir is not None:
        kwargs["scripts_dir"] = Path(scripts_dir)
    locales = cat.locales(kwargs.get("directory", cat.LOCALES_DIR))
    intents: dict[str, dict[str, list[str]]] = {}
    entities: dict[str, dict[str, list[str]]] = {}
    for locale in locales:
        try:
            catalogue = cat.load(locale, **kwargs)
        except (cat.CatalogueError, ValueError) as exc:
            raise ResourceError(str(exc)) from None
        for name, intent in catalogue.intents.items():
            if intent.capture:
                continue  # OVOS hands the skill the words: no catch-all (it would catch every skill's requests)
            intents.setdefault(name, {})[locale] = list(dict.fromkeys(_clean(s) for s in intent.samples))
            for slot, type_name in intent.slots.items():  # (the capture slot is Alexa's alone, skipped above)
                slot_type = catalogue.types[type_name]
                if not slot_type.builtin:
                    names = {_clean(n) for v in slot_type.values for n in v.names}
                    entities.setdefault(locale, {})[slot] = sorted(names)
        intents.setdefault(LAUNCH, {})[locale] = launch_samples(catalogue.invocation, locale.split("-")[0])
    return {"locales": locales, "intents": intents, "entities": entities}


def build_files(catalogue_dir: Path | None = None, scripts_dir: Path | None = None) -> dict[str, str]:
    """Every generated file: path relative to `locale/` -> its text."""
    src = load_source(catalogue_dir, scripts_dir)
    files: dict[str, str] = {}
    for locale in src["locales"]:
        lang = ovos_lang(locale)
        for name, per_locale in sorted(src["intents"].items()):
            samples = per_locale.get(locale) or []
            if not samples:
                continue  # the fallback intent: whatever nothing else matched
            files[f"{lang}/{name}.intent"] = "\n".join(samples) + "\n"
            if name in ANYWHERE:
                anywhere = [s for s in samples if not _only_slots(s)]
                files[f"{lang}/{name}.anywhere.intent"] = "\n".join(anywhere) + "\n"
        for slot, names in sorted(src["entities"].get(locale, {}).items()):
            files[f"{lang}/{slot}.entity"] = "\n".join(names) + "\n"
    return files


def _paths(repo_root: Path | None) -> tuple[Path | None, Path | None, Path]:
    """(catalogue data, exercise scripts, locale folder) of a repository checkout (default: this one)."""
    if repo_root is None:
        return None, None, LOCALE_DIR
    root = Path(repo_root)
    return root / CATALOGUE_SUBDIR, root / SCRIPTS_SUBDIR, root / "skill" / "openvoiceos" / "locale"


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
