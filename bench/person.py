"""One simulated person for the benchmarks: the product's request builder, signed by the local CA.

A person speaks the benchmark's script over any client with Flask's test-client ``post`` shape (the Flask test
client in-process, or ``load.HttpClient`` over a keep-alive connection), and keeps the session as Alexa does.
"""
from __future__ import annotations

import json

from skill.alexa.envelopes import Conversation
from skill.alexa.localca import SKILL_ID, alexa_ca

# One session of one person: open the skill, start grounding (entity resolution), go on, ask to hear it
# again (a turn that changes nothing), check in, pause. The check-in alternates green / yellow.
SCRIPT = ("launch", "start:grounding", "next", "repeat", "checkin", "pause")
INTENTS = {"next": "AMAZON.NextIntent", "repeat": "AMAZON.RepeatIntent", "pause": "AMAZON.PauseIntent"}


class Person:
    """``number`` names the person's account and device; ``client.kind`` is set to what is being said."""

    def __init__(self, number: int, client, api_endpoint: str, prefix: str = "BENCH"):
        self.client = client
        self.conversation = Conversation(SKILL_ID, user_id=f"amzn1.ask.account.{prefix}{number:05d}",
                                         device_id=f"amzn1.ask.device.{prefix}{number:05d}",
                                         api_endpoint=api_endpoint, api_access_token="bench-token")
        self.step = 0
        self.sessions = 0

    def envelope(self, what: str) -> dict:
        c = self.conversation
        if what == "launch":
            self.sessions += 1
            return c.launch()
        if what == "start:grounding":
            return c.intent("StartExerciseIntent", {"exercise": ("grounding", "grounding")})
        if what == "checkin":
            colour = "green" if self.sessions % 2 else "yellow"
            return c.intent("CheckInIntent", {"color": (colour, colour)})
        return c.intent(INTENTS[what])

    def turn(self) -> int:
        """Say the next line of the script; returns the HTTP status."""
        what = SCRIPT[self.step % len(SCRIPT)]
        self.step += 1
        self.client.kind = what.split(":")[0]
        body = json.dumps(self.envelope(what)).encode()
        reply = self.client.post("/alexa", data=body, headers=alexa_ca().signed_headers(body),
                                 content_type="application/json")
        raw = reply.get_data()
        if reply.status_code == 200 and raw:
            self.conversation.received(json.loads(raw))
        return reply.status_code
