"""Modes as data: what the turn is in, worked out once (``modes_of``), and the table from (mode, event) to
the handler that answers it (``TABLE``), read the way pytransitions keys transitions by source state.

A turn's modes, most specific first:

    question:<kind>      the engine's own question of that kind waits (questions.Ask)
    question@<place>     some question waits, at that place
    question             some question waits
    rating | step        in an exercise, at a step that asks for a 0-10 rating, or at any step
    menu                 no exercise going on

The first of them with an entry for the event answers it; failing all, the event's default (mode None).
Events a role starts on (common/roles.toml) are added per catalog (``table_for``).
"""
from __future__ import annotations

from collections.abc import Callable

from ..content import Catalog
from ..events import Ev, Event
from ..questions import Ask
from . import handlers as on
from . import reminders, safety, settings
from .here import Here, Outcome

Handler = Callable[[Here, Event], Outcome]


def places(h: Here) -> list[str]:
    """Where the person is: ["rating", "step"], ["step"] or ["menu"]."""
    step = h.step
    if step is None:
        return ["menu"]
    return ["rating", "step"] if step.rating else ["step"]


def modes_of(h: Here) -> list[str]:
    """The turn's modes, most specific first (see the module docstring)."""
    where = places(h)
    question = h.state.pending
    if question is None:
        return where
    return [f"question:{question.kind.value}", *(f"question@{p}" for p in where), "question", *where]


TABLE: dict[tuple[str | None, Ev], Handler] = {
    # the engine's own questions (their yes and no: answers.ANSWERS)
    ("question", Ev.YES): on.yes,
    ("question", Ev.NO): on.no,
    ("question", Ev.GO_ON): on.yes,
    (f"question:{Ask.RED_GROUNDING.value}", Ev.GO_ON): on.go_on_as_no,
    (f"question:{Ask.DELETE.value}", Ev.GO_ON): on.go_on_as_no,
    ("question", Ev.HELP): on.help_with_question,
    ("question", Ev.NOT_SURE): on.not_sure_question,
    ("question@step", Ev.WHICH_ONE): on.which_one_with_question,
    ("question@rating", Ev.WHICH_ONE): on.which_one_with_question,
    # in an exercise
    ("step", Ev.LAUNCH): on.offer_resume,
    ("step", Ev.NEXT): on.navigate,
    ("step", Ev.BACK): on.navigate,
    ("step", Ev.REPEAT): on.navigate,
    ("step", Ev.START_OVER): on.start_over,
    ("step", Ev.RESUME): on.resume_here,
    ("step", Ev.HELP): on.help_in_step,
    ("step", Ev.GO_ON): on.keep_going,
    ("step", Ev.GO_FIRST): on.go_first,
    ("step", Ev.WHICH_ONE): on.which_one,
    ("step", Ev.CHECKIN): safety.checkin,
    ("step", Ev.DISTRESS): safety.distress_in_exercise,
    ("step", Ev.STOP): safety.stop,
    ("step", Ev.CANCEL): safety.cancel,
    ("step", Ev.PAUSE): safety.pause,
    ("step", Ev.PAIRING): on.pairing_not_now,
    ("rating", Ev.RATING): on.rating,
    ("rating", Ev.NOT_SURE): on.not_sure_rating,
    # defaults: at the menu, or anywhere
    (None, Ev.LAUNCH): on.welcome,
    (None, Ev.START): on.start_by_name,
    (None, Ev.NEXT): on.not_in_exercise,
    (None, Ev.BACK): on.not_in_exercise,
    (None, Ev.REPEAT): on.not_in_exercise,
    (None, Ev.START_OVER): on.not_in_exercise,
    (None, Ev.GO_ON): on.not_in_exercise,
    (None, Ev.RESUME): on.nothing_to_resume,
    (None, Ev.HELP): on.help_at_menu,
    (None, Ev.WHICH_ONE): on.which_one_at_menu,
    (None, Ev.YES): on.yes_unasked,
    (None, Ev.NO): on.no_unasked,
    (None, Ev.CHECKIN): safety.checkin_at_menu,
    (None, Ev.DISTRESS): safety.distress,
    (None, Ev.UNSURE): safety.unsure,
    (None, Ev.STOP): safety.leave_quietly,
    (None, Ev.CANCEL): safety.leave_quietly,
    (None, Ev.PAUSE): safety.pause_at_menu,
    (None, Ev.RATING): on.phrase_aside("rating_not_now"),
    (None, Ev.NOT_SURE): on.phrase_aside("not_sure"),
    (None, Ev.GO_FIRST): on.fallback,
    (None, Ev.FALLBACK): on.fallback,
    (None, Ev.LOOP): on.phrase_aside("loop_declined"),
    (None, Ev.SHUFFLE): on.phrase_aside("shuffle_declined"),
    (None, Ev.WHAT_WE_KEEP): on.phrase_aside("what_we_keep"),
    (None, Ev.DELETE_DATA): on.delete_data,
    (None, Ev.SETTING): settings.on_setting,
    (None, Ev.SET_LENGTH): settings.on_set_length,
    (None, Ev.SESSION_END): on.session_end,
    (None, Ev.SET_REMINDER): reminders.set_reminder,
    (None, Ev.LIST_REMINDERS): reminders.list_reminders,
    (None, Ev.DELETE_REMINDERS): reminders.delete_reminders,
    (None, Ev.PERMISSION): reminders.permission,
    (None, Ev.PROGRESS): reminders.progress,
    (None, Ev.PAIRING): on.pairing_code,
}


def table_for(catalog: Catalog) -> dict[tuple[str | None, Ev], Handler]:
    """``TABLE`` with the events roles start on: each starts its role's exercise, in any mode."""
    roles = {(None, role.starts_on): on.start_role(role) for role in catalog.roles.values() if role.starts_on}
    return {**TABLE, **roles}


def dispatch(table: dict[tuple[str | None, Ev], Handler], h: Here, event: Event) -> Outcome:
    """Answer ``event`` with the handler of the turn's most specific mode that has one, else its default."""
    modes = modes_of(h)
    for mode in (*modes, None):
        handler = table.get((mode, event.kind))
        if handler is not None:
            h.mode = mode or modes[-1]
            return handler(h, event)
    return on.fallback(h, event)  # an event no platform sends yet: answered calmly
