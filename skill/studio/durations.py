"""How long an exercise takes: pure arithmetic over the step graph.

A step lasts its speech (given by the caller: words at a stated words-per-minute rate plus every pause and
sentence gap, as ``skill.core.speech.spoken_seconds`` times it) plus its hold. A path is a walk from the first step to an ending that visits no step twice (a "back" or
"repeat" only ever lengthens a walk, so they are left out); the shortest and longest paths are reported with
holds at their lower limit, their default and their upper limit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

# Words per minute of a typical synthetic voice at its normal rate. The skill slows the voice down (its
# pace's ``rate``, in common/phrases.toml), so speech is timed at BASE_WPM * rate (skill.core.speech).
BASE_WPM = 150
END = "(end)"  # an answer whose target is "end": the exercise closes without an end step
LIMITS = ("low", "default", "high")
MAX_PATHS = 100_000  # a guard: content with this many distinct walks is not a guided exercise


class _Step(Protocol):
    id: str
    end: bool
    on: dict[str, str]


class _Exercise(Protocol):
    steps: tuple


@dataclass(frozen=True)
class HoldRange:
    """A hold's length in seconds at its lower limit, its default and its upper limit (equal when fixed)."""

    low: int
    default: int
    high: int

    def at(self, limit: str) -> int:
        return {"low": self.low, "default": self.default, "high": self.high}[limit]


def successors(exercise: _Exercise, step: _Step) -> list[str]:
    """Where a step's answers lead on a path: step ids, or END. "back" and "repeat" are left out, and an end
    step leads nowhere."""
    if step.end:
        return []
    ids = [s.id for s in exercise.steps]
    out: list[str] = []
    for answer, target in step.on.items():
        if answer in ("back", "repeat") or target in ("back", "repeat"):
            continue
        if target == "next":
            i = ids.index(step.id) + 1
            target = ids[i] if i < len(ids) else END
        elif target == "end":
            target = END
        if target not in out:
            out.append(target)
    return out


@dataclass(frozen=True)
class Durations:
    """Seconds of the shortest and the longest path, by hold limit ("low", "default", "high"), with the step
    ids of each path (at default holds) and how many paths there are."""

    shortest: dict[str, float]
    longest: dict[str, float]
    shortest_path: tuple[str, ...]
    longest_path: tuple[str, ...]
    paths: int


def paths(exercise: _Exercise) -> list[tuple[str, ...]]:
    """Every path from the first step to an ending, visiting no step twice; each a tuple of step ids.
    Raises ValueError past MAX_PATHS."""
    by_id = {s.id: s for s in exercise.steps}
    found: list[tuple[str, ...]] = []

    def walk(path: list[str]) -> None:
        step = by_id[path[-1]]
        nexts = successors(exercise, step)
        if step.end or END in nexts:
            found.append(tuple(path))
            if len(found) > MAX_PATHS:
                raise ValueError(f"more than {MAX_PATHS} paths")
        for target in nexts:
            if target != END and target not in path:
                walk(path + [target])

    if exercise.steps:
        walk([exercise.steps[0].id])
    return found


def durations(exercise: _Exercise, speech: Callable[[_Step], float],
              hold: Callable[[_Step], HoldRange | None]) -> Durations:
    """The shortest and longest path of ``exercise``. ``speech(step)`` gives a step's spoken seconds,
    ``hold(step)`` its hold (None: no hold). Raises ValueError when no path reaches an ending."""
    all_paths = paths(exercise)
    if not all_paths:
        raise ValueError("no path reaches an ending")
    spoken = {s.id: speech(s) for s in exercise.steps}
    holds = {s.id: hold(s) for s in exercise.steps}

    def total(path: tuple[str, ...], limit: str) -> float:
        return sum(spoken[i] + (holds[i].at(limit) if holds[i] else 0) for i in path)

    shortest = {limit: min(total(p, limit) for p in all_paths) for limit in LIMITS}
    longest = {limit: max(total(p, limit) for p in all_paths) for limit in LIMITS}
    return Durations(shortest=shortest, longest=longest,
                     shortest_path=min(all_paths, key=lambda p: (total(p, "default"), len(p))),
                     longest_path=max(all_paths, key=lambda p: (total(p, "default"), len(p))),
                     paths=len(all_paths))


def minutes(seconds: float) -> str:
    """Seconds as minutes for people, one decimal: "4.5 min" (never below "0.1 min")."""
    return f"{max(seconds / 60, 0.1):.1f} min"
