"""The studio's client pages (issue 24, items 4 and 5): a client's own version made, checked, signed off and
exported as one file (``/client``), and a print view of each exercise a client can take home (``/print/<id>``,
in the client's language with ``?lang=fr``).

The checks are the skill's own (``skill.core.client`` through ``sources``): the page shows the same errors that
would stop the skill starting. The client's name, if the therapist types it on the page, stays in the page: it
is never sent here, and the exported file is built from the version's fields alone.
"""
from __future__ import annotations

import re
import threading
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from . import library, lines, sources

FILE_NAME = "client-version.toml"  # what the deployer drops in; it names no one
DRAFT = "client version"  # how errors name the version being made (ContentError's file)
# What the page may send of a version: anything else (a client's name, say) is dropped before the checks.
FORM_FIELDS = ("exercises", "holds", "less_talking", "note")
# The take-home sheet's words in each language (its labels, what can be said at any step, and how it shows what
# the device fills in as it speaks: never a guess that could be untrue on paper). Data, not code.
PRINT_WORDS = Path(__file__).resolve().parent / "templates" / "print_words.toml"


class Catalogs:
    """The whole catalog over the content folder, loaded again when the studio's snapshot changes; a client
    version is checked against all of it, so one broken file leaves the client page with that error."""

    def __init__(self, content_dir: Path):
        self.dir = content_dir
        self._lock = threading.Lock()
        self._version: int | None = None
        self._catalog: Any = None
        self._error: str | None = None

    def current(self, version: int) -> tuple[Any, str | None]:
        """(catalog, None), or (None, the error for the page) when the content does not load."""
        with self._lock:
            if version != self._version:
                self._version = version
                try:
                    self._catalog, self._error = sources.load_catalog(self.dir), None
                except (sources.ContentError, OSError, ValueError) as exc:
                    self._catalog = None
                    self._error = f"A client version needs every content file to be valid: {exc}"
            return self._catalog, self._error


def readable(name: str) -> str:
    """A setting or step id as words: "quiet_minutes" -> "Quiet minutes"."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def said_range(setting: Any) -> str:
    """A length setting's own sentence for its range, filled: "The quiet time ... can be from 2 to 12 minutes."."""
    return setting.range.replace("{low}", str(setting.low)).replace("{high}", str(setting.high))


def form(catalog: Any) -> dict[str, Any]:
    """What the client page offers: {exercises: [{id, title, kind, always, after, settings}], settings: [{name,
    label, low, high, default, range}], note_max}. ``always``: kept in every version; ``after``: the exercise
    it is offered after (it needs that one too); ``settings``: the length settings its holds use."""
    client = sources.client
    always = set(client.always_offered(catalog))
    exercises = [{"id": e.id, "title": e.title, "kind": e.kind, "always": e.id in always,
                  "after": e.gate.after if e.gate else None,
                  "settings": list(client.used_settings(catalog, [e.id]))} for e in catalog.exercises.values()]
    settings = [{"name": name, "label": readable(name), "low": s.low, "high": s.high, "default": s.default,
                 "range": said_range(s)}
                for name, s in client.used_settings(catalog, list(catalog.exercises)).items()]
    return {"exercises": exercises, "settings": settings, "note_max": client.MAX_NOTE_CHARS, "file": FILE_NAME}


def draft(body: Any) -> dict[str, Any]:
    """The version fields of the page's JSON ``body`` as the file has them (format added, anything else left
    out). A body that is not an object gives an empty draft, which the checks then explain."""
    fields = {k: body[k] for k in FORM_FIELDS if isinstance(body, dict) and k in body}
    return {"format": sources.client.FORMAT, **fields}


def problems(raw: dict[str, Any], catalog: Any) -> tuple[Any, list[dict[str, str | None]]]:
    """(the checked version, []) or (None, [{field, problem}]). The note is also checked on its own, so its
    error shows while the therapist types even when another field is wrong too."""
    client = sources.client
    found = []
    version = None
    try:
        version = client.parse(raw, catalog, DRAFT, signed=False)
    except sources.ContentError as exc:
        found.append(_error(exc))
    if "note" in raw and not any(p["field"] == "note" for p in found):
        try:
            client.parse({"format": client.FORMAT, "exercises": client.always_offered(catalog),
                          "note": raw["note"]}, catalog, DRAFT, signed=False)
        except sources.ContentError as exc:
            found.append(_error(exc))
    return (None if found else version), found


def _error(exc: Exception) -> dict[str, str | None]:
    parts = sources.error_parts(exc)
    return {"field": parts["field"], "problem": parts["problem"]}


def summary(version: Any, catalog: Any) -> dict[str, Any]:
    """What the checked ``version`` gives the client, for the page: titles, holds, less talking, note, and the
    hash a sign-off records."""
    client = sources.client
    return {"exercises": [catalog.exercises[e].title for e in version.exercises],
            "holds": version.holds, "less_talking": version.less_talking, "note": version.note,
            "hash": client.version_hash(version.data())}


# ---- the print view --------------------------------------------------------------------------------------

def _said(markup: str, fills: dict[str, str]) -> str:
    """A wording as a sheet of paper shows it: placeholders filled, pauses as an ellipsis, spaces tidied."""
    text = sources.SILENCE.sub(" … ", lines.fill(markup, fills))
    text = re.sub(r"\s+([,.?!])", r"\1", " ".join(text.split()))
    return re.sub(r"(… )+…", "…", text)


