"""One OVOS turn without the message bus: an engine event and what the device knows in, what to do out.

    (OVOS session id, locale, event) -> Said (plain-text chunks to speak, whether to listen, the hold to stop
                                             and the hold to play)

`SafeHarborSkill` (skill.py) routes every intent, utterance, stop and scheduled hold end through here and carries
the `Said` out on the bus (`speak`, OCP, the scheduler); tests/test_openvoiceos_golden.py drives the same `Turns`
with the golden transcripts. What it keeps between turns is what the device knows: the open conversations (the
turn runner's sessions, per OVOS session), the hold it is playing (and since when, by `clock`), and how long an
exercise under way stays reachable. Identity, context, the session carry, the log line and the calm failure are
the turn shell's (skill.core.shell). No exercise or state rules: those are the engine's and the turn runner's.
Pure Python: nothing here imports OVOS, so the clocks are handed in.
"""
from __future__ import annotations

import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from ..core import Engine, Ev, Event, HoldPlay, HoldPosition, TurnRunner, client
from ..core.shell import Device, Heard, Shell
from ..store.sqlite import SqliteStore
from .content import load_ovos_catalog
from .reminders import Alarms, DeviceReminders, reminders_key
from .render import speech_chunks

DEVICE_USER = "ovos-device"  # one record per device: OVOS has no accounts and no voice profiles
ENGAGED_AFTER_S = 600  # after a turn that leaves an exercise under way, stay reachable this long
STAY_MINUTES = 10  # how long the skill stays active (converse) after a turn, plus a playing hold's minutes


