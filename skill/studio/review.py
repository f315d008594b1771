"""Reviewing words over time: the shared phrases by situation, the approved text kept beside the approvals
(so a change shows as a word-level difference), and reviewers' comments on a step or a phrase.

Everything is plain text in the content folder, for git to diff and for people to read:
``common/approved/<id>.toml`` is the text as it was last approved (one table per step or phrase table),
``common/comments/<id>.jsonl`` holds comments, one JSON object a line, oldest first. ``<id>`` is an exercise
id or ``shared-phrases``. A language's version keeps its own beside English's, in a folder named by its code:
``common/approved/fr/<id>.toml``, ``common/comments/fr/<id>.jsonl``. Pure Python, standard library only.
"""
from __future__ import annotations

import difflib
import json
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from .approvals import ENGLISH, LANG, PHRASES_ID, canonical_hash, clean_comment, clean_reviewer
from .approvals import ApprovalError as ReviewError  # noqa: F401  (one kind of refusal, for the reviewer)

# The shared files whose words are spoken (or shown), in the order the page lists them.
SHARED_FILES = ("phrases.toml", "settings.toml", "platform_openvoiceos.toml")
APPROVED_DIR = Path("common") / "approved"
COMMENTS_DIR = Path("common") / "comments"
EXERCISE = "(exercise)"  # the section of an exercise's own fields (title, synonyms, ...)
ID = re.compile(r"[a-z][a-z0-9_]{0,59}|" + re.escape(PHRASES_ID))
MAX_COMMENTS = 2000  # a guard on one file's size; a review never comes near it

# Situations, in the order the page shows them: (title, what the phrases are for, rules). A rule matches a
# "section.field" key by prefix; the first group with a matching rule wins; the rest fall in "Everything else".
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Welcome and the menu", "Opening the skill, choosing an exercise, picking one up again.",
     ("phrases.welcome", "phrases.resume_offer", "phrases.fresh_start", "phrases.menu", "phrases.unknown_exercise",
      "phrases.not_in_exercise", "phrases.nothing_to_resume", "phrases.which_one", "phrases.stay_with_base",
      "reask.resume", "reask.gate_base")),
    ("Crisis lines, distress and safety", "Said when someone is in distress, unsafe, or gives a high number.",
     ("crisis_lines.", "emergency_lines.", "domestic_abuse_lines.", "crisis_line_sources.",
      "emergency_line_sources.", "domestic_abuse_line_sources.", "phrases.triggered", "phrases.distress_",
      "phrases.unsafe_", "phrases.unsure", "phrases.high_before", "phrases.go_on_gently", "reask.unsure",
      "reask.high_before")),
    ("The colours: green, yellow, red", "The check-in question and the answers to each colour.",
     ("phrases.checkin_question", "phrases.green_", "phrases.yellow_", "phrases.red_", "phrases.return_",
      "phrases.repeat_gently", "phrases.stopped", "reask.red_grounding", "reask.yellow_", "reask.return")),
    ("Quiet stretches (holds)", "Around a timed hold: the sound, the chime, its length.",
     ("phrases.hold_", "phrases.playback_failed", "phrases.no_length_here", "settings.", "reask.retry_step")),
    ("Stopping, pausing and saying no", "When someone stops, pauses, or would rather not go on.",
     ("phrases.paused", "phrases.cancelled", "phrases.no_heard", "phrases.yes_heard", "phrases.not_ready",
      "phrases.first_step")),
    ("Partners' readiness and numbers", "Asking each partner if they feel ready; the optional 0-10 rating.",
     ("phrases.ready_", "phrases.rating_", "reask.ready_")),
    ("Help and talking less", "What help says, and asking for shorter or fuller guidance.",
     ("phrases.help_general", "phrases.less_talking", "phrases.more_talking")),
    ("Privacy and your data", "What is kept, deleting it, whose voice may go on, and pairing codes.",
     ("phrases.delete_confirm", "phrases.deleted", "phrases.not_deleted", "phrases.what_we_keep",
      "phrases.only_my_voice", "phrases.any_voice", "phrases.progress_not_yours", "reask.delete",
      "phrases.pairing_")),
    ("Reminders and progress", "Practice reminders and what has been finished.",
     ("phrases.reminder", "phrases.progress_", "reask.reminder_set")),
    ("Errors and not understood", "When the skill cannot do something, or did not catch what was said.",
     ("phrases.fallback", "phrases.answer_unclear", "phrases.lost_", "phrases.voice_", "phrases.loop_declined",
      "phrases.shuffle_declined", "phrases.not_sure", "phrases.default_reprompt", "reask.")),
    ("On a screen (shown, never spoken)", "Words an Echo Show shows: titles and buttons.",
     ("phrases.screen_", "phrases.button_")),
    ("The time of day", "The orientation sentence, by part of the day ({today}).", ("today.",)),
    ("On OpenVoiceOS", "Said instead of the phrase of the same name on an OpenVoiceOS device.", ("openvoiceos.",)),
    ("Pacing", "How fast the voice speaks and how long pauses last (numbers, not words).", ("pacing.",)),
)
OTHER = ("Everything else", "Shared phrases no situation above names.")
NOT_SPOKEN = ("_sources.", "phrases.screen_", "phrases.button_", "pacing.")


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def folder(content_dir: Path, lang: str = ENGLISH) -> Path:
    """Where ``lang``'s content is: the content folder for English, ``<content>/<lang>`` for another language.
    Raises ReviewError for a code that is not two letters."""
    if not LANG.fullmatch(lang):
        raise ReviewError("Unknown language.")
    return Path(content_dir) if lang == ENGLISH else Path(content_dir) / lang


