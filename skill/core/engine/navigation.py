"""Moving through an exercise: starting one, following a step's answers (next, back, repeat, yes, no,
rating, first), saying a step, finishing, resuming, and the short asides that return to where people were."""
from __future__ import annotations

from dataclasses import replace

from ..content import Exercise, Step
from ..events import Reply
from ..questions import Ask, Question
from ..state import MAX_TRAIL, Progress
from . import holds, reminders
from .here import Here, Outcome, ask
from .text import join

MISSES = 3  # turns in a row not understood before the answer gets shorter and names the way out


def start(h: Here, exercise: Exercise, lead: str | None = None, full: bool = False,
          rated: int | None = None) -> Outcome:
    """Begin ``exercise``. ``full``: full guidance whatever "less talking" says (grounding after distress,
    red or a high number); ``rated``: the 0-10 number already given, so its "before" rating is not asked."""
    h.set(progress=None, ratings={} if rated is None else {"before": rated})
    if exercise.id in h.state.repeat_next:
        # Distress rose last time: the same session again, gently, with no mention of why.
        h.set(progress=Progress(exercise=exercise.id, step=exercise.first.id, gentle=True, full=full))
        lead = join(lead, h.words.render("repeat_gently"))
    elif full:
        h.set(progress=Progress(exercise=exercise.id, step=exercise.first.id, full=True))
    return speak(h, exercise, exercise.first, lead=lead)


def speak(h: Here, exercise: Exercise, step: Step, lead: str | None = None,
          came_from: str | None = None) -> Outcome:
    """Move to ``step`` and say it. A step with end = true closes the exercise. In grounding that a high
    number led into, moving on to its "before" rating goes past it: the number was given."""
    p = h.state.progress
    carried = bool(p and p.full and h.state.ratings.get("before") is not None)
    if step.rating == "before" and came_from and carried \
            and not step.end and step.on.get("rating", "next") not in ("repeat", "back"):
        target = step.on.get("rating", "next")
        after = exercise.following(step.id) if target == "next" else (
            next(s for s in exercise.steps if s.end) if target == "end" else exercise.step(target))
        if after is not None and after.id != step.id:
            return speak(h, exercise, after, lead=lead, came_from=came_from)
    gentle, full = bool(p and p.gentle), bool(p and p.full)
    text = join(lead, h.words.step_text(h.state, exercise, step))
    if step.end:
        return finish(h, exercise, text, gentle)
    trail = list(p.trail) if p else []
    if came_from and came_from != step.id:
        trail = (trail + [came_from])[-MAX_TRAIL:]
    h.set(progress=Progress(exercise=exercise.id, step=step.id, trail=trail, gentle=gentle, full=full))
    if step.hold:
        h.set(holds=h.state.holds + 1)
        h.set_progress(run=f"r{h.state.holds}")
        return holds.play(h, step, text)
    return ask(h, text, h.words.step_reprompt(step), gentle=gentle)


def finish(h: Here, exercise: Exercise, text: str, gentle: bool) -> Outcome:
    """The exercise's clear ending. After a role that interrupted a partnered exercise, offer the way back."""
    state = h.state
    repeat = repeat_key(exercise)
    h.set(progress=None, pending=None, completed={**state.completed, exercise.id: state.completed.get(exercise.id, 0) + 1},
          repeat_next=[e for e in state.repeat_next if e != repeat or rose(h)], ratings={},
          practised=reminders.practised(h))
    role = h.catalog.role(exercise)
    if state.return_to and role and role.interrupts:
        return ask(h, join(text, h.words.render("return_offer")), h.words.render("return_offer"),
                   Question(Ask.RETURN), gentle=gentle)
    h.set(return_to=None)
    return Outcome(h.state, Reply(speech=text, end_session=True, gentle=gentle))


def repeat_key(exercise: Exercise) -> str:
    """What to take again, gently, after distress rose: a later stage repeats the earlier one."""
    return exercise.gate.after if exercise.gate else exercise.id


