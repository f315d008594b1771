"""Sign-off: a content hash per exercise file (and one for the shared phrases), and every approval (reviewer,
date, hash, the shared phrases' hash it was reviewed with, a comment) recorded beside the content in
``common/approvals.toml``, oldest first, as a history (inside ``common/`` so the exercise loader, which reads
every ``*.toml`` at the top of the content folder, never takes it for an exercise).

The hash is of the file's data, not its bytes: comments and layout may change without voiding a sign-off;
any change to a word, a pause, a step or an answer does. Pure Python, standard library only.

Each language's version is signed off on its own (docs/studio.md, "Languages"): an entry with ``lang = "fr"``
under ``[[grounding]]`` approves the French file ``fr/grounding.toml`` (under ``[[shared-phrases]]``, French's
shared phrases). An entry without ``lang`` is English's, so files written before languages read as they did.
In memory a language's history is keyed ``"<lang>/<id>"`` (``key``); English's stays ``"<id>"``.
"""
from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

APPROVALS = Path("common") / "approvals.toml"
HEADER = ("# Sign-off of each exercise and of the shared phrases: every approval, oldest first: who, when, the\n"
          "# content hash approved, the shared phrases' hash an exercise was reviewed with, and a comment.\n"
          "# Written by the review studio (python -m skill studio); `python -m skill content check` warns when\n"
          "# the content no longer matches its last approved hash.\n")
PHRASES_ID = "shared-phrases"  # the shared phrases' entry; never an exercise id (those have no hyphen)
COMMENT = re.compile(r"[^\x00-\x09\x0b-\x1f\x7f]{0,2000}")
REVIEWER = re.compile(r"[^\x00-\x1f\x7f]{1,100}")
HASH = re.compile(r"sha256:[0-9a-f]{64}")
ENGLISH = "en"
LANG = re.compile(r"[a-z]{2}")  # a language folder's code (skill.core.languages names the ones spoken)


def key(rid: str, lang: str = ENGLISH) -> str:
    """The record key of ``rid`` (an exercise id or PHRASES_ID) in ``lang``: ``rid`` for English, "fr/<rid>"
    for French."""
    return rid if lang == ENGLISH else f"{lang}/{rid}"


def split_key(record_key: str) -> tuple[str, str]:
    """(rid, lang) of a record key: "fr/grounding" -> ("grounding", "fr"); "grounding" -> ("grounding", "en")."""
    lang, _, rid = record_key.rpartition("/")
    return rid, lang or ENGLISH


class ApprovalError(ValueError):
    """An approval that cannot be recorded: the message says why, for the reviewer."""