def _record_path(content_dir: Path, where: Path, rid: str, lang: str, suffix: str) -> Path:
    folder(content_dir, lang)  # checks the code
    return Path(content_dir) / where / ("" if lang == ENGLISH else lang) / f"{rid}{suffix}"


def shared_texts(content_dir: Path, lang: str = ENGLISH) -> dict[tuple[str, str], str]:
    """The shared files' words in ``lang`` as {(section, field): text}. Sections are table paths ("phrases",
    "crisis_lines", "settings.quiet_minutes"); OpenVoiceOS's own phrases are section "openvoiceos". Numbers
    become text."""
    out: dict[tuple[str, str], str] = {}

    def walk(table: dict[str, Any], section: str) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(value, f"{section}.{key}" if section else key)
            elif section:
                out[(section, key)] = _text(value)

    for name in SHARED_FILES:
        data = _toml(folder(content_dir, lang) / "common" / name)
        if name == "platform_openvoiceos.toml":
            data = {"openvoiceos": data.get("phrases", {})}
        walk(data, "")
    return out


def shared_hash(content_dir: Path, lang: str = ENGLISH) -> str:
    """The content hash of the shared phrases in ``lang`` (every file of SHARED_FILES in that language's
    ``common/``, as data: comments may change)."""
    return canonical_hash({name: _toml(folder(content_dir, lang) / "common" / name) for name in SHARED_FILES})


def exercise_texts(path: Path) -> dict[tuple[str, str], str]:
    """An exercise file's words as {(step id, field): text}, its own fields under EXERCISE. Read as plain TOML,
    so a file the loader refuses still compares. Non-text fields (answers, holds) become JSON text. A
    language's file keys its steps by id (``[steps.arrive]``) where English lists them (``[[steps]]``)."""
    data = _toml(path)
    out = {(EXERCISE, k): _text(v) for k, v in data.items() if k not in ("steps", "id")}
    steps = data.get("steps")
    if isinstance(steps, dict):
        steps = [{**step, "id": sid} for sid, step in steps.items() if isinstance(step, dict)]
    for step in steps if isinstance(steps, list) else []:
        if isinstance(step, dict) and isinstance(step.get("id"), str):
            out.update({(step["id"], k): _text(v) for k, v in step.items() if k != "id"})
    return out


def group_of(section: str, field: str) -> tuple[str, str]:
    """(title, description) of the situation a shared phrase is said in."""
    key = f"{section}.{field}"
    for title, about, rules in GROUPS:
        if any(key.startswith(r) for r in rules):
            return title, about
    return OTHER


def spoken(section: str, field: str, text: str = "") -> bool:
    """False for what is shown or cited but never said (sources, screen words, numbers such as pacing and
    the limits of a length setting)."""
    key = f"{section}.{field}"
    if re.fullmatch(r"-?[\d.]+|true|false", text):
        return False
    return not any(n in key if n.startswith("_") else key.startswith(n) for n in NOT_SPOKEN)


# ---- the approved text ---------------------------------------------------------------------------------------

