"""Placeholders: the one registry of the ``{names}`` content may use, and the one way text is filled.

Each placeholder says what it means, where its value comes from and which kinds of text may name it. The
content loader checks every text against ``allowed(kind)`` (plus an exercise's own alternates), so a file
naming an unknown placeholder fails at load with its file, step and field; the engine fills text only
through ``fill`` (``engine.text.Words.render``).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"\{(\w+)\}")

# The kinds of text: a step's wordings, help and reprompt ("step"); a phrase of phrases.toml or a platform's
# overrides ("phrase"); a [today] sentence ("today"); a setting's said and range lines ("said", "range"); a
# client version's personal note ("note", skill/core/client.py).
KINDS = ("step", "phrase", "today", "said", "range", "note")


@dataclass(frozen=True)
class Placeholder:
    """What ``{name}`` means, where its value comes from, and the kinds of text (KINDS) that may name it."""

    meaning: str
    source: str
    kinds: frozenset[str]


def _p(meaning: str, source: str, *kinds: str) -> Placeholder:
    return Placeholder(meaning, source, frozenset(kinds))


PLACEHOLDERS: dict[str, Placeholder] = {
    "today": _p("where in the week and day the listener is", "the device's local time and [today]", "step"),
    "crisis_line": _p("the crisis-line sentence", "[crisis_lines], by the locale's country", "step"),
    "wake": _p("the name the device answers to", "Context.wake_word, filled by each platform",
               "step", "phrase", "said", "note"),
    "exercises": _p("the spoken list of exercises on the menu", "the catalog's titles, gated ones left out",
                    "phrase"),
    "exercise": _p("the title of the exercise in question", "the exercise in progress or offered", "phrase"),
    "minutes": _p("a length, spoken (\"one minute\", \"12 minutes\")", "the hold or the setting", "phrase",
                  "said"),
    "low": _p("a setting's shortest length, in minutes", "the setting's low", "range"),
    "high": _p("a setting's longest length, in minutes", "the setting's high", "range"),
    "days": _p("how long an unused record is kept, in days", "Context.record_days", "phrase"),
    "weekday": _p("the local day of the week", "the device's local time", "today"),
    "when": _p("a reminder's days, time and repetition, spoken", "the schedule said (skill/core/reminders.py)",
               "phrase"),
    "weekdays": _p("a reminder's days (\"Tuesday and Friday\")", "the schedule said", "phrase"),
    "time": _p("a reminder's time of day (\"8 in the evening\")", "the schedule said", "phrase"),
    "reminder_text": _p("what a reminder says when it goes off", "the phrase reminder_text", "phrase"),
    "week": _p("sessions finished in the past seven days (\"2 sessions\")", "State.practised", "phrase"),
    "month": _p("sessions finished in the past month", "State.practised", "phrase"),
    "code": _p("a one-time pairing code, said digit by digit", "skill/core/pairing.py, made for the turn",
               "phrase"),
    "stages": _p("each exercise finished and how often (\"sensate focus, twice\")", "State.completed", "phrase"),
}


def allowed(kind: str) -> frozenset[str]:
    """The placeholder names a text of ``kind`` (one of KINDS) may use."""
    return frozenset(name for name, p in PLACEHOLDERS.items() if kind in p.kinds)


Value = str | Callable[[], str]


def fill(template: str, values: Mapping[str, Value]) -> str:
    """``template`` with each ``{name}`` replaced by ``values[name]`` (a string, or a callable asked only when
    the name appears). KeyError for a name with no value: the loader lets no text name one the engine lacks."""
    if "{" not in template:
        return template

    def one(m: re.Match) -> str:
        value = values[m.group(1)]
        return value() if callable(value) else value

    return PLACEHOLDER.sub(one, template)
