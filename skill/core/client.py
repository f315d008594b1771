"""A client's own version: which exercises one account is offered, its hold lengths, less talking as its default
and a short personal note said at launch. A therapist makes it in the studio and signs it off there; the deployer
drops the one file in and names the account it is for (docs/deploy-webservice.md, ``SKILL_CLIENT_VERSION`` and
``SKILL_CLIENT_ACCOUNT``).

It is data over the catalog: ``tailor`` gives the catalog that account's turns run on, and ``with_client`` puts
it in ``Catalog.clients`` under the account's keyed hash, where the engine finds it by ``Context.account``.

The file holds no client name and no raw id: nothing in it says whose it is (the deploy setting does, as a keyed
hash). It is checked like content: every error is a ``ContentError`` naming the file and the field.

The file, TOML::

    format = 1
    exercises = ["grounding", "lying_together"]   # in the content's order; grounding always
    less_talking = true
    note = "Go gently this week."                  # optional; the therapist's words, said at each launch
    [holds]
    quiet_minutes = 8                              # a length setting a chosen exercise uses, within its range
    [approval]
    reviewer = "..."                               # who signed it off (the therapist), and when
    date = "2026-12-05"
    hash = "sha256:..."                            # version_hash of everything above [approval]
"""
from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from .content import Catalog, Exercise, check_markup
from .declared import Setting
from .errors import ContentError
from .render import allowed

FORMAT = 1
MAX_NOTE_CHARS = 400  # a few sentences: read before the welcome at every launch
FIELDS = ("format", "exercises", "holds", "less_talking", "note", "approval")
REVIEWER = re.compile(r"[^\x00-\x1f\x7f]{1,100}")
HASH = re.compile(r"sha256:[0-9a-f]{64}")
HEADER = ("# A client's own version of Safe Harbor, made and signed off in the review studio.\n"
          "# It names no one: the deployment says which account it is for, as a keyed hash\n"
          "# (docs/deploy-webservice.md).\n"
          "# Any change voids the sign-off (approval.hash): make it again in the studio.\n")


@dataclass(frozen=True)
class ClientVersion:
    """What a client's version changes: the exercises offered (ids, content order), hold lengths by setting
    name (whole minutes, within the setting's range), whether less talking is the default, and the note said at
    launch (markup, or None)."""

    exercises: tuple[str, ...]
    holds: dict[str, int]
    less_talking: bool = False
    note: str | None = None

    def data(self) -> dict[str, Any]:
        """The version as the file's fields (no approval), as ``version_hash`` hashes them."""
        out: dict[str, Any] = {"format": FORMAT, "exercises": list(self.exercises), "holds": dict(self.holds),
                               "less_talking": self.less_talking}
        if self.note:
            out["note"] = self.note
        return out


def version_hash(data: dict[str, Any]) -> str:
    """"sha256:<hex>" of a version's fields except ``approval`` (canonical JSON, as exercise sign-offs hash)."""
    body = {k: v for k, v in data.items() if k != "approval"}
    raw = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def always_offered(catalog: Catalog) -> list[str]:
    """The exercises every version keeps: those that play a role (grounding: a stop and distress offer it)."""
    return [e.id for e in catalog.exercises.values() if e.role]


def used_settings(catalog: Catalog, exercises: list[str] | tuple[str, ...]) -> dict[str, Setting]:
    """The length settings the holds of ``exercises`` use, by name, in the catalog's order."""
    used = {s.hold.setting for eid in exercises if eid in catalog.exercises
            for s in catalog.exercises[eid].steps if s.hold and s.hold.setting}
    return {name: spec for name, spec in catalog.settings.items() if name in used}