def _toml_value(text: str) -> str:
    # A multi-line literal string keeps the text as written (its first newline is not part of it).
    if "\n" in text and "'''" not in text and not text.endswith("'") \
            and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text):
        return "'''\n" + text + "'''"
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def write_approved(content_dir: Path, rid: str, texts: dict[tuple[str, str], str], heading: str,
                   lang: str = ENGLISH) -> Path:
    """Keep ``texts`` as the approved text of ``rid`` (exercise id or PHRASES_ID) in ``lang``, replacing the
    last one: one TOML table per section, in the order given. ``heading`` becomes the first comment line."""
    if not ID.fullmatch(rid):
        raise ReviewError("Unknown exercise.")
    sections: dict[str, list[tuple[str, str]]] = {}
    for (section, field), text in texts.items():
        sections.setdefault(section, []).append((field, text))
    body = [f"# {' '.join(heading.split())}",
            "# The text as approved in the review studio, kept so that later changes show word by word. Written by",
            "# the studio; do not edit. `git diff` of this file shows what changed between two approvals.", ""]
    for section, fields in sections.items():
        body.append(f"[{json.dumps(section, ensure_ascii=False)}]")
        body += [f"{json.dumps(f, ensure_ascii=False)} = {_toml_value(t)}" for f, t in fields]
        body.append("")
    path = _record_path(content_dir, APPROVED_DIR, rid, lang, ".toml")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(body), encoding="utf-8")
    tmp.replace(path)
    return path


def read_approved(content_dir: Path, rid: str, lang: str = ENGLISH) -> dict[tuple[str, str], str] | None:
    """The approved text of ``rid`` in ``lang`` as {(section, field): text}; None when none is kept."""
    if not (ID.fullmatch(rid) and LANG.fullmatch(lang)):
        return None
    path = _record_path(content_dir, APPROVED_DIR, rid, lang, ".toml")
    if not path.exists():
        return None
    data = _toml(path)
    return {(s, f): t for s, fields in data.items() if isinstance(fields, dict)
            for f, t in fields.items() if isinstance(t, str)}


# ---- differences ---------------------------------------------------------------------------------------------

def word_diff(before: str, after: str) -> list[list[str]]:
    """The words of ``before`` and ``after`` as [op, text] runs: op "=" (kept), "-" (gone) or "+" (new)."""
    a, b = before.split(), after.split()
    out: list[list[str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(["=", " ".join(a[i1:i2])])
            continue
        if i2 > i1:
            out.append(["-", " ".join(a[i1:i2])])
        if j2 > j1:
            out.append(["+", " ".join(b[j1:j2])])
    return out


def changes(approved: dict[tuple[str, str], str] | None,
            current: dict[tuple[str, str], str]) -> dict[str, list[dict[str, Any]]]:
    """What changed since the approved text, by section: [{field, change: "changed" | "added" | "removed",
    words: word_diff}]. Sections without a change are left out; no approved text means no changes to show."""
    if approved is None:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for key in list(approved) + [k for k in current if k not in approved]:
        before, after = approved.get(key), current.get(key)
        if before == after or (before is not None and after is not None and before.split() == after.split()):
            continue
        change = "added" if before is None else "removed" if after is None else "changed"
        out.setdefault(key[0], []).append({"field": key[1], "change": change,
                                           "words": word_diff(before or "", after or "")})
    return out


# ---- comments ------------------------------------------------------------------------------------------------

def comments(content_dir: Path, rid: str, lang: str = ENGLISH) -> list[dict[str, str]]:
    """The comments on ``rid``'s version in ``lang``, oldest first: [{step, reviewer, date, text}]. Lines of
    the wrong shape are left out; no file means no comments."""
    if not (ID.fullmatch(rid) and LANG.fullmatch(lang)):
        return []
    try:
        path = _record_path(content_dir, COMMENTS_DIR, rid, lang, ".jsonl")
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    out = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("step", "reviewer", "date", "text")):
            out.append({k: entry[k] for k in ("step", "reviewer", "date", "text")})
    return out


def add_comment(content_dir: Path, rid: str, step: str, reviewer: str, text: str, today: date,
                lang: str = ENGLISH) -> dict[str, str]:
    """Append a comment by ``reviewer`` on ``step`` of ``rid``'s version in ``lang`` (a step id, or a phrase's
    "section.field"). Raises ReviewError for a bad name, an empty or overlong comment, or an unknown id or
    language."""
    if not ID.fullmatch(rid):
        raise ReviewError("Unknown exercise.")
    reviewer, text = clean_reviewer(reviewer), clean_comment(text, required=True)
    if not re.fullmatch(r"[A-Za-z0-9_.() -]{1,120}", step):
        raise ReviewError("Unknown step.")
    path = _record_path(content_dir, COMMENTS_DIR, rid, lang, ".jsonl")
    if len(comments(content_dir, rid, lang)) >= MAX_COMMENTS:
        raise ReviewError("This exercise has too many comments to add more; tidy its comments file first.")
    entry = {"step": step, "reviewer": reviewer, "date": today.isoformat(), "text": text}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return entry
