"""The turn runner (skill.core.TurnRunner) driven directly, with no Alexa JSON, against every store: SQLite on
a file in tmp_path, DynamoDB on a moto_server over loopback, and the in-memory store.

Load once per session, save once and only on a change with the version read, a race with another writer
merged by the rules in skill.core.merge, forget on a confirmed delete, voice-profile ownership and listing,
forget_account, answering through a store fault with the unsaved state carried in the session, and a forged
session ignored.
"""
from __future__ import annotations

import re

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from skill.core import (Context, Engine, Ev, Event, HoldPosition, Identity, State, TurnRequest, TurnResult, TurnRunner,
                        identity_for, load_catalog)
from skill.core.engine.text import Words
from skill.core.questions import Question
from skill.core.state import dense
from skill.core.turn import LISTED, PEOPLE
from skill.store.base import Store
from skill.store.dynamodb import DynamoDBStore, create_table
from skill.store.memory import MemorySpace, MemoryStore
from skill.store.sqlite import SqliteStore
from tests.support.dynamo_server import MotoServer, local_aws_env, moto_server  # noqa: F401  (fixture)

SECRET = b"turn-runner-test-secret-0123456789"
CATALOG = load_catalog()
ENGINE = Engine(CATALOG)
GROUNDING = CATALOG.grounding
PHRASES = CATALOG.phrases
ACCOUNT = "amzn1.ask.account.TURNRUNNERTEST"
ALICE, BOB = "amzn1.ask.person.ALICE", "amzn1.ask.person.BOB"


# ---- the two stores ------------------------------------------------------------------------------------


@dataclass
class Backend:
    """``make()``: a new store on the same file or table (another process, or another device's instance)."""

    kind: str
    make: Callable[[], Store]


@pytest.fixture
def sqlite_backend(tmp_path):
    stores: list[SqliteStore] = []

    def make() -> SqliteStore:
        stores.append(SqliteStore(tmp_path / "data" / "state.sqlite3"))
        return stores[-1]

    yield Backend("sqlite", make)
    for store in stores:
        store.close()


@pytest.fixture
def dynamodb_backend(moto_server, monkeypatch):
    local_aws_env(monkeypatch, dynamodb=moto_server.endpoint)
    table = f"turns-{uuid.uuid4().hex}"
    create_table(table)
    return Backend("dynamodb", lambda: DynamoDBStore(table))


@pytest.fixture
def memory_backend():
    space = MemorySpace()
    return Backend("memory", lambda: MemoryStore(space))


@pytest.fixture(params=["sqlite", "dynamodb", "memory"])
def backend(request) -> Backend:
    # Looked up lazily, so a run of only the SQLite cases starts no server.
    return request.getfixturevalue(f"{request.param}_backend")


@pytest.fixture
def store(backend) -> Store:
    return backend.make()


@pytest.fixture
def runner(store) -> TurnRunner:
    return TurnRunner(ENGINE, store, SECRET)


# ---- a person talking to the runner ----------------------------------------------------------------------


class Session:
    """One platform session: carries ``TurnResult.session`` from turn to turn, as an adapter does."""

    def __init__(self, runner: TurnRunner, identity: Identity, session_id: str | None = None,
                 audio_player: bool = False):
        self.runner, self.identity, self.audio_player = runner, identity, audio_player
        self.id = session_id or f"session-{uuid.uuid4().hex}"
        self.carried: dict | None = None
        self.turns = 0

    def say(self, kind: Ev, value: str | None = None, identity: Identity | None = None) -> TurnResult:
        result = self.runner.run(TurnRequest(identity=identity or self.identity, event=Event(kind, value),
                                             context=Context(new_session=self.turns == 0,
                                                             audio_player=self.audio_player),
                                             session=self.carried,
                                             session_id=self.id))
        self.carried = result.session
        self.turns += 1
        return result


def person(profile: str | None = None) -> Identity:
    return identity_for(SECRET, ACCOUNT, profile)


def first_words(text: str, n: int = 5) -> str:
    """The opening words of a content text, up to its first pause."""
    return " ".join(re.split(r"\[pause|\[breath", text)[0].split()[:n])