def print_words(lang: str, partnered: bool) -> dict[str, Any] | None:
    """The take-home sheet's words in ``lang`` (``PRINT_WORDS``), with those for two people where the exercise
    is ``partnered``; None for a language the table does not have."""
    try:
        table = tomllib.loads(PRINT_WORDS.read_text(encoding="utf-8")).get(lang)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    if not isinstance(table, dict):
        return None
    words = {k: v for k, v in table.items() if k != "partnered"}
    return {**words, **table.get("partnered", {})} if partnered else words


def _hold(step: Any, words: dict[str, Any], lang: str) -> str | None:
    """How long a step's timed hold lasts, in words (``lang``'s), with the content's own sentence for its range
    (nothing about sound or a chime: that depends on the device)."""
    hold = step.hold
    if hold is None:
        return None
    if hold.spec:
        s = hold.spec
        lasts = words["hold_lasts"].replace("{minutes}", sources.spoken_minutes(s.default * 60, lang))
        return f"{lasts} {said_range(s)} {words['hold_change']}"
    return words["hold_lasts"].replace("{minutes}", sources.spoken_minutes(hold.seconds, lang))


def take_home(snap: Any, eid: str, lang: str = "en") -> dict[str, Any] | None:
    """One exercise as a client's take-home sheet in ``lang``: {id, lang, title, kind, words, steps: [{title,
    said, hold}], languages}: each step's title (or its id as words) and its normal wording as it is said, and
    the sheet's own labels in that language (``print_words``). No file name, hash, approval or review notes.
    None when the exercise is not there in that language (absent, or its file has errors) or its common phrases
    did not load."""
    english = snap.exercises.get(eid)
    if english is None:
        return None
    if lang == library.ENGLISH:
        exercise, phrases, offered = english, snap.phrases, library.titles(snap)
    else:
        version = snap.languages.get(lang)
        exercise = version.exercises.get(eid) if version else None
        phrases = version.phrases if version else None
        offered = version and sources.any_of([e.title for e in version.exercises.values() if not e.gate], lang)
    words = print_words(lang, english.partnered)
    if exercise is None or phrases is None or words is None:
        return None
    steps = []
    for step in exercise.steps:
        fills = {"today": words["today"], "crisis_line": words["crisis_line"], "wake": "Alexa",
                 "exercises": offered or ""}
        # A sentence that changes from one session to the next (``alternates``): each of its forms, in turn.
        fills.update({name: " / ".join(forms) for name, forms in exercise.alternates.items()})
        seconds = lines.hold_default_seconds(step)
        if seconds is not None:
            fills["minutes"] = sources.spoken_minutes(seconds, lang)
        said = lines.spoken_markup(step, phrases)["say"]
        steps.append({"id": step.id, "title": step.title or readable(step.id), "said": _said(said, fills),
                      "hold": _hold(step, words, lang)})
    return {"id": eid, "lang": lang, "title": exercise.title, "kind": exercise.kind, "words": words,
            "steps": steps, "languages": library.languages(snap)}


# ---- what the routes answer (server.py maps them onto URLs) -------------------------------------------

class ClientPages:
    """The answers of the client page's API and the print view over the studio's ``library.Library``. Each
    returns data for the page; a version that fails its checks, or content that does not load, is an answer
    ({error} / {errors}), never a fault."""

    def __init__(self, lib: library.Library, content_dir: Path):
        self.lib = lib
        self.catalogs = Catalogs(Path(content_dir))

    def _catalog(self) -> tuple[Any, dict[str, Any] | None]:
        catalog, error = self.catalogs.current(self.lib.current().version)
        return catalog, {"error": error} if error else None

    def offer(self) -> dict[str, Any]:
        """GET /api/client: what the form offers (``form``), or {error}."""
        catalog, failed = self._catalog()
        return failed or form(catalog)

    def check(self, body: Any) -> dict[str, Any]:
        """POST /api/client/check: {errors: [{field, problem}], version: ``summary`` or None}, or {error}."""
        catalog, failed = self._catalog()
        if failed:
            return failed
        version, found = problems(draft(body), catalog)
        return {"errors": found, "version": summary(version, catalog) if version else None}

    def export(self, body: Any, today: date) -> dict[str, Any]:
        """POST /api/client/export: {file, name, version} signed off by ``body["reviewer"]`` on ``today``, or
        {error, errors} and no file. The file is parsed back as the skill will load it before it is given."""
        catalog, failed = self._catalog()
        if failed:
            return failed
        version, found = problems(draft(body), catalog)
        if found:
            return {"error": "Fix the version first: nothing was exported.", "errors": found}
        reviewer = body.get("reviewer") if isinstance(body, dict) else None
        try:
            text = sources.client.export(version, reviewer if isinstance(reviewer, str) else "", today)
        except ValueError as exc:
            return {"error": str(exc), "errors": [{"field": "reviewer", "problem": str(exc)}]}
        sources.client.parse(tomllib.loads(text), catalog, FILE_NAME)
        return {"file": text, "name": FILE_NAME, "version": summary(version, catalog)}

    def sheet(self, eid: str, lang: str = "en") -> dict[str, Any] | None:
        """GET /print/<eid>?lang=<code>: the take-home sheet in that language (``take_home``), or None."""
        return take_home(self.lib.current(), eid, lang)
