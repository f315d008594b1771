"""The OVOS skill: utterances and bus events in, engine events out; replies spoken as plain text, holds played
through the device's audio service. It holds no exercise or state rules: the engine and the turn runner do.

How a conversation maps onto OVOS
- Starting phrases ("open safe harbor", "start grounding", "help me ground", "I'm triggered") are registered with
  the device's intent pipeline (`*.anywhere.intent`), so they work from nowhere, without a wake-up name.
- While a conversation is open, or an exercise is under way (a hold playing, a step waiting), the skill stays
  active and OVOS hands it every utterance first (`converse`). It matches them against every phrasing of the
  intent source (`*.intent`), so a colour, "stop", "pause" or a rating reach it at every moment; in an open
  conversation an unmatched utterance is the engine's fallback, as on Alexa.
- A conversation is the TurnRunner's session: it ends when a reply ends the session (as Alexa's does); what the
  runner carries between turns (`TurnResult.session`) is kept here, per OVOS session, in memory.
- Stop: a person's stop (OVOS's stop pipeline, `stop_session`) is the engine's STOP. OVOS also calls `stop()`
  when the skill or the device shuts down: that only keeps a playing hold as paused at its position.
- Holds: the committed bed and chime files play through OCP (`ovos.common_play.*`), from the held position; a
  scheduled event marks the chime's end (HOLD_FINISHED). The position is the time played since the start.
- State: the embedded SQLite store in this skill's data folder (OVOS's XDG file system for skills), keyed by a
  keyed hash of this device (a random key made on first run, kept beside it). No network call anywhere.
"""
from __future__ import annotations

import json
import logging
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ovos_bus_client.message import Message
from ovos_bus_client.session import SessionManager
from ovos_utils import classproperty
from ovos_utils.ocp import MediaEntry, MediaType, PlaybackType
from ovos_utils.process_utils import RuntimeRequirements
from ovos_utils.time import now_local
from ovos_workshop.skills.converse import ConversationalSkill

from ..audio import CHIME_FILE, FILES_DIR, segment_file
from ..audio.mp3info import describe
from ..core import Context, Engine, Ev, Event, HoldPlay, HoldPosition, Reply, TurnRequest, TurnRunner, identity_for
from ..core.holds import hold_segments, position_at
from ..store.sqlite import SqliteStore
from . import SKILL_ID
from .content import load_ovos_catalog, wake_word_name, wake_word_text
from .matcher import Matcher
from .render import speech_chunks
from .resources import ANYWHERE

log = logging.getLogger("skill.turn")
HOLD_END = "hold-end"  # the scheduled event's name
DEVICE_USER = "ovos-device"  # one record per device: OVOS has no accounts and no voice profiles
SORRY = "Sorry, something went wrong on my side. [pause 1] Please say that again."
ENGAGED_AFTER_S = 600  # after a turn that leaves an exercise under way, stay reachable this long


