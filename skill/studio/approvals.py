"""Sign-off: a content hash per exercise file, and the approvals (reviewer, date, hash) recorded beside the
content in ``common/approvals.toml`` (inside ``common/`` so the exercise loader, which reads every
``*.toml`` at the top of the content folder, never takes it for an exercise).

The hash is of the file's data, not its bytes: comments and layout may change without voiding a sign-off;
any change to a word, a pause, a step or an answer does. Pure Python, standard library only.
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
HEADER = ("# Sign-off of each exercise: who approved it, when, and the content hash they approved.\n"
          "# Written by the review studio (python -m skill studio); `python -m skill content check` warns when\n"
          "# an exercise's content no longer matches its approved hash.\n")
REVIEWER = re.compile(r"[^\x00-\x1f\x7f]{1,100}")
HASH = re.compile(r"sha256:[0-9a-f]{64}")


class ApprovalError(ValueError):
    """An approval that cannot be recorded: the message says why, for the reviewer."""


def content_hash(path: Path) -> str:
    """"sha256:<hex>" of an exercise file's data (its parsed TOML, canonical JSON); of its bytes when the file
    is not valid TOML. Raises OSError when the file cannot be read."""
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        pass
    return "sha256:" + hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Approval:
    reviewer: str
    date: str  # ISO date, YYYY-MM-DD
    hash: str


def read(content_dir: Path) -> dict[str, Approval]:
    """The approvals recorded in ``content_dir``, by exercise id. Entries of the wrong shape are left out;
    a missing or unreadable file means no approvals."""
    try:
        raw = tomllib.loads((content_dir / APPROVALS).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    out = {}
    for exercise, entry in raw.items():
        if isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("reviewer", "date", "hash")):
            out[exercise] = Approval(str(entry["reviewer"]), str(entry["date"]), str(entry["hash"]))
    return out


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string once control characters are refused (REVIEWER does).
    return json.dumps(text, ensure_ascii=False)


def record(content_dir: Path, exercise: str, reviewer: str, approved_hash: str, today: date) -> Approval:
    """Record that ``reviewer`` approved ``exercise`` at ``approved_hash`` on ``today``; replaces an earlier
    approval of that exercise. Raises ApprovalError for a bad reviewer name or hash, or an unknown exercise
    id shape."""
    reviewer = " ".join(reviewer.split())
    if not REVIEWER.fullmatch(reviewer):
        raise ApprovalError("Give the reviewer's name (up to 100 characters).")
    if not HASH.fullmatch(approved_hash):
        raise ApprovalError("The content hash is not one the studio gave.")
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,59}", exercise):
        raise ApprovalError("Unknown exercise.")
    approvals = read(content_dir)
    approvals[exercise] = Approval(reviewer, today.isoformat(), approved_hash)
    body = "".join(f"\n[{eid}]\nreviewer = {_toml_string(a.reviewer)}\ndate = {_toml_string(a.date)}\n"
                   f"hash = {_toml_string(a.hash)}\n" for eid, a in sorted(approvals.items()))
    path = content_dir / APPROVALS
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(HEADER + body, encoding="utf-8")
    tmp.replace(path)  # whole or not at all
    return approvals[exercise]


def status(approval: Approval | None, current_hash: str) -> str:
    """"approved" (the approved hash is the current one), "changed" (approved, then changed) or
    "unapproved"."""
    if approval is None:
        return "unapproved"
    return "approved" if approval.hash == current_hash else "changed"


def warnings(content_dir: Path) -> list[str]:
    """One line per exercise file whose content changed after its approval, naming the file and the
    reviewer. Exercises never approved are not warned about (``unapproved`` lists them)."""
    approvals = read(content_dir)
    out = []
    for path in sorted(content_dir.glob("*.toml")):
        approval = approvals.get(path.stem)
        if approval and status(approval, content_hash(path)) == "changed":
            out.append(f"{path.name}: changed since {approval.reviewer} approved it on {approval.date}; "
                       "review it again in the studio (python -m skill studio)")
    return out


def unapproved(content_dir: Path) -> list[str]:
    """The exercise file names with no approval recorded."""
    approvals = read(content_dir)
    return [p.name for p in sorted(content_dir.glob("*.toml")) if p.stem not in approvals]
