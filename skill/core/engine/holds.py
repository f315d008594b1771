"""Holds: how long a step's quiet stretch lasts, playing it, the audio player's reports, and a new length said
while it plays. ``keep`` is the one place a hold's position (``Progress.hold_ms``) is written."""
from __future__ import annotations

from ..content import Step
from ..events import Ev, Event, HoldPlay, HoldPosition, Reply
from ..state import State
from .here import Here, Outcome
from .text import join


def seconds_of(h: Here, step: Step) -> int:
    """The length (s) of ``step``'s hold: its fixed seconds, or its setting's minutes as chosen (or default)."""
    hold = step.hold
    assert hold is not None
    if hold.spec is None:
        return hold.seconds
    return hold.spec.clamp(h.state.settings.get(hold.setting)) * 60


def is_current(state: State, where: HoldPosition | None) -> bool:
    """Whether ``where`` (the audio playing) is the hold of ``state``'s current step and run."""
    p = state.progress
    return bool(p and where and (p.exercise, p.step, p.run) == (where.exercise, where.step, where.run))


def in_progress(h: Here) -> bool:
    """Whether the current step's hold was started and has not reached its chime."""
    p, step = h.state.progress, h.step
    return bool(step and step.hold and p and p.run and not p.hold_done)


def keep(h: Here, ms: int, done: bool = False) -> None:
    """Remember the hold is ``ms`` in (and, ``done``, that it played to its chime)."""
    if done:
        h.set_progress(hold_ms=ms, hold_done=True)
    else:
        h.set_progress(hold_ms=ms)


def keep_live(h: Here) -> None:
    """Remember where the audio playing now is, when it is the current step's hold."""
    if is_current(h.state, h.ctx.playing):
        keep(h, h.ctx.playing.elapsed_ms)  # type: ignore[union-attr]


def play(h: Here, step: Step, text: str) -> Outcome:
    """Say ``text``, then play the step's hold from where it is; without AudioPlayer, say how long it lasts."""
    p = h.state.progress
    assert p is not None and p.run is not None
    seconds = seconds_of(h, step)
    h.set(pending=None)
    if h.ctx.audio_player:
        # Sound and a chime are promised only here, where they will play; what to say after is told once.
        reply = Reply(speech=join(text, h.words.render("hold_with_audio")),
                      play=HoldPlay(p.exercise, p.step, p.run, seconds, p.hold_ms), end_session=True, gentle=p.gentle)
        return Outcome(h.state, reply)
    # Never play silence people cannot control: they go on with "next" when they are ready.
    left = h.words.minutes("hold_no_audio", seconds - p.hold_ms / 1000)
    return Outcome(h.state, Reply(speech=join(text, left), end_session=True, gentle=p.gentle))


def on_audio(h: Here, event: Event) -> Outcome:
    """The audio player's reports: remember where the hold is. They never speak."""
    where = h.ctx.playing
    if is_current(h.state, where) and h.step is not None:
        assert where is not None
        if event.kind == Ev.HOLD_FAILED:
            h.set(playback_failed=True)
        elif event.kind == Ev.HOLD_FINISHED:
            keep(h, seconds_of(h, h.step) * 1000, done=True)
        else:
            keep(h, where.elapsed_ms)
    return Outcome(h.state, Reply(end_session=True))


def live_seconds(h: Here) -> int | None:
    """The length (s) of the hold playing now, when it is the current step's, still short of its chime, and
    set by a length setting ("shorter" then applies to it from where it is); None otherwise."""
    step = h.step
    if not (in_progress(h) and is_current(h.state, h.ctx.playing)) or step.hold.spec is None:  # type: ignore
        return None
    return seconds_of(h, step)  # type: ignore[arg-type]


def retime(h: Here, before: int, edge: bool = False) -> Outcome:
    """A length said during the hold playing now: the new length counts from the live position. The audio
    goes on from where it is, to the new end; a length already past ends the stretch with its chime."""
    step, where = h.step, h.ctx.playing
    assert step is not None and step.hold is not None and where is not None
    seconds = seconds_of(h, step)
    keep(h, min(where.elapsed_ms, seconds * 1000))
    h.set(pending=None)
    p = h.state.progress
    assert p is not None and p.run is not None
    left = seconds - p.hold_ms / 1000
    if seconds == before:
        # The same length (or "shorter" at the edge of its range, which then names the range): nothing
        # changes, and the stretch plays on.
        spec = step.hold.spec
        limit = h.words.fill(spec.range, low=h.words.number(spec.low), high=h.words.number(spec.high)) if edge and spec else None
        return Outcome(h.state, Reply(speech=join(limit, time_left(h, left)), end_session=True, gentle=p.gentle))
    speech = h.words.render("hold_length_over") if left <= 0 else time_left(h, left)
    play_on = HoldPlay(p.exercise, p.step, p.run, seconds, p.hold_ms)
    return Outcome(h.state, Reply(speech=speech, play=play_on, end_session=True, gentle=p.gentle))


def time_left(h: Here, seconds: float) -> str:
    """How much of the quiet is left, as said after a new length."""
    if seconds < 60:
        return h.words.render("hold_length_nearly")
    return h.words.minutes("hold_length_left", seconds)
