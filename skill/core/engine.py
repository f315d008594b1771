"""The exercise engine: (state, event, context) -> (new state, reply). Pure Python.

It knows the content schema and its own state type, and nothing of any platform, HTTP or storage, so the
same exercises run behind every voice adapter. Events are dispatched through a table from event kind to
handler (``Engine._ON``), and the answers to the engine's own questions through another (``Engine._ANSWER``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable

from .content import SETTINGS, Catalog, Exercise, Step
from .events import AUDIO_EVENTS, CONSENT_AND_SAFETY, Context, Ev, Event, HoldPlay, HoldPosition, Reply
from .questions import Ask, Question
from .state import MAX_TRAIL, Progress, State

HIGH_DISTRESS = 8  # a 0-10 rating at or above this names the crisis line
MISSES = 3  # turns in a row not understood before the answer gets shorter and names the way out

NAVIGATION = {Ev.NEXT: "next", Ev.BACK: "back", Ev.REPEAT: "repeat"}
# Turns that leave playing hold audio alone: a short answer, then the quiet goes on (asides).
KEEP_AUDIO = frozenset({Ev.HELP, Ev.FALLBACK, Ev.LOOP, Ev.SHUFFLE, Ev.SESSION_END, Ev.SETTING, Ev.SET_LENGTH,
                        Ev.WHAT_WE_KEEP})
# Turns that come before any notice of failed audio: stopping always comes first.
NO_NOTICE = frozenset({Ev.CHECKIN, Ev.DISTRESS, Ev.UNSURE, Ev.STOP, Ev.CANCEL, Ev.GROUND, Ev.PAUSE, Ev.SESSION_END,
                       Ev.DELETE_DATA, Ev.WHAT_WE_KEEP})
# With "only my voice", another voice in the owner's session may not carry an exercise on or act on the
# owner's record. Consent and safety (events.CONSENT_AND_SAFETY: no, stop, a colour, pause, distress, ...) are
# never among these, whatever is added here; help stays open to every voice too.
CARRY_ON = frozenset({Ev.NEXT, Ev.BACK, Ev.REPEAT, Ev.START_OVER, Ev.RESUME, Ev.YES, Ev.GO_FIRST, Ev.RATING,
                      Ev.SETTING, Ev.SET_LENGTH, Ev.DELETE_DATA, Ev.WHAT_WE_KEEP, Ev.GO_ON, Ev.NOT_SURE,
                      Ev.WHICH_ONE}) - CONSENT_AND_SAFETY
# While "are you okay?" waits, these answer it (or keep it waiting); anything else sets it aside, and the
# question that was waiting before it is back.
ANSWERS_UNSURE = frozenset({Ev.YES, Ev.NO, Ev.GO_ON, Ev.FALLBACK, Ev.NOT_SURE, Ev.UNSURE, Ev.DISTRESS,
                            Ev.SESSION_END})


@dataclass(frozen=True)
class Outcome:
    """The engine's answer to one event: the person's new state and what to say or play."""

    state: State
    reply: Reply
    keep_audio: bool = False  # playing hold audio goes on under this reply (it asks, and waits for the answer)
    stop: bool = False  # the turn stopped the exercise for distress (merge rule 5), whatever the event was


def join(*parts: str | None) -> str:
    """Markup parts joined with a one-second pause; empty parts are skipped."""
    return " [pause 1] ".join(p for p in parts if p)


def spoken_minutes(seconds: float) -> str:
    """A length as spoken: "less than a minute", "one minute", "12 minutes"."""
    if seconds < 60:
        return "less than a minute"
    minutes = round(seconds / 60)
    return "one minute" if minutes == 1 else f"{minutes} minutes"


def part_of_day(hour: int) -> str:
    """The key of ``[today]`` in the phrases for a local hour (0-23)."""
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
    """The exercises' logic over a loaded, validated ``Catalog``; holds no state of its own between calls."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.phrases = catalog.phrases
        self.grounding = catalog.grounding

    # ---- entry point ------------------------------------------------------------------------

    def handle(self, state: State, event: Event, ctx: Context) -> Outcome:
        """Answer one ``event`` said (or reported) in ``ctx`` by a person whose state is ``state``.

        ``state`` is the engine's to change: the caller hands over a state it will not reuse (the turn runner
        builds one per turn from the stored form) and gets the new state back in the Outcome. The reply is in
        content markup (plain text with ``[pause N]``); nothing here raises for any event or value: unknown
        values get a calm spoken answer.
        """
        if ctx.new_session:
            state.pending = None  # a question from an earlier session is not answered by this one
        if state.progress and not self._current(state):
            state.progress = None  # the exercise or step no longer exists in the content
        if event.kind in AUDIO_EVENTS:
            return self._on_audio(state, event, ctx)
        if ctx.other_voice and state.settings.get("only_my_voice") and event.kind in CARRY_ON:
            # Never consent or safety: CARRY_ON holds none of CONSENT_AND_SAFETY.
            # Says nothing of what is in progress, or whose it is.
            return Outcome(state, Reply(speech=self.phrases["voice_refused"], end_session=True))
        if state.playback_failed and event.kind not in NO_NOTICE:
            state.playback_failed = False
            if self._current(state):
                return self._ask(state, self.phrases["playback_failed"], self.phrases["yellow_offer_reprompt"],
                                 Question(Ask.RETRY_STEP))
        if ctx.new_session:
            state.misses = 0
        if state.pending is not None and state.pending.kind == Ask.UNSURE and event.kind not in ANSWERS_UNSURE:
            state.pending = state.pending.then  # "are you okay?" set aside: what was waiting before is back
        missed = state.misses
        here = self._is_current_hold(state, ctx.playing)
        outcome = self._ON[event.kind](self, state, event, ctx)
        if outcome.state.misses <= missed:
            outcome.state.misses = 0  # understood: the count of misunderstandings in a row starts again
        if ctx.playing and outcome.reply.play is None and not outcome.keep_audio:
            if event.kind in KEEP_AUDIO:
                # An aside while the hold plays: answer, and close the session so the quiet goes on at once.
                outcome = Outcome(outcome.state, replace(outcome.reply, end_session=True, reprompt=None))
            else:
                if here and self._is_current_hold(outcome.state, ctx.playing):
                    # The audio stops here and the hold is still the step: remember where, to carry on from there.
                    outcome.state.progress.hold_ms = ctx.playing.elapsed_ms  # type: ignore[union-attr]
                outcome = Outcome(outcome.state, replace(outcome.reply, stop_audio=True))
        return outcome

    # ---- helpers ----------------------------------------------------------------------------

    def _current(self, state: State) -> tuple[Exercise, Step] | None:
        p = state.progress
        exercise = self.catalog.get(p.exercise) if p else None
        step = exercise.step(p.step) if exercise and p else None
        return (exercise, step) if exercise and step else None

    def _text(self, key: str) -> str:
        return self.phrases[key].replace("{exercises}", self._exercise_list())

    def _exercise_list(self) -> str:
        # A stage offered only after another (a gate) is not in the menu; asking for it by name explains why.
        titles = [e.title for e in self.catalog.exercises.values() if not e.gate]
        if len(titles) == 1:
            return titles[0]
        return ", ".join(titles[:-1]) + ", or " + titles[-1]

    def _ask(self, state: State, speech: str, reprompt: str, pending: Question | None = None,
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

    def _step_text(self, state: State, exercise: Exercise, step: Step, ctx: Context) -> str:
        gentle = bool(state.progress and state.progress.gentle)
        if gentle and step.gentle:
            variant = "gentle"
        elif state.settings.get("less_talking") and step.brief and not (state.progress and state.progress.full):
            variant = "brief"
        else:
            variant = "say"
        text = getattr(step, variant)
        if "{today}" in text and ctx.local_time() is None:
            text = step.without_clock(variant) or text  # the loader guarantees a no-clock form
        if "{debrief_first}" in text:
            # Who speaks first alternates from session to session: by how often this exercise was finished.
            key = "debrief_receiver_first" if state.completed.get(exercise.id, 0) % 2 else "debrief_toucher_first"
            text = text.replace("{debrief_first}", self.phrases[key])
        if step.checkin:
            text = join(text, self.phrases["checkin_question"])
        return self._fill(text, ctx)

    def _step_reprompt(self, step: Step, ctx: Context) -> str:
        if step.hold:  # what to say after a hold depends on whether the device plays it
            return self.phrases["hold_reprompt_audio" if ctx.audio_player else "hold_reprompt_no_audio"]
        if step.reprompt:
            return self._fill(step.reprompt, ctx)
        return self.phrases["checkin_question"] if step.checkin else self._text("default_reprompt")

    def _speak_step(self, state: State, exercise: Exercise, step: Step, ctx: Context, lead: str | None = None,
                    came_from: str | None = None) -> Outcome:
        """Move to ``step`` and say it. A step with end = true closes the exercise. In grounding that a high
        number led into, moving on to its "before" rating goes past it: the number was given."""
        carried = bool(state.progress and state.progress.full and state.ratings.get("before") is not None)
        if step.rating == "before" and came_from and carried \
                and not step.end and step.on.get("rating", "next") not in ("repeat", "back"):
            target = step.on.get("rating", "next")
            after = exercise.following(step.id) if target == "next" else (
                next(s for s in exercise.steps if s.end) if target == "end" else exercise.step(target))
            if after is not None and after.id != step.id:
                return self._speak_step(state, exercise, after, ctx, lead=lead, came_from=came_from)
        gentle = bool(state.progress and state.progress.gentle)
        full = bool(state.progress and state.progress.full)
        text = join(lead, self._step_text(state, exercise, step, ctx))
        if step.end:
            return self._finish(state, exercise, text, gentle)
        trail = list(state.progress.trail) if state.progress else []
        if came_from and came_from != step.id:
            trail = (trail + [came_from])[-MAX_TRAIL:]
        state.progress = Progress(exercise=exercise.id, step=step.id, trail=trail, gentle=gentle, full=full)
        if step.hold:
            state.holds += 1
            state.progress.run = f"r{state.holds}"
            return self._hold(state, step, text, ctx)
        return self._ask(state, text, self._step_reprompt(step, ctx), gentle=gentle)

    def _finish(self, state: State, exercise: Exercise, text: str, gentle: bool) -> Outcome:
        """The exercise's clear ending. After grounding that interrupted a partnered exercise, offer to return."""
        state.progress = None
        state.pending = None
        state.completed[exercise.id] = state.completed.get(exercise.id, 0) + 1
        repeat = self._repeat_key(exercise)
        if repeat in state.repeat_next and not self._rose(state):
            state.repeat_next.remove(repeat)  # the gentle repeat is for the next time only
        state.ratings = {}
        if state.return_to and exercise is self.grounding:
            return self._ask(state, join(text, self.phrases["return_offer"]), self.phrases["return_offer"],
                             Question(Ask.RETURN), gentle=gentle)
        state.return_to = None
        return Outcome(state, Reply(speech=text, end_session=True, gentle=gentle))

    def _minutes(self, state: State, setting: str) -> int:
        value = state.settings.get(setting)
        spec = SETTINGS[setting]
        return value if isinstance(value, int) and spec.low <= value <= spec.high else spec.default

    def _hold_seconds(self, step: Step, state: State) -> int:
        assert step.hold is not None
        return self._minutes(state, step.hold.setting) * 60 if step.hold.setting else step.hold.seconds

    def _hold(self, state: State, step: Step, text: str, ctx: Context) -> Outcome:
        """Say ``text``, then play the step's hold from where it is; without AudioPlayer, say how long it lasts."""
        p = state.progress
        assert p is not None and p.run is not None
        seconds = self._hold_seconds(step, state)
        state.pending = None
        if ctx.audio_player:
            # Sound and a chime are promised only here, where they will play; what to say after is told once.
            play = HoldPlay(p.exercise, p.step, p.run, seconds, p.hold_ms)
            return Outcome(state, Reply(speech=join(text, self.phrases["hold_with_audio"]), play=play,
                                        end_session=True, gentle=p.gentle))
        # Never play silence people cannot control: they go on with "next" when they are ready.
        left = spoken_minutes(seconds - p.hold_ms / 1000)
        return Outcome(state, Reply(speech=join(text, self.phrases["hold_no_audio"].replace("{minutes}", left)),
                                    end_session=True, gentle=p.gentle))

    @staticmethod
    def _is_current_hold(state: State, where: HoldPosition | None) -> bool:
        p = state.progress
        return bool(p and where and (p.exercise, p.step, p.run) == (where.exercise, where.step, where.run))

    def _start(self, state: State, exercise: Exercise, ctx: Context, lead: str | None = None,
               full: bool = False, rated: int | None = None) -> Outcome:
        """Begin ``exercise``. ``full``: full guidance whatever "less talking" says (grounding after distress,
        red or a high number); ``rated``: the 0-10 number already given, so its "before" rating is not asked."""
        state.progress = None
        state.ratings = {} if rated is None else {"before": rated}
        if exercise.id in state.repeat_next:
            # Distress rose last time: the same session again, gently, with no mention of why.
            state.progress = Progress(exercise=exercise.id, step=exercise.first.id, gentle=True, full=full)
            lead = join(lead, self.phrases["repeat_gently"])
        elif full:
            state.progress = Progress(exercise=exercise.id, step=exercise.first.id, full=True)
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
        reprompt = self._step_reprompt(step, ctx)
        gentle = bool(state.progress and state.progress.gentle)
        return self._ask(state, join(lead, reprompt), reprompt, pending=state.pending, gentle=gentle)

    def _resume(self, state: State, ctx: Context) -> Outcome:
        current = self._current(state)
        if not current:
            return self._menu(state, "nothing_to_resume")
        exercise, step = current
        p = state.progress
        assert p is not None
        if step.hold and p.run and not p.hold_done:
            if self._is_current_hold(state, ctx.playing):
                assert ctx.playing is not None
                p.hold_ms = ctx.playing.elapsed_ms  # still playing: the device's live position, not the last report
            left = self._hold_seconds(step, state) - p.hold_ms / 1000
            return self._hold(state, step, self.phrases["hold_resume"].replace("{minutes}", spoken_minutes(left)), ctx)
        if step.hold and p.hold_done:
            return self._reprompt_step(state, step, ctx, self.phrases["hold_complete"])
        return self._speak_step(state, exercise, step, ctx)

    # ---- events -----------------------------------------------------------------------------

    def _on_launch(self, state: State, event: Event, ctx: Context) -> Outcome:
        current = self._current(state)
        if current:
            # Asked gently, and "no" or "start over" are as welcome. Named, so the answer is an informed one, but
            # only to the recognised voice whose record it is: anyone else hears "an exercise" (PRIVACY.md).
            if ctx.recognised_voice and not ctx.other_voice:
                title = current[0].title
                return self._ask(state, self.phrases["resume_offer"].replace("{exercise}", title),
                                 self.phrases["resume_offer_reprompt"].replace("{exercise}", title),
                                 Question(Ask.RESUME), gentle=True)
            return self._ask(state, self.phrases["resume_offer_unnamed"],
                             self.phrases["resume_offer_unnamed_reprompt"], Question(Ask.RESUME), gentle=True)
        if not state.welcomed:
            state.welcomed = True
            return self._menu(state, "welcome_first")
        return self._menu(state, "welcome")

    def _on_start(self, state: State, event: Event, ctx: Context) -> Outcome:
        exercise = self.catalog.get(event.value)
        if exercise is None:
            if state.misses + 1 >= MISSES:
                return self._missed(state, ctx)
            state.misses += 1
            return self._menu(state, "unknown_exercise")
        state.return_to = None
        gate = exercise.gate
        if gate is None:
            return self._start(state, exercise, ctx)
        base = self.catalog.exercises[gate.after]
        if state.completed.get(base.id, 0) < gate.times or base.id in state.repeat_next:
            return self._offer_base(state, base)
        # Offered only when each partner says they feel ready, asked one at a time.
        lead = self.phrases["ready_remembered"] if state.ready_next else None
        return self._ask(state, join(lead, self.phrases["ready_first"]), self.phrases["ready_reprompt"],
                         Question(Ask.READY_FIRST, exercise.id))

    def _offer_base(self, state: State, base: Exercise) -> Outcome:
        text = self.phrases["stay_with_base"].replace("{exercise}", base.title)
        return self._ask(state, text, self.phrases["yellow_offer_reprompt"], Question(Ask.GATE_BASE, base.id))

    def _on_ground(self, state: State, event: Event, ctx: Context) -> Outcome:
        current = self._current(state)
        lead = None
        if current and current[0] is not self.grounding:
            lead = self.phrases["triggered"]
            if current[0].partnered:
                state.return_to = state.progress  # offered back, gently, once grounding ends
        return self._start(state, self.grounding, ctx, lead=lead)

    def _navigate(self, state: State, event: Event, ctx: Context) -> Outcome:
        if not self._current(state):
            return self._menu(state, "not_in_exercise")
        return self._move(state, NAVIGATION[event.kind], ctx)


    def _on_start_over(self, state: State, event: Event, ctx: Context) -> Outcome:
        current = self._current(state)
        if not current:
            return self._menu(state, "not_in_exercise")
        return self._start(state, current[0], ctx)

    def _on_pause(self, state: State, event: Event, ctx: Context) -> Outcome:
        if not self._current(state):
            return self._end(state)
        if self._is_current_hold(state, ctx.playing):
            assert state.progress is not None and ctx.playing is not None
            state.progress.hold_ms = ctx.playing.elapsed_ms  # "Alexa, pause" in a hold: quiet, and remembered
            return self._end(state)
        return self._end(state, self.phrases["paused"])

    def _on_audio(self, state: State, event: Event, ctx: Context) -> Outcome:
        """The audio player's reports: remember where the hold is. They never speak."""
        if self._is_current_hold(state, ctx.playing):
            p, where = state.progress, ctx.playing
            assert p is not None and where is not None
            if event.kind == Ev.HOLD_FAILED:
                state.playback_failed = True
            elif event.kind == Ev.HOLD_FINISHED:
                exercise, step = self._current(state)  # type: ignore[misc]
                p.hold_ms, p.hold_done = self._hold_seconds(step, state) * 1000, True
            else:
                p.hold_ms = where.elapsed_ms
        return Outcome(state, Reply(end_session=True))

    def _on_resume(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._resume(state, ctx)

    def _on_help(self, state: State, event: Event, ctx: Context) -> Outcome:
        """Help, and where help is: the crisis line follows every answer to "help" ("I need help")."""
        current = self._current(state)
        crisis = self.phrases.crisis_line(ctx.locale)
        if state.pending is not None:
            reask = self.phrases.reask[state.pending.kind.value]
            text = self._fill(current[1].help, ctx) if current and current[1].help else self._text("help_general")
            return self._ask(state, join(text, crisis, reask), reask, state.pending,
                             gentle=bool(state.progress and state.progress.gentle))
        if not current:
            return self._ask(state, join(self._text("help_general"), crisis), self._text("welcome_reprompt"))
        step = current[1]
        if not step.help:
            return self._reprompt_step(state, step, ctx, join(self._text("help_general"), crisis))
        return self._reprompt_step(state, step, ctx, join(self._fill(step.help, ctx), crisis))

    def _on_yes(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._answer(state, True, ctx)

    def _on_no(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._answer(state, False, ctx)

    def _answer(self, state: State, yes: bool, ctx: Context) -> Outcome:
        """A yes or no: to the engine's own question if one is pending, else to the step's ``on`` table."""
        question, state.pending = state.pending, None
        if question is not None:
            outcome = self._ANSWER[question.kind](self, state, question, yes, ctx)
            if outcome is not None:
                return outcome
        return self._unasked(state, yes, ctx)

    def _unasked(self, state: State, yes: bool, ctx: Context) -> Outcome:
        """Yes or no when nothing was asked: a consent signal, never brushed off. Yes is thanked and goes on
        (as "keep going" does); no is honoured: nothing goes on, the place is kept, and nothing presses."""
        current = self._current(state)
        answer = "yes" if yes else "no"
        if current and answer in current[1].on:
            return self._move(state, answer, ctx)  # the step asked it in its own words
        if yes:
            if not current:
                return self._ask(state, join(self.phrases["yes_heard"], self._text("welcome_reprompt")),
                                 self._text("welcome_reprompt"))
            return self._go_on(state, ctx, lead=self.phrases["yes_heard"])
        if not current:
            return self._end(state, self.phrases["no_heard_at_menu"])
        if self._is_current_hold(state, ctx.playing):
            assert state.progress is not None and ctx.playing is not None
            state.progress.hold_ms = ctx.playing.elapsed_ms  # the quiet stops here, and is kept for later
        return self._end(state, self.phrases["no_heard"])

    # Answers to the engine's own questions. Each returns None when the question no longer applies (the
    # exercise it was about is gone), and the answer is then taken as an answer to the step.

    def _answer_resume(self, state: State, q: Question, yes: bool, ctx: Context) -> Outcome:
        if yes:
            return self._resume(state, ctx)
        state.progress = None
        return self._menu(state, "fresh_start")

    def _answer_red_grounding(self, state: State, q: Question, yes: bool, ctx: Context) -> Outcome:
        if yes:
            # After distress, red or a high number: full guidance, and a number already given is not asked again.
            return self._start(state, self.grounding, ctx, full=True, rated=q.rating)
        return self._end(state, self.phrases["red_rest"])

    def _answer_return(self, state: State, q: Question, yes: bool, ctx: Context) -> Outcome:
        back, state.return_to = state.return_to, None
        if yes and back and self.catalog.get(back.exercise):
            state.progress = replace(back, gentle=True, run=None, hold_ms=0, hold_done=False)
            current = self._current(state)
            if current:
                return self._speak_step(state, *current, ctx, lead=self.phrases["return_gently"])
        return self._end(state, self.phrases["return_declined"])

    def _answer_ready(self, state: State, q: Question, yes: bool, ctx: Context) -> Outcome | None:
        gated = self.catalog.get(q.about)
        if gated is None or gated.gate is None:
            return None
        if not yes:
            # Honoured warmly, and nothing else is offered in the same breath.
            state.ready_next = False
            return self._end(state, self.phrases["not_ready"])
        if q.kind == Ask.READY_FIRST:
            return self._ask(state, self.phrases["ready_second"], self.phrases["ready_reprompt"],
                             Question(Ask.READY_SECOND, gated.id))
        state.ready_next = True
        return self._start(state, gated, ctx, lead=self.phrases["ready_both"])

    def _answer_delete(self, state: State, q: Question, yes: bool, ctx: Context) -> Outcome:
        if yes:
            return Outcome(State(), Reply(speech=self.phrases["deleted"], end_session=True, forget=True))
        return self._aside("not_deleted", state, ctx)

    def _answer_gate_base(self, state: State, q: Question, yes: bool, ctx: Context) -> Outcome | None:
        base = self.catalog.get(q.about)
        if base is None:
            return None
        if yes:
            return self._start(state, base, ctx)
        return self._menu(state, "welcome")

    def _answer_high_before(self, state: State, q: Question, yes: bool, ctx: Context) -> Outcome | None:
        """After a high rating before a partnered exercise: yes goes on, gently; no offers grounding, and the
        exercise waits (offered back, gently, once grounding ends)."""
        current = self._current(state)
        if current is None:
            return None
        assert state.progress is not None
        if yes:
            state.progress = replace(state.progress, gentle=True)
            return self._move(state, "rating", ctx, lead=self.phrases["go_on_gently"])
        state.return_to = state.progress
        return self._ask(state, join(self.phrases["high_before_pause"], self.phrases["red_offer"]),
                         self.phrases["red_offer_reprompt"],
                         Question(Ask.RED_GROUNDING, rating=state.ratings.get("before")), gentle=True)

    def _answer_step_offer(self, state: State, q: Question, yes: bool, ctx: Context) -> Outcome | None:
        """yellow's "go back?" / "again, more slowly?" and a failed hold's "try again?"."""
        current = self._current(state)
        if current is None:
            return None
        if yes:
            return self._move(state, "back" if q.kind == Ask.YELLOW_BACK else "repeat", ctx)
        step, p = current[1], state.progress
        if step.hold and p is not None and p.run and not p.hold_done:
            return self._hold(state, step, self.phrases["hold_continue"], ctx)  # the quiet goes on from where it was
        # One sentence; the step's reprompt waits for a silence.
        return self._ask(state, self.phrases["yellow_stay"], self._step_reprompt(step, ctx),
                         gentle=bool(p and p.gentle))

    def _answer_unsure(self, state: State, q: Question, yes: bool, ctx: Context) -> Outcome:
        """"Are you okay?": yes goes back to where they were, as it was; no is distress."""
        if not yes:
            current, p = self._current(state), state.progress
            in_hold = bool(current and current[1].hold and p and p.run and not p.hold_done)
            outcome = self._on_distress(state, Event(Ev.DISTRESS), ctx)
            # The hold went on under the question (the device may report it paused): it stops now, for sure.
            return replace(outcome, reply=replace(outcome.reply, stop_audio=True)) if in_hold else outcome
        lead = self.phrases["unsure_okay"]
        if q.then is not None:
            reask = self.phrases.reask[q.then.kind.value]
            return self._ask(state, join(lead, reask), reask, q.then,
                             gentle=bool(state.progress and state.progress.gentle))
        current = self._current(state)
        if not current:
            return self._ask(state, join(lead, self._text("welcome_reprompt")), self._text("welcome_reprompt"))
        step, p = current[1], state.progress
        assert p is not None
        if step.hold and p.run and not p.hold_done:
            if self._is_current_hold(state, ctx.playing):
                # The quiet never stopped: it goes on under these words.
                return Outcome(state, Reply(speech=lead, end_session=True, gentle=p.gentle), keep_audio=True)
            return self._resume(state, ctx)
        return self._reprompt_step(state, step, ctx, lead)

    def _on_rating(self, state: State, event: Event, ctx: Context) -> Outcome:
        current = self._current(state)
        if not current or not current[1].rating:
            return self._aside("rating_not_now", state, ctx)
        try:
            number = int(event.value or "")
        except ValueError:
            number = -1
        if not 0 <= number <= 10:
            if state.misses + 1 >= MISSES:
                return self._missed(state, ctx)
            state.misses += 1
            return self._reprompt_step(state, current[1], ctx, self.phrases["rating_range"])
        exercise, step = current
        state.ratings[step.rating] = number  # type: ignore[index]
        high, rose = number >= HIGH_DISTRESS, self._rose(state)
        if step.rating == "before":
            lead = join(self.phrases["rating_thanks"], self.phrases.crisis_line(ctx.locale) if high else None)
            if high and exercise.partnered:
                # Not straight on into closeness: pause, and ask, with grounding on offer.
                return self._ask(state, join(lead, self.phrases["high_before"]),
                                 self.phrases["high_before_reprompt"], Question(Ask.HIGH_BEFORE), gentle=True)
            return self._move(state, "rating", ctx, lead=lead)
        repeat = self._repeat_key(exercise)
        if rose and exercise.partnered and repeat not in state.repeat_next:
            state.repeat_next.append(repeat)  # next time: that session again, gently
        if not (high or rose):
            return self._move(state, "rating", ctx, lead=self.phrases["rating_thanks"])
        target = exercise.step(step.on["distress"]) if step.on["distress"] not in ("next", "end") else None
        names_line = bool(target and "{crisis_line}" in target.say)
        lead = join(self.phrases["rating_thanks"], self.phrases.crisis_line(ctx.locale) if high and not names_line
                    else None)
        return self._move(state, "distress", ctx, lead=lead)

    @staticmethod
    def _repeat_key(exercise: Exercise) -> str:
        """What to take again, gently, after distress rose: a later stage repeats the earlier one."""
        return exercise.gate.after if exercise.gate else exercise.id

    @staticmethod
    def _rose(state: State) -> bool:
        before, after = state.ratings.get("before"), state.ratings.get("after")
        return before is not None and after is not None and after > before

    def _on_go_first(self, state: State, event: Event, ctx: Context) -> Outcome:
        current = self._current(state)
        if current and "first" in current[1].on:
            return self._move(state, "first", ctx)
        return self._missed(state, ctx)

    def _length_setting(self, state: State) -> list[str]:
        """The length settings a "shorter" or "longer" is about: the current exercise's (none, for an exercise
        with no timed stretch: grounding never changes a partnered exercise), else all of them."""
        current = self._current(state)
        if not current:
            return list(SETTINGS)
        return list(dict.fromkeys(s.hold.setting for s in current[0].steps if s.hold and s.hold.setting))

    def _on_delete_data(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._ask(state, self.phrases["delete_confirm"], self.phrases["yellow_offer_reprompt"],
                         Question(Ask.DELETE))

    def _on_what_we_keep(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._aside_text(self.phrases["what_we_keep"].replace("{days}", str(ctx.record_days)), state, ctx)

    def _on_setting(self, state: State, event: Event, ctx: Context) -> Outcome:
        if event.value in ("only_my_voice", "any_voice"):
            if event.value == "only_my_voice" and not ctx.recognised_voice:
                return self._aside("voice_unknown", state, ctx)
            state.settings["only_my_voice"] = event.value == "only_my_voice"
            return self._aside(event.value, state, ctx)
        if event.value in ("less_talking", "more_talking"):
            state.settings["less_talking"] = event.value == "less_talking"
            return self._aside(event.value, state, ctx)
        if event.value not in ("shorter", "longer"):
            return self._aside("fallback", state, ctx)
        sign = 1 if event.value == "longer" else -1
        said = []
        if not self._length_setting(state):
            return self._aside("no_length_here", state, ctx)
        before = self._live_hold_seconds(state, ctx)
        for name in self._length_setting(state):
            spec = SETTINGS[name]
            value = min(spec.high, max(spec.low, self._minutes(state, name) + sign * spec.notch))
            state.settings[name] = value
            said.append(self.phrases[f"length_{name}"].replace("{minutes}", spoken_minutes(value * 60)))
        if before is not None:
            return self._retime_hold(state, ctx, before, edge=True)
        return self._aside_text(join(*said), state, ctx)

    def _on_set_length(self, state: State, event: Event, ctx: Context) -> Outcome:
        if not self._length_setting(state):
            return self._aside("no_length_here", state, ctx)
        name = self._length_setting(state)[0]
        spec = SETTINGS[name]
        try:
            minutes = int(event.value or "")
        except ValueError:
            minutes = -1
        if not spec.low <= minutes <= spec.high:
            text = self.phrases[f"range_{name}"].replace("{low}", str(spec.low)).replace("{high}", str(spec.high))
            return self._aside_text(text, state, ctx)
        before = self._live_hold_seconds(state, ctx)
        state.settings[name] = minutes
        if before is not None:
            return self._retime_hold(state, ctx, before)
        return self._aside_text(self.phrases[f"length_{name}"].replace("{minutes}", spoken_minutes(minutes * 60)),
                                state, ctx)

    def _live_hold_seconds(self, state: State, ctx: Context) -> int | None:
        """The length (s) of the hold playing now, when it is the current step's, still short of its chime, and
        set by a length setting ("shorter" then applies to it from where it is); None otherwise."""
        current = self._current(state)
        p = state.progress
        if not (current and p and p.run and not p.hold_done and self._is_current_hold(state, ctx.playing)):
            return None
        hold = current[1].hold
        if hold is None or hold.setting is None:
            return None
        return self._hold_seconds(current[1], state)

    def _retime_hold(self, state: State, ctx: Context, before: int, edge: bool = False) -> Outcome:
        """A length said during the hold playing now: the new length counts from the live position. The audio
        goes on from where it is, to the new end; a length already past ends the stretch with its chime."""
        current = self._current(state)
        p, where = state.progress, ctx.playing
        assert current is not None and p is not None and p.run is not None and where is not None
        step = current[1]
        seconds = self._hold_seconds(step, state)
        p.hold_ms = min(where.elapsed_ms, seconds * 1000)
        state.pending = None
        left = seconds - p.hold_ms / 1000
        if seconds == before:
            # The same length (or "shorter" at the edge of its range, which then names the range): nothing
            # changes, and the stretch plays on.
            limit = None
            if edge:
                name = step.hold.setting  # type: ignore[union-attr]
                spec = SETTINGS[name]  # type: ignore[index]
                limit = self.phrases[f"range_{name}"].replace("{low}", str(spec.low)).replace("{high}",
                                                                                             str(spec.high))
            return Outcome(state, Reply(speech=join(limit, self._time_left(left)), end_session=True,
                                        gentle=p.gentle))
        speech = self.phrases["hold_length_over"] if left <= 0 else self._time_left(left)
        play = HoldPlay(p.exercise, p.step, p.run, seconds, p.hold_ms)
        return Outcome(state, Reply(speech=speech, play=play, end_session=True, gentle=p.gentle))

    def _time_left(self, seconds: float) -> str:
        if seconds < 60:
            return self.phrases["hold_length_nearly"]
        return self.phrases["hold_length_left"].replace("{minutes}", spoken_minutes(seconds))

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
            p = state.progress
            if step.hold and step.hold.touch and p.run and not p.hold_done \
                    and self._is_current_hold(state, ctx.playing):
                # A touch stretch playing now: one line of gentler touch guidance, and the stretch plays on.
                assert ctx.playing is not None
                p.hold_ms = ctx.playing.elapsed_ms
                state.pending = None
                return Outcome(state, Reply(speech=self.phrases["yellow_touch"], end_session=True, gentle=True),
                               keep_audio=True)
            has_previous = bool(state.progress.trail) or exercise.preceding(step.id) is not None
            offer = "yellow_offer_back" if has_previous else "yellow_offer_repeat"
            return self._ask(state, join(self.phrases["yellow_ack"], self.phrases[offer]),
                             self.phrases["yellow_offer_reprompt"],
                             Question(Ask.YELLOW_BACK if has_previous else Ask.YELLOW_REPEAT), gentle=True)
        return self._missed(state, ctx)

    def _red(self, state: State) -> Outcome:
        """Stop at once, say so in one calm sentence, offer rest or grounding, never press to resume."""
        current = self._current(state)
        state.progress = None
        state.return_to = None
        if current and current[0] is self.grounding:
            return self._end(state, self.phrases["red_solo"])
        return self._ask(state, join(self.phrases["red_stop"], self.phrases["red_offer"]),
                         self.phrases["red_offer_reprompt"], Question(Ask.RED_GROUNDING))

    def _on_distress(self, state: State, event: Event, ctx: Context) -> Outcome:
        """Distress in any words: stop at once, say so kindly, name the crisis line (and the emergency number
        when life may be at risk), and offer grounding. Nothing presses to resume."""
        unsafe = event.value == "unsafe"
        if unsafe:  # someone is hurting them: the line for abuse at home too, and the emergency number
            lead = self.phrases["unsafe_stop"] if self._current(state) else self.phrases["unsafe_heard"]
        else:
            lead = self.phrases["distress_stop"] if self._current(state) else self.phrases["distress_heard"]
        state.progress = None
        state.return_to = None
        state.ratings = {}
        emergency = self.phrases.emergency_line(ctx.locale) if event.value in ("at_risk", "unsafe") else None
        abuse = self.phrases.domestic_abuse_line(ctx.locale) if unsafe else None
        speech = join(lead, emergency, abuse, self.phrases.crisis_line(ctx.locale), self.phrases["distress_offer"])
        outcome = self._ask(state, speech, self.phrases["red_offer_reprompt"], Question(Ask.RED_GROUNDING),
                            gentle=True)
        return replace(outcome, stop=True)

    def _on_unsure(self, state: State, event: Event, ctx: Context) -> Outcome:
        """It may have been distress: one short question that names the way out and where help is. Nothing
        moves: the exercise, the step and any waiting question stay as they were, and a hold plays on."""
        waiting = state.pending
        if waiting is not None and waiting.kind == Ask.UNSURE:
            waiting = waiting.then
        outcome = self._ask(state, join(self.phrases["unsure"], self.phrases.crisis_line(ctx.locale)),
                            self.phrases.reask["unsure"], Question(Ask.UNSURE, then=waiting), gentle=True)
        return replace(outcome, keep_audio=True)

    def _on_go_on(self, state: State, event: Event, ctx: Context) -> Outcome:
        """"Keep going", "I'm okay": green at a check-in, yes to a question, otherwise on from here.
        Never a yes to grounding after red or to deleting data: there it means no, thank you."""
        if state.pending is not None:
            return self._answer(state, state.pending.kind not in (Ask.RED_GROUNDING, Ask.DELETE), ctx)
        if not self._current(state):
            return self._menu(state, "not_in_exercise")
        return self._go_on(state, ctx)

    def _go_on(self, state: State, ctx: Context, lead: str | None = None) -> Outcome:
        """On from the current step: green at a check-in, on after a hold, else the step's next (or yes)."""
        step = self._current(state)[1]  # type: ignore[index]
        if step.checkin:
            return self._on_checkin(state, Event(Ev.CHECKIN, "green"), ctx)
        if step.hold:
            if self._is_current_hold(state, ctx.playing):
                assert state.progress is not None and ctx.playing is not None
                state.progress.hold_ms = ctx.playing.elapsed_ms
            return self._resume(state, ctx)
        for answer in ("next", "yes"):
            if answer in step.on:
                return self._move(state, answer, ctx, lead=lead)
        return self._resume(state, ctx)

    def _on_not_sure(self, state: State, event: Event, ctx: Context) -> Outcome:
        """"I don't know": to a rating, fine (a number is optional); to a question, take your time."""
        current = self._current(state)
        if current and current[1].rating and not state.pending and "rating" in current[1].on:
            return self._move(state, "rating", ctx, lead=self.phrases["not_sure_rating"])
        if state.pending:
            return self._ask(state, self.phrases["not_sure_question"], self.phrases["yellow_offer_reprompt"],
                             state.pending)
        return self._aside("not_sure", state, ctx)

    def _on_which_one(self, state: State, event: Event, ctx: Context) -> Outcome:
        """"Which one?": the exercise in progress, by name; at the resume question, asked again."""
        current = self._current(state)
        if not current:
            return self._ask(state, self._text("menu"), self._text("welcome_reprompt"))
        text = self.phrases["which_one"].replace("{exercise}", current[0].title)
        if state.pending is not None:
            again = self.phrases.reask[state.pending.kind.value]
            return self._ask(state, join(text, again), again, state.pending)
        return self._aside_text(text, state, ctx)

    def _on_stop(self, state: State, event: Event, ctx: Context) -> Outcome:
        """Stop ends the exercise, with one short kind sentence that names nothing (someone else may hear).
        Pausing is its own word. (A bare "Alexa, stop" while a hold plays reaches the skill as a pause.)"""
        state.return_to = None
        if not self._current(state):
            return self._end(state)
        state.progress = None
        state.ratings = {}
        return self._end(state, self.phrases["stopped"])

    def _on_cancel(self, state: State, event: Event, ctx: Context) -> Outcome:
        state.return_to = None
        if not self._current(state):
            return self._end(state)
        state.progress = None
        return self._end(state, self.phrases["cancelled"])

    def _on_fallback(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._missed(state, ctx)

    def _missed(self, state: State, ctx: Context, key: str = "fallback") -> Outcome:
        """A turn not understood. The third in a row gets a shorter, different answer naming the way out."""
        state.misses += 1
        gentle = bool(state.progress and state.progress.gentle)
        if state.misses < MISSES:
            if state.pending is not None:
                # The question still waits: asked again, in fewer words.
                reask = self.phrases.reask[state.pending.kind.value]
                return self._ask(state, join(self.phrases[key], reask), reask, state.pending, gentle=gentle)
            return self._aside(key, state, ctx)
        where = self.phrases["lost_in_exercise" if self._current(state) else "lost_at_menu"]
        if state.pending is not None:
            reask = self.phrases.reask[state.pending.kind.value]
            return self._ask(state, join(where, reask), reask, state.pending, gentle=gentle)
        return self._ask(state, where, where, None, gentle=gentle)

    def _aside(self, key: str, state: State, ctx: Context) -> Outcome:
        """Say one short sentence, then return to where the person was."""
        return self._aside_text(self.phrases[key], state, ctx)

    def _aside_text(self, text: str, state: State, ctx: Context) -> Outcome:
        current = self._current(state)
        if not current:
            return self._ask(state, join(text, self._text("welcome_reprompt")), self._text("welcome_reprompt"))
        return self._reprompt_step(state, current[1], ctx, text)

    def _on_loop(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._aside("loop_declined", state, ctx)

    def _on_shuffle(self, state: State, event: Event, ctx: Context) -> Outcome:
        return self._aside("shuffle_declined", state, ctx)

    def _on_session_end(self, state: State, event: Event, ctx: Context) -> Outcome:
        state.pending = None
        return Outcome(state, Reply(end_session=True))

    # ---- dispatch tables ----------------------------------------------------------------------

    _ON: dict[Ev, Callable[..., Outcome]] = {
        Ev.LAUNCH: _on_launch, Ev.START: _on_start, Ev.GROUND: _on_ground,
        Ev.NEXT: _navigate, Ev.BACK: _navigate, Ev.REPEAT: _navigate, Ev.START_OVER: _on_start_over,
        Ev.PAUSE: _on_pause, Ev.RESUME: _on_resume, Ev.HELP: _on_help, Ev.YES: _on_yes, Ev.NO: _on_no,
        Ev.CHECKIN: _on_checkin, Ev.STOP: _on_stop, Ev.CANCEL: _on_cancel, Ev.FALLBACK: _on_fallback,
        Ev.LOOP: _on_loop, Ev.SHUFFLE: _on_shuffle, Ev.SESSION_END: _on_session_end, Ev.RATING: _on_rating,
        Ev.SETTING: _on_setting, Ev.SET_LENGTH: _on_set_length, Ev.GO_FIRST: _on_go_first,
        Ev.DELETE_DATA: _on_delete_data, Ev.WHAT_WE_KEEP: _on_what_we_keep, Ev.DISTRESS: _on_distress,
        Ev.GO_ON: _on_go_on, Ev.NOT_SURE: _on_not_sure, Ev.WHICH_ONE: _on_which_one, Ev.UNSURE: _on_unsure,
    }
    _ANSWER: dict[Ask, Callable[..., Outcome | None]] = {
        Ask.RESUME: _answer_resume, Ask.RED_GROUNDING: _answer_red_grounding, Ask.RETURN: _answer_return,
        Ask.READY_FIRST: _answer_ready, Ask.READY_SECOND: _answer_ready, Ask.DELETE: _answer_delete,
        Ask.GATE_BASE: _answer_gate_base, Ask.YELLOW_BACK: _answer_step_offer,
        Ask.YELLOW_REPEAT: _answer_step_offer, Ask.RETRY_STEP: _answer_step_offer,
        Ask.HIGH_BEFORE: _answer_high_before, Ask.UNSURE: _answer_unsure,
    }
