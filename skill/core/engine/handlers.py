"""The engine's answers to events, one function per (mode, event) of the table in ``modes``. None checks
whether an exercise is going on or a question waits: the table says which one runs."""
from __future__ import annotations

from ..declared import Role
from ..events import Ev, Event, Reply
from ..pairing import VALID_S
from ..speech import digits
from ..spoken import spoken_minutes
from ..questions import Ask, Question
from .answers import answer, go_on, unasked
from .here import Here, Outcome, ask, end, menu
from .navigation import MISSES, aside, missed, move, repeat_key, reprompt, resume, rose, start
from .text import join

HIGH_DISTRESS = 8  # a 0-10 rating at or above this names the crisis line
NAVIGATION = {Ev.NEXT: "next", Ev.BACK: "back", Ev.REPEAT: "repeat"}


# ---- at the menu ---------------------------------------------------------------------------------

def welcome(h: Here, event: Event) -> Outcome:
    """Launch at the menu: the first-time welcome once, then the short one."""
    if not h.state.welcomed:
        h.set(welcomed=True)
        return menu(h, "welcome_first")
    return menu(h, "welcome")


def not_in_exercise(h: Here, event: Event) -> Outcome:
    return menu(h, "not_in_exercise")


def nothing_to_resume(h: Here, event: Event) -> Outcome:
    return menu(h, "nothing_to_resume")


def help_at_menu(h: Here, event: Event) -> Outcome:
    """Help, and where help is: the crisis line follows every answer to "help" ("I need help")."""
    crisis = h.catalog.phrases.crisis_line(h.ctx.locale, h.ctx.time_zone)
    return ask(h, join(h.words.render("help_general"), crisis), h.words.render("welcome_reprompt"))


def which_one_at_menu(h: Here, event: Event) -> Outcome:
    return ask(h, h.words.render("menu"), h.words.render("welcome_reprompt"))


def pairing_code(h: Here, event: Event) -> Outcome:
    """"Ask Safe Harbor for a pairing code", outside an exercise: a new one-time code (skill/core/pairing.py),
    said twice and slowly, with what it is for; the session closes, so it can be written down. Where the device
    needs none (``Context.pairing`` is None), how a version reaches it instead; a store that cannot be reached, a
    calm "not now"."""
    port = h.ctx.pairing
    if port is None:
        return aside(h, h.words.render("pairing_not_here"))
    code = port.issue(h.ctx.account) if h.ctx.account else None
    if code is None:
        return aside(h, h.words.render("pairing_unavailable"))
    return end(h, h.words.render("pairing_code", code=digits(code),
                                 minutes=spoken_minutes(VALID_S, h.words.language)))


def pairing_not_now(h: Here, event: Event) -> Outcome:
    """A pairing code asked for during an exercise: not taken (safety and the exercise come first); it can be
    asked for once the exercise is over. The exercise goes on where it was."""
    return aside(h, h.words.render("pairing_not_now" if h.ctx.pairing is not None else "pairing_not_here"))


def start_by_name(h: Here, event: Event) -> Outcome:
    """Begin the exercise named; a gated stage first asks each partner whether they feel ready."""
    exercise = h.catalog.get(event.value)
    if exercise is None:
        if h.state.misses + 1 >= MISSES:
            return missed(h)
        h.set(misses=h.state.misses + 1)
        return menu(h, "unknown_exercise")
    h.set(return_to=None)
    gate = exercise.gate
    if gate is None:
        return start(h, exercise)
    base = h.catalog.exercises[gate.after]
    if h.state.completed.get(base.id, 0) < gate.times or base.id in h.state.repeat_next:
        return ask(h, h.words.render("stay_with_base", exercise=base.title), h.words.render("yellow_offer_reprompt"),
                   Question(Ask.GATE_BASE, base.id))
    lead = h.words.render("ready_remembered") if h.state.ready_next else None
    return ask(h, join(lead, h.words.render("ready_first")), h.words.render("ready_reprompt"),
               Question(Ask.READY_FIRST, exercise.id))


def start_role(role: Role):
    """The handler of ``role``'s starting event: its exercise, from wherever people are. Leaving another
    exercise says why; leaving a partnered one for a role that ``interrupts`` keeps the way back."""
    def handler(h: Here, event: Event) -> Outcome:
        exercise, playing = h.exercise, h.catalog.starts(role)
        lead = None
        if exercise is not None and exercise is not playing:
            lead = h.words.render("triggered")
            if exercise.partnered and role.interrupts:
                h.set(return_to=h.state.progress)  # offered back, gently, once the role's exercise ends
        return start(h, playing, lead=lead)
    return handler


# ---- in an exercise ------------------------------------------------------------------------------

def offer_resume(h: Here, event: Event) -> Outcome:
    """Launch with an exercise paused: asked gently, and "no" or "start over" are as welcome. Named, so the
    answer is an informed one, but only to the recognised voice whose record it is (PRIVACY.md)."""
    if h.ctx.recognised_voice and not h.ctx.other_voice:
        title = h.exercise.title  # type: ignore[union-attr]
        return ask(h, h.words.render("resume_offer", exercise=title),
                   h.words.render("resume_offer_reprompt", exercise=title), Question(Ask.RESUME), gentle=True)
    return ask(h, h.words.render("resume_offer_unnamed"), h.words.render("resume_offer_unnamed_reprompt"),
               Question(Ask.RESUME), gentle=True)


