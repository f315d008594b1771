"""What the studio shows, read from the content folder one file at a time and read again when files change.

A file with errors is listed (file, step, field, problem) and left out; every other file is still shown. Each
language folder (``es/``, ``de/``, ``fr/``) is read beside English: its files are checked one at a time as the
skill checks them (errors listed the same way), and its words are shown from the file as written, so a text it
lacks is flagged where it belongs rather than hiding the rest.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
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


ENGLISH = approvals.ENGLISH


@dataclass
class Version:
    """One language's version of the content besides English, as last read: its name, the locale its examples
    are for, its common phrases (checked against English's, or read plainly when those checks fail, so its
    lines still show), the exercises that passed its checks (id -> Exercise in its words) and the content hash
    of each of its exercise files (id -> hash; absent when the file is)."""

    code: str
    name: str
    locale: str
    phrases: Any = None
    exercises: dict[str, Any] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)


@dataclass
class Snapshot:
    """The content as last read: exercises (id -> Exercise), file names, hashes, errors, the phrases, and each
    language's version (code -> Version)."""

    exercises: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    phrases: Any = None
    pacing: dict[str, Any] | None = None
    version: int = 0
    languages: dict[str, Version] = field(default_factory=dict)


class Library:
    """The content folder, re-read whenever a file in it changes (checked on each call of ``current``)."""

    def __init__(self, content_dir: Path):
        self.dir = Path(content_dir)
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._snapshot = Snapshot()

    def _fingerprint(self) -> tuple:
        paths = sorted(self.dir.glob("*.toml")) + sorted((self.dir / "common").glob("*.toml")) \
            + sorted(self.dir.glob("[a-z][a-z]/*.toml")) + sorted(self.dir.glob("[a-z][a-z]/common/*.toml"))
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
        for code in approvals.language_codes(self.dir)[1:]:
            self._load_language(snap, code)
        return snap

    def _load_language(self, snap: Snapshot, code: str) -> None:
        """Read ``code``'s folder into ``snap.languages``, its errors into ``snap.errors``."""
        def error(exc: Exception) -> None:
            snap.errors.append(sources.error_parts(exc) if isinstance(exc, sources.ContentError) else
                               {"file": f"{code}/", "step": None, "field": "(folder)", "problem": str(exc)})

        if code not in sources.LANGUAGES:
            error(ValueError(f"is not a language the skill speaks ({', '.join(sources.LANGUAGES)})"))
            return
        lang = sources.LANGUAGES[code]
        version = snap.languages[code] = Version(code, lang.name, lang.locales[0])
        folder = self.dir / code
        if snap.phrases is not None:
            try:
                version.phrases = sources.language_phrases(folder, snap.phrases, code)
            except sources.ContentError as exc:
                error(exc)
        if version.phrases is None:  # its lines still show with the phrases as written
            try:
                version.phrases = sources.load_phrases(folder / sources.PHRASES_FILE, f"{code}/{sources.PHRASES_FILE}")
            except (sources.ContentError, OSError, ValueError):
                pass
        try:
            shared = sources.language_settings(folder, sources.shared_settings(self.dir), code)
        except (sources.ContentError, OSError, ValueError) as exc:
            error(exc)
            shared = None
        for eid, exercise in snap.exercises.items():
            path = folder / f"{eid}.toml"
            if not path.exists():
                snap.errors.append({"file": f"{code}/{eid}.toml", "step": None, "field": "(file)",
                                    "problem": "is missing: the English has this exercise"})
                continue
            version.hashes[eid] = approvals.content_hash(path)
            if shared is None:
                continue
            try:
                version.exercises[eid] = sources.translate_exercise(folder, exercise, code, shared, snap.pacing or {})
            except sources.ContentError as exc:
                error(exc)


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


def chosen(snap: Snapshot, langs: str | None) -> list[str]:
    """The languages a page shows: English, then each code of ``langs`` ("fr,de", as the page's URL has it)
    whose folder is present, in the order given; unknown codes are left out."""
    out = [ENGLISH]
    for code in (langs or "").split(","):
        code = code.strip()
        if code in snap.languages and code not in out:
            out.append(code)
    return out


