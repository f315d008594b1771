"""The local text console: type what you would say; read what the speaker would say.

Typed text is matched against the interaction model's sample utterances, turned into the request
Alexa would send, and posted to the same web app (in --dev mode) that a speaker reaches.
"""
from __future__ import annotations

import json
from typing import Callable, TextIO

from .envelopes import Conversation
from .nlu import Match, Matcher
from .speech import to_plain

PROMPT = "you> "
INTRO = ('Safe Harbor console. Type what you would say to the speaker, e.g. "open safe harbor", '
         '"ask safe harbor to help me ground", "next", "red", "pause". Type "quit" to leave.')


class Console:
    def __init__(self, post: Callable[[dict], dict], matcher: Matcher, conversation: Conversation,
                 out: TextIO):
        self.post = post  # sends one envelope to the skill, returns the response envelope
        self.matcher = matcher
        self.conversation = conversation
        self.out = out

    def say(self, text: str) -> bool:
        """Handle one typed line; False when the console should close."""
        match = self.matcher.match(text)
        if match.kind == "session_end":
            if self.conversation.session is not None:
                self.post(self.conversation.session_ended())
            return False
        if match.one_shot:
            self.conversation.session = None  # "ask Safe Harbor to ..." opens a new session
        self._send(self._envelope(match))
        return True

    def _envelope(self, match: Match) -> dict:
        if match.kind == "launch":
            self.conversation.session = None
            return self.conversation.launch()
        slots = {name: (s.raw, s.value_id, s.value_name) for name, s in match.slots.items()}
        return self.conversation.intent(match.intent or "AMAZON.FallbackIntent", slots)

    def _send(self, envelope: dict) -> dict:
        response = self.post(envelope)
        self.conversation.received(response)
        body = response.get("response", {})
        speech = body.get("outputSpeech", {}).get("ssml")
        if speech:
            self.out.write(f"alexa> {to_plain(speech)}\n")
        if body.get("shouldEndSession", True) is not False:
            self.out.write("       (the session ends; the speaker stops listening)\n")
        self.out.flush()
        return response


def run(app, skill_id: str, locale: str, lines, out: TextIO, audio_player: bool = True) -> None:
    from .model import load_model

    client = app.test_client()

    def post(envelope: dict) -> dict:
        reply = client.post("/alexa", data=json.dumps(envelope), content_type="application/json")
        if reply.status_code != 200:
            return {"response": {"outputSpeech": {"ssml": f"(HTTP {reply.status_code}: {reply.get_data(True)})"}}}
        return reply.get_json()

    console = Console(post, Matcher(load_model(locale)), Conversation(skill_id, locale, audio_player), out)
    out.write(INTRO + "\n")
    for line in lines:
        if line.strip() and not console.say(line.strip()):
            break
