"""One layer, one behaviour: the text console, the studio's try-it and Alexa's capture route answer the same words
with the same words. The console and the try-it hand a typed line to the web app as the capture intent; Alexa
does the same for words that match no sample; the skill's understanding layer reads them all."""
from __future__ import annotations

import io
import json

import pytest

from skill.alexa.ssml import to_plain
from skill.studio.tryit import TryIt
from skill.studio import sources
from skill.core.content import SCRIPTS_DIR

# A walk into grounding, then a line that must be read the same everywhere.
WALK = ["open safe harbor", "help me ground", "next"]
LINES = ["im not ok", "my partner is hurting me", "I'm green but he's yellow", "a bit better, maybe a five",
         "yes I feel ready", "what's the weather like", "I want to end it all", "can we go a bit slower"]


def console_replies(lines: list[str]) -> list[str]:
    """What the console prints for each line (its own web app, in-process, a fresh store)."""
    from skill.alexa.envelopes import Conversation
    from skill.console.chat import Console
    from skill.console.nlu import Router
    import tempfile, pathlib

    with tempfile.TemporaryDirectory() as tmp:
        app, skill_id, _settings, _store = sources.try_app(SCRIPTS_DIR, f"sqlite:///{pathlib.Path(tmp) / 's.db'}")
        client = app.test_client()

        def post(envelope):
            return client.post("/alexa", data=json.dumps(envelope), content_type="application/json").get_json()

        out = io.StringIO()
        console = Console(post, Router("en-US"), Conversation(skill_id, "en-US", True), out)
        replies = []
        for line in lines:
            out.seek(0), out.truncate()
            console.say(line)
            replies.append(" ".join(l for l in out.getvalue().splitlines() if l.startswith("alexa>")))
        return replies


def tryit_replies(lines: list[str]) -> list[str]:
    tryit = TryIt(SCRIPTS_DIR)
    try:
        return [" ".join(l for l in tryit.say(line, 1)["lines"] if l.startswith("alexa>")) for line in lines]
    finally:
        tryit.close()


def alexa_replies(server, lines: list[str]) -> list[str]:
    """The same lines as Alexa request JSON: the launch, then every utterance as the capture intent's words."""
    alexa = server.speaker(user_id="amzn1.ask.account.ONE-LAYER")
    replies = []
    for line in lines:
        if line == "open safe harbor":
            turn = alexa.launch()
        else:
            turn = alexa.intent("CaptureIntent", {"text": (line, None)})
        replies.append("alexa> " + to_plain(turn.ssml) if turn.ssml else "")
    return replies


@pytest.mark.parametrize("line", LINES)
def test_console_try_it_and_alexa_answer_alike(server, line):
    walk = [*WALK, line]
    console, tryit, alexa = console_replies(walk), tryit_replies(walk), alexa_replies(server, walk)
    assert console[-1] and console == tryit == alexa
