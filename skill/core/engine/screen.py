"""What a screen shows after a turn (``Reply.screen``): the platform-neutral part of a screen, in the content's
words. Adapters draw it their own way (Alexa: an APL document, skill/alexa/apl.py).

- The first screen after a launch names nothing: neither an exercise nor a step, not even on the offer to
  resume (someone else may see the screen).
- In an exercise, the step's ``title`` (plain, short, discreet; content.py checks it).
- A turn that names the crisis line shows it too; stop and pause say so.
- A hold that starts or goes on carries its length and position, so the device can count down on its own.
- Every screen has the same three touch controls: stop, pause and "I need help".
"""
from __future__ import annotations

from ..events import Ev, Event, Screen
from .here import Here, Outcome

BUTTONS = (("stop", "button_stop"), ("pause", "button_pause"), ("help", "button_help"))


def screen_for(h: Here, event: Event, outcome: Outcome) -> Screen:
    """The screen after ``outcome`` answered ``event``; ``h`` is the turn (its words and content)."""
    words, state, reply = h.words, outcome.state, outcome.reply
    crisis_line = h.catalog.phrases.crisis_line(h.ctx.locale)
    crisis = crisis_line if crisis_line in reply.speech else None
    p = state.progress
    exercise = h.catalog.get(p.exercise) if p else None
    step = exercise.step(p.step) if exercise and p else None
    if event.kind == Ev.LAUNCH:
        title = words.render("screen_home")  # names no exercise, whatever is paused
    elif crisis:
        title = words.render("screen_help")
    elif outcome.stop:
        title = words.render("screen_paused" if step else "screen_stopped")
    elif step is not None:
        title = step.title
    else:
        title = words.render("screen_home")
    hold = reply.play
    return Screen(title=title, buttons=tuple((does, words.render(key)) for does, key in BUTTONS), crisis=crisis,
                  hold=hold, hold_label=words.render("screen_quiet_left") if hold else None)
