"""A stand-in language for tests, until the writers' files land: a copy of the skill's content with a folder per
language whose every text is the English one after a marker word ("Hola." / "Hallo." / "Bonjour."), an ending that
says so in the language, and lines that name their country ("Línea ES."). It follows the file contract exactly
(docs/writing-content.md, "Languages"), so the loader, the engine and the checks run on it as on the real files.

    content = pseudo_content(tmp_path, ("es", "de"))   # a content folder: the English plus es/ and de/
"""
from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

from skill.core.checks import step_texts
from skill.core.content import SCRIPTS_DIR, load_catalog
from skill.core.languages import LANGUAGES
from skill.core.overlay import BREATH  # noqa: F401  (tests use it to edit breaths)

MARK = {"es": "Hola.", "de": "Hallo.", "fr": "Bonjour."}
ENDING = {"es": "Fin.", "de": "Ende.", "fr": "Fin."}
REAL = tuple(code for code in LANGUAGES if (SCRIPTS_DIR / code).is_dir())  # the writers' languages present


def line(code: str, table: str, country: str) -> str:
    """The stand-in sentence of a line table for a country: it names both, so a test can tell which was said."""
    return f"{MARK[code]} {table} {country}."


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def _write(path: Path, tables: dict[str, dict[str, object]], top: dict[str, object] | None = None) -> None:
    out = [f"{k} = {_q(v) if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}" for k, v in (top or {}).items()]
    for name, table in tables.items():
        out.append(f"\n[{name}]")
        for key, value in table.items():
            rendered = _q(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            out.append(f"{json.dumps(key)} = {rendered}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def write_language(content: Path, code: str) -> None:
    """Write the stand-in ``code`` folder under ``content`` (a content folder with the English files)."""
    english = load_catalog(content)
    lang, mark = LANGUAGES[code], MARK[code]
    folder = content / code
    said = lambda text: f"{mark} {text}"  # noqa: E731
    for exercise in english.exercises.values():
        tables: dict[str, dict[str, object]] = {}
        for i, step in enumerate(exercise.steps):
            texts = {name: said(text) for name, text in step_texts(step).items()}
            if step.end:
                texts["say"] += f" {ENDING[code]}"
            if i == 0 and exercise.partnered:
                colours = ", ".join(lang.colours)
                texts = {k: f"{v} {colours}." if k in step.variants() else v for k, v in texts.items()}
            tables[f"steps.{step.id}"] = {"title": f"{mark} {step.title}"[:40], **texts}
        for name, variants in exercise.alternates.items():
            tables[f"alternates.{name}"] = {"variants": [said(v) for v in variants]}
        for name, spec in exercise.settings.items():
            if name not in english.shared:
                tables[f"settings.{name}"] = {"said": said(spec.said), "range": said(spec.range)}
        _write(folder / f"{exercise.id}.toml", tables,
               {"title": f"{exercise.title} {code}", "synonyms": [f"{s} {code}" for s in exercise.synonyms]})
    p = english.phrases
    tables = {"phrases": {k: said(v) for k, v in p.text.items()}, "today": {k: said(v) for k, v in p.today.items()},
              "reask": {k: said(v) for k, v in p.reask.items()}}
    for table in ("crisis_lines", "emergency_lines", "domestic_abuse_lines"):
        countries = (*lang.countries, "default")
        tables[table] = {c: line(code, table, c) for c in countries}
        tables[table[:-1] + "_sources"] = {c: f"the {table} of {c}: https://example.org/{c}" for c in lang.countries}
    _write(folder / "common" / "phrases.toml", tables)
    _write(folder / "common" / "settings.toml",
           {f"settings.{n}": {"said": said(s.said), "range": said(s.range)} for n, s in english.shared.items()})
    ovos = tomllib.loads((content / "common" / "platform_openvoiceos.toml").read_text(encoding="utf-8"))["phrases"]
    _write(folder / "common" / "platform_openvoiceos.toml", {"phrases": {k: said(v) for k, v in ovos.items()}})


# ---- the real languages: what their content tells a person to say --------------------------------------------

# A language's verb of saying, as its content tells the person what to say: "di: siguiente", "puedes decir: para",
# "sagt einfach: weiter", "immer stopp sagen", "dites suivant", "vous pouvez dire : j'ai besoin d'aide".
SAYING = {"es": r"\b(?:di|dile|decir|digan|diga|dime)\b", "de": r"\b(?:sag|sagt|sagen|sage)\b",
          "fr": r"\b(?:dites|dire|dis)\b"}
# What a person in distress says in their own words (no content tells them; the understanding must hear it).
DISTRESS = {"es": "no estoy bien", "de": "mir geht es nicht gut", "fr": "je ne vais pas bien"}


def told(text: str, code: str) -> list[str]:
    """The words ``text`` (speech as plain words, or content markup) tells the person to say, in language ``code``,
    likeliest first: in each sentence with the language's verb of saying, each clause after the verb, then each
    before it (German: "stopp sagen"), and each clause of a question (its answers: "¿verde, amarillo o rojo?");
    each clause whole, then its shorter runs of words. The wake word is
    dropped ("di: Alexa, siguiente" tells "siguiente")."""
    text = re.sub(r"\[(?:pause|breath) [\d.]+\]|\{wake\}|\bAlexa\b", " ", text)
    out: list[str] = []
    for sentence in re.findall(r"[^.?!¿¡\n]+\??", text):
        verb = re.search(SAYING[code], sentence, re.IGNORECASE)
        if sentence.endswith("?") and not verb:  # a question offers its answers: "¿verde, amarillo o rojo?"
            verb = re.match("", sentence)
        if not verb:
            continue
        clauses = re.split(r"[,;:?]", sentence[verb.end():]) + re.split(r"[,;:]", sentence[:verb.start()])[::-1]
        for clause in clauses:
            words = clause.split()[:8]
            for n in range(len(words), 0, -1):
                out.extend(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))
    return list(dict.fromkeys(out))


def words_of(text: str) -> str:
    """Plain lower-case words, markup, placeholders and punctuation dropped, for finding content text in speech."""
    text = re.sub(r"\[(?:pause|breath) [\d.]+\]|\{\w+\}|[^\w' ]", " ", text.replace("\u2019", "'"))
    return " ".join(text.lower().split())


def opens(step) -> list[str]:
    """The first words of each wording of a step (up to a placeholder): one of them opens what is said there."""
    return [" ".join(words_of(text.split("{")[0]).split()[:4]) for text in step.variants().values()]


_HEARD: dict[tuple[int, str], tuple] = {}


def told_for(texts, code: str, matcher, intent: str, value: str | None = None) -> str | None:
    """The first of the words ``texts`` tell the person to say (``told``) that ``matcher`` (the committed model's,
    tests/support/alexa_nlu.py) hears as ``intent`` with a slot resolved to ``value`` (when given); None if none."""
    for words in (w for text in texts for w in told(text, code)):
        key = (id(matcher), words)
        if key not in _HEARD:  # the same words come back at every step: match them once
            _HEARD[key] = matcher.match_intent(words)
        heard, slots = _HEARD[key]
        if heard == intent and (value is None or any(s.value_id == value for s in slots.values())):
            return words
    return None


def pseudo_content(tmp: Path, codes: tuple[str, ...] = tuple(MARK)) -> Path:
    """A copy of the skill's English content under ``tmp``/content with the stand-in languages ``codes``."""
    content = tmp / "content"
    shutil.copytree(SCRIPTS_DIR, content, ignore=shutil.ignore_patterns(*LANGUAGES))
    for code in codes:
        write_language(content, code)
    return content
