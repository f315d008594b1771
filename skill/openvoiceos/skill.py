"""The OVOS skill: utterances and bus events in, engine events out; replies spoken as plain text, holds played
through the device's audio service. It holds no exercise or state rules: the engine and the turn runner do.

How a conversation maps onto OVOS
- Starting phrases ("open safe harbor", "start grounding", "help me ground", "I'm triggered") are registered with
  the device's intent pipeline (`*.anywhere.intent`), so they work from nowhere, without a wake-up name.
- While a conversation is open, or an exercise is under way (a hold playing, a step waiting), the skill stays
  active and OVOS hands it every utterance first (`converse`). The skill's understanding layer reads them
  (skill/understanding: the safety screen first, then the classifier trained from the catalogue), so people's
  own words for stop, a colour, distress, "pause" or a rating reach it at every moment; in an open
  conversation an utterance not understood is the engine's fallback, as on Alexa.
- A conversation is the TurnRunner's session: it ends when a reply ends the session (as Alexa's does); what the
  runner carries between turns (`TurnResult.session`) is kept per OVOS session, in memory.
- Every turn (an intent, an utterance in converse, a stop, the scheduled end of a hold, shutdown) goes through
  `turns.Turns`, which answers with what to do (`Said`: words, listen or not, the hold to stop or play); this
  class carries that out on the bus. The golden transcripts are replayed through the same `Turns`.
- Stop: a person's stop (OVOS's stop pipeline, `stop_session`) is the engine's STOP. OVOS also calls `stop()`
  when the skill or the device shuts down: that only keeps a playing hold as paused at its position.
- Holds: the committed bed and chime files play through OCP (`ovos.common_play.*`), from the held position; a
  scheduled event marks the chime's end (HOLD_FINISHED). The position is the time played since the start.
- State: the embedded SQLite store in this skill's data folder (OVOS's XDG file system for skills), keyed by a
  keyed hash of this device (a random key made on first run, kept beside it). No network call anywhere.
- Practice reminders: the engine's port is `reminders.DeviceReminders` (the schedules kept in the same store); this
  class is its `Alarms`: one scheduled event per schedule at its next local time, re-armed when it fires, and all
  armed again when the skill loads. When one fires the device says the reminder's words and nothing else, or
  nothing while an exercise is under way (it would talk over the practice); a time missed while off is not said.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ovos_bus_client.message import Message
from ovos_bus_client.session import SessionManager
from ovos_utils import classproperty
from ovos_utils.ocp import MediaEntry, MediaType, PlaybackType
from ovos_utils.process_utils import RuntimeRequirements
from ovos_utils.time import now_local
from ovos_workshop.skills.converse import ConversationalSkill

from ..audio import CHIME_FILE, FILES_DIR, segment_file
from ..audio.mp3info import describe
from ..core import Ev, Event, HoldPlay
from ..core.holds import hold_segments, position_at
from ..core.reminders import Schedule
from .content import wake_word_name
from .hearing import heard, named, opens_skill
from .reminders import event_name, next_time
from .resources import ANYWHERE
from .turns import Said, device_turns

HOLD_END = "hold-end"  # the scheduled event's name


class SafeHarborSkill(ConversationalSkill):
    """Loaded by OVOS from the entry point; everything is set up in `initialize`."""

    @classproperty
    def runtime_requirements(self) -> RuntimeRequirements:
        """Fully offline: load without waiting for a network, and never need one."""
        return RuntimeRequirements(internet_before_load=False, network_before_load=False, requires_internet=False,
                                   requires_network=False, no_internet_fallback=True, no_network_fallback=True)

    def initialize(self) -> None:
        self.turns = device_turns(Path(self.file_system.path), wake_word_name(self.config_core), self._local_time,
                                  alarms=self)
        self.store, self.secret = self.turns.runner.store, self.turns.secret
        self.chime_ms = round(describe(FILES_DIR / CHIME_FILE).duration_s * 1000)
        for name in ANYWHERE:
            self.register_intent_file(f"{name}.anywhere.intent", self._anywhere(name))
        self.register_entity_file("exercise.entity")
        self.add_event(f"{self.skill_id}:{HOLD_END}", self._hold_finished, speak_errors=False)
        # The reminders kept here go off again after a restart, in the device's language.
        self.turns.reminders.arm_all(self.turns.reminder_words(_locale(Message(""))))

    # ---- OVOS entry points ------------------------------------------------------------------------

    def _anywhere(self, name: str):
        def handler(message: Message) -> None:
            # The pipeline's own match, unless the understanding layer reads the words as a safety signal.
            said = heard([message.data.get("utterance") or ""], _locale(message), safety_only=True)
            self.turn(message, said or named(name, message.data, _locale(message)))
        handler.__name__ = f"handle_{name}"
        return handler

    def can_converse(self, message: Message) -> bool:
        utterances, locale = message.data.get("utterances") or [], _locale(message)
        if opens_skill(utterances, locale) and heard(utterances, locale, safety_only=True) is None:
            return False  # "open safe harbor" is the pipeline's launch intent, unless another hearing is a safety one
        if self._open(message):
            return True
        if not self.turns.engaged():
            return False
        return heard(message.data.get("utterances") or [], _locale(message)) is not None

    def converse(self, message: Message) -> bool:
        said = heard(message.data.get("utterances") or [], _locale(message))
        if said is not None:
            self.turn(message, said)
            return True
        if self._open(message):
            self.turn(message, Event(Ev.FALLBACK))
            return True
        return False

    def can_stop(self, message: Message) -> bool:
        return self._open(message) or self.turns.engaged()

    def stop_session(self, session) -> bool:
        """A person's stop (OVOS's stop pipeline): the engine's STOP, whatever is under way."""
        message = Message("", context={"session": session.serialize()})
        if not self.can_stop(message):
            return False
        self.turn(message, Event(Ev.STOP))
        return True

    def stop(self) -> None:
        """Called by OVOS on shutdown (and after a stop no session claimed): a playing hold is kept as paused at
        its position, for resuming; nothing is spoken and nothing else changes."""
        turns = getattr(self, "turns", None)
        if turns is None:
            return  # never initialised (a failed load): nothing is playing, nothing to keep
        message = Message("")
        with turns.lock:
            said = turns.shutdown(_locale(message))
            if said is not None:
                self._carry_out(said, message)

    def _hold_finished(self, message: Message) -> None:
        data = message.data or {}
        with self.turns.lock:
            said = self.turns.hold_finished(data.get("exercise"), data.get("step"), data.get("run"),
                                            _locale(message))
            if said is not None:
                self._carry_out(said, message)

    # ---- one turn ---------------------------------------------------------------------------------

    def turn(self, message: Message, event: Event) -> None:
        """A person's turn: ``event`` through `Turns` on this message's OVOS session, then carried out."""
        with self.turns.lock:  # the words, then the hold, before the next turn is taken
            said = self.turns.turn(SessionManager.get(message).session_id, _locale(message), event)
            self._carry_out(said, message)

    def _carry_out(self, said: Said, message: Message) -> None:
        if said.stop:
            self._stop_hold(message)
        for i, chunk in enumerate(said.chunks):
            last = i == len(said.chunks) - 1
            # The hold starts once the words before it are spoken.
            self.speak(chunk, expect_response=last and said.listen, wait=bool(last and said.play))
        if said.play:
            self._play_hold(said.play, message)
        if said.stay_minutes is not None:
            self.activate(duration_minutes=said.stay_minutes)

    # ---- holds ------------------------------------------------------------------------------------

    def _play_hold(self, hold: HoldPlay, message: Message) -> None:
        index, offset_ms = position_at(hold.seconds, hold.elapsed_ms)
        # No title that names the exercise: a screen would show it.
        tracks = [MediaEntry(uri=(FILES_DIR / segment_file(segment.kind)).as_uri(), title="Quiet time", artist="Safe Harbor",
                             skill_id=self.skill_id, playback=PlaybackType.AUDIO, media_type=MediaType.AUDIO)
                  for segment in hold_segments(hold.seconds)[index:]]
        self.audio_service.play(tracks, source_message=message)
        if offset_ms:
            self.audio_service.set_track_position(offset_ms, source_message=message)
        self.turns.hold_starts(hold)
        left_s = (hold.seconds * 1000 - min(hold.elapsed_ms, hold.seconds * 1000) + self.chime_ms) / 1000
        self.schedule_event(self._hold_finished, left_s, name=HOLD_END,
                            data={"exercise": hold.exercise, "step": hold.step, "run": hold.run})

    def _stop_hold(self, message: Message) -> None:
        self.cancel_scheduled_event(HOLD_END)
        self.audio_service.stop(source_message=message)

    # ---- practice reminders (the port's Alarms) ---------------------------------------------------

    def arm(self, schedule: Schedule, text: str) -> None:
        """The event of ``schedule`` at its next local time, saying ``text``; any earlier one of it goes first
        (also one left in the scheduler by this skill before a restart, which no handler here knows yet)."""
        name = event_name(schedule)
        self.cancel_scheduled_event(name)
        self.bus.emit(Message("mycroft.scheduler.remove_event", {"event": f"{self.skill_id}:{name}"},
                              {"skill_id": self.skill_id}))
        self.schedule_event(self._reminder_due, next_time(schedule, now_local()), name=name,
                            data={"schedule": schedule.to_value(), "text": text})

    def disarm(self, schedule: Schedule) -> None:
        """No event of ``schedule`` any more."""
        name = event_name(schedule)
        self.cancel_scheduled_event(name)
        self.bus.emit(Message("mycroft.scheduler.remove_event", {"event": f"{self.skill_id}:{name}"},
                              {"skill_id": self.skill_id}))

    def _reminder_due(self, message: Message) -> None:
        """A reminder's time came: its words are said (only when it is still kept, or the store cannot say, and
        no exercise is under way: then it would only talk over the practice), and its next time is armed."""
        data = message.data or {}
        schedule = Schedule.from_value(data.get("schedule"))
        text = data.get("text")
        if schedule is None or not isinstance(text, str) or not text:
            return
        kept = self.turns.reminders.schedules()
        if kept is not None and schedule not in kept:
            return  # turned off since it was armed
        if not self.turns.engaged():
            self.speak(text)
        try:
            self.arm(schedule, text)
        except Exception:  # noqa: BLE001 - the next load arms it again
            self.log.warning("reminders: the next time could not be armed")

    # ---- small helpers ----------------------------------------------------------------------------

    def _local_time(self) -> datetime:
        """Now in the device's time zone (its location, as OVOS configures it or a satellite's session brings it),
        as a zone with its name: the name chooses Austria's or Switzerland's lines for a German or French device
        (OVOS's ``now_local`` gives a zone without one)."""
        try:
            return datetime.now(ZoneInfo(self.location_timezone or ""))
        except (ZoneInfoNotFoundError, ValueError, KeyError, TypeError):
            pass  # a location without a zone (config or a satellite's session): OVOS's own, or the machine's
        try:
            return now_local()
        except (KeyError, TypeError, ValueError):
            return datetime.now().astimezone()

    def _open(self, message: Message) -> bool:
        return self.turns.is_open(SessionManager.get(message).session_id)


def _lang(message: Message) -> str:
    return message.data.get("lang") or SessionManager.get(message).lang or "en-US"


def _locale(message: Message) -> str:
    """ "en-us" -> "en-US": the engine's locale names (crisis lines are chosen by it)."""
    lang, _, region = _lang(message).replace("_", "-").partition("-")
    return f"{lang.lower()}-{region.upper()}" if region else lang.lower()

