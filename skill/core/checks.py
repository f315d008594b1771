"""The content rules that span steps or files, checked when the catalog loads (and by ``content check``).

Each is something the engine relies on or docs/writing-content.md asks for and a machine can check: every step is
reachable and can reach an ending; a question takes both yes and no; a partnered exercise explains the
colours once, at its start; every ending says it is the end; exactly one exercise plays the grounding role,
and it is for one person. Errors name the file, the step and the field (``ContentError``).
"""
from __future__ import annotations

import re
from collections import deque

from .content import Catalog, ContentError, Exercise

COLOURS_EXPLAINED = re.compile(r"\bgreen\b.*\bkeep going\b.*\byellow\b.*\bslow down\b.*\bred\b.*\bstop\b",
                               re.IGNORECASE | re.DOTALL)
SAYS_END = re.compile(r"\bend\b", re.IGNORECASE)


def successors(exercise: Exercise, step_id: str) -> set[str]:
    """The steps one answer can lead to from ``step_id`` ("back" with no trail goes to the step before)."""
    ids = [s.id for s in exercise.steps]
    i = ids.index(step_id)
    out: set[str] = set()
    for target in exercise.steps[i].on.values():
        if target == "next":
            out.update(ids[i + 1:i + 2])
        elif target == "back":
            out.update(ids[max(i - 1, 0):i] or [step_id])
        elif target == "repeat":
            out.add(step_id)
        elif target == "end":
            out.add(next(s.id for s in exercise.steps if s.end))
        else:
            out.add(target)
    return out


def reachable(exercise: Exercise, start: str) -> set[str]:
    """Every step that some sequence of answers leads to from ``start`` (``start`` included)."""
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in successors(exercise, queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def check_exercise(exercise: Exercise, file: str) -> None:
    """Raise ContentError unless one exercise's steps form a sound path (see the module docstring)."""
    ends = {s.id for s in exercise.steps if s.end}
    from_first = reachable(exercise, exercise.first.id)
    for step in exercise.steps:
        if step.id not in from_first:
            raise ContentError(file, step.id, "id", "no answer leads to this step from the first one")
        if step.end:
            if not SAYS_END.search(step.say):
                raise ContentError(file, step.id, "say", "an ending must say that this is the end")
            continue
        if not reachable(exercise, step.id) & ends:
            raise ContentError(file, step.id, "on", "no answer leads from here to an ending")
        if step.asks_question and not {"yes", "no"} <= set(step.on):
            raise ContentError(file, step.id, "on", "a question must take both yes and no")
    if exercise.partnered:
        for name, text in exercise.first.variants().items():
            if not COLOURS_EXPLAINED.search(text):
                raise ContentError(file, exercise.first.id, name,
                                   "a partnered exercise explains green, yellow and red in its first step")
        for step in exercise.steps[1:]:
            for name, text in step.variants().items():
                if COLOURS_EXPLAINED.search(text):
                    raise ContentError(file, step.id, name, "the colours are explained once, in the first step")
    if exercise.role == "grounding" and exercise.partnered:
        raise ContentError(file, None, "kind", "the grounding exercise is for one person: kind = \"solo\"")


def check_catalog(catalog: Catalog, folder: str) -> None:
    """Raise ContentError unless the exercises fit together: some exist, gates name real exercises, and
    exactly one plays the grounding role."""
    if not catalog.exercises:
        raise ContentError(folder, None, "(folder)", "holds no exercise files")
    for exercise in catalog.exercises.values():
        if exercise.gate and exercise.gate.after not in catalog.exercises:
            raise ContentError(f"{exercise.id}.toml", None, "offered_after.exercise",
                               f"names no exercise: '{exercise.gate.after}'")
    grounding = [e.id for e in catalog.exercises.values() if e.role == "grounding"]
    if len(grounding) != 1:
        where = f"{grounding[1]}.toml" if grounding else folder
        raise ContentError(where, None, "role", f'exactly one exercise needs role = "grounding", not {len(grounding)}')
