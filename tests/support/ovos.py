"""A person talking to the skill on OpenVoiceOS, in-process: ovoscope's MiniCroft (OVOS core, the intent
pipeline, the converse and stop services and the event scheduler on a fake message bus) with this skill loaded
through its `opm.skill` entry point. No network, no audio hardware: what the skill says is read off the bus as
`speak` messages, and what it asks the audio service to play as `ovos.common_play.*` messages."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ovos_bus_client.message import Message

SKILL_ID = "safe-harbor.openvoiceos"
QUIET_S = 0.08  # a turn is over when its utterance was handled and the bus then stayed quiet this long
TURN_TIMEOUT_S = 20  # generous: a loaded CI machine may be slow; a turn normally takes well under a second


@dataclass
class Turn:
    messages: list[Message] = field(default_factory=list)

    def of(self, msg_type: str) -> list[Message]:
        return [m for m in self.messages if m.msg_type == msg_type]

    @property
    def spoken(self) -> list[str]:
        return [m.data["utterance"] for m in self.of("speak")]

    @property
    def speech(self) -> str:
        return " ".join(self.spoken)

    @property
    def listens(self) -> bool:
        """The last thing said opens the microphone (a question is waiting for an answer)."""
        speaks = self.of("speak")
        return bool(speaks and speaks[-1].data.get("expect_response"))

    @property
    def plays(self) -> list[Message]:
        return self.of("ovos.common_play.play")

    @property
    def stops_audio(self) -> bool:
        return bool(self.of("ovos.common_play.stop"))

    @property
    def scheduled(self) -> list[Message]:
        return [m for m in self.of("mycroft.scheduler.schedule_event") if m.data.get("event", "").startswith(SKILL_ID)]


class Device:
    """One OVOS device running the skill. Data lives under `data_home` (XDG_DATA_HOME), as on a device. ``lang``:
    the device's configured language (OVOS's ``lang``: the skill registers its intent files of that language;
    default OVOS's own, en-US); ``zone``: its configured time zone (``location.timezone.code``; default OVOS's)."""

    def __init__(self, data_home: Path, lang: str | None = None, zone: str | None = None):
        from ovos_bus_client.session import SessionManager
        from ovos_config import Configuration
        from ovos_utils.log import LOG
        from ovoscope import get_minicroft

        LOG.set_level("ERROR")  # OVOS logs every bus message at INFO/DEBUG; pytest would capture it all

        self.data_home = data_home
        self._saved_env = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
        os.environ["XDG_DATA_HOME"] = str(data_home / "data")
        os.environ["XDG_CONFIG_HOME"] = str(data_home / "config")
        os.environ["XDG_CACHE_HOME"] = str(data_home / "cache")
        self.lang = lang or "en-US"
        self.croft = get_minicroft([SKILL_ID], enable_event_scheduler=True, lang=lang)
        # The configured location, and the default session's copy of it (the one a skill reads for its messages).
        self._zones = [(z, z.get("code")) for z in (Configuration()["location"]["timezone"],
                                                      SessionManager.default_session.location_preferences["timezone"])]
        for timezone, _saved in self._zones if zone else ():
            timezone["code"] = zone
        self.skill = self.croft.plugin_skills[SKILL_ID].instance
        self._lock = threading.Lock()
        self._seen: list[Message] = []
        self.croft.bus.on("message", self._record)

    def _record(self, raw: str) -> None:
        with self._lock:
            self._seen.append(Message.deserialize(raw))

    def _collect(self, emit, done: str | tuple[str, ...]) -> Turn:
        done = (done,) if isinstance(done, str) else done
        with self._lock:
            self._seen.clear()
        emit()
        deadline = time.monotonic() + TURN_TIMEOUT_S
        last_count, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            with self._lock:
                count = len(self._seen)
                finished = any(m.msg_type in done for m in self._seen)
            if count != last_count:
                last_count, quiet_since = count, time.monotonic()
            elif finished and time.monotonic() - quiet_since >= QUIET_S:
                break
            time.sleep(0.02)
        else:
            raise AssertionError(f"no {done} within {TURN_TIMEOUT_S} s")
        with self._lock:
            return Turn(list(self._seen))

    def say(self, utterance: str, lang: str | None = None) -> Turn:
        """What a person says, as the speech recogniser hands it to OVOS core (``lang``: default the device's)."""
        message = Message("recognizer_loop:utterance", {"utterances": [utterance], "lang": lang or self.lang})
        # The stop pipeline's turn ends with the skill's stop response, not with "handled".
        return self._collect(lambda: self.croft.bus.emit(message),
                             ("ovos.utterance.handled", f"{SKILL_ID}.stop.response"))

    def emit(self, message: Message, done: str | None = None) -> Turn:
        """A bus message from another part of OVOS (the scheduler, the audio service)."""
        return self._collect(lambda: self.croft.bus.emit(message), done or message.msg_type)

    def scheduled_fire(self, schedule: Message) -> Turn:
        """What the event scheduler sends when a scheduled event's time comes (without waiting for it)."""
        return self.emit(Message(schedule.data["event"], schedule.data.get("data") or {},
                                 schedule.context))

    def shutdown(self) -> None:
        """The service stops: OVOS unloads the skill (which calls its stop())."""
        self.croft.stop()
        for timezone, saved in self._zones:
            timezone["code"] = saved
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
