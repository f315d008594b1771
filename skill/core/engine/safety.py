"""Consent and safety: the colours, red, distress, "it may have been distress", stop, cancel and pause. Each
is honoured at once, whatever mode the turn is in; those that stop say so in ``Outcome.stop``."""
from __future__ import annotations

from dataclasses import replace

from ..events import Event, Reply
from ..questions import Ask, Question
from . import holds
from .here import Here, Outcome, ask, end, menu
from .navigation import missed, move
from .text import join


def stopped(outcome: Outcome) -> Outcome:
    """``outcome``, marked as a stop (merge rule 5)."""
    return replace(outcome, stop=True)


def red(h: Here) -> Outcome:
    """Stop at once, say so in one calm sentence, offer rest or grounding, never press to resume. In a role
    that says what red says there (grounding), that, and nothing offered."""
    role = h.catalog.role(h.exercise)
    h.set(progress=None, return_to=None)
    if role and role.red:
        return stopped(end(h, h.words.render(role.red)))
    return stopped(ask(h, join(h.words.render("red_stop"), h.words.render("red_offer")),
                       h.words.render("red_offer_reprompt"), Question(Ask.RED_GROUNDING)))


def checkin_at_menu(h: Here, event: Event) -> Outcome:
    """A colour with no exercise going on: red still stops; green and yellow say where we are."""
    if event.value == "red":
        return red(h)
    if event.value in ("green", "yellow"):
        return menu(h, "not_in_exercise")
    return missed(h)


def checkin(h: Here, event: Event) -> Outcome:
    """A colour in an exercise: green goes on, yellow slows down and offers a step back, red stops."""
    if event.value == "red":
        return red(h)
    if event.value == "green":
        h.set(pending=None)
        return move(h, "next", lead=h.words.render("green_ack"))
    if event.value != "yellow":
        return missed(h)
    h.set_progress(gentle=True)
    exercise, step, p = h.exercise, h.step, h.state.progress
    assert exercise is not None and step is not None and p is not None
    if step.hold and step.hold.touch and holds.in_progress(h) and holds.is_current(h.state, h.ctx.playing):
        # A touch stretch playing now: one line of gentler touch guidance, and the stretch plays on.
        holds.keep_live(h)
        h.set(pending=None)
        return Outcome(h.state, Reply(speech=h.words.render("yellow_touch"), end_session=True, gentle=True),
                       keep_audio=True)
    has_previous = bool(p.trail) or exercise.preceding(step.id) is not None
    offer = "yellow_offer_back" if has_previous else "yellow_offer_repeat"
    return ask(h, join(h.words.render("yellow_ack"), h.words.render(offer)), h.words.render("yellow_offer_reprompt"),
               Question(Ask.YELLOW_BACK if has_previous else Ask.YELLOW_REPEAT), gentle=True)


def distress(h: Here, event: Event, in_exercise: bool = False) -> Outcome:
    """Distress in any words: stop at once, say so kindly, name the crisis line (and the emergency number
    when life may be at risk, and a line for abuse at home when someone is hurting them), and offer
    grounding. Nothing presses to resume."""
    unsafe = event.value == "unsafe"
    lead = ("unsafe_" if unsafe else "distress_") + ("stop" if in_exercise else "heard")
    h.set(progress=None, return_to=None, ratings={})
    phrases, locale, zone = h.catalog.phrases, h.ctx.locale, h.ctx.time_zone
    emergency = phrases.emergency_line(locale, zone) if event.value in ("at_risk", "unsafe") else None
    abuse = phrases.domestic_abuse_line(locale, zone) if unsafe else None
    speech = join(h.words.render(lead), emergency, abuse, phrases.crisis_line(locale, zone),
                  h.words.render("distress_offer"))
    return stopped(ask(h, speech, h.words.render("red_offer_reprompt"), Question(Ask.RED_GROUNDING), gentle=True))


def distress_in_exercise(h: Here, event: Event) -> Outcome:
    """Distress said during an exercise: as ``distress``, saying that we have stopped."""
    return distress(h, event, in_exercise=True)


def unsure(h: Here, event: Event) -> Outcome:
    """It may have been distress: one short question that names the way out and where help is. Nothing
    moves: the exercise, the step and any waiting question stay as they were, and a hold plays on."""
    waiting = h.state.pending
    if waiting is not None and waiting.kind == Ask.UNSURE:
        waiting = waiting.then
    outcome = ask(h, join(h.words.render("unsure"), h.catalog.phrases.crisis_line(h.ctx.locale, h.ctx.time_zone)),
                  h.words.reask(Question(Ask.UNSURE)), Question(Ask.UNSURE, then=waiting), gentle=True)
    return replace(outcome, keep_audio=True)


def stop(h: Here, event: Event) -> Outcome:
    """Stop ends the exercise, with one short kind sentence that names nothing (someone else may hear).
    Pausing is its own word. (A bare "Alexa, stop" while a hold plays reaches the skill as a pause.)"""
    h.set(progress=None, return_to=None, ratings={})
    return stopped(end(h, h.words.render("stopped")))


def cancel(h: Here, event: Event) -> Outcome:
    """Cancel: as stop, in its own words; the ratings so far stay until the exercise is begun again."""
    h.set(progress=None, return_to=None)
    return stopped(end(h, h.words.render("cancelled")))


def leave_quietly(h: Here, event: Event) -> Outcome:
    """Stop or cancel with no exercise going on: nothing to say; the session closes, and no way back to a
    left exercise is kept."""
    h.set(return_to=None)
    return stopped(end(h))


def pause_at_menu(h: Here, event: Event) -> Outcome:
    """Pause with no exercise going on: nothing to say; the session closes."""
    return stopped(end(h))


def pause(h: Here, event: Event) -> Outcome:
    """Pause an exercise: its place is kept. In its hold ("Alexa, pause"): quiet, and the position kept."""
    if holds.is_current(h.state, h.ctx.playing):
        holds.keep_live(h)
        return stopped(end(h))
    return stopped(end(h, h.words.render("paused")))