ARRIVE = first_words(GROUNDING.first.say)
SECOND = first_words(GROUNDING.steps[1].say)


# ---- load once, save once -----------------------------------------------------------------------------


def test_a_session_reads_its_record_once_and_saves_each_change_once(runner, store):
    me = person()
    talk = Session(runner, me)
    first = talk.say(Ev.LAUNCH)  # the first-time welcome: "welcomed" is saved
    assert (first.reads, first.writes, first.store_failed) == (1, 1, False)
    started = talk.say(Ev.START, GROUNDING.id)
    moved = talk.say(Ev.NEXT)
    assert ARRIVE in started.reply.speech and SECOND in moved.reply.speech
    assert [(r.reads, r.writes) for r in (started, moved)] == [(0, 1), (0, 1)]
    assert store.stats.reads == 1 and store.stats.writes == 3
    record = store.load(me.speaker)
    assert record.version == 3 and talk.carried["v"] == 3
    assert record.data["progress"]["step"] == GROUNDING.steps[1].id and moved.step == GROUNDING.steps[1].id

    # A new session reads again, once.
    later = Session(runner, me)
    offer = later.say(Ev.LAUNCH)
    assert offer.reads == 1 and offer.writes == 0
    assert later.carried["p"] == Question.from_session({"q": "resume"}).to_session()


def test_a_turn_that_changes_nothing_writes_nothing(runner, store):
    talk = Session(runner, person())
    talk.say(Ev.LAUNCH)
    talk.say(Ev.START, GROUNDING.id)
    writes = store.stats.writes
    for kind in (Ev.HELP, Ev.FALLBACK, Ev.LOOP, Ev.WHAT_WE_KEEP):
        result = talk.say(kind)
        assert (result.reads, result.writes) == (0, 0), kind
        assert result.reply.speech and not result.reply.end_session
    assert store.stats.writes == writes
    talk.say(Ev.CANCEL)  # progress goes: saved
    # A new session that only hears the welcome again changes nothing: one read, no write.
    reads, writes = store.stats.reads, store.stats.writes
    welcome = Session(runner, person()).say(Ev.LAUNCH)
    assert welcome.reply.speech == Words(ENGINE.catalog, Context()).render("welcome") and (welcome.reads, welcome.writes) == (1, 0)
    assert (store.stats.reads, store.stats.writes) == (reads + 1, writes)


def test_each_save_expects_the_version_it_read(runner, store, backend):
    me = person()
    talk = Session(runner, me)
    talk.say(Ev.START, GROUNDING.id)
    assert store.load(me.speaker).version == 1
    # Another instance saves behind this session's back with the version it read; the stored version moves on.
    other = backend.make()
    record = other.load(me.speaker)
    other.save(me.speaker, {**record.data, "holds": record.data["holds"]}, record.version, record.expires_at)
    assert other.load(me.speaker).version == 2
    result = talk.say(Ev.NEXT)  # expects version 1: a conflict, then a merge on top of version 2
    assert (result.reads, result.writes) == (1, 2)
    assert store.stats.conflicts == 1
    assert store.load(me.speaker).version == 3 and talk.carried["v"] == 3


# ---- merge with another writer ------------------------------------------------------------------------------


def _engine_alone(base: dict, event: Event) -> dict:
    """What this turn would save with no race: the engine on the record it read."""
    return ENGINE.handle(State.from_dict(dense(base)), event, Context()).state.to_dict()


