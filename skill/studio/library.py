"""What the studio shows, read from the content folder one file at a time and read again when files change.

A file with errors is listed (file, step, field, problem) and left out; every other file is still shown.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import approvals, flow, lines, review, sources
from .durations import BASE_WPM, HoldRange, durations


def hold_range(step: Any) -> HoldRange | None:
    """A step's hold in seconds at its lower limit, default and upper limit; None without a hold."""
    if step.hold is None:
        return None
    if step.hold.setting:
        spec = step.hold.spec
        return HoldRange(spec.low * 60, spec.default * 60, spec.high * 60)
    return HoldRange(step.hold.seconds, step.hold.seconds, step.hold.seconds)


@dataclass
class Snapshot:
    """The content as last read: exercises (id -> Exercise), file names, hashes, errors, the phrases."""

    exercises: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    phrases: Any = None
    pacing: dict[str, Any] | None = None
    version: int = 0


class Library:
    """The content folder, re-read whenever a file in it changes (checked on each call of ``current``)."""

    def __init__(self, content_dir: Path):
        self.dir = Path(content_dir)
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._snapshot = Snapshot()

    def _fingerprint(self) -> tuple:
        paths = sorted(self.dir.glob("*.toml")) + sorted((self.dir / "common").glob("*.toml"))
        out = []
        for p in paths:
            try:
                st = p.stat()
            except OSError:
                continue
            out.append((str(p), st.st_mtime_ns, st.st_size))
        return tuple(out)

    def current(self) -> Snapshot:
        """The content as it is on disk now (read again only when a file changed)."""
        with self._lock:
            stamp = self._fingerprint()
            if stamp != self._stamp:
                self._snapshot = self._load(self._snapshot.version + 1)
                self._stamp = stamp
            return self._snapshot

    def _load(self, version: int) -> Snapshot:
        snap = Snapshot(version=version)
        for path in sorted(self.dir.glob("*.toml")):
            snap.hashes[path.stem] = approvals.content_hash(path)
            try:
                exercise = sources.load_exercise(path)
            except sources.ContentError as exc:
                snap.errors.append(sources.error_parts(exc))
                continue
            snap.exercises[exercise.id] = exercise
            snap.files[exercise.id] = path.name
        for exercise in list(snap.exercises.values()):
            if exercise.gate and exercise.gate.after not in snap.exercises:
                snap.errors.append({"file": snap.files[exercise.id], "step": None, "field": "offered_after.exercise",
                                    "problem": f"names no exercise: '{exercise.gate.after}'"})
        for name, loader in (("phrases", sources.load_phrases), ("pacing", sources.load_pacing)):
            try:
                setattr(snap, name, loader(self.dir / sources.PHRASES_FILE))
            except sources.ContentError as exc:
                snap.errors.append(sources.error_parts(exc))
            except (OSError, ValueError):  # missing, or not TOML (the phrases loader says so first)
                if name == "phrases":
                    snap.errors.append({"file": sources.PHRASES_FILE, "step": None, "field": "(file)",
                                        "problem": "missing or unreadable"})
        return snap


def titles(snap: Snapshot) -> str:
    names = [e.title for e in snap.exercises.values() if not e.gate]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", or " + names[-1] if names else ""


def exercise_durations(exercise: Any, snap: Snapshot) -> dict[str, Any] | None:
    """Shortest and longest path seconds by hold limit, with the paths; None without the common phrases."""
    if snap.phrases is None or snap.pacing is None:
        return None
    try:
        d = durations(exercise, lambda s: lines.say_seconds(s, snap.phrases, snap.pacing), hold_range)
    except ValueError:
        return None
    return {"shortest": d.shortest, "longest": d.longest, "shortest_path": list(d.shortest_path),
            "longest_path": list(d.longest_path), "paths": d.paths}


def index(snap: Snapshot, content_dir: Path) -> dict[str, Any]:
    """The index page's data: every exercise that loaded, with durations and sign-off status, and errors."""
    approved = approvals.read(content_dir)
    pace = (snap.pacing or {}).get("normal")
    out = []
    for eid, exercise in snap.exercises.items():
        approval = approved.get(eid)
        out.append({"id": eid, "title": exercise.title, "kind": exercise.kind, "file": snap.files[eid],
                    "steps": len(exercise.steps), "durations": exercise_durations(exercise, snap),
                    "hash": snap.hashes[eid], "status": approvals.status(approval, snap.hashes[eid]),
                    "approval": approval.__dict__ if approval else None})
    return {"version": snap.version, "exercises": out, "errors": snap.errors,
            "phrases": signoff(content_dir, approvals.PHRASES_ID, review.shared_hash(content_dir)),
            "speech": pace and {"base_wpm": BASE_WPM, "rate": round(pace.rate * 100), "wpm": BASE_WPM * pace.rate,
                                "pause_factor": pace.pause_factor, "sentence_gap_ms": pace.sentence_gap_ms}}


