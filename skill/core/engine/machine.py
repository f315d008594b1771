"""The engine: (state, event, context) -> Outcome(new state, reply). Pure Python.

It knows the content schema and its own state type, and nothing of any platform, HTTP or storage, so the
same exercises run behind every voice adapter. Rules that hold in every mode come first (a new session, content
that changed, audio reports, "only my voice", a failed hold's notice, "are you okay?" set aside); then the
mode table (``modes``) picks the handler; then what happens to playing hold audio.
"""
from __future__ import annotations

from dataclasses import replace

from ..content import Catalog
from ..events import AUDIO_EVENTS, CONSENT_AND_SAFETY, Context, Ev, Event, Reply
from ..questions import Ask, Question
from ..state import State
from . import holds
from .here import Here, Outcome, ask
from .text import join
from .modes import dispatch, table_for
from .screen import screen_for

# Turns that leave playing hold audio alone: a short answer, then the quiet goes on (asides).
KEEP_AUDIO = frozenset({Ev.HELP, Ev.FALLBACK, Ev.LOOP, Ev.SHUFFLE, Ev.SESSION_END, Ev.SETTING, Ev.SET_LENGTH,
                        Ev.WHAT_WE_KEEP, Ev.LIST_REMINDERS, Ev.PROGRESS, Ev.PAIRING})
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


class Engine:
    """The exercises' logic over a loaded, validated ``Catalog``; holds no state of its own between calls."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.phrases = catalog.phrases
        self.grounding = catalog.grounding
        self.table = table_for(catalog)

    def handle(self, state: State, event: Event, ctx: Context) -> Outcome:
        """Answer one ``event`` said (or reported) in ``ctx`` by a person whose state is ``state``.

        ``state`` is never changed: the new state is in the Outcome, with whether the turn stopped
        (``Outcome.stop``: stop, cancel, pause, red, distress). The reply is in content markup (plain text with
        ``[pause N]``); nothing here raises for any event or value: unknown values get a calm spoken answer.
        On a device with a screen (``Context.screen``) the reply also says what the screen shows
        (``Reply.screen``).
        """
        outcome = self._handle(state, event, ctx)
        if ctx.screen:
            screen = screen_for(Here(self.catalog.serving(ctx.account, ctx.locale), state, ctx), event, outcome)
            outcome = replace(outcome, reply=replace(outcome.reply, screen=screen))
        return outcome

    def _handle(self, state: State, event: Event, ctx: Context) -> Outcome:
        h = Here(self.catalog.serving(ctx.account, ctx.locale), state, ctx)  # the account's, in the request's language
        if ctx.new_session:
            h.set(pending=None, misses=0)  # a question from an earlier session is not answered by this one
        if state.progress and h.step is None:
            h.set(progress=None)  # the exercise or step no longer exists in the content
        if event.kind in AUDIO_EVENTS:
            return holds.on_audio(h, event)
        if ctx.other_voice and h.state.settings.get("only_my_voice") and event.kind in CARRY_ON:
            # Never consent or safety: CARRY_ON holds none of CONSENT_AND_SAFETY.
            # Says nothing of what is in progress, or whose it is.
            return Outcome(h.state, Reply(speech=h.words.render("voice_refused"), end_session=True))
        if h.state.playback_failed and event.kind not in NO_NOTICE:
            h.set(playback_failed=False)
            if h.step is not None:
                return ask(h, h.words.render("playback_failed"), h.words.render("yellow_offer_reprompt"),
                           Question(Ask.RETRY_STEP))
        pending = h.state.pending
        if pending is not None and pending.kind == Ask.UNSURE and event.kind not in ANSWERS_UNSURE:
            h.set(pending=pending.then)  # "are you okay?" set aside: what was waiting before is back
        missed = h.state.misses
        here = holds.is_current(h.state, ctx.playing)
        outcome = dispatch(self.table, h, event)
        if event.kind == Ev.LAUNCH and h.catalog.note:  # a client version's note, before anything else is said
            outcome = replace(outcome, reply=replace(outcome.reply, speech=join(h.words.fill(h.catalog.note),
                                                                                outcome.reply.speech)))
        if outcome.state.misses <= missed and outcome.state.misses:
            outcome = replace(outcome, state=replace(outcome.state, misses=0))  # understood: the count starts again
        if ctx.playing and outcome.reply.play is None and not outcome.keep_audio:
            if event.kind in KEEP_AUDIO:
                # An aside while the hold plays: answer, and close the session so the quiet goes on at once.
                return replace(outcome, reply=replace(outcome.reply, end_session=True, reprompt=None))
            after = Here(h.catalog, outcome.state, ctx)
            if here and holds.is_current(after.state, ctx.playing):
                holds.keep_live(after)  # the audio stops here and the hold is still the step: carry on from there
            return replace(outcome, state=after.state, reply=replace(outcome.reply, stop_audio=True))
        return outcome