@pytest.mark.parametrize("race", ["another field", "progress", "only the hold position"])
def test_a_race_with_another_writer_is_merged_by_the_rules(runner, store, backend, race):
    me = person()
    talk = Session(runner, me)
    if race == "only the hold position":
        exercise = CATALOG.exercises["lying_together"]
        quiet = next(s for s in exercise.steps if s.hold)
        talk.say(Ev.START, exercise.id)
        base = store.load(me.speaker)
        data = dict(base.data)
        data["progress"] = {**data["progress"], "step": quiet.id, "run": "r9", "hold_ms": 0}
        base = store.save(me.speaker, data, base.version, base.expires_at)
        talk = Session(runner, me)  # a new session reads the hold step
        talk.say(Ev.LAUNCH)
        event = Event(Ev.CHECKIN, "red")
    else:
        talk.say(Ev.START, GROUNDING.id)
        event = Event(Ev.NEXT)
    base = store.load(me.speaker)
    # The other device writes between this turn's load (in the session) and its save.
    other = backend.make()
    theirs = dict(base.data)
    if race == "another field":
        theirs["settings"] = {"stretch_minutes": 20}
    elif race == "progress":
        theirs["progress"] = {**theirs["progress"], "step": GROUNDING.steps[4].id, "trail": []}
    else:
        theirs["progress"] = {**theirs["progress"], "hold_ms": 42_000}
    other.save(me.speaker, theirs, base.version, base.expires_at)

    result = talk.say(event.kind, event.value)
    stored = store.load(me.speaker)
    alone = _engine_alone(base.data, event)  # what this turn would save with no race
    for field in alone:  # every field comes from one side or the other (or is their sum)
        assert stored.data.get(field) in (alone[field], theirs.get(field)) or field in ("completed", "holds"), field
    assert result.writes == 2 and not result.store_failed
    if race == "another field":  # both changes kept
        assert stored.data["settings"] == {"stretch_minutes": 20}
        assert stored.data["progress"]["step"] == GROUNDING.steps[1].id
    elif race == "progress":  # newer stored progress is not overwritten by a stale device
        assert stored.data["progress"]["step"] == GROUNDING.steps[4].id
        assert result.step == GROUNDING.steps[4].id
    else:  # red wins over an audio report racing with it
        assert stored.data["progress"] is None
        assert result.reply.speech.startswith(first_words(PHRASES["red_stop"], 3))
    assert talk.carried["v"] == stored.version and "s" not in talk.carried


# ---- forget --------------------------------------------------------------------------------------------


def test_delete_my_data_asks_then_removes_the_record(runner, store):
    me = person()
    talk = Session(runner, me)
    talk.say(Ev.START, GROUNDING.id)
    asked = talk.say(Ev.DELETE_DATA)
    assert asked.writes == 0 and store.load(me.speaker) is not None and talk.carried["p"] == {"q": "delete"}
    kept = talk.say(Ev.NO)
    assert not kept.reply.forget and store.load(me.speaker) is not None
    talk.say(Ev.DELETE_DATA)
    gone = talk.say(Ev.YES)
    assert gone.reply.forget and gone.reply.speech == PHRASES["deleted"] and gone.reply.end_session
    left = store.load(me.speaker)  # at most a day-long tombstone: when the delete happened, nothing else
    assert (left is None or set(left.data) == {"sync"}) and store.stats.deletes == 1
    assert gone.session["v"] == (left.version if left else 0) and "s" not in gone.session
    # Nothing of it comes back on the next session: a first-time welcome again.
    assert Session(runner, me).say(Ev.LAUNCH).reply.speech == Words(ENGINE.catalog, Context()).render("welcome_first")


# ---- voice profiles -----------------------------------------------------------------------------------


def test_a_voice_profile_is_listed_on_the_account_and_forget_account_deletes_both(runner, store):
    alice = person(ALICE)
    assert alice.speaker != alice.account and alice.recognised
    talk = Session(runner, alice)
    first = talk.say(Ev.START, GROUNDING.id)
    assert first.writes == 2  # the listing on the account, then her record
    account = store.load(alice.account)
    assert account.data[PEOPLE] == [alice.speaker]
    assert store.load(alice.speaker).data[LISTED] is True
    talk.say(Ev.NEXT)
    assert store.load(alice.account).version == 1  # listed once, not on every turn

    bob = person(BOB)
    Session(runner, bob).say(Ev.START, GROUNDING.id)
    assert store.load(alice.account).data[PEOPLE] == [alice.speaker, bob.speaker]
    deleted = runner.forget_account(alice.account)
    assert deleted == 3
    assert [store.load(k) for k in (alice.account, alice.speaker, bob.speaker)] == [None, None, None]