def navigate(h: Here, event: Event) -> Outcome:
    return move(h, NAVIGATION[event.kind])


def start_over(h: Here, event: Event) -> Outcome:
    return start(h, h.exercise)  # type: ignore[arg-type]


def resume_here(h: Here, event: Event) -> Outcome:
    return resume(h)


def help_in_step(h: Here, event: Event) -> Outcome:
    crisis = h.catalog.phrases.crisis_line(h.ctx.locale, h.ctx.time_zone)
    step = h.step
    assert step is not None
    text = h.words.fill(step.help) if step.help else h.words.render("help_general")
    return reprompt(h, step, join(text, crisis))


def which_one(h: Here, event: Event) -> Outcome:
    """"Which one?": the exercise in progress, by name."""
    return aside(h, h.words.render("which_one", exercise=h.exercise.title))  # type: ignore[union-attr]


def go_first(h: Here, event: Event) -> Outcome:
    return move(h, "first") if "first" in h.step.on else missed(h)  # type: ignore[union-attr]


def keep_going(h: Here, event: Event) -> Outcome:
    return go_on(h)


def rating(h: Here, event: Event) -> Outcome:
    """A 0-10 distress number at a step that asks for one. A high one names the crisis line; before a
    partnered exercise it pauses and asks; a rise after one means next time it is taken again, gently."""
    exercise, step = h.exercise, h.step
    assert exercise is not None and step is not None and step.rating is not None
    try:
        number = int(event.value or "")
    except ValueError:
        number = -1
    if not 0 <= number <= 10:
        if h.state.misses + 1 >= MISSES:
            return missed(h)
        h.set(misses=h.state.misses + 1)
        return reprompt(h, step, h.words.render("rating_range"))
    h.set(ratings={**h.state.ratings, step.rating: number})
    high, risen = number >= HIGH_DISTRESS, rose(h)
    crisis = h.catalog.phrases.crisis_line(h.ctx.locale, h.ctx.time_zone)
    thanks = h.words.render("rating_thanks")
    if step.rating == "before":
        lead = join(thanks, crisis if high else None)
        if high and exercise.partnered:
            # Not straight on into closeness: pause, and ask, with grounding on offer.
            return ask(h, join(lead, h.words.render("high_before")), h.words.render("high_before_reprompt"),
                       Question(Ask.HIGH_BEFORE), gentle=True)
        return move(h, "rating", lead=lead)
    repeat = repeat_key(exercise)
    if risen and exercise.partnered and repeat not in h.state.repeat_next:
        h.set(repeat_next=[*h.state.repeat_next, repeat])  # next time: that session again, gently
    if not (high or risen):
        return move(h, "rating", lead=thanks)
    target = exercise.step(step.on["distress"]) if step.on["distress"] not in ("next", "end") else None
    names_line = bool(target and "{crisis_line}" in target.say)
    return move(h, "distress", lead=join(thanks, crisis if high and not names_line else None))


def not_sure_rating(h: Here, event: Event) -> Outcome:
    """"I don't know" to a rating: fine, a number is optional."""
    return move(h, "rating", lead=h.words.render("not_sure_rating"))


# ---- a question waiting --------------------------------------------------------------------------

def yes(h: Here, event: Event) -> Outcome:
    return answer(h, True)


def no(h: Here, event: Event) -> Outcome:
    return answer(h, False)


def go_on_as_no(h: Here, event: Event) -> Outcome:
    """"Keep going", "I'm okay" is never a yes to grounding after red or to deleting data: it means no."""
    return answer(h, False)


def help_with_question(h: Here, event: Event) -> Outcome:
    step, question = h.step, h.state.pending
    assert question is not None
    again = h.words.reask(question)
    text = h.words.fill(step.help) if step and step.help else h.words.render("help_general")
    return ask(h, join(text, h.catalog.phrases.crisis_line(h.ctx.locale, h.ctx.time_zone), again), again, question,
               gentle=h.gentle)


def not_sure_question(h: Here, event: Event) -> Outcome:
    """"I don't know" to a question: take your time; it still waits."""
    return ask(h, h.words.render("not_sure_question"), h.words.render("yellow_offer_reprompt"), h.state.pending)


def which_one_with_question(h: Here, event: Event) -> Outcome:
    """"Which one?" at a question (the resume offer): the exercise by name, and the question again."""
    again = h.words.reask(h.state.pending)  # type: ignore[arg-type]
    text = h.words.render("which_one", exercise=h.exercise.title)  # type: ignore[union-attr]
    return ask(h, join(text, again), again, h.state.pending)


# ---- anywhere ------------------------------------------------------------------------------------

def yes_unasked(h: Here, event: Event) -> Outcome:
    return unasked(h, True)


def no_unasked(h: Here, event: Event) -> Outcome:
    return unasked(h, False)


def fallback(h: Here, event: Event) -> Outcome:
    return missed(h)


def delete_data(h: Here, event: Event) -> Outcome:
    return ask(h, h.words.render("delete_confirm"), h.words.render("yellow_offer_reprompt"), Question(Ask.DELETE))


def phrase_aside(key: str):
    """A handler that says the phrase ``key`` and returns to where people were."""
    return lambda h, event: aside(h, h.words.render(key))


def session_end(h: Here, event: Event) -> Outcome:
    h.set(pending=None)
    return Outcome(h.state, Reply(end_session=True))