def parse(raw: Any, catalog: Catalog, file: str, signed: bool = True) -> ClientVersion:
    """The version in ``raw`` (the file's parsed TOML, or the studio's form as the same fields), checked against
    ``catalog``. ``signed``: an ``approval`` whose hash is this version's is required (a file to load), else
    none may be given (a draft). ContentError names ``file`` and the field."""
    if not isinstance(raw, dict):
        raise ContentError(file, None, "(file)", "must be a table of fields")
    for key in raw:
        if key not in FIELDS:
            raise ContentError(file, None, key, f"unknown field; a version has {', '.join(FIELDS)}")
    if raw.get("format") != FORMAT:
        raise ContentError(file, None, "format", f"must be {FORMAT}")
    chosen = raw.get("exercises")
    if not isinstance(chosen, list) or not chosen or not all(isinstance(e, str) for e in chosen):
        raise ContentError(file, None, "exercises", "must be a list of one or more exercise ids")
    for eid in chosen:
        if eid not in catalog.exercises:
            raise ContentError(file, None, "exercises", f"unknown exercise '{eid}'; the content has "
                               f"{', '.join(catalog.exercises)}")
        if chosen.count(eid) > 1:
            raise ContentError(file, None, "exercises", f"'{eid}' is listed twice")
    for eid in always_offered(catalog):
        if eid not in chosen:
            raise ContentError(file, None, "exercises", f"must include '{eid}': a stop and distress offer it")
    for eid in chosen:
        gate = catalog.exercises[eid].gate
        if gate and gate.after not in chosen:
            raise ContentError(file, None, "exercises", f"'{eid}' is offered only after '{gate.after}', "
                               "so it needs that one too")
    holds_raw = raw.get("holds", {})
    if not isinstance(holds_raw, dict):
        raise ContentError(file, None, "holds", "must be a table of <setting> = minutes")
    usable = used_settings(catalog, chosen)
    holds = {}
    for name, minutes in holds_raw.items():
        spec = usable.get(name)
        if spec is None:
            known = ", ".join(usable) or "none"
            raise ContentError(file, None, f"holds.{name}", f"no chosen exercise has this length; they have: {known}")
        if type(minutes) is not int or not spec.low <= minutes <= spec.high:
            raise ContentError(file, None, f"holds.{name}",
                               f"must be whole minutes from {spec.low} to {spec.high}, not {minutes!r}")
        holds[name] = minutes
    less = raw.get("less_talking", False)
    if not isinstance(less, bool):
        raise ContentError(file, None, "less_talking", "must be true or false")
    note = raw.get("note")
    if note is not None:
        if not isinstance(note, str):
            raise ContentError(file, None, "note", "must be text")
        if len(note.strip()) > MAX_NOTE_CHARS:
            raise ContentError(file, None, "note", f"is {len(note.strip())} characters; at most {MAX_NOTE_CHARS}")
        note = check_markup(note, file, None, "note", allowed("note")) if note.strip() else None
    order = [eid for eid in catalog.exercises if eid in chosen]
    version = ClientVersion(exercises=tuple(order), holds=holds, less_talking=less, note=note)
    approval = raw.get("approval")
    if not signed:
        if approval is not None:
            raise ContentError(file, None, "approval", "a draft carries no approval; the studio adds it")
        return version
    if not isinstance(approval, dict) or set(approval) != {"reviewer", "date", "hash"} \
            or not all(isinstance(v, str) for v in approval.values()):
        raise ContentError(file, None, "approval", "needs reviewer, date and hash: sign the version off in the studio")
    if approval["hash"] != version_hash(raw):
        raise ContentError(file, None, "approval.hash", "does not match this version: it changed after it was "
                           "signed off; make it again in the studio and sign it off")
    return version


def load(path: Path, catalog: Catalog) -> ClientVersion:
    """The signed-off version in the file at ``path``, checked against ``catalog`` (see ``parse``)."""
    file = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ContentError(file, None, "(file)", f"cannot be read: {exc.strerror or type(exc).__name__}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ContentError(file, None, "(file)", f"not valid TOML: {exc}") from None
    return parse(raw, catalog, file)


def _toml(value: Any) -> str:
    # JSON's string, number, true/false and list forms are TOML's too (control characters are escaped).
    return json.dumps(value, ensure_ascii=False)


def export(version: ClientVersion, reviewer: str, today: date) -> str:
    """The one file of ``version``, signed off by ``reviewer`` on ``today``. ValueError for a bad reviewer name."""
    reviewer = " ".join(reviewer.split())
    if not REVIEWER.fullmatch(reviewer):
        raise ValueError("Give the reviewer's name (up to 100 characters).")
    data = version.data()
    lines = [HEADER, f"format = {FORMAT}", f"exercises = {_toml(data['exercises'])}",
             f"less_talking = {_toml(data['less_talking'])}"]
    if "note" in data:
        lines.append(f"note = {_toml(data['note'])}")
    lines += ["", "[holds]"] + [f"{name} = {minutes}" for name, minutes in data["holds"].items()]
    lines += ["", "[approval]", f"reviewer = {_toml(reviewer)}", f"date = {_toml(today.isoformat())}",
              f"hash = {_toml(version_hash(data))}"]
    return "\n".join(lines) + "\n"


def _setting(spec: Setting, minutes: int | None) -> Setting:
    return spec if minutes is None else replace(spec, default=minutes)


def _exercise(exercise: Exercise, holds: dict[str, int]) -> Exercise:
    steps = tuple(replace(s, hold=replace(s.hold, spec=_setting(s.hold.spec, holds.get(s.hold.setting or ""))))
                  if s.hold and s.hold.spec else s for s in exercise.steps)
    settings = {name: _setting(spec, holds.get(name)) for name, spec in exercise.settings.items()}
    return replace(exercise, steps=steps, settings=settings)


def tailor(catalog: Catalog, version: ClientVersion) -> Catalog:
    """``catalog`` as ``version`` has it, in every language it holds: only the chosen exercises, hold lengths
    chosen as their defaults (a length said by voice still wins), less talking as the default, and the note."""
    def one(c: Catalog) -> Catalog:
        return replace(c, exercises={eid: _exercise(e, version.holds) for eid, e in c.exercises.items()
                                     if eid in version.exercises},
                       shared={name: _setting(spec, version.holds.get(name)) for name, spec in c.shared.items()},
                       less_talking=version.less_talking, note=version.note, translations={}, clients={})

    return replace(one(catalog), translations={lang: one(t) for lang, t in catalog.translations.items()})


def with_client(catalog: Catalog, account: str, version: ClientVersion) -> Catalog:
    """``catalog`` with ``version`` for the account whose keyed hash (``identity.Identity.account``) is
    ``account``; every other account keeps the catalog as it is."""
    return replace(catalog, clients={**catalog.clients, account: tailor(catalog, version)})