@dataclass
class Conversation:
    """One TurnRunner session on one OVOS session."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    carry: dict | None = None


@dataclass
class Playing:
    hold: HoldPlay
    started: float  # time.monotonic() when it started (from hold.elapsed_ms)

    def elapsed_ms(self) -> int:
        played = int((time.monotonic() - self.started) * 1000)
        return min(self.hold.seconds * 1000, self.hold.elapsed_ms + played)


class SafeHarborSkill(ConversationalSkill):
    """Loaded by OVOS from the entry point; everything is set up in `initialize`."""

    @classproperty
    def runtime_requirements(self) -> RuntimeRequirements:
        """Fully offline: load without waiting for a network, and never need one."""
        return RuntimeRequirements(internet_before_load=False, network_before_load=False, requires_internet=False,
                                   requires_network=False, no_internet_fallback=True, no_network_fallback=True)

    def initialize(self) -> None:
        data = Path(self.file_system.path)
        data.mkdir(parents=True, exist_ok=True)
        self.secret = _device_secret(data / "hash-secret")
        self.store = SqliteStore(data / "state.sqlite3")
        self.runner = TurnRunner(Engine(load_ovos_catalog()), self.store, self.secret)
        self.wake_word = wake_word_name(self.config_core)
        self.matcher = Matcher()
        self.chime_ms = round(describe(FILES_DIR / CHIME_FILE).duration_s * 1000)
        self.lock = threading.RLock()  # one turn at a time: bus handlers run on several threads
        self.conversations: dict[str, Conversation] = {}
        self.playing: Playing | None = None
        self.engaged_until = 0.0
        for name in ANYWHERE:
            self.register_intent_file(f"{name}.anywhere.intent", self._anywhere(name))
        self.register_entity_file("exercise.entity")
        self.add_event(f"{self.skill_id}:{HOLD_END}", self._hold_finished, speak_errors=False)

    # ---- OVOS entry points ------------------------------------------------------------------------

    def _anywhere(self, name: str):
        def handler(message: Message) -> None:
            utterance = (message.data.get("utterance") or "").strip()
            match = self.matcher.match(utterance, _lang(message))
            if match is None or match.intent != name:  # the pipeline's own match, with our slot reading
                match = self.matcher.named(name, message.data, _lang(message))
            self.turn(message, self.matcher.event(match, _lang(message)))
        handler.__name__ = f"handle_{name}"
        return handler

    def can_converse(self, message: Message) -> bool:
        with self.lock:
            if self._open(message) is not None:
                return True
            if not self._engaged():
                return False
        return any(self.matcher.match(u, _lang(message)) for u in message.data.get("utterances", []))

    def converse(self, message: Message) -> bool:
        utterances = message.data.get("utterances") or []
        for utterance in utterances:
            match = self.matcher.match(utterance, _lang(message))
            if match is not None:
                self.turn(message, self.matcher.event(match, _lang(message)))
                return True
        if self._open(message) is not None:
            self.turn(message, Event(Ev.FALLBACK))
            return True
        return False

    def can_stop(self, message: Message) -> bool:
        with self.lock:
            return self.playing is not None or self._open(message) is not None or self._engaged()

    def stop_session(self, session) -> bool:
        """A person's stop (OVOS's stop pipeline): the engine's STOP, whatever is under way."""
        if not self.can_stop(Message("", context={"session": session.serialize()})):
            return False
        message = Message("", context={"session": session.serialize()})
        self.turn(message, Event(Ev.STOP))
        return True

    def stop(self) -> None:
        """Called by OVOS on shutdown (and after a stop no session claimed): a playing hold is kept as paused at
        its position, for resuming; nothing is spoken and nothing else changes."""
        lock = getattr(self, "lock", None)
        if lock is None:
            return  # never initialised (a failed load): nothing is playing, nothing to keep
        with lock:
            playing = self.playing
        if playing is None:
            return
        hold = playing.hold
        position = HoldPosition(hold.exercise, hold.step, hold.run, playing.elapsed_ms())
        self.turn(Message(""), Event(Ev.HOLD_STOPPED), playing=position,
                  hold=(hold.exercise, hold.step, hold.run), spoken=False)
        with self.lock:
            self._stop_hold(Message(""))

    def _hold_finished(self, message: Message) -> None:
        data = message.data or {}
        with self.lock:
            playing = self.playing
            if playing is None or (data.get("exercise"), data.get("step"), data.get("run")) != \
                    (playing.hold.exercise, playing.hold.step, playing.hold.run):
                return  # a stale end: the hold was stopped, paused or replaced since
            self.playing = None
        hold = playing.hold  # the report names the hold it is about, at its end (as a player's report would)
        self.turn(message, Event(Ev.HOLD_FINISHED), spoken=False, hold=(hold.exercise, hold.step, hold.run),
                  playing=HoldPosition(hold.exercise, hold.step, hold.run, hold.seconds * 1000))

    # ---- one turn ---------------------------------------------------------------------------------

    def turn(self, message: Message, event: Event, playing: HoldPosition | None = None,
             hold: tuple[str, str, str] | None = None, spoken: bool = True) -> None:
        """Run one engine event through the turn runner and carry out its reply."""
        started = time.perf_counter()
        with self.lock:
            sid = SessionManager.get(message).session_id
            conversation = self.conversations.get(sid) if spoken else None
            new = conversation is None
            conversation = conversation or Conversation()
            if playing is None and self.playing is not None and spoken:
                p = self.playing.hold
                playing = HoldPosition(p.exercise, p.step, p.run, self.playing.elapsed_ms())
            context = Context(locale=_locale(message), new_session=new and spoken, local_time=now_local,
                              audio_player=True, playing=playing, recognised_voice=False)
            request = TurnRequest(identity_for(self.secret, DEVICE_USER), event, context,
                                  session=conversation.carry if spoken else None,
                                  session_id=conversation.id if spoken else None, hold=hold)
            try:
                result = self.runner.run(request)
            except Exception as exc:  # noqa: BLE001 - a calm answer, never a stack trace to the person
                log.error(json.dumps({"event": "turn", "platform": "ovos", "error": type(exc).__name__}))
                if spoken:
                    self.speak(" ".join(speech_chunks(SORRY)), expect_response=True)
                return
            reply = result.reply
            if spoken and not reply.end_session:
                conversation.carry = result.session
                self.conversations[sid] = conversation
            elif spoken:
                self.conversations.pop(sid, None)  # the session ends, as an Alexa session would
            # An exercise under way stays reachable by its words ("next", a colour) for a while; after a stop or
            # a cancel it waits for the person to open the skill again.
            engaged = result.exercise is not None and event.kind not in (Ev.STOP, Ev.CANCEL)
            self.engaged_until = time.monotonic() + ENGAGED_AFTER_S if engaged else 0.0
            # The event's kind (a catalogue name) only: not its value (a slot's reading), nor where the person is.
            log.info(json.dumps({"event": "turn", "platform": "ovos", "kind": event.kind.value,
                                 "latency_ms": round((time.perf_counter() - started) * 1000, 2),
                                 "store": {"reads": result.reads, "writes": result.writes,
                                           "failed": result.store_failed}}, separators=(",", ":")))
            self._carry_out(reply, message, spoken)

    def _carry_out(self, reply: Reply, message: Message, spoken: bool) -> None:
        if reply.stop_audio or reply.play:
            self._stop_hold(message)
        if spoken:
            chunks = speech_chunks(wake_word_text(reply.speech, self.wake_word))
            for i, chunk in enumerate(chunks):
                last = i == len(chunks) - 1
                # The hold starts once the words before it are spoken.
                self.speak(chunk, expect_response=last and not reply.end_session,
                           wait=bool(last and reply.play))
        if reply.play:
            self._play_hold(reply.play, message)
        if not reply.end_session or reply.play or self.engaged_until:
            minutes = 10 + (reply.play.seconds // 60 if reply.play else 0)
            self.activate(duration_minutes=minutes)

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
        left_s = (hold.seconds * 1000 - min(hold.elapsed_ms, hold.seconds * 1000) + self.chime_ms) / 1000
        self.playing = Playing(hold, time.monotonic())
        self.schedule_event(self._hold_finished, left_s, name=HOLD_END,
                            data={"exercise": hold.exercise, "step": hold.step, "run": hold.run})

    def _stop_hold(self, message: Message) -> None:
        if self.playing is None:
            return
        self.playing = None
        self.cancel_scheduled_event(HOLD_END)
        self.audio_service.stop(source_message=message)

    # ---- small helpers ----------------------------------------------------------------------------

    def _open(self, message: Message) -> Conversation | None:
        return self.conversations.get(SessionManager.get(message).session_id)

    def _engaged(self) -> bool:
        return self.playing is not None or time.monotonic() < self.engaged_until


def _lang(message: Message) -> str:
    return message.data.get("lang") or SessionManager.get(message).lang or "en-US"


def _locale(message: Message) -> str:
    """ "en-us" -> "en-US": the engine's locale names (crisis lines are chosen by it)."""
    lang, _, region = _lang(message).replace("_", "-").partition("-")
    return f"{lang.lower()}-{region.upper()}" if region else lang.lower()


def _device_secret(path: Path) -> bytes:
    """The key of the keyed hash that names this device's record: random, made once, readable by its owner only."""
    try:
        return bytes.fromhex(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        pass
    secret = secrets.token_bytes(32)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(secret.hex(), encoding="utf-8")
    return secret