@dataclass
class Conversation:
    """One TurnRunner session on one OVOS session."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    carry: dict | None = None


@dataclass(frozen=True)
class Playing:
    """The hold this device plays: ``hold`` as the engine asked for it, from ``started`` (``clock()`` seconds)."""

    hold: HoldPlay
    started: float

    def position(self, now: float) -> HoldPosition:
        """Where the hold is at ``now`` (``clock()`` seconds): its start point plus the time played, at most its
        length."""
        played = int((now - self.started) * 1000)
        h = self.hold
        return HoldPosition(h.exercise, h.step, h.run, min(h.seconds * 1000, h.elapsed_ms + played))


@dataclass(frozen=True)
class Said:
    """What one turn does on the device, in this order: stop the playing hold (``stop``: its audio and its
    scheduled end), speak ``chunks`` (plain text, each its own ``speak``; the microphone opens after the last
    when ``listen``), then play ``play`` from its ``elapsed_ms``; stay active (converse) ``stay_minutes`` (None:
    no need)."""

    chunks: tuple[str, ...] = ()
    listen: bool = False
    stop: bool = False
    play: HoldPlay | None = None
    stay_minutes: int | None = None


class Turns:
    """The adapter's turns for one device. ``runner``: the turn lifecycle over the device's store; ``secret``:
    the key of the keyed hash naming the device's record; ``wake_word``: the name the device answers to, said
    where the content says "Alexa,"; ``local_time``: the device's local time (OVOS: ``now_local``);
    ``clock``: monotonic seconds, for a hold's position; ``reminders``: the device's practice reminders (None:
    this device sets none). Thread-safe: one turn at a time."""

    def __init__(self, runner: TurnRunner, secret: bytes, wake_word: str,
                 local_time: Callable[[], datetime | None], clock: Callable[[], float] = time.monotonic,
                 reminders: DeviceReminders | None = None):
        self.runner, self.secret, self.wake_word = runner, secret, wake_word
        self.reminders = reminders
        self.shell = Shell(runner)
        self.local_time, self.clock = local_time, clock
        self.lock = threading.RLock()  # bus handlers run on several threads
        self.conversations: dict[str, Conversation] = {}
        self.playing: Playing | None = None
        self.engaged_until = 0.0  # clock() seconds

    def time_zone(self) -> str | None:
        """The device's IANA time zone name, from its local time (OVOS's configured location), or None."""
        now = self.local_time()
        return getattr(now.tzinfo, "key", None) if now is not None else None

    # ---- what the skill asks between turns --------------------------------------------------------

    def is_open(self, session_id: str) -> bool:
        """A conversation is open on this OVOS session (the last reply in it did not end it)."""
        with self.lock:
            return session_id in self.conversations

    def engaged(self) -> bool:
        """A hold plays, or an exercise was under way a short while ago: its words still reach the skill."""
        with self.lock:
            return self.playing is not None or self.clock() < self.engaged_until

    def position(self) -> HoldPosition | None:
        """Where the playing hold is now, or None."""
        with self.lock:
            return self.playing.position(self.clock()) if self.playing else None

    def hold_starts(self, hold: HoldPlay) -> None:
        """The skill starts ``hold``'s audio now (after the words before it were spoken): positions count from
        here."""
        with self.lock:
            if self.playing is not None and self.playing.hold == hold:
                self.playing = Playing(hold, self.clock())

    def reminder_words(self, locale: str) -> str:
        """What a practice reminder says in ``locale``'s language, as plain text: the phrase ``reminder_text``
        (it names nothing private)."""
        return " ".join(speech_chunks(self.runner.engine.catalog.speaking(locale).phrases["reminder_text"]))

    # ---- turns --------------------------------------------------------------------------------------

    def turn(self, session_id: str, locale: str, event: Event) -> Said:
        """A person's turn on OVOS session ``session_id`` (``locale``: e.g. "en-US"): ``event`` through the turn
        runner, with the open conversation's session and the playing hold's position. Never raises: a fault is
        a calm sentence asking to say it again."""
        with self.lock:
            return self._run("utterance", event, session_id, locale, self.position(), None)

    def hold_finished(self, exercise: str, step: str, run: str, locale: str = "en-US") -> Said | None:
        """The scheduled end of the hold (exercise, step, run) came: HOLD_FINISHED, nothing spoken. None when
        that hold is no longer playing (stopped, paused or replaced since)."""
        with self.lock:
            playing = self.playing
            if playing is None or (exercise, step, run) != (playing.hold.exercise, playing.hold.step,
                                                            playing.hold.run):
                return None
            self.playing = None
            hold = playing.hold  # the report names the hold, at its end (as a player's report would)
            at_end = HoldPosition(hold.exercise, hold.step, hold.run, hold.seconds * 1000)
            return self._run("hold_finished", Event(Ev.HOLD_FINISHED), None, locale, at_end,
                             (hold.exercise, hold.step, hold.run))

    def shutdown(self, locale: str = "en-US") -> Said | None:
        """OVOS stops the skill (shutdown, or a stop no session claimed): a playing hold is kept as paused at its
        position (HOLD_STOPPED, nothing spoken) and stopped. None when nothing plays."""
        with self.lock:
            if self.playing is None:
                return None
            hold = self.playing.hold
            said = self._run("shutdown", Event(Ev.HOLD_STOPPED), None, locale, self.position(),
                             (hold.exercise, hold.step, hold.run))
            self.playing = None
            return Said(stop=True, stay_minutes=said.stay_minutes)

    def _run(self, kind: str, event: Event, session_id: str | None, locale: str, playing: HoldPosition | None,
             hold: tuple[str, str, str] | None) -> Said:
        """One turn through the shell (``kind``: how it came, for the log); ``session_id`` None for a report from
        the audio side (no session, nothing spoken)."""
        spoken = session_id is not None
        conversation = self.conversations.get(session_id) if spoken else None
        new = conversation is None
        conversation = conversation or Conversation()
        turned = self.shell.turn(Heard(
            platform="ovos", type=kind, event=event, user_id=DEVICE_USER,
            session_id=conversation.id if spoken else None, session=conversation.carry if spoken else None,
            new_session=new and spoken, hold=hold, spoken=spoken,
            device=Device(locale=locale, audio_player=True, local_time=self.local_time, playing=playing,
                          wake_word=self.wake_word, time_zone=self.time_zone, reminders=self.reminders)))
        result, reply = turned.result, turned.reply
        if result is None:  # the shell's calm failure: nothing else changes on the device
            return Said(chunks=(" ".join(speech_chunks(reply.speech)),), listen=True) if spoken else Said()
        if reply.forget and self.reminders is not None:
            self.reminders.delete_all()  # "delete my data": the reminders' schedules are kept here too
        if spoken and not reply.end_session:
            conversation.carry = result.session
            self.conversations[session_id] = conversation
        elif spoken:
            self.conversations.pop(session_id, None)  # the session ends, as an Alexa session would
        # An exercise under way stays reachable by its words ("next", a colour) for a while; after a stop or a
        # cancel it waits for the person to open the skill again.
        engaged = result.exercise is not None and event.kind not in (Ev.STOP, Ev.CANCEL)
        self.engaged_until = self.clock() + ENGAGED_AFTER_S if engaged else 0.0
        stop = False
        if (reply.stop_audio or reply.play) and self.playing is not None:
            stop, self.playing = True, None
        if reply.play:
            self.playing = Playing(reply.play, self.clock())  # restarted by hold_starts once the words are said
        chunks = tuple(speech_chunks(reply.speech)) if spoken else ()
        stay = None
        if not reply.end_session or reply.play or self.engaged_until:
            stay = STAY_MINUTES + (reply.play.seconds // 60 if reply.play else 0)
        return Said(chunks=chunks, listen=spoken and not reply.end_session, stop=stop, play=reply.play,
                    stay_minutes=stay)


CLIENT_VERSION_FILE = "client-version.toml"  # a client's own version, dropped in the skill's data folder


def device_turns(data: Path, wake_word: str, local_time: Callable[[], datetime | None],
                 clock: Callable[[], float] = time.monotonic, engine: Engine | None = None,
                 alarms: Alarms | None = None) -> Turns:
    """The `Turns` of a device whose skill data folder is ``data`` (made if missing): its SQLite store
    (``state.sqlite3``) and hash key (``hash-secret``, made on first use) there, the engine over this platform's
    catalog (``engine``: one already made from `load_ovos_catalog`, to share), and practice reminders kept in the
    same store when ``alarms`` (the device's scheduler) is given. A client's own version in ``client-version.toml``
    there (skill/core/client.py) is what the device runs on: an OVOS device is one household's, so it needs no
    account. Raises OSError when the folder cannot be written, ContentError (naming the field) for a bad version
    file."""
    data.mkdir(parents=True, exist_ok=True)
    secret = _device_secret(data / "hash-secret")
    engine = engine or Engine(load_ovos_catalog())
    if (data / CLIENT_VERSION_FILE).is_file():
        version = client.load(data / CLIENT_VERSION_FILE, engine.catalog)
        engine = Engine(client.tailor(engine.catalog, version))
    store = SqliteStore(data / "state.sqlite3")
    runner = TurnRunner(engine, store, secret)
    reminders = DeviceReminders(store, reminders_key(secret, DEVICE_USER), alarms) if alarms is not None else None
    return Turns(runner, secret, wake_word, local_time, clock, reminders)


def _device_secret(path: Path) -> bytes:
    """The key of the keyed hash that names this device's record: random, made once, readable by its owner only."""
    try:
        return bytes.fromhex(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        pass
    key = secrets.token_bytes(32)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(key.hex(), encoding="utf-8")
    return key