def signoff(content_dir: Path, rid: str, current_hash: str) -> dict[str, Any]:
    """The sign-off of ``rid`` (an exercise id or approvals.PHRASES_ID): status against ``current_hash``, the
    last approval and the whole history, newest first."""
    history = approvals.histories(content_dir).get(rid, [])
    last = history[-1] if history else None
    return {"hash": current_hash, "status": approvals.status(last, current_hash),
            "approval": last.__dict__ if last else None, "history": [a.__dict__ for a in reversed(history)]}


def by_step(items: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for item in items:
        out.setdefault(item["step"], []).append(item)
    return out


def detail(snap: Snapshot, content_dir: Path, eid: str) -> dict[str, Any] | None:
    """One exercise for its page and review sheet: diagram (DOT), steps (title, lines as heard, hold audio,
    changes since approval word by word, comments), durations, sign-off with its history, and the shared
    phrases' hash now (an approval names the one it was reviewed with)."""
    exercise = snap.exercises.get(eid)
    if exercise is None:
        return None
    path = content_dir / snap.files[eid]
    changed = review.changes(review.read_approved(content_dir, eid), review.exercise_texts(path))
    notes = by_step(review.comments(content_dir, eid))
    steps = []
    for step in exercise.steps:
        seconds = lines.hold_default_seconds(step)
        steps.append({"id": step.id, "title": step.title or step.id,
                      "hold": flow.hold_label(step.hold, exercise.settings), "checkin": step.checkin,
                      "rating": step.rating, "end": step.end, "on": dict(step.on),
                      "hold_audio": sources.hold_audio(seconds) if seconds else None,
                      "changes": changed.pop(step.id, []), "comments": notes.pop(step.id, []),
                      "lines": lines.step_lines(step, snap.phrases, snap.pacing, titles(snap))
                      if snap.phrases and snap.pacing else []})
    return {"id": eid, "title": exercise.title, "kind": exercise.kind, "file": snap.files[eid],
            **signoff(content_dir, eid, snap.hashes[eid]), "version": snap.version,
            "phrases_hash": review.shared_hash(content_dir),
            "changes": changed,  # the exercise's own fields, and steps no longer there, by section
            "comments": [c for items in notes.values() for c in items],  # on steps no longer there
            "durations": exercise_durations(exercise, snap), "dot": flow.dot(exercise, exercise.settings),
            "steps": steps}


def phrases(snap: Snapshot, content_dir: Path) -> dict[str, Any]:
    """The shared phrases for review, by situation: [{title, about, items: [{key, section, field, spoken,
    lines, changes, comments}]}], with their sign-off and history. ``lines`` is the phrase as heard (examples
    filled in, pauses in seconds), as for a step; a phrase that is not words (a number) has none."""
    texts = review.shared_texts(content_dir)
    changed = review.changes(review.read_approved(content_dir, approvals.PHRASES_ID), texts)
    changes_by_key = {(section, c["field"]): c for section, items in changed.items() for c in items}
    notes = by_step(review.comments(content_dir, approvals.PHRASES_ID))
    fills = lines.examples(snap.phrases, 300) if snap.phrases else {}
    fills["exercises"] = titles(snap)
    pace = (snap.pacing or {}).get("normal")
    groups: dict[str, dict[str, Any]] = {title: {"title": title, "about": about, "items": []}
                                         for title, about, _ in (*review.GROUPS, (*review.OTHER, ()))}
    for (section, field_name), text in list(texts.items()) + [(k, "") for k in changes_by_key if k not in texts]:
        key = f"{section}.{field_name}"
        heard, said = [], review.spoken(section, field_name, text)
        own = fills
        if section.startswith("settings."):  # a length setting's lines name its own limits
            own = {**fills, **{k: texts.get((section, k), "{" + k + "}") for k in ("low", "high")}}
        if text and pace and (said or section.endswith("_sources") or section == "phrases"):
            heard = [{"variant": "say", "label": "Said" if said else "Shown, never said",
                      "gentle": False, "rate": round(pace.rate * 100),
                      "segments": lines.segments(text, own, pace.pause_factor),
                      "seconds": round(sources.spoken_seconds(lines.fill(text, own), pace, BASE_WPM), 1),
                      "plain": lines.fill(text, own)}]
        change = changes_by_key.get((section, field_name))
        groups[review.group_of(section, field_name)[0]]["items"].append(
            {"key": key, "section": section, "field": field_name, "spoken": said,
             "text": text, "lines": heard, "changes": [change] if change else [], "comments": notes.get(key, [])})
    return {"groups": [g for g in groups.values() if g["items"]], "version": snap.version,
            **signoff(content_dir, approvals.PHRASES_ID, review.shared_hash(content_dir))}
