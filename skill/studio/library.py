"""What the studio shows, read from the content folder one file at a time and read again when files change.

A file with errors is listed (file, step, field, problem) and left out; every other file is still shown.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import approvals, flow, lines, sources
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
            "speech": pace and {"base_wpm": BASE_WPM, "rate": round(pace.rate * 100), "wpm": BASE_WPM * pace.rate,
                                "pause_factor": pace.pause_factor, "sentence_gap_ms": pace.sentence_gap_ms}}


def detail(snap: Snapshot, content_dir: Path, eid: str) -> dict[str, Any] | None:
    """One exercise for its page and review sheet: diagram (DOT), steps with every line, durations, sign-off."""
    exercise = snap.exercises.get(eid)
    if exercise is None:
        return None
    approval = approvals.read(content_dir).get(eid)
    steps = []
    for step in exercise.steps:
        steps.append({"id": step.id, "hold": flow.hold_label(step.hold, exercise.settings), "checkin": step.checkin,
                      "rating": step.rating, "end": step.end, "on": dict(step.on),
                      "lines": lines.step_lines(step, snap.phrases, snap.pacing, titles(snap))
                      if snap.phrases and snap.pacing else []})
    return {"id": eid, "title": exercise.title, "kind": exercise.kind, "file": snap.files[eid],
            "hash": snap.hashes[eid], "status": approvals.status(approval, snap.hashes[eid]),
            "approval": approval.__dict__ if approval else None, "version": snap.version,
            "durations": exercise_durations(exercise, snap), "dot": flow.dot(exercise, exercise.settings),
            "steps": steps}