def test_another_voice_carries_on_the_owners_session_unless_only_my_voice(runner, store):
    alice, bob = person(ALICE), person(BOB)
    talk = Session(runner, alice)
    talk.say(Ev.START, GROUNDING.id)
    moved = talk.say(Ev.NEXT, identity=bob)  # a partner speaks up in Alice's session: her progress moves
    assert SECOND in moved.reply.speech
    assert store.load(alice.speaker).data["progress"]["step"] == GROUNDING.steps[1].id
    assert store.load(bob.speaker) is None

    talk.say(Ev.SETTING, "only_my_voice")
    assert store.load(alice.speaker).data["settings"]["only_my_voice"] is True
    before = store.load(alice.speaker)
    refused = talk.say(Ev.NEXT, identity=bob)
    assert refused.reply.speech == PHRASES["voice_refused"] and refused.writes == 0
    assert store.load(alice.speaker) == before
    for kind in (Ev.DELETE_DATA, Ev.WHAT_WE_KEEP):  # nor act on, or describe, her record
        assert talk.say(kind, identity=bob).reply.speech == PHRASES["voice_refused"]
    stopped = talk.say(Ev.CHECKIN, "red", identity=bob)  # red stays open to every voice
    assert stopped.reply.speech.startswith(first_words(PHRASES["red_stop"], 3))
    assert store.load(alice.speaker).data["progress"] is None
    # Alice's own voice, unrecognised on the account, cannot claim "only my voice".
    plain = Session(runner, person()).say(Ev.SETTING, "only_my_voice")
    assert plain.reply.speech.startswith(first_words(PHRASES["voice_unknown"], 3))


def test_an_audio_report_finds_the_hold_of_a_voice_profile_through_the_account(runner, store):
    alice = person(ALICE)
    talk = Session(runner, alice, audio_player=True)
    talk.say(Ev.START, "lying_together")
    play = None
    for _ in range(len(CATALOG.exercises["lying_together"].steps)):
        play = talk.say(Ev.NEXT).reply.play
        if play:
            break
    assert play is not None and play.elapsed_ms == 0
    # The device reports where the hold stopped: outside any session, naming no voice, only the hold.
    where = HoldPosition(play.exercise, play.step, play.run, 95_000)
    report = runner.run(TurnRequest(identity=identity_for(SECRET, ACCOUNT), event=Event(Ev.HOLD_STOPPED),
                                    context=Context(audio_player=True, playing=where),
                                    hold=(play.exercise, play.step, play.run)))
    assert report.reply.speech == "" and report.session is None
    assert report.reads == 2 and report.writes == 1  # the account's list, then Alice's record
    assert store.load(alice.speaker).data["progress"]["hold_ms"] == 95_000
    assert store.load(alice.account).data.get("progress") is None
    # Alice, back later, picks the hold up where it stopped.
    again = Session(runner, alice, audio_player=True)
    again.say(Ev.LAUNCH)
    resumed = again.say(Ev.YES).reply.play
    assert resumed is not None and (resumed.step, resumed.elapsed_ms) == (play.step, 95_000)


# ---- a forged session -----------------------------------------------------------------------------------


def test_a_forged_or_foreign_session_is_ignored_and_the_record_is_read(runner, store):
    me, victim = person(), identity_for(SECRET, "amzn1.ask.account.SOMEONEELSE")
    Session(runner, victim).say(Ev.START, GROUNDING.id)
    victims = store.load(victim.speaker)
    talk = Session(runner, me)
    talk.say(Ev.LAUNCH)
    good = dict(talk.carried)
    forgeries = [
        {**good, "o": victim.speaker},  # pointed at someone else's record, old tag
        {**good, "o": victim.speaker, "t": "0" * 32},  # and a made-up tag
        {**good, "t": good["t"][::-1]},  # a damaged tag
        {**good, "v": "many"},  # a damaged version
        "not a dict",
    ]
    for carried in forgeries:
        reads = store.stats.reads
        result = runner.run(TurnRequest(identity=me, event=Event(Ev.START, GROUNDING.id), context=Context(),
                                        session=carried, session_id=talk.id))
        assert result.reads == 1 and store.stats.reads == reads + 1  # read from the store instead
        assert result.session["o"] == me.speaker
    # A genuine carried session from another session id is not accepted either.
    other = runner.run(TurnRequest(identity=me, event=Event(Ev.NEXT), context=Context(), session=good,
                                   session_id="another-session"))
    assert other.reads == 1
    assert store.load(victim.speaker) == victims


