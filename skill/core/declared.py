"""What content declares besides steps: length settings, alternates and roles (docs/writing-content.md).

- ``[settings.<name>_minutes]`` (in ``common/settings.toml`` when shared, or in the exercise file that alone
  uses it): a length people change by voice, its range, default and notch, and its two lines.
- ``[alternates.<name>]`` (in an exercise file): a placeholder whose variants take turns, by how often the
  exercise was finished (sensate focus: who speaks first in the debrief).
- ``[roles.<name>]`` (in ``common/roles.toml``): what an exercise with ``role = "<name>"`` means to the engine.

Errors name the file and the field (``ContentError``). Markup is checked by the caller's ``check`` (the
loader's ``check_markup``), which this module does not import, so that the loader can import it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ContentError
from .events import ROLE_EVENTS, Ev
from .render import allowed

MarkupCheck = Callable[[str, str, "str | None", str, "set[str] | frozenset[str]"], str]
SETTING_NAME = re.compile(r"[a-z][a-z0-9_]{0,30}_minutes")  # State keeps any "*_minutes" whole number
MAX_MINUTES = 60  # a hold lasts at most an hour (content.MAX_HOLD_SECONDS)


@dataclass(frozen=True)
class Setting:
    """A length people choose by voice, in minutes: its range, default and the step of shorter / longer, what
    is said when it changes (``said``, with {minutes}) and its range (``range``, with {low} and {high})."""

    low: int
    high: int
    default: int
    notch: int
    said: str
    range: str

    def clamp(self, value: Any) -> int:
        """``value`` if it is a whole number of minutes in range, else the default."""
        return value if type(value) is int and self.low <= value <= self.high else self.default


@dataclass(frozen=True)
class Role:
    """What a role means: the event that starts its exercise (``starts_on``, or None: by name only), whether
    it may interrupt a partnered exercise and offer the way back once it ends (``interrupts``), the phrase
    key red says in it before ending (``red``, or None: red stops and offers as anywhere), whether its
    exercise is for one person (``solo``), and whether it is what a stop offers ("would you like some
    grounding?", ``offered``; exactly one role is)."""

    name: str
    starts_on: Ev | None
    interrupts: bool
    red: str | None
    solo: bool
    offered: bool


def _table(raw: Any, file: str, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ContentError(file, None, where, "must be a table")
    return raw


def parse_settings(raw: Any, file: str, check: MarkupCheck) -> dict[str, Setting]:
    """The ``[settings.*]`` tables of one file (``raw``: the ``settings`` table, or None)."""
    out = {}
    for name, spec in _table(raw or {}, file, "settings").items():
        where = f"settings.{name}"
        if not SETTING_NAME.fullmatch(name):
            raise ContentError(file, None, where, "name a length <word>_minutes, in lowercase letters and _")
        spec = _table(spec, file, where)
        keys = {"default", "low", "high", "notch", "said", "range"}
        if set(spec) != keys:
            raise ContentError(file, None, where, f"needs exactly {', '.join(sorted(keys))}")
        for key in ("default", "low", "high", "notch"):
            if type(spec[key]) is not int or not 1 <= spec[key] <= MAX_MINUTES:
                raise ContentError(file, None, f"{where}.{key}", f"must be whole minutes from 1 to {MAX_MINUTES}")
        if not spec["low"] <= spec["default"] <= spec["high"]:
            raise ContentError(file, None, f"{where}.default", "must lie from low to high")
        texts = {}
        for key in ("said", "range"):
            if not isinstance(spec[key], str):
                raise ContentError(file, None, f"{where}.{key}", "is required text")
            texts[key] = check(spec[key], file, None, f"{where}.{key}", allowed(key))
        if "{minutes}" not in texts["said"] or not {"{low}", "{high}"} <= set(re.findall(r"\{\w+\}", texts["range"])):
            raise ContentError(file, None, where, "said names {minutes}; range names {low} and {high}")
        out[name] = Setting(spec["low"], spec["high"], spec["default"], spec["notch"], **texts)
    return out


def parse_alternates(raw: Any, file: str, check: MarkupCheck) -> dict[str, tuple[str, ...]]:
    """The ``[alternates.*]`` tables of an exercise file: name -> its variants (two or more texts)."""
    out = {}
    for name, spec in _table(raw or {}, file, "alternates").items():
        where = f"alternates.{name}"
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name) or name in allowed("step") | allowed("phrase"):
            raise ContentError(file, None, where, "needs a lowercase name that is not a placeholder already")
        variants = _table(spec, file, where).get("variants")
        if set(spec) != {"variants"} or not isinstance(variants, list) or len(variants) < 2 \
                or not all(isinstance(v, str) for v in variants):
            raise ContentError(file, None, f"{where}.variants", "must be a list of two or more texts")
        out[name] = tuple(check(v, file, None, f"{where}.variants", allowed("step")) for v in variants)
    return out


def parse_roles(raw: Any, file: str, phrase_keys: set[str]) -> dict[str, Role]:
    """The ``[roles.*]`` tables of common/roles.toml (``raw``: the whole file)."""
    roles = {}
    for name, spec in _table(raw.get("roles"), file, "roles").items():
        where = f"roles.{name}"
        spec = _table(spec, file, where)
        unknown = sorted(set(spec) - {"starts_on", "interrupts", "red", "solo", "offered"})
        if unknown:
            raise ContentError(file, None, f"{where}.{unknown[0]}", "unknown field")
        starts = spec.get("starts_on")
        if starts is not None and starts not in {e.value for e in ROLE_EVENTS}:
            raise ContentError(file, None, f"{where}.starts_on",
                               f"must be one of {', '.join(sorted(e.value for e in ROLE_EVENTS))}")
        red = spec.get("red")
        if red is not None and red not in phrase_keys:
            raise ContentError(file, None, f"{where}.red", "must name a phrase of common/phrases.toml")
        flags = {}
        for key in ("interrupts", "solo", "offered"):
            flags[key] = spec.get(key, False)
            if not isinstance(flags[key], bool):
                raise ContentError(file, None, f"{where}.{key}", "must be true or false")
        roles[name] = Role(name, Ev(starts) if starts else None, red=red, **flags)
    offered = [r.name for r in roles.values() if r.offered]
    if len(offered) != 1:
        raise ContentError(file, None, "roles", f"exactly one role needs offered = true, not {len(offered)}")
    return roles
