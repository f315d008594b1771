"""The local text console: type what you would say; read what the speaker would say.

Typed text is matched against the interaction model's sample utterances, turned into the request
Alexa would send, and posted to the same web app (in --dev mode) that a speaker reaches. A hold is
played by a stand-in for the device's audio player: it sends the same AudioPlayer requests a device
would, and shows a countdown that can be paused, resumed and skipped.
"""
from __future__ import annotations

import json
import select
import sys
import time
from typing import Callable, Iterable, TextIO

from ..alexa.audioplayer import parse_token
from ..alexa.envelopes import Conversation
from ..alexa.ssml import to_plain
from ..audio import CHIME_FILE, FILES_DIR
from ..audio.mp3info import describe
from ..core.holds import SEGMENT_SECONDS, elapsed_ms, is_final_segment
from .nlu import Match, Matcher

INTRO = ('Safe Harbor console. Type what you would say to the speaker, e.g. "open safe harbor", '
         '"ask safe harbor to help me ground", "next", "red", "pause". During a hold, "skip" plays it through '
         'to the chime. Type "quit" to leave.')
NEARLY_FINISHED_MS = 5_000  # how long before a segment's end the device asks for the next one

Post = Callable[[dict], dict]


class ConsolePlayer:
    """Plays hold audio the way an Echo does, in wall-clock time, reporting to the skill."""

    def __init__(self, post: Post, conversation: Conversation, out: TextIO,
                 clock: Callable[[], float] = time.monotonic):
        self.post, self.conversation, self.out, self.clock = post, conversation, out, clock
        self.chime_ms = round(describe(FILES_DIR / CHIME_FILE).duration_s * 1000)
        self.stream: dict | None = None  # the playing stream: token, offsetInMilliseconds
        self.queued: dict | None = None
        self.started = 0.0
        self.asked_next = False

    @property
    def playing(self) -> bool:
        return self.stream is not None

    def _length_ms(self, token: str) -> int:
        parts = parse_token(token)
        if parts and is_final_segment(parts.total_seconds, parts.index):
            return self.chime_ms
        return SEGMENT_SECONDS * 1000

    def offset(self) -> int:
        assert self.stream is not None
        return self.stream["offsetInMilliseconds"] + int((self.clock() - self.started) * 1000)

    def _report(self, kind: str, activity: str = "PLAYING") -> dict:
        assert self.stream is not None
        offset = min(self.offset(), self._length_ms(self.stream["token"]))
        return self.post(self.conversation.audio_event(kind, self.stream["token"], offset, activity))

    def obey(self, response: dict) -> None:
        """Carry out the AudioPlayer directives of a response."""
        for directive in response.get("response", {}).get("directives", []):
            if directive["type"] == "AudioPlayer.Stop" and self.stream:
                self._report("AudioPlayer.PlaybackStopped", "STOPPED")
                self._set_player("STOPPED")
                self.stream = self.queued = None
            elif directive["type"] == "AudioPlayer.Play":
                stream = directive["audioItem"]["stream"]
                if directive["playBehavior"] == "ENQUEUE":
                    self.queued = stream
                else:
                    self._start(stream)

    def _start(self, stream: dict) -> None:
        self.stream, self.queued, self.started, self.asked_next = dict(stream), None, self.clock(), False
        self._set_player("PLAYING")
        self.obey(self._report("AudioPlayer.PlaybackStarted"))

    def _set_player(self, activity: str) -> None:
        if self.stream:
            self.conversation.player = {"token": self.stream["token"], "offsetInMilliseconds": self.offset(),
                                        "playerActivity": activity}

    def tick(self, skip: bool = False) -> None:
        """Send what a device would have sent by now (or, skipping, until the hold is over)."""
        while self.stream:
            length = self._length_ms(self.stream["token"])
            if skip:
                self.started = self.clock() - (length - self.stream["offsetInMilliseconds"]) / 1000
            if not self.asked_next and self.offset() >= length - NEARLY_FINISHED_MS:
                self.asked_next = True
                self.obey(self._report("AudioPlayer.PlaybackNearlyFinished"))
            if self.offset() < length:
                self._set_player("PLAYING")
                return
            self._report("AudioPlayer.PlaybackFinished", "FINISHED")
            if self.queued:
                self._start(self.queued)
            else:
                self._set_player("FINISHED")
                self.stream = None
                self.out.write("       (the chime sounds: the hold is over)\n")

    def left(self) -> str:
        assert self.stream is not None
        parts = parse_token(self.stream["token"])
        if parts is None:
            return "?"
        done = elapsed_ms(parts.total_seconds, parts.index, self.offset())
        seconds = max(0, parts.total_seconds - done // 1000)
        return f"{seconds // 60}:{seconds % 60:02d}"


class Console:
    def __init__(self, post: Post, matcher: Matcher, conversation: Conversation, out: TextIO):
        self.matcher = matcher
        self.conversation = conversation
        self.out = out
        self.post = post
        self.player = ConsolePlayer(post, conversation, out)

    def say(self, text: str) -> bool:
        """Handle one typed line; False when the console should close."""
        self.player.tick()
        if text.lower() == "skip" and self.player.playing:
            self.player.tick(skip=True)
            return True
        match = self.matcher.match(text)
        if match.kind == "session_end":
            if self.conversation.session_id is not None:
                self.post(self.conversation.session_ended())
            return False
        if match.one_shot or self.player.playing:
            self.conversation.session_id = None  # a request while audio plays, or "ask Safe Harbor to ...", is new
        self._send(self._envelope(match))
        return True

    def _envelope(self, match: Match) -> dict:
        if match.kind == "launch":
            return self.conversation.launch()
        slots = {name: (s.raw, s.value_id) for name, s in match.slots.items()}
        builtin = frozenset(name for name, s in match.slots.items() if s.builtin)
        return self.conversation.intent(match.intent or "AMAZON.FallbackIntent", slots, builtin=builtin)

    def _send(self, envelope: dict) -> None:
        response = self.post(envelope)
        self.conversation.received(response)
        body = response.get("response", {})
        speech = body.get("outputSpeech", {}).get("ssml")
        if speech:
            self.out.write(f"alexa> {to_plain(speech)}\n")
        self.player.obey(response)
        if self.player.playing:
            self.out.write(f"       (hold playing: {self.player.left()} of quiet left; "
                           "say pause, resume, next, red, or skip)\n")
        elif body.get("shouldEndSession", True) is not False:
            self.out.write("       (the session ends; the speaker stops listening)\n")
        self.out.flush()

    def wait_for_line(self, lines: Iterable[str], interactive: bool) -> str | None:
        """The next typed line; on a terminal, a live countdown runs while a hold plays."""
        if interactive and self.player.playing:
            while self.player.playing:
                self.out.write(f"\r       (hold: {self.player.left()} left) you> ")
                self.out.flush()
                ready, _, _ = select.select([sys.stdin], [], [], 1.0)
                if ready:
                    break
                self.player.tick()
            self.out.write("\n" if not self.player.playing else "")
        elif interactive:
            self.out.write("you> ")
            self.out.flush()
        return next(iter(lines), None)


def run(app, skill_id: str, locale: str, lines: TextIO, out: TextIO, audio_player: bool = True) -> None:
    from ..alexa.interaction_model import load_model

    client = app.test_client()

    def post(envelope: dict) -> dict:
        reply = client.post("/alexa", data=json.dumps(envelope), content_type="application/json")
        if reply.status_code != 200:
            return {"response": {"outputSpeech": {"ssml": f"(HTTP {reply.status_code}: {reply.get_data(True)})"}}}
        return reply.get_json()

    console = Console(post, Matcher(load_model(locale)), Conversation(skill_id, locale, audio_player), out)
    interactive = lines.isatty() and hasattr(select, "select") and sys.platform != "win32"
    out.write(INTRO + "\n")
    while True:
        line = console.wait_for_line(lines, interactive)
        if line is None or (line.strip() and not console.say(line.strip())):
            break
