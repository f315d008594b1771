"""Store operations per turn, counted by the store itself (``stats``), through POST /alexa.

docs/architecture.md, "State": within a session the record is read once; a turn that changes nothing
writes nothing; a turn that changes the state writes once. The benchmark (``python -m bench``)
measures the same numbers under load from the JSON turn log; the last test checks that the log
agrees with the store.
"""
from __future__ import annotations

import json
import logging
import sqlite3

import pytest


def _no_network(*_a, **_kw):
    raise OSError("no network in tests")


@pytest.fixture
def alexa(server):
    # The "orient" step names today's date, which asks the Alexa Settings API for the time zone:
    # answer "unknown" at once instead of going to the network.
    server.services.timezone.opener = _no_network
    return server.speaker()


def ops(server, say):
    """Run one turn; return (turn, reads, writes) that the store counted for it."""
    stats = server.services.store.stats
    before = stats.snapshot()
    turn = say()
    after = stats.snapshot()
    assert turn.status == 200, turn.raw
    assert after["conflicts"] == before["conflicts"] and after["failures"] == before["failures"]
    return turn, after["reads"] - before["reads"], after["writes"] - before["writes"]


def test_first_launch_reads_once_and_saves_the_welcome(server, alexa):
    turn, reads, writes = ops(server, alexa.launch)
    assert not turn.ends_session
    assert (reads, writes) == (1, 1)  # a first visit records that the welcome was given: a change


def test_a_returning_launch_with_nothing_new_reads_once_and_writes_nothing(server, alexa):
    ops(server, alexa.launch)
    ops(server, lambda: alexa.say("stop"))
    turn, reads, writes = ops(server, alexa.launch)
    assert (reads, writes) == (1, 0)


def test_changing_turns_write_once_and_read_nothing(server, alexa):
    ops(server, alexa.launch)
    for what in ("start:grounding", "next", "green", "next", "yellow"):
        _, reads, writes = ops(server, lambda: alexa.say(what))
        assert (reads, writes) == (0, 1), what


@pytest.mark.parametrize("what", ["help", "repeat", "fallback"])
def test_turns_that_change_nothing_write_nothing(server, alexa, what):
    ops(server, alexa.launch)
    ops(server, lambda: alexa.say("start:grounding"))
    ops(server, lambda: alexa.say("next"))
    turn, reads, writes = ops(server, lambda: alexa.say(what))
    assert not turn.ends_session
    assert (reads, writes) == (0, 0), what
    # and the session goes on from the same state: the next step is one write again
    _, reads, writes = ops(server, lambda: alexa.say("next"))
    assert (reads, writes) == (0, 1)


def test_a_whole_session_reads_once(server, alexa):
    stats = server.services.store.stats
    start = stats.snapshot()
    script = [alexa.launch] + [lambda w=w: alexa.say(w) for w in
                               ("start:grounding", "next", "repeat", "green", "help", "next", "yellow")]
    for say in script:
        ops(server, say)
    assert stats.reads - start["reads"] == 1
    assert stats.writes - start["writes"] == 6  # launch (welcome), start, next, green, next, yellow


def stored(server) -> dict:
    """What the SQLite file holds, read beside the store (so its counters are not touched)."""
    with sqlite3.connect(server.db) as conn:
        return {key: json.loads(data) for key, data in conn.execute("SELECT key, data FROM records")}


def checked(server, say):
    """A turn whose writes must match whether it changed the stored state: 1 if it did, else 0."""
    before = stored(server)
    turn, reads, writes = ops(server, say)
    changed = stored(server) != before
    assert writes == (1 if changed else 0), (writes, changed)
    return turn, reads, writes, changed


def test_a_new_session_reads_once_more(server, alexa):
    ops(server, alexa.launch)
    ops(server, lambda: alexa.say("start:grounding"))
    ops(server, lambda: alexa.say("next"))
    turn, reads, _, _ = checked(server, lambda: alexa.say("pause"))
    assert turn.ends_session and reads == 0

    turn, reads, _, _ = checked(server, alexa.launch)  # a returning person, new session
    assert not turn.ends_session and reads == 1  # (it asks to resume: the pending question is stored)
    for what in ("resume", "next", "repeat", "green", "help"):
        _, reads, _, _ = checked(server, lambda: alexa.say(what))
        assert reads == 0, what


def test_an_intent_that_opens_a_session_reads_once(server, alexa):
    ops(server, alexa.launch)
    ops(server, lambda: alexa.say("start:grounding"))
    ops(server, lambda: alexa.say("pause"))
    # "Alexa, ask Safe Harbor to resume": a new session that starts with an intent, not a launch
    turn, reads, _, _ = checked(server, lambda: alexa.say("resume", new_session=True))
    assert reads == 1 and not turn.ends_session
    for what in ("repeat", "next", "help", "yellow"):
        _, reads, _, _ = checked(server, lambda: alexa.say(what))
        assert reads == 0, what


def test_the_turn_log_agrees_with_the_store(server, alexa, caplog):
    caplog.set_level(logging.INFO, logger="skill.turn")
    stats = server.services.store.stats
    start = stats.snapshot()
    ops(server, alexa.launch)
    for what in ("start:grounding", "next", "repeat", "green", "pause"):
        ops(server, lambda: alexa.say(what))
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "skill.turn"]
    lines = [line for line in lines if line.get("event") == "turn"]
    assert len(lines) == 6
    assert sum(line["store"]["reads"] for line in lines) == stats.reads - start["reads"] == 1
    assert sum(line["store"]["writes"] for line in lines) == stats.writes - start["writes"]
    # launch (welcome), start, next, green change the state; repeat and a pause in place do not
    assert [line["store"]["writes"] for line in lines] == [1, 1, 1, 0, 1, 0]
