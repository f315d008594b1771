"""The local text console: type what you would say; read what the speaker would say.

Typed text is routed as a speaker would (skill/console/nlu.py): inside a session, the words go to the skill
through the capture intent, as Alexa hands over words that match no sample; the request Alexa would send is posted to the same web app (in --dev mode) that a speaker reaches. A hold is
played by a stand-in for the device's audio player: it sends the same AudioPlayer requests a device
would, and shows a countdown that can be paused, resumed and skipped.
"""
from __future__ import annotations

import json
import select
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterable, TextIO

from ..alexa.audioplayer import parse_token
from ..alexa.envelopes import Conversation
from ..alexa.ssml import to_plain
from ..audio import CHIME_FILE, FILES_DIR
from ..audio.mp3info import describe
from ..core.holds import SEGMENT_SECONDS, elapsed_ms, is_final_segment
from .nlu import Match, Router

INTRO = ('Safe Harbor console. Type what you would say to the speaker, e.g. "open safe harbor", '
         '"ask safe harbor to help me ground", "next", "red", "pause". During a hold, "skip" plays it through '
         'to the chime. An empty line is silence: the speaker repeats its question once, then the session ends. '
         '"/voice NAME" speaks as a recognised voice, "/voice off" as an unrecognised one. '
         'Type "quit" to leave.')
CONSOLE_PERSON = "amzn1.ask.person.LOCAL-CONSOLE-"
CONSOLE_API_TOKEN = "local-console-token"
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
    def __init__(self, post: Post, router: Router, conversation: Conversation, out: TextIO):
        self.router = router
        self.conversation = conversation
        self.out = out
        self.post = post
        self.player = ConsolePlayer(post, conversation, out)
        self.reprompt: str | None = None  # what the speaker repeats after a silence, once
        self.heard_anything = False

    def say(self, text: str) -> bool:
        """Handle one typed line; False when the console should close."""
        self.player.tick()
        if text.lower() == "skip" and self.player.playing:
            self.player.tick(skip=True)
            return True
        if text.lower().startswith("/voice"):
            self.set_voice(text[len("/voice"):].strip())
            return True
        match = self.router.match(text, session_open=self.conversation.session_id is not None
                                  or self.player.playing)
        if match.kind == "session_end":
            if self.conversation.session_id is not None:
                self.post(self.conversation.session_ended())
            return False
        first = not self.heard_anything
        self.heard_anything = True
        if not self._reaches_skill(match, first):
            name = text.strip()
            self.out.write(f'       (no session is open, so a speaker would not pass "{name}" to Safe Harbor; '
                           f'say "ask safe harbor to {name}", or "open safe harbor")\n')
            self.out.flush()
            return True
        if match.one_shot or self.player.playing:
            self.conversation.session_id = None  # a request while audio plays, or "ask Safe Harbor to ...", is new
        self._send(self._envelope(match))
        return True

    def _reaches_skill(self, match: Match, first: bool) -> bool:
        """Whether a real speaker would hand this utterance to the skill.

        Inside a session, yes; "open ..." and "ask Safe Harbor to ..." always; while our audio plays, yes;
        after it played (paused, stopped, finished), only the player's own commands. The console's first
        line counts as said with the invocation name, for convenience.
        """
        if self.conversation.session_id is not None or match.kind == "launch" or match.one_shot or first:
            return True
        if self.player.playing:
            return True
        ours = self.conversation.player is not None and parse_token(self.conversation.player.get("token"))
        return bool(ours) and match.player_command

    def silence(self) -> None:
        """What Alexa does when nobody answers: the reprompt once, then SessionEndedRequest."""
        self.player.tick()
        if self.player.playing:
            return  # the hold plays on; nothing is listening
        if self.conversation.session_id is None:
            self.out.write("       (silence)\n")
        elif self.reprompt:
            self.out.write(f"alexa> {self.reprompt}\n")
            self.reprompt = None
        else:
            self.post(self.conversation.session_ended("EXCEEDED_MAX_REPROMPTS"))  # the session is over after it
            self.out.write("       (no answer: the session ends; the speaker stops listening)\n")
        self.out.flush()

    def set_voice(self, name: str) -> None:
        """Speak as a recognised voice profile (context.System.person) or, with "off", as nobody known."""
        if name and name.lower() not in ("off", "none"):
            self.conversation.person_id = CONSOLE_PERSON + "".join(ch for ch in name.upper() if ch.isalnum())[:32]
            self.out.write(f"       (speaking as the recognised voice {name!r})\n")
        else:
            self.conversation.person_id = None
            self.out.write("       (speaking as a voice the speaker does not recognise)\n")
        self.out.flush()

    def _envelope(self, match: Match) -> dict:
        if match.kind == "launch":
            return self.conversation.launch()
        # The capture slot's words match none of its values: entity resolution says ER_SUCCESS_NO_MATCH.
        return self.conversation.intent(match.intent or "AMAZON.FallbackIntent",
                                        {name: (words, None) for name, words in match.slots.items()})

    def _send(self, envelope: dict) -> None:
        response = self.post(envelope)
        self.conversation.received(response)
        body = response.get("response", {})
        speech = body.get("outputSpeech", {}).get("ssml")
        reprompt = (body.get("reprompt") or {}).get("outputSpeech", {}).get("ssml")
        self.reprompt = to_plain(reprompt) if reprompt else None
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


class SettingsAPI:
    """A stand-in for the Alexa Settings API on loopback: answers the device's time zone, as Alexa's would."""

    def __init__(self, zone: str):
        body = json.dumps(zone).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                ok = self.path.endswith("/settings/System.timeZone")
                self.send_response(200 if ok else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body) if ok else 0))
                self.end_headers()
                if ok:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run(app, skill_id: str, locale: str, lines: TextIO, out: TextIO, audio_player: bool = True,
        time_zone: str | None = None, voice: str | None = None) -> None:
    """Play the console on ``lines`` until "quit" or the end of input.

    ``time_zone`` (an IANA name) is what the device reports through a local stand-in Settings API, so the
    skill can name the day; without it the skill uses its no-clock wording. ``voice`` starts the console
    as that recognised voice.
    """
    client = app.test_client()
    settings_api = SettingsAPI(time_zone) if time_zone else None

    def post(envelope: dict) -> dict:
        reply = client.post("/alexa", data=json.dumps(envelope), content_type="application/json")
        if reply.status_code != 200:
            return {"response": {"outputSpeech": {"ssml": f"(HTTP {reply.status_code}: {reply.get_data(True)})"}}}
        return reply.get_json()

    # Without a time zone there is no access token, so the skill asks no Settings API (no-clock wording).
    conversation = Conversation(skill_id, locale, audio_player,
                                **({"api_endpoint": settings_api.endpoint, "api_access_token": CONSOLE_API_TOKEN}
                                   if settings_api else {}))
    console = Console(post, Router(locale), conversation, out)
    interactive = lines.isatty() and hasattr(select, "select") and sys.platform != "win32"
    out.write(INTRO + "\n")
    if voice:
        console.set_voice(voice)
    try:
        while True:
            line = console.wait_for_line(lines, interactive)
            if line is None:
                break
            if not line.strip():
                console.silence()
            elif not console.say(line.strip()):
                break
    finally:
        if settings_api:
            settings_api.close()