def canonical_hash(data: object) -> str:
    """"sha256:<hex>" of ``data`` as canonical JSON (sorted keys, no spaces)."""
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def content_hash(path: Path) -> str:
    """"sha256:<hex>" of an exercise file's data (its parsed TOML, canonical JSON); of its bytes when the file
    is not valid TOML. Raises OSError when the file cannot be read."""
    raw = path.read_bytes()
    try:
        return canonical_hash(tomllib.loads(raw.decode("utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return "sha256:" + hashlib.sha256(raw).hexdigest()


def clean_reviewer(name: str) -> str:
    """A reviewer's name with its spaces tidied. Raises ApprovalError when empty, too long or with control
    characters."""
    name = " ".join(name.split())
    if not REVIEWER.fullmatch(name):
        raise ApprovalError("Give the reviewer's name (up to 100 characters).")
    return name


def clean_comment(text: str, required: bool = False) -> str:
    """A comment with each line's spaces tidied. Raises ApprovalError when over 2000 characters, with control
    characters other than a newline, or (``required``) empty."""
    text = "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()
    if not COMMENT.fullmatch(text) or (required and not text):
        raise ApprovalError("Write a comment (up to 2000 characters)." if required
                            else "A comment is up to 2000 characters.")
    return text


@dataclass(frozen=True)
class Approval:
    reviewer: str
    date: str  # ISO date, YYYY-MM-DD
    hash: str
    phrases: str = ""  # an exercise's: the shared phrases' hash it was reviewed with ("" before it was kept)
    comment: str = ""
    lang: str = ENGLISH  # the language of the version approved (written only when not English)


def histories(content_dir: Path) -> dict[str, list[Approval]]:
    """Every approval recorded in ``content_dir``, by record key (``key``: "grounding", "fr/grounding",
    PHRASES_ID, "fr/" + PHRASES_ID), oldest first. Entries of the wrong shape are left out; a missing or
    unreadable file means none. A single table (the earlier format, last approval only) reads as a history of
    one."""
    try:
        raw = tomllib.loads((content_dir / APPROVALS).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    out: dict[str, list[Approval]] = {}
    for rid, entries in raw.items():
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("reviewer", "date", "hash")):
                extra = {k: entry[k] for k in ("phrases", "comment") if isinstance(entry.get(k), str)}
                lang = entry.get("lang", ENGLISH)
                if not (isinstance(lang, str) and LANG.fullmatch(lang)):
                    continue
                out.setdefault(key(rid, lang), []).append(
                    Approval(entry["reviewer"], entry["date"], entry["hash"], **extra, lang=lang))
    return out


def read(content_dir: Path) -> dict[str, Approval]:
    """The last approval of each exercise (and of PHRASES_ID) recorded in ``content_dir``, by record key."""
    return {rid: entries[-1] for rid, entries in histories(content_dir).items()}


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string once control characters are refused (REVIEWER does).
    return json.dumps(text, ensure_ascii=False)


def _entry(rid: str, a: Approval) -> str:
    fields = [("reviewer", a.reviewer), ("date", a.date), ("hash", a.hash)]
    fields += [(k, v) for k, v in (("phrases", a.phrases), ("comment", a.comment)) if v]
    fields += [("lang", a.lang)] if a.lang != ENGLISH else []
    # Ids are bare TOML keys (record checks new ones; others are left out when the file is written).
    return f"\n[[{rid}]]\n" + "".join(f"{k} = {_toml_string(v)}\n" for k, v in fields)


def record(content_dir: Path, exercise: str, reviewer: str, approved_hash: str, today: date,
           phrases_hash: str = "", comment: str = "", lang: str = ENGLISH) -> Approval:
    """Record that ``reviewer`` approved ``exercise`` (or PHRASES_ID) in ``lang`` at ``approved_hash`` on
    ``today``, having reviewed it with the shared phrases (of that language) at ``phrases_hash``, with an
    optional ``comment``; appended to its history. Raises ApprovalError for a bad reviewer name, hash or
    comment, an unknown exercise id shape or a language code that is not two letters."""
    reviewer, comment = clean_reviewer(reviewer), clean_comment(comment)
    if not LANG.fullmatch(lang):
        raise ApprovalError("Unknown language.")
    if not HASH.fullmatch(approved_hash) or (phrases_hash and not HASH.fullmatch(phrases_hash)):
        raise ApprovalError("The content hash is not one the studio gave.")
    if not (re.fullmatch(r"[a-z][a-z0-9_]{0,59}", exercise) or exercise == PHRASES_ID):
        raise ApprovalError("Unknown exercise.")
    approval = Approval(reviewer, today.isoformat(), approved_hash, phrases_hash, comment, lang)
    all_of = histories(content_dir)
    all_of.setdefault(key(exercise, lang), []).append(approval)
    # One id's entries together, English's first, then each language's (a diff shows one language's line).
    order = sorted(all_of, key=lambda k: (split_key(k)[0], split_key(k)[1] != ENGLISH, split_key(k)[1]))
    body = "".join(_entry(split_key(k)[0], a) for k in order for a in all_of[k]
                   if re.fullmatch(r"[A-Za-z0-9_-]+", split_key(k)[0]))
    path = content_dir / APPROVALS
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(HEADER + body, encoding="utf-8")
    tmp.replace(path)  # whole or not at all
    return approval


def status(approval: Approval | None, current_hash: str) -> str:
    """"approved" (the approved hash is the current one), "changed" (approved, then changed) or
    "unapproved"."""
    if approval is None:
        return "unapproved"
    return "approved" if approval.hash == current_hash else "changed"


def language_codes(content_dir: Path) -> list[str]:
    """English, then the code of each language folder present in ``content_dir`` ("de", "es", "fr"), sorted."""
    folders = sorted(p.name for p in Path(content_dir).iterdir() if p.is_dir() and LANG.fullmatch(p.name)) \
        if Path(content_dir).is_dir() else []
    return [ENGLISH, *[c for c in folders if c != ENGLISH]]


def warnings(content_dir: Path, phrases_hash: str | None = None,
             language_phrases: dict[str, str] | None = None) -> list[str]:
    """One line per exercise file whose content changed after its approval, naming the file and the
    reviewer, and one when the shared phrases (hash ``phrases_hash``) changed after theirs; the same for each
    language's files (``fr/grounding.toml``) against that language's own approval, and for its shared phrases
    (``language_phrases``: code -> hash). Anything never approved is not warned about (``unapproved``)."""
    approvals = read(content_dir)
    out = []
    for lang in language_codes(content_dir):
        folder, prefix = (content_dir, "") if lang == ENGLISH else (content_dir / lang, f"{lang}/")
        now = phrases_hash if lang == ENGLISH else (language_phrases or {}).get(lang)
        shared = approvals.get(key(PHRASES_ID, lang))
        if shared and now and status(shared, now) == "changed":
            out.append(f"the shared phrases ({prefix}common/): changed since {shared.reviewer} approved them on "
                       f"{shared.date}; review them again in the studio (python -m skill studio)")
        for path in sorted(folder.glob("*.toml")):
            approval = approvals.get(key(path.stem, lang))
            if approval and status(approval, content_hash(path)) == "changed":
                out.append(f"{prefix}{path.name}: changed since {approval.reviewer} approved it on {approval.date}; "
                           "review it again in the studio (python -m skill studio)")
    return out


def unapproved(content_dir: Path, phrases: bool = False) -> list[str]:
    """The exercise file names with no approval recorded (and, ``phrases``, "the shared phrases" when they
    have none)."""
    approvals = read(content_dir)
    out = [p.name for p in sorted(content_dir.glob("*.toml")) if p.stem not in approvals]
    return out + ["the shared phrases"] if phrases and PHRASES_ID not in approvals else out
