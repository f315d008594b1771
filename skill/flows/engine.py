"""The exercise engine: (state, event, context) -> (new state, reply). Pure Python.

It knows the content schema and its own state type, and nothing of Alexa, HTTP or storage, so the
same exercises can run behind another voice adapter.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from .events import Context, Ev, Event, Reply
from .schema import Catalog, Exercise, Step
from .state import MAX_TRAIL, Progress, State

# The yes/no questions the engine itself asks (a step's own questions live in its "on" table).
RESUME = "resume"
RED_GROUNDING = "red_grounding"
YELLOW_BACK = "yellow_back"
YELLOW_REPEAT = "yellow_repeat"

GROUNDING = "grounding"
NAVIGATION = {Ev.NEXT: "next", Ev.BACK: "back", Ev.REPEAT: "repeat"}


@dataclass(frozen=True)
class Outcome:
    state: State
    reply: Reply


def join(*parts: str | None) -> str:
    return " [pause 1] ".join(p for p in parts if p)


def part_of_day(hour: int) -> str:
    if hour < 5:
        return "early_hours"
    if hour < 12:
        return "morning"
    if hour < 17:
        return "afternoon"
    if hour < 21:
        return "evening"
    return "night"


class Engine:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.phrases = catalog.phrases

    # ---- entry point ------------------------------------------------------------------------

    def handle(self, state: State, event: Event, ctx: Context) -> Outcome:
        state = State.from_dict(state.to_dict())  # work on a copy; the caller's state stays as read
        if ctx.new_session:
            state.pending = None  # a question from an earlier session is not answered by this one
        if state.progress and not self._current(state):
            state.progress = None  # the exercise or step no longer exists in the content
        handler = getattr(self, f"_on_{event.kind.value}")
        return handler(state, event, ctx)

    # ---- helpers ----------------------------------------------------------------------------

    def _current(self, state: State) -> tuple[Exercise, Step] | None:
        p = state.progress
        exercise = self.catalog.get(p.exercise) if p else None
        step = exercise.step(p.step) if exercise and p else None
        return (exercise, step) if exercise and step else None

    def _text(self, key: str) -> str:
        return self.phrases[key].replace("{exercises}", self._exercise_list())

    def _exercise_list(self) -> str:
        titles = self.catalog.titles()
        if len(titles) == 1:
            return titles[0]
        return ", ".join(titles[:-1]) + ", or " + titles[-1]

    def _ask(self, state: State, speech: str, reprompt: str, pending: str | None = None,
             gentle: bool = False) -> Outcome:
        state.pending = pending
        return Outcome(state, Reply(speech=speech, reprompt=reprompt, end_session=False, gentle=gentle))

    def _menu(self, state: State, lead: str) -> Outcome:
        return self._ask(state, self._text(lead), self._text("welcome_reprompt"))

    def _end(self, state: State, speech: str = "") -> Outcome:
        state.pending = None
        return Outcome(state, Reply(speech=speech, end_session=True))

    def _fill(self, text: str, ctx: Context) -> str:
        if "{crisis_line}" in text:
            text = text.replace("{crisis_line}", self.phrases.crisis_line(ctx.locale))
        if "{today}" in text:
            text = text.replace("{today}", self._today(ctx.local_time()))
        return text

    def _today(self, now: datetime | None) -> str:
        assert now is not None  # callers choose say_without_clock when the time is unknown
        return self.phrases.today[part_of_day(now.hour)].replace("{weekday}", now.strftime("%A"))

    def _step_text(self, step: Step, gentle: bool, ctx: Context) -> str:
        text = step.gentle if gentle and step.gentle else step.say
        if "{today}" in text and ctx.local_time() is None:
            text = step.say_without_clock or text
        return self._fill(text, ctx)

    def _speak_step(self, state: State, exercise: Exercise, step: Step, ctx: Context, lead: str | None = None,
                    came_from: str | None = None) -> Outcome:
        """Move to ``step`` and say it. A step with end = true closes the exercise."""
        gentle = bool(state.progress and state.progress.gentle)
        text = join(lead, self._step_text(step, gentle, ctx))
        if step.end:
            state.progress = None
            state.completed[exercise.id] = state.completed.get(exercise.id, 0) + 1
            state.pending = None
            return Outcome(state, Reply(speech=text, end_session=True, gentle=gentle))
        trail = list(state.progress.trail) if state.progress else []
        if came_from and came_from != step.id:
            trail = (trail + [came_from])[-MAX_TRAIL:]
        state.progress = Progress(exercise=exercise.id, step=step.id, trail=trail, gentle=gentle)
        reprompt = self._fill(step.reprompt, ctx) if step.reprompt else self._text("default_reprompt")
        return self._ask(state, text, reprompt, gentle=gentle)

    def _start(self, state: State, exercise: Exercise, ctx: Context, lead: str | None = None) -> Outcome:
        state.progress = None
        return self._speak_step(state, exercise, exercise.first, ctx, lead=lead)

    def _move(self, state: State, answer: str, ctx: Context, lead: str | None = None) -> Outcome:
        """Follow the current step's transition for ``answer`` (next, back, repeat, yes, no)."""
        exercise, step = self._current(state)  # type: ignore[misc]
        target = step.on.get(answer)
        if target is None:
            return self._reprompt_step(state, step, ctx, self._text("answer_unclear"))
        if target == "repeat":
            return self._speak_step(state, exercise, step, ctx, lead=lead)
        if target == "end":
            return self._end_exercise(state, exercise, ctx)
        if target == "back":
            return self._back(state, exercise, step, ctx, lead)
        nxt = exercise.following(step.id) if target == "next" else exercise.step(target)
        assert nxt is not None  # the loader guarantees every target exists
        return self._speak_step(state, exercise, nxt, ctx, lead=lead, came_from=step.id)

    def _back(self, state: State, exercise: Exercise, step: Step, ctx: Context, lead: str | None) -> Outcome:
        assert state.progress is not None
        trail = list(state.progress.trail)
        previous = exercise.step(trail.pop()) if trail else exercise.preceding(step.id)
        if previous is None:
            return self._speak_step(state, exercise, step, ctx, lead=join(lead, self.phrases["first_step"]))
        state.progress = replace(state.progress, trail=trail)
        return self._speak_step(state, exercise, previous, ctx, lead=lead)

    def _end_exercise(self, state: State, exercise: Exercise, ctx: Context) -> Outcome:
        final = next(s for s in exercise.steps if s.end)
        return self._speak_step(state, exercise, final, ctx)

    def _reprompt_step(self, state: State, step: Step, ctx: Context, lead: str) -> Outcome:
        reprompt = self._fill(step.reprompt, ctx) if step.reprompt else self._text("default_reprompt")
        gentle = bool(state.progress and state.progress.gentle)
        return self._ask(state, join(lead, reprompt), reprompt, pending=state.pending, gentle=gentle)

    def _resume(self, state: State, ctx: Context) -> Outcome:
        current = self._current(state)
        if not current:
            return self._menu(state, "nothing_to_resume")
        return self._speak_step(state, *current, ctx)

    # ---- events -----------------------------------------------------------------------------

    def _on_launch(self, state: State, event: Event, ctx: Context) -> Outcome:
        if self._current(state):
            # The greeting never names what was in progress: someone else may be in the room.
            return self._ask(state, self.phrases["resume_offer"], self.phrases["resume_offer_reprompt"], RESUME)
        if not state.welcomed:
            state.welcomed = True
            return self._menu(state, "welcome_first")
        return self._menu(state, "welcome")

    def _on_start(self, state: State, event: Event, ctx: Context) -> Outcome:
        exercise = self.catalog.get(event.value)
        if exercise is None:
            return self._menu(state, "unknown_exercise")
        return self._start(state, exercise, ctx)

    def _on_ground(self, state: State, event: Event, ctx: Context) -> Outcome:
        current = self._current(state)
        lead = self.phrases["triggered"] if current and current[0].id != GROUNDING else None
        return self._start(state, self.catalog.exercises[GROUNDING], ctx, lead=lead)

    def _navigate(self, state: State, event: Event, ctx: Context) -> Outcome:
        if not self._current(state):
            return self._menu(state, "not_in_exercise")
        return self._move(state, NAVIGATION[event.kind], ctx)

    _on_next = _on_back = _on_repeat = _navigate

    def _on_start_over(self, state: State, event: Event, ctx: Context) -> Outcome:
        current = self._current(state)
        if not current:
            return self._menu(state, "not_in_exercise")
        return self._start(state, current[0], ctx)

    def _on_pause(self, state: State, event: Event, ctx: Context) -> Outcome:
        if not self._current(state):
            return self._end(state)
        return self._end(state, self.phrases["paused"])

    def _on_resume(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._resume(state, ctx)

    def _on_help(self, state: State, event: Event, ctx: Context) -> Outcome:
        current = self._current(state)
        if not current:
            return self._ask(state, self._text("help_general"), self._text("welcome_reprompt"))
        step = current[1]
        if not step.help:
            return self._reprompt_step(state, step, ctx, self._text("help_general"))
        return self._reprompt_step(state, step, ctx, self._fill(step.help, ctx))

    def _on_yes(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._answer(state, "yes", ctx)

    def _on_no(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._answer(state, "no", ctx)

    def _answer(self, state: State, answer: str, ctx: Context) -> Outcome:
        pending, state.pending = state.pending, None
        yes = answer == "yes"
        if pending == RESUME:
            if yes:
                return self._resume(state, ctx)
            state.progress = None
            return self._menu(state, "fresh_start")
        if pending == RED_GROUNDING:
            if yes:
                return self._start(state, self.catalog.exercises[GROUNDING], ctx)
            return self._end(state, self.phrases["red_rest"])
        current = self._current(state)
        if pending in (YELLOW_BACK, YELLOW_REPEAT) and current:
            if yes:
                return self._move(state, "back" if pending == YELLOW_BACK else "repeat", ctx)
            return self._reprompt_step(state, current[1], ctx, self.phrases["yellow_stay"])
        if current:
            return self._move(state, answer, ctx)
        return self._menu(state, "welcome")

    def _on_checkin(self, state: State, event: Event, ctx: Context) -> Outcome:
        colour = event.value
        if colour == "red":
            return self._red(state)
        current = self._current(state)
        if colour == "green":
            state.pending = None
            if not current:
                return self._menu(state, "not_in_exercise")
            return self._move(state, "next", ctx, lead=self.phrases["green_ack"])
        if colour == "yellow":
            if not current:
                return self._menu(state, "not_in_exercise")
            assert state.progress is not None
            state.progress = replace(state.progress, gentle=True)
            exercise, step = current
            has_previous = bool(state.progress.trail) or exercise.preceding(step.id) is not None
            offer = "yellow_offer_back" if has_previous else "yellow_offer_repeat"
            return self._ask(state, join(self.phrases["yellow_ack"], self.phrases[offer]),
                             self.phrases["yellow_offer_reprompt"], YELLOW_BACK if has_previous else YELLOW_REPEAT,
                             gentle=True)
        return self._aside("fallback", state, ctx)

    def _red(self, state: State) -> Outcome:
        """Stop at once, say so in one calm sentence, offer rest or grounding, never press to resume."""
        current = self._current(state)
        state.progress = None
        if current and current[0].id == GROUNDING:
            return self._end(state, self.phrases["red_solo"])
        return self._ask(state, join(self.phrases["red_stop"], self.phrases["red_offer"]),
                         self.phrases["red_offer_reprompt"], RED_GROUNDING)

    def _on_stop(self, state: State, event: Event, ctx: Context) -> Outcome:
        # Silent on purpose: "Alexa, stop" names nothing to whoever else is in the room.
        # Progress stays, so a later launch can offer to pick it up; nothing presses to resume.
        return self._end(state)

    def _on_cancel(self, state: State, event: Event, ctx: Context) -> Outcome:
        if not self._current(state):
            return self._end(state)
        state.progress = None
        return self._end(state, self.phrases["cancelled"])

    def _on_fallback(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._aside("fallback", state, ctx)

    def _aside(self, key: str, state: State, ctx: Context) -> Outcome:
        """Say one short sentence, then return to where the person was."""
        current = self._current(state)
        if not current:
            return self._ask(state, join(self.phrases[key], self._text("welcome_reprompt")),
                             self._text("welcome_reprompt"))
        return self._reprompt_step(state, current[1], ctx, self.phrases[key])

    def _on_loop(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._aside("loop_declined", state, ctx)

    def _on_shuffle(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._aside("shuffle_declined", state, ctx)

    def _on_session_end(self, state: State, event: Event, ctx: Context) -> Outcome:
        state.pending = None
        return Outcome(state, Reply(end_session=True))
