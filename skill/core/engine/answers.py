"""Yes and no: the answers to the engine's own questions, as a table (``ANSWERS``: per kind of question, what
yes does, what no does, and the shorter re-ask in [reask]), and yes or no when nothing was asked.

An answer returns None when its question no longer applies (the exercise it was about is gone); the word is
then taken as if nothing had been asked.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..events import Ev, Event, Reply
from ..questions import Ask, Question
from ..state import State
from . import holds, reminders
from .here import Here, Outcome, ask, end, menu
from .navigation import aside, move, reprompt, resume, return_to, start
from .safety import checkin, distress
from .text import join

Handler = Callable[[Here, Question], "Outcome | None"]


@dataclass(frozen=True)
class Answer:
    """What yes and no do to one kind of question. Its reprompt, the question asked again in fewer words, is
    content: the line of [reask] named by the kind (the loader requires one per kind; ``Words.reask``)."""

    yes: Handler
    no: Handler


def resume_yes(h: Here, q: Question) -> Outcome:
    return resume(h) if h.step else menu(h, "nothing_to_resume")


def resume_no(h: Here, q: Question) -> Outcome:
    h.set(progress=None)
    return menu(h, "fresh_start")


def grounding_yes(h: Here, q: Question) -> Outcome:
    # After distress, red or a high number: full guidance, and a number already given is not asked again.
    return start(h, h.catalog.grounding, full=True, rated=q.rating)


def return_yes(h: Here, q: Question) -> Outcome:
    back = h.state.return_to
    h.set(return_to=None)
    out = return_to(h, back, h.words.render("return_gently")) if back and h.catalog.get(back.exercise) else None
    return out or end(h, h.words.render("return_declined"))


def return_no(h: Here, q: Question) -> Outcome:
    h.set(return_to=None)
    return end(h, h.words.render("return_declined"))


def ready_yes(h: Here, q: Question) -> Outcome | None:
    gated = h.catalog.get(q.about)
    if gated is None or gated.gate is None:
        return None
    if q.kind == Ask.READY_FIRST:
        return ask(h, h.words.render("ready_second"), h.words.render("ready_reprompt"),
                   Question(Ask.READY_SECOND, gated.id))
    h.set(ready_next=True)
    return start(h, gated, lead=h.words.render("ready_both"))


def ready_no(h: Here, q: Question) -> Outcome | None:
    gated = h.catalog.get(q.about)
    if gated is None or gated.gate is None:
        return None
    h.set(ready_next=False)  # honoured warmly, and nothing else is offered in the same breath
    return end(h, h.words.render("not_ready"))


def delete_yes(h: Here, q: Question) -> Outcome:
    return Outcome(State(), Reply(speech=h.words.render("deleted"), end_session=True, forget=True))


def gate_base_yes(h: Here, q: Question) -> Outcome | None:
    base = h.catalog.get(q.about)
    return start(h, base) if base else None


def gate_base_no(h: Here, q: Question) -> Outcome | None:
    return menu(h, "welcome") if h.catalog.get(q.about) else None


def high_before_yes(h: Here, q: Question) -> Outcome | None:
    """After a high rating before a partnered exercise: yes goes on, gently."""
    if h.step is None:
        return None
    h.set_progress(gentle=True)
    return move(h, "rating", lead=h.words.render("go_on_gently"))


def high_before_no(h: Here, q: Question) -> Outcome | None:
    """No offers grounding, and the exercise waits (offered back, gently, once grounding ends)."""
    if h.step is None:
        return None
    h.set(return_to=h.state.progress)
    return ask(h, join(h.words.render("high_before_pause"), h.words.render("red_offer")),
               h.words.render("red_offer_reprompt"), Question(Ask.RED_GROUNDING, rating=h.state.ratings.get("before")),
               gentle=True)


def step_offer_yes(h: Here, q: Question) -> Outcome | None:
    """yellow's "go back?" / "again, more slowly?" and a failed hold's "try again?"."""
    if h.step is None:
        return None
    return move(h, "back" if q.kind == Ask.YELLOW_BACK else "repeat")


def step_offer_no(h: Here, q: Question) -> Outcome | None:
    step = h.step
    if step is None:
        return None
    if holds.in_progress(h):
        return holds.play(h, step, h.words.render("hold_continue"))  # the quiet goes on from where it was
    # One sentence; the step's reprompt waits for a silence.
    return ask(h, h.words.render("yellow_stay"), h.words.step_reprompt(step), gentle=h.gentle)


def unsure_yes(h: Here, q: Question) -> Outcome:
    """"Are you okay?" yes: back to where they were, as it was."""
    lead = h.words.render("unsure_okay")
    if q.then is not None:
        again = h.words.reask(q.then)
        return ask(h, join(lead, again), again, q.then, gentle=h.gentle)
    step = h.step
    if step is None:
        again = h.words.render("welcome_reprompt")
        return ask(h, join(lead, again), again)
    if holds.in_progress(h):
        if holds.is_current(h.state, h.ctx.playing):
            # The quiet never stopped: it goes on under these words.
            return Outcome(h.state, Reply(speech=lead, end_session=True, gentle=h.gentle), keep_audio=True)
        return resume(h)
    return reprompt(h, step, lead)


def unsure_no(h: Here, q: Question) -> Outcome:
    """"Are you okay?" no: distress. A hold went on under the question (the device may report it paused):
    it stops now, for sure."""
    in_hold = holds.in_progress(h)
    outcome = distress(h, Event(Ev.DISTRESS), in_exercise=h.step is not None)
    return replace(outcome, reply=replace(outcome.reply, stop_audio=True)) if in_hold else outcome


def _rest(h: Here, q: Question) -> Outcome:
    return end(h, h.words.render("red_rest"))


def _not_deleted(h: Here, q: Question) -> Outcome:
    return aside(h, h.words.render("not_deleted"))


ANSWERS: dict[Ask, Answer] = {
    Ask.RESUME: Answer(yes=resume_yes, no=resume_no),
    Ask.RED_GROUNDING: Answer(yes=grounding_yes, no=_rest),
    Ask.RETURN: Answer(yes=return_yes, no=return_no),
    Ask.READY_FIRST: Answer(yes=ready_yes, no=ready_no),
    Ask.READY_SECOND: Answer(yes=ready_yes, no=ready_no),
    Ask.DELETE: Answer(yes=delete_yes, no=_not_deleted),
    Ask.GATE_BASE: Answer(yes=gate_base_yes, no=gate_base_no),
    Ask.YELLOW_BACK: Answer(yes=step_offer_yes, no=step_offer_no),
    Ask.YELLOW_REPEAT: Answer(yes=step_offer_yes, no=step_offer_no),
    Ask.RETRY_STEP: Answer(yes=step_offer_yes, no=step_offer_no),
    Ask.HIGH_BEFORE: Answer(yes=high_before_yes, no=high_before_no),
    Ask.UNSURE: Answer(yes=unsure_yes, no=unsure_no),
    Ask.REMINDER_SET: Answer(yes=reminders.reminder_yes, no=reminders.reminder_no),
}


def answer(h: Here, yes: bool) -> Outcome:
    """A yes or no to the question waiting (``ANSWERS``); one that no longer applies is taken as unasked."""
    question = h.state.pending
    assert question is not None
    h.set(pending=None)
    entry = ANSWERS[question.kind]
    outcome = (entry.yes if yes else entry.no)(h, question)
    return outcome if outcome is not None else unasked(h, yes)


def unasked(h: Here, yes: bool) -> Outcome:
    """Yes or no when nothing was asked: a consent signal, never brushed off. The step's own question takes
    it; otherwise yes is thanked and goes on (as "keep going" does), and no is honoured: nothing goes on,
    the place is kept, and nothing presses."""
    step = h.step
    word = "yes" if yes else "no"
    if step and word in step.on:
        return move(h, word)  # the step asked it in its own words
    if yes:
        if step is None:
            again = h.words.render("welcome_reprompt")
            return ask(h, join(h.words.render("yes_heard"), again), again)
        return go_on(h, lead=h.words.render("yes_heard"))
    if step is None:
        return end(h, h.words.render("no_heard_at_menu"))
    holds.keep_live(h)  # the quiet stops here, and is kept for later
    return end(h, h.words.render("no_heard"))


def go_on(h: Here, lead: str | None = None) -> Outcome:
    """On from the current step ("keep going", or a yes to nothing): green at a check-in, on after a hold,
    else the step's next (or yes)."""
    step = h.step
    assert step is not None
    if step.checkin:
        return checkin(h, Event(Ev.CHECKIN, "green"))
    if step.hold:
        holds.keep_live(h)
        return resume(h)
    for word in ("next", "yes"):
        if word in step.on:
            return move(h, word, lead=lead)
    return resume(h)