def languages(snap: Snapshot) -> list[dict[str, str]]:
    """Every language present: [{code, name}], English first."""
    return [{"code": ENGLISH, "name": "English"}] + [{"code": c, "name": v.name} for c, v in snap.languages.items()]


def index(snap: Snapshot, content_dir: Path) -> dict[str, Any]:
    """The index page's data: every exercise that loaded, with durations and sign-off status (English's, and
    each language's in ``signoffs``: code -> {status, approval}), the languages present, and errors."""
    approved = approvals.read(content_dir)
    pace = (snap.pacing or {}).get("normal")
    out = []
    for eid, exercise in snap.exercises.items():
        approval = approved.get(eid)
        signoffs = {}
        for code, version in snap.languages.items():
            last = approved.get(approvals.key(eid, code))
            signoffs[code] = {"status": approvals.status(last, version.hashes.get(eid, "")),
                              "approval": last.__dict__ if last else None}
        out.append({"id": eid, "title": exercise.title, "kind": exercise.kind, "file": snap.files[eid],
                    "steps": len(exercise.steps), "durations": exercise_durations(exercise, snap),
                    "hash": snap.hashes[eid], "status": approvals.status(approval, snap.hashes[eid]),
                    "approval": approval.__dict__ if approval else None, "signoffs": signoffs})
    phrases_signoffs = {code: signoff(content_dir, approvals.key(approvals.PHRASES_ID, code),
                                      review.shared_hash(content_dir, code)) for code in snap.languages}
    return {"version": snap.version, "exercises": out, "errors": snap.errors, "languages": languages(snap),
            "phrases": signoff(content_dir, approvals.PHRASES_ID, review.shared_hash(content_dir)),
            "phrases_signoffs": phrases_signoffs,
            "speech": pace and {"base_wpm": BASE_WPM, "rate": round(pace.rate * 100), "wpm": BASE_WPM * pace.rate,
                                "pause_factor": pace.pause_factor, "sentence_gap_ms": pace.sentence_gap_ms}}


def signoff(content_dir: Path, rid: str, current_hash: str) -> dict[str, Any]:
    """The sign-off of ``rid`` (a record key: an exercise id or approvals.PHRASES_ID, "fr/<id>" for a
    language's version, ``approvals.key``): status against ``current_hash``, the last approval and the whole
    history, newest first."""
    history = approvals.histories(content_dir).get(rid, [])
    last = history[-1] if history else None
    return {"hash": current_hash, "status": approvals.status(last, current_hash),
            "approval": last.__dict__ if last else None, "history": [a.__dict__ for a in reversed(history)]}