def rose(h: Here) -> bool:
    """Whether this run's "after" rating is higher than its "before"."""
    before, after = h.state.ratings.get("before"), h.state.ratings.get("after")
    return before is not None and after is not None and after > before


def move(h: Here, answer: str, lead: str | None = None) -> Outcome:
    """Follow the current step's transition for ``answer`` (next, back, repeat, yes, no, rating, first)."""
    exercise, step = h.exercise, h.step
    assert exercise is not None and step is not None
    target = step.on.get(answer)
    if target is None:
        return reprompt(h, step, h.words.render("answer_unclear"))
    if target == "repeat":
        return speak(h, exercise, step, lead=lead)
    if target == "end":
        return speak(h, exercise, next(s for s in exercise.steps if s.end))
    if target == "back":
        return back(h, exercise, step, lead)
    nxt = exercise.following(step.id) if target == "next" else exercise.step(target)
    assert nxt is not None  # the loader guarantees every target exists
    return speak(h, exercise, nxt, lead=lead, came_from=step.id)


def back(h: Here, exercise: Exercise, step: Step, lead: str | None) -> Outcome:
    """The step before: the last one visited, else the one before in the file; at the first, it again."""
    trail = list(h.state.progress.trail)  # type: ignore[union-attr]
    previous = exercise.step(trail.pop()) if trail else exercise.preceding(step.id)
    if previous is None:
        return speak(h, exercise, step, lead=join(lead, h.words.render("first_step")))
    h.set_progress(trail=trail)
    return speak(h, exercise, previous, lead=lead)


def reprompt(h: Here, step: Step, lead: str) -> Outcome:
    """Say ``lead``, then the step's reprompt; any question still waits."""
    again = h.words.step_reprompt(step)
    return ask(h, join(lead, again), again, pending=h.state.pending, gentle=h.gentle)


def resume(h: Here) -> Outcome:
    """On from where the exercise was: its hold from its position, or the step said again."""
    exercise, step, p = h.exercise, h.step, h.state.progress
    assert exercise is not None and step is not None and p is not None
    if holds.in_progress(h):
        holds.keep_live(h)  # still playing: the device's live position, not the last report
        left = holds.seconds_of(h, step) - h.state.progress.hold_ms / 1000  # type: ignore[union-attr]
        return holds.play(h, step, h.words.minutes("hold_resume", left))
    if step.hold and p.hold_done:
        return reprompt(h, step, h.words.render("hold_complete"))
    return speak(h, exercise, step)


def return_to(h: Here, back_to: Progress, lead: str) -> Outcome | None:
    """Back, gently, to the exercise left at ``back_to`` (its hold from the start); None if it is gone."""
    h.set(progress=replace(back_to, gentle=True, run=None, hold_ms=0, hold_done=False))
    exercise, step = h.exercise, h.step
    return speak(h, exercise, step, lead=lead) if exercise and step else None


def aside(h: Here, text: str) -> Outcome:
    """Say ``text`` (one short sentence), then return to where the person was."""
    if h.step is None:
        again = h.words.render("welcome_reprompt")
        return ask(h, join(text, again), again)
    return reprompt(h, h.step, text)


def missed(h: Here, key: str = "fallback") -> Outcome:
    """A turn not understood. The third in a row gets a shorter, different answer naming the way out."""
    h.set(misses=h.state.misses + 1)
    question = h.state.pending
    if h.state.misses < MISSES:
        if question is not None:  # the question still waits: asked again, in fewer words
            again = h.words.reask(question)
            return ask(h, join(h.words.render(key), again), again, question, gentle=h.gentle)
        return aside(h, h.words.render(key))
    where = h.words.render("lost_in_exercise" if h.step else "lost_at_menu")
    if question is not None:
        again = h.words.reask(question)
        return ask(h, join(where, again), again, question, gentle=h.gentle)
    return ask(h, where, where, None, gentle=h.gentle)

