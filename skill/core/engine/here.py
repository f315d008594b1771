"""One turn as the engine works on it (``Here``), the engine's answer (``Outcome``), and the replies every
handler builds from: ask, end, menu.

``Here`` holds the state so far: each change makes a new frozen State (``set``), so the state the caller
handed over is never changed, and a trial run needs no copy.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..content import Catalog, Exercise, Step
from ..events import Context, Reply
from ..questions import Question
from ..state import State
from .text import Words


@dataclass(frozen=True)
class Outcome:
    """The engine's answer to one event: the person's new state and what to say or play."""

    state: State
    reply: Reply
    keep_audio: bool = False  # playing hold audio goes on under this reply (it asks, and waits for the answer)
    # The turn stopped (merge rule 5): stop, cancel, pause, red, distress, or "no" to "are you okay?".
    stop: bool = False


class Here:
    """The turn in hand: the content, the words for this context, the state so far and the mode it was
    dispatched in (``modes.mode_of``)."""

    def __init__(self, catalog: Catalog, state: State, ctx: Context):
        self.catalog, self.ctx, self.state = catalog, ctx, state
        self.words = Words(catalog, ctx)
        self.mode = ""

    def set(self, **changes: Any) -> None:
        """The state so far, with ``changes`` (field=value)."""
        self.state = replace(self.state, **changes)

    def set_progress(self, **changes: Any) -> None:
        """The progress so far, with ``changes``; the progress must exist."""
        assert self.state.progress is not None
        self.set(progress=replace(self.state.progress, **changes))

    @property
    def exercise(self) -> Exercise | None:
        """The exercise the state is in, or None."""
        p = self.state.progress
        return self.catalog.get(p.exercise) if p else None

    @property
    def step(self) -> Step | None:
        """The step the state is at, or None (no exercise, or a step the content no longer has)."""
        exercise, p = self.exercise, self.state.progress
        return exercise.step(p.step) if exercise and p else None

    @property
    def gentle(self) -> bool:
        """Whether the exercise in progress is taken gently (after yellow)."""
        return bool(self.state.progress and self.state.progress.gentle)


def ask(h: Here, speech: str, reprompt: str, pending: Question | None = None, gentle: bool = False) -> Outcome:
    """Say ``speech`` and wait for an answer (``pending``: the engine's own question, if any)."""
    h.set(pending=pending)
    return Outcome(h.state, Reply(speech=speech, reprompt=reprompt, end_session=False, gentle=gentle))


def menu(h: Here, lead: str) -> Outcome:
    """The phrase ``lead`` (which names the exercises), waiting at the menu."""
    return ask(h, h.words.render(lead), h.words.render("welcome_reprompt"))


def end(h: Here, speech: str = "") -> Outcome:
    """Say ``speech`` (or nothing) and close the session."""
    h.set(pending=None)
    return Outcome(h.state, Reply(speech=speech, end_session=True))
