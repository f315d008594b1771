"""A new platform needs only its own translation (issue 21, "One turn shell").

`TextPlatform` below is a whole adapter: typed lines to engine events through the skill's understanding layer,
replies rendered as plain text, and nothing else. Identity, context, the session carry, the log line and the
calm failure are the shell's (skill.core.shell). It runs an exercise from its start to a stop on a real SQLite
store, and a turn whose store breaks in a way nothing foresaw.
"""
from __future__ import annotations

import json
import logging
import re
import uuid

import pytest

from skill.core import Engine, TurnRunner, load_catalog
from skill.core.identity import person_key
from skill.core.shell import LOG_FIELDS, Device, Heard, Shell
from skill.core.turn import SORRY
from skill.store.sqlite import SqliteStore
from skill.understanding import understand

SECRET = b"turn-shell-test-secret-0123456789"
USER = "text-platform-user-42"
KEY = person_key(SECRET, USER)


class TextPlatform:
    """One person typing: a line in, the reply as plain text out; the session lasts until a reply ends it."""

    def __init__(self, shell: Shell):
        self.shell, self.session_id, self.carry = shell, None, None

    def say(self, line: str) -> str:
        new = self.session_id is None
        self.session_id = self.session_id or uuid.uuid4().hex
        turned = self.shell.turn(Heard(
            platform="text", type="line", event=lambda: understand(line).event, user_id=USER,
            session_id=self.session_id, session=self.carry, new_session=new, device=Device(locale="en-US")))
        self.carry = turned.session
        if turned.reply.end_session:
            self.session_id = self.carry = None
        return re.sub(r"\s*\[pause [^\]]*\]\s*", " ", turned.reply.speech).strip()


@pytest.fixture
def store(tmp_path):
    return SqliteStore(tmp_path / "state.sqlite3")


def shell_over(store) -> Shell:
    return Shell(TurnRunner(Engine(load_catalog()), store, SECRET))


def turn_lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "skill.turn"]


def test_an_exercise_runs_from_start_to_stop_through_a_text_adapter(store, caplog):
    caplog.set_level(logging.INFO, logger="skill.turn")
    person = TextPlatform(shell_over(store))
    started = person.say("start grounding")
    assert started and person.session_id is not None  # the exercise asks something: the session stays open
    record = store.load(KEY)  # stored under the keyed hash of the raw id, made by the shell
    assert record.data["progress"]["exercise"] == "grounding"
    assert USER not in json.dumps(record.data)
    person.say("next")
    stopped = person.say("stop")
    assert stopped and stopped != started
    assert store.load(KEY).data.get("progress") is None  # stopped: nothing under way
    lines = turn_lines(caplog)
    assert [line["kind"] for line in lines] == ["start", "next", "stop"]
    for line in lines:
        assert set(line) <= LOG_FIELDS and line["platform"] == "text" and "error" not in line
    text = json.dumps(lines)
    assert "grounding" not in text and USER not in text and KEY not in text


def test_a_turn_that_fails_unforeseen_is_the_calm_sorry(store, caplog):
    caplog.set_level(logging.INFO, logger="skill.turn")

    def broken(*_a, **_kw):
        raise RuntimeError("the store said something about amzn1.ask.account.X")
    store.load = broken
    person = TextPlatform(shell_over(store))
    answer = person.say("start grounding")
    assert answer == re.sub(r"\s*\[pause [^\]]*\]\s*", " ", SORRY).strip()
    assert person.session_id is not None  # it asks to hear it again
    [line] = turn_lines(caplog)
    assert line["error"] == "RuntimeError" and "amzn1" not in json.dumps(line)
    assert all(r.exc_info is None for r in caplog.records)  # no stack trace, in the log or to the caller