# ---- a store that fails ------------------------------------------------------------------------------------


class SqliteOutage:
    """The SQLite file's folder goes away (a file stands where it was) and comes back."""

    def __init__(self, tmp_path: Path):
        self.folder = tmp_path / "data"
        self.aside = tmp_path / "data-away"
        self.store = SqliteStore(self.folder / "state.sqlite3")

    def fail(self) -> None:
        self.store.close()  # the open connection would outlive the folder; a restart would not
        self.folder.rename(self.aside)
        self.folder.write_text("")

    def mend(self) -> None:
        self.folder.unlink()
        self.aside.rename(self.folder)

    def close(self) -> None:
        self.store.close()


class DynamoOutage:
    """A moto_server of this test's own is stopped, then started again (empty: moto keeps no data)."""

    def __init__(self, monkeypatch):
        self.server = MotoServer()
        self.server.start()
        local_aws_env(monkeypatch, dynamodb=self.server.endpoint)
        self.table = f"outage-{uuid.uuid4().hex}"
        create_table(self.table)
        self.store = DynamoDBStore(self.table)

    def fail(self) -> None:
        self.server.stop()

    def mend(self) -> None:
        self.server.start()
        create_table(self.table)

    def close(self) -> None:
        self.server.stop()


@pytest.fixture(params=["sqlite", "dynamodb"])
def outage(request, tmp_path, monkeypatch):
    made = SqliteOutage(tmp_path) if request.param == "sqlite" else DynamoOutage(monkeypatch)
    yield made
    made.close()


def test_a_store_fault_still_answers_and_the_session_carries_the_state_until_a_save_succeeds(outage):
    runner = TurnRunner(ENGINE, outage.store, SECRET)
    me = person()
    talk = Session(runner, me)
    talk.say(Ev.LAUNCH)  # saved: the welcome was given
    outage.fail()
    started = talk.say(Ev.START, GROUNDING.id)
    assert ARRIVE in started.reply.speech and not started.reply.end_session
    assert started.store_failed and started.step == GROUNDING.first.id
    assert talk.carried["s"]["progress"]["step"] == GROUNDING.first.id  # unsaved, carried
    moved = talk.say(Ev.NEXT)
    assert SECOND in moved.reply.speech and moved.store_failed
    assert talk.carried["s"]["progress"]["step"] == GROUNDING.steps[1].id

    outage.mend()
    helped = talk.say(Ev.HELP)  # changes nothing itself, but the carried state is saved now
    assert not helped.store_failed and helped.writes >= 1
    assert "s" not in talk.carried
    stored = outage.store.load(me.speaker)
    assert stored.data["progress"]["step"] == GROUNDING.steps[1].id and talk.carried["v"] == stored.version
    quiet = talk.say(Ev.HELP)
    assert (quiet.reads, quiet.writes, quiet.store_failed) == (0, 0, False)


def test_a_session_that_cannot_read_its_record_answers_from_a_fresh_state(outage):
    runner = TurnRunner(ENGINE, outage.store, SECRET)
    me = person()
    Session(runner, me).say(Ev.START, GROUNDING.id)
    outage.fail()
    talk = Session(runner, me)
    first = talk.say(Ev.LAUNCH)
    assert first.store_failed and first.reads == 1 and first.reply.speech and not first.reply.end_session
    red = talk.say(Ev.CHECKIN, "red")  # safety still answers
    assert red.reply.speech.startswith(first_words(PHRASES["red_stop"], 3))
    outage.mend()
    assert not talk.say(Ev.HELP).store_failed