def by_step(items: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for item in items:
        out.setdefault(item["step"], []).append(item)
    return out


def language_titles(snap: Snapshot, content_dir: Path, code: str) -> str:
    """What ``{exercises}`` says in ``code``: the titles of the exercises offered at the menu, as its files have
    them (an English title where a file has none)."""
    if code == ENGLISH:
        return titles(snap)
    names = []
    for eid, exercise in snap.exercises.items():
        if not exercise.gate:
            own = review.exercise_texts(content_dir / code / f"{eid}.toml").get((review.EXERCISE, "title"))
            names.append(own.strip() if own and own.strip() else exercise.title)
    return sources.any_of(names, code) if names else ""


def step_column(step: Any, texts: dict[tuple[str, str], str], snap: Snapshot, code: str,
                exercise_titles: str) -> dict[str, Any]:
    """``step`` in language ``code`` as its file is written (``texts``: ``review.exercise_texts``): {title,
    lines, missing}. ``missing`` names each text the English step has and this language lacks; its lines are
    left out rather than filled from anything else."""
    version = snap.languages[code]
    wanted = ["title", *sources.step_texts(step)]
    own = {}
    for name in wanted:
        text = texts.get((step.id, name))
        if isinstance(text, str) and text.strip():
            own[name] = text.strip()
    missing = [name for name in wanted if name not in own]
    shown = replace(step, title=own.get("title", ""), **{n: own.get(n) for n in wanted if n != "title"})
    heard = []
    if version.phrases is not None and snap.pacing:
        gone = set(missing) | ({"no_audio"} if "say" in missing else set())
        heard = [line for line in lines.step_lines(shown, version.phrases, snap.pacing, exercise_titles, code,
                                                   version.locale) if line["variant"] not in gone]
    return {"title": own.get("title", ""), "lines": heard, "missing": missing}


def language_version(snap: Snapshot, content_dir: Path, eid: str, code: str) -> dict[str, Any]:
    """Exercise ``eid`` in language ``code`` for the page: {code, name, file, title, hash, status, approval,
    history, phrases_hash (that language's shared phrases now), error (its file's first problem, or None),
    steps: {step id: {title, lines, missing, changes, comments}}, changes and comments of the exercise itself
    and of steps no longer there}."""
    exercise = snap.exercises[eid]
    version = snap.languages[code]
    path = content_dir / code / f"{eid}.toml"
    texts = review.exercise_texts(path)
    changed = review.changes(review.read_approved(content_dir, eid, code), texts)
    notes = by_step(review.comments(content_dir, eid, code))
    named = language_titles(snap, content_dir, code)
    steps = {}
    for step in exercise.steps:
        column = step_column(step, texts, snap, code, named)
        steps[step.id] = {**column, "changes": changed.pop(step.id, []), "comments": notes.pop(step.id, [])}
    file = f"{code}/{eid}.toml"
    error = next((e for e in snap.errors if e.get("file") == file), None)
    return {"code": code, "name": version.name, "file": file, "title": texts.get((review.EXERCISE, "title"), ""),
            **signoff(content_dir, approvals.key(eid, code), version.hashes.get(eid, "")),
            "phrases_hash": review.shared_hash(content_dir, code), "error": error,
            "changes": changed, "comments": [c for items in notes.values() for c in items], "steps": steps}


def detail(snap: Snapshot, content_dir: Path, eid: str, langs: str | None = None) -> dict[str, Any] | None:
    """One exercise for its page and review sheet: diagram (DOT), steps (title, lines as heard, hold audio,
    changes since approval word by word, comments), durations, sign-off with its history, and the shared
    phrases' hash now (an approval names the one it was reviewed with): English's, at the top level. With
    ``langs`` ("fr,de"), ``versions`` has English and each of those languages side by side
    (``language_version``; English's in the same shape), ``languages`` every language present."""
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
    out = {"id": eid, "title": exercise.title, "kind": exercise.kind, "file": snap.files[eid],
           **signoff(content_dir, eid, snap.hashes[eid]), "version": snap.version,
           "phrases_hash": review.shared_hash(content_dir),
           "changes": changed,  # the exercise's own fields, and steps no longer there, by section
           "comments": [c for items in notes.values() for c in items],  # on steps no longer there
           "durations": exercise_durations(exercise, snap), "dot": flow.dot(exercise, exercise.settings),
           "steps": steps, "languages": languages(snap)}
    english = {"code": ENGLISH, "name": "English", "file": out["file"], "title": exercise.title,
               **{k: out[k] for k in ("hash", "status", "approval", "history", "phrases_hash", "changes",
                                      "comments")},
               "error": None, "steps": {s["id"]: {"title": s["title"], "lines": s["lines"], "missing": [],
                                                  "changes": s["changes"], "comments": s["comments"]}
                                        for s in steps}}
    out["versions"] = [english] + [language_version(snap, content_dir, eid, code)
                                   for code in chosen(snap, langs)[1:]]
    return out


# Where a language's shared phrases must have a text the English has: the content checks' rule
# (overlay.SAME_AS_ENGLISH, SETTING_TEXTS), and the OVOS wording, which each language overlays key for key.
def _expected(section: str, field_name: str) -> bool:
    return section in (*sources.SAME_AS_ENGLISH, "openvoiceos") or (
        section.startswith("settings.") and field_name in sources.SETTING_TEXTS)


def _phrase_column(section: str, field_name: str, texts: dict[tuple[str, str], str], fills: dict[str, str],
                   pace: Any) -> dict[str, Any]:
    """One shared phrase in one language: {text, lines}: ``lines`` is the phrase as heard (examples filled in,
    pauses in seconds), as for a step; a phrase that is not words (a number) has none."""
    text = texts.get((section, field_name), "")
    said = review.spoken(section, field_name, text)
    own = fills
    if section.startswith("settings."):  # a length setting's lines name its own limits
        own = {**fills, **{k: texts.get((section, k), "{" + k + "}") for k in ("low", "high")}}
    heard = []
    if text and pace and (said or section.endswith("_sources") or section == "phrases"):
        heard = [{"variant": "say", "label": "Said" if said else "Shown, never said",
                  "gentle": False, "rate": round(pace.rate * 100),
                  "segments": lines.segments(text, own, pace.pause_factor),
                  "seconds": round(sources.spoken_seconds(lines.fill(text, own), pace, BASE_WPM), 1),
                  "plain": lines.fill(text, own)}]
    return {"text": text, "lines": heard, "spoken": said}


def phrases(snap: Snapshot, content_dir: Path, langs: str | None = None) -> dict[str, Any]:
    """The shared phrases for review, by situation: [{title, about, items: [{key, section, field, spoken, text,
    lines, changes, comments, columns}]}], with their sign-off and history (English's at the top level).
    ``columns`` has the phrase in English and in each language of ``langs`` ("fr,de"): {text, lines, changes,
    comments, missing (a text the language must have and lacks), absent (a key it need not have: a line for a
    country it does not serve, a number kept in English)}; ``versions`` each language's sign-off."""
    codes = chosen(snap, langs)
    english = review.shared_texts(content_dir)
    pace = (snap.pacing or {}).get("normal")
    per: dict[str, dict[str, Any]] = {}
    for code in codes:
        texts = english if code == ENGLISH else review.shared_texts(content_dir, code)
        changed = review.changes(review.read_approved(content_dir, approvals.PHRASES_ID, code), texts)
        own_phrases = snap.phrases if code == ENGLISH else snap.languages[code].phrases
        fills = lines.examples(own_phrases, 300, code, snap.languages[code].locale if code != ENGLISH
                               else lines.EXAMPLE_LOCALE) if own_phrases else {}
        fills["exercises"] = language_titles(snap, content_dir, code)
        per[code] = {"texts": texts, "fills": fills, "notes": by_step(review.comments(content_dir,
                                                                                      approvals.PHRASES_ID, code)),
                     "changes": {(section, c["field"]): c for section, items in changed.items() for c in items}}
    keys = list(english)
    for code in codes:
        keys += [k for k in list(per[code]["texts"]) + list(per[code]["changes"]) if k not in keys]
    groups: dict[str, dict[str, Any]] = {title: {"title": title, "about": about, "items": []}
                                         for title, about, _ in (*review.GROUPS, (*review.OTHER, ()))}
    for section, field_name in keys:
        key = f"{section}.{field_name}"
        columns = {}
        for code in codes:
            p = per[code]
            column = _phrase_column(section, field_name, p["texts"], p["fills"], pace)
            change = p["changes"].get((section, field_name))
            has = (section, field_name) in p["texts"]
            column.update(changes=[change] if change else [], comments=p["notes"].get(key, []),
                          missing=not has and code != ENGLISH and (section, field_name) in english
                          and _expected(section, field_name),
                          absent=not has and not (code != ENGLISH and (section, field_name) in english
                                                  and _expected(section, field_name)))
            columns[code] = column
        en = columns[ENGLISH]
        groups[review.group_of(section, field_name)[0]]["items"].append(
            {"key": key, "section": section, "field": field_name, "spoken": en["spoken"], "text": en["text"],
             "lines": en["lines"], "changes": en["changes"], "comments": en["comments"], "columns": columns})
    versions = [{"code": code, "name": "English" if code == ENGLISH else snap.languages[code].name,
                 "files": "common/" if code == ENGLISH else f"{code}/common/",
                 **signoff(content_dir, approvals.key(approvals.PHRASES_ID, code),
                           review.shared_hash(content_dir, code))}
                for code in codes]
    return {"groups": [g for g in groups.values() if g["items"]], "version": snap.version,
            "languages": languages(snap), "versions": versions,
            **signoff(content_dir, approvals.PHRASES_ID, review.shared_hash(content_dir))}
