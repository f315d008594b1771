"""Practice reminders and "how are we doing?": the handlers of SET_REMINDER, LIST_REMINDERS, DELETE_REMINDERS,
PERMISSION and PROGRESS, and the answers to "Shall I set it?".

Reminders go through the platform's port (``Context.reminders``, skill/core/reminders.py): the time and the
repetition are said back before anything is set; a reminder's words are the phrase ``reminder_text``, which
names nothing private (content check); where permission is missing the reply asks the platform to ask for it
(``Reply.ask_permission``) and the answer comes back as PERMISSION. A "no" to the permission is kept as a date
(``State.declined``) and not asked again within a week.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from ..events import Event, Reply
from ..questions import Ask, Question
from ..reminders import Result, Schedule
from ..spoken import spoken_days, spoken_sessions, spoken_time, spoken_times
from ..state import PRACTISED_DAYS
from .here import Here, Outcome, ask
from . import navigation  # a module, not its names: navigation records a session's date through here
from .text import join

DECLINE_DAYS = 7  # a "no" to reminders is not asked again within this many days
WEEK_DAYS = 7


def local_date(h: Here) -> date:
    """Today on the device (its local time when known, else UTC's date)."""
    now = h.ctx.local_time()
    return (now or datetime.now(timezone.utc)).date()


def spoken_schedule(h: Here, schedule: Schedule) -> str:
    """The schedule as said back: "Tuesday and Friday at 8 in the evening, every week"."""
    language = h.words.language
    time = spoken_time(schedule.hour, schedule.minute, language)
    if not schedule.days:
        return h.words.render("reminder_daily", time=time)
    return h.words.render("reminder_weekly", weekdays=spoken_days(schedule.days, language), time=time)


def _declined_recently(h: Here) -> bool:
    declined = h.state.declined
    if declined is None:
        return False
    try:
        return local_date(h) - date.fromisoformat(declined) < timedelta(days=DECLINE_DAYS)
    except ValueError:
        return False


def set_reminder(h: Here, event: Event) -> Outcome:
    """"Remind us Tuesday and Friday at eight": the time and the repetition said back, then "Shall I set it?"."""
    schedule = Schedule.from_value(event.value)
    if h.ctx.reminders is None:
        return navigation.aside(h, h.words.render("reminders_not_here"))
    if schedule is None:
        return navigation.aside(h, h.words.render("reminder_how"))
    if _declined_recently(h):
        return navigation.aside(h, h.words.render("reminder_declined_recently"))
    return ask(h, h.words.render("reminder_confirm", when=spoken_schedule(h, schedule)),
               h.words.reask(Question(Ask.REMINDER_SET)), Question(Ask.REMINDER_SET, schedule.to_value()))


def create(h: Here, schedule: Schedule, asked: bool = False) -> Outcome:
    """Set the reminder through the port. Without permission, the platform is asked for it (once: ``asked``
    says the person just gave it, so a port that still says no is a fault, not a new question)."""
    port = h.ctx.reminders
    if port is None:
        return navigation.aside(h, h.words.render("reminders_not_here"))
    text = h.words.render("reminder_text")
    result = port.create(schedule, text)
    if result == Result.DONE:
        h.set(declined=None)
        return navigation.aside(h, h.words.render("reminder_set", when=spoken_schedule(h, schedule), reminder_text=text))
    if result == Result.NO_PERMISSION and not asked:
        if _declined_recently(h):
            return navigation.aside(h, h.words.render("reminder_declined_recently"))
        h.set(pending=None)
        return Outcome(h.state, Reply(end_session=True, ask_permission=schedule.to_value()))
    return navigation.aside(h, h.words.render("reminder_unavailable"))


def reminder_yes(h: Here, q: Question) -> Outcome | None:
    schedule = Schedule.from_value(q.about)
    return create(h, schedule) if schedule else None


def reminder_no(h: Here, q: Question) -> Outcome:
    return navigation.aside(h, h.words.render("reminder_not_set"))


def permission(h: Here, event: Event) -> Outcome:
    """The platform's answer to its permission prompt: accepted sets the reminder that was being set; denied is
    kept (a date) and not asked again this week; not answered leaves everything as it was."""
    schedule = Schedule.from_value(event.about)
    if event.value == "accepted" and schedule is not None:
        return create(h, schedule, asked=True)
    if event.value == "denied":
        h.set(declined=local_date(h).isoformat())
        return navigation.aside(h, h.words.render("reminder_permission_no"))
    return navigation.aside(h, h.words.render("reminder_permission_unanswered"))


def _listing(h: Here, schedules: tuple[Schedule, ...], key: str) -> str:
    said = [spoken_schedule(h, s) for s in sorted(set(schedules), key=lambda s: (s.hour, s.minute, s.days))]
    when = said[0] if len(said) == 1 else "; ".join(said[:-1]) + "; and " + said[-1]
    return h.words.render(key, when=when)


def list_reminders(h: Here, event: Event) -> Outcome:
    port = h.ctx.reminders
    if port is None:
        return navigation.aside(h, h.words.render("reminders_not_here"))
    listed = port.list()
    if listed.result == Result.UNAVAILABLE:
        return navigation.aside(h, h.words.render("reminder_unavailable"))
    if not listed.schedules:  # none set, or none this skill may see (no permission): none of ours either way
        return navigation.aside(h, h.words.render("reminders_none"))
    return navigation.aside(h, _listing(h, listed.schedules, "reminders_listed"))


def delete_reminders(h: Here, event: Event) -> Outcome:
    """"Stop the reminders": every reminder this skill set goes."""
    port = h.ctx.reminders
    if port is None:
        return navigation.aside(h, h.words.render("reminders_not_here"))
    gone = port.delete_all()
    if gone.result == Result.UNAVAILABLE:
        return navigation.aside(h, h.words.render("reminder_unavailable"))
    return navigation.aside(h, h.words.render("reminders_deleted" if gone.schedules else "reminders_none"))


# ---- "how are we doing?" -----------------------------------------------------------------------------------

def practised(h: Here) -> list[str]:
    """The session dates kept, with today's added: an exercise was just finished (navigation.finish)."""
    today = local_date(h)
    oldest = (today - timedelta(days=PRACTISED_DAYS)).isoformat()
    return [d for d in h.state.practised if d > oldest] + [today.isoformat()]


def progress(h: Here, event: Event) -> Outcome:
    """A short, honest summary for the record's own voice (or an account with no voice profiles): sessions in
    the past week and month, how often each exercise was finished, and what comes next. No streaks, no praise."""
    ctx = h.ctx
    if ctx.other_voice or (ctx.profiles and not ctx.recognised_voice):
        return navigation.aside(h, h.words.render("progress_not_yours"))
    today = local_date(h)
    dates = [date.fromisoformat(d) for d in h.state.practised]
    week = sum(1 for d in dates if (today - d).days < WEEK_DAYS)
    month = sum(1 for d in dates if (today - d).days < PRACTISED_DAYS)
    finished = [(e, h.state.completed.get(e.id, 0)) for e in h.catalog.exercises.values()
                if h.state.completed.get(e.id, 0)]
    if not finished and not month:
        return navigation.aside(h, h.words.render("progress_none"))
    parts = [h.words.render("progress_sessions", week=spoken_sessions(week, h.words.language),
                                   month=spoken_sessions(month, h.words.language))]
    if finished:
        stages = "; ".join(f"{e.title}, {spoken_times(n, h.words.language)}" for e, n in finished)
        parts.append(h.words.render("progress_stages", stages=stages))
    parts.append(_what_next(h))
    return navigation.aside(h, join(*parts))


def _what_next(h: Here) -> str:
    """The next stage when its gate is open (the earlier stage finished often enough, nothing to repeat), else
    the same practice again, at the couple's own pace."""
    for exercise in h.catalog.exercises.values():
        gate = exercise.gate
        if gate is None or h.state.completed.get(exercise.id, 0):
            continue
        if h.state.completed.get(gate.after, 0) >= gate.times and gate.after not in h.state.repeat_next:
            return h.words.render("progress_next_stage", exercise=exercise.title)
    return h.words.render("progress_next_same")
