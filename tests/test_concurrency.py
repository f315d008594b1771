"""Two devices of one person, turns at once (issue "Privacy and robustness", point 6).

Two service instances (as two processes behind one endpoint) share one store: SQLite in tmp_path,
DynamoDB on a moto_server on loopback, or one in-memory space. Device A talks to instance 1, device B to
instance 2; same Alexa user, different device ids. Threads meet at a barrier before every round, so their
turns really race.

Afterwards: never a 5xx; every acknowledged write got its own version, 1..N with no gap and no repeat
(no lost update at the store); the record loads as a valid State whose step belongs to its exercise;
stored progress never moves back because of a stale device; and the rules in ``skill.core.merge``
holds: a change to a field only one device touched is never lost.
"""
from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

import pytest

from skill.core import State
from skill.store.dynamodb import DynamoDBStore, create_table
from skill.store.memory import MemorySpace, MemoryStore
from skill.store.sqlite import SqliteStore
from tests.conftest import SkillServer
from tests.support.dynamo_server import local_aws_env, moto_server  # noqa: F401  (fixture)

USER = "amzn1.ask.account.ATWODEVICEPERSON"


def _dynamo_env(monkeypatch, endpoint: str) -> None:
    local_aws_env(monkeypatch, dynamodb=endpoint)
ROUNDS = 30


@dataclass
class Write:
    version: int
    data: dict
    action: str
    device: str


class RecordingStore:
    """Delegates to a real store and records every acknowledged write, with the turn that made it."""

    def __init__(self, inner, log: list[Write], lock: threading.Lock):
        self.inner, self.log, self.lock = inner, log, lock
        self.stats = inner.stats
        self.local = threading.local()

    def load(self, key, **kw):
        return self.inner.load(key, **kw)

    def save(self, key, data, expected_version, expires_at, **kw):
        record = self.inner.save(key, data, expected_version, expires_at, **kw)
        assert record.version == expected_version + 1
        with self.lock:
            self.log.append(Write(record.version, record.data, getattr(self.local, "action", "?"),
                                  getattr(self.local, "device", "?")))
        return record

    def delete(self, key, **kw):
        return self.inner.delete(key, **kw)


def _no_network(srv: SkillServer) -> None:
    def refuse(*_a, **_kw):
        raise OSError("no network in tests")
    srv.services.timezone.opener = refuse


class Pair:
    """Two instances on one backing store, and one device on each."""

    def __init__(self, tmp_path, make_store):
        self.writes: list[Write] = []
        lock = threading.Lock()
        self.stores = [RecordingStore(make_store(), self.writes, lock) for _ in range(2)]
        self.servers = [SkillServer(tmp_path / "unused.sqlite3", store=s) for s in self.stores]
        for srv in self.servers:
            _no_network(srv)
        self.a = self.servers[0].speaker(user_id=USER, device_id="amzn1.ask.device.KITCHEN")
        self.b = self.servers[1].speaker(user_id=USER, device_id="amzn1.ask.device.BEDROOM")

    def record(self):
        from skill.core.identity import person_key
        key = person_key(self.servers[0].settings.hash_secret, USER)
        return self.stores[0].inner.load(key)


@pytest.fixture(params=["sqlite", "dynamodb", "memory"])
def pair(request, tmp_path):
    if request.param == "memory":
        space = MemorySpace()
        yield Pair(tmp_path, lambda: MemoryStore(space))
    elif request.param == "sqlite":
        path = tmp_path / "shared.sqlite3"
        opened: list[SqliteStore] = []

        def make():
            opened.append(SqliteStore(path))
            return opened[-1]
        yield Pair(tmp_path, make)
        for s in opened:
            s.close()
    else:
        server = request.getfixturevalue("moto_server")
        monkeypatch = request.getfixturevalue("monkeypatch")
        _dynamo_env(monkeypatch, server.endpoint)
        table = f"race-{uuid.uuid4().hex}"
        create_table(table)
        yield Pair(tmp_path, lambda: DynamoDBStore(table))
        import boto3
        boto3.client("dynamodb").delete_table(TableName=table)


def _catalog(pair: Pair):
    return pair.servers[0].services.engine.catalog


def _rank(pair: Pair, data: dict) -> tuple[int, int]:
    """How far the person has got: runs completed, then the step's place in its exercise."""
    state = State.from_dict(data)
    done = sum(state.completed.values())
    if state.progress is None:
        return done, 10**6
    exercise = _catalog(pair).get(state.progress.exercise)
    ids = [s.id for s in exercise.steps]
    return done, ids.index(state.progress.step)


def _assert_valid(pair: Pair, data: dict) -> None:
    state = State.from_dict(data)
    assert State.from_dict(state.to_dict()).to_dict() == state.to_dict()
    for key in ("progress", "completed", "settings"):
        assert key in data, data
    if state.progress is not None:
        exercise = _catalog(pair).get(state.progress.exercise)
        assert exercise is not None, data
        assert exercise.step(state.progress.step) is not None, data


# --------------------------------------------------------------------------- the rule, step by step


def test_stale_write_keeps_newer_progress_and_applies_its_own_other_field(pair):
    a, b = pair.a, pair.b
    assert a.launch().status == 200
    assert a.say("start:grounding").status == 200
    start = pair.record()
    assert start.data["progress"]["step"] == "arrive"

    # B opens the skill now: both sessions hold version `start.version`.
    assert b.launch().status == 200
    assert pair.record().version == start.version  # a launch that changes nothing writes nothing

    turn = b.say("next")  # B saves progress first
    assert turn.status == 200
    newer = pair.record()
    assert newer.version == start.version + 1 and newer.data["progress"]["step"] != "arrive"

    # A's session is stale. It changes a field B did not touch.
    turn = a.intent("SettingIntent", {"setting": ("less talking", "less_talking")})
    assert turn.status == 200
    merged = pair.record()
    assert merged.version == newer.version + 1
    assert merged.data["progress"] == newer.data["progress"], "B's newer progress was overwritten"
    assert merged.data["settings"].get("less_talking") is True, "A's own change was lost"

    # A goes on from the merged state, not from its stale step.
    turn = a.say("next")
    assert turn.status == 200
    after = pair.record()
    assert _rank(pair, after.data) > _rank(pair, merged.data)
    assert after.data["settings"].get("less_talking") is True
    _assert_valid(pair, after.data)


# --------------------------------------------------------------------------- racing


def test_two_devices_racing_lose_no_update(pair):
    barrier = threading.Barrier(2, timeout=60)
    statuses: list[tuple[str, int]] = []
    b_setting: list[bool] = []
    deferred: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def device(name, sp, store):
        try:
            store.local.device = name
            ended = True
            for round_no in range(ROUNDS):
                barrier.wait()
                if ended:
                    store.local.action = "launch"
                    action, turn = "launch", sp.launch()
                elif name == "B" and round_no % 3 == 0:
                    value = "less_talking" if round_no % 2 else "more_talking"
                    store.local.action = "setting"
                    action, turn = "setting", sp.intent("SettingIntent", {"setting": (value, value)})
                    if turn.status == 200:
                        b_setting[:] = [value == "less_talking"]
                        # Only B changes this setting. Under a second conflict in one turn the save waits
                        # for B's next turn (the state rides in the session), so this is counted, not failed.
                        if pair.record().data["settings"].get("less_talking") is not b_setting[0]:
                            deferred.append(round_no)
                else:
                    done = State.from_dict(pair.record().data).progress is None
                    action = "start" if done else "next"
                    store.local.action = action
                    turn = sp.say("start:grounding" if done else "next")
                with lock:
                    statuses.append((f"{name} {action}", turn.status))
                ended = turn.ends_session
        except BaseException as exc:  # noqa: BLE001  (reported below, never lost in a thread)
            errors.append(exc)
            barrier.abort()

    pair.a.launch()  # a record to race on
    pair.a.say("start:grounding")
    pair.writes.clear()
    base_version = pair.record().version
    threads = [threading.Thread(target=device, args=("A", pair.a, pair.stores[0])),
               threading.Thread(target=device, args=("B", pair.b, pair.stores[1]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(statuses) == 2 * ROUNDS
    assert all(status == 200 for _, status in statuses), [s for s in statuses if s[1] != 200]
    # B's last setting is in the store once B has had one more turn (nobody else touches that field).
    assert pair.b.say("help").status == 200
    assert b_setting and pair.record().data["settings"].get("less_talking") is b_setting[0], deferred

    # Every acknowledged write has its own version: consecutive, none twice, none skipped.
    versions = sorted(w.version for w in pair.writes)
    assert versions == list(range(base_version + 1, base_version + 1 + len(versions))), versions
    assert len(pair.writes) >= ROUNDS
    # They did race: some writes met a newer version and were merged by the rule.
    assert sum(s.inner.stats.conflicts for s in pair.stores) > 0
    final = pair.record()
    assert final.version == versions[-1]
    by_version = sorted(pair.writes, key=lambda w: w.version)
    assert final.data == by_version[-1].data
    for w in by_version:
        _assert_valid(pair, w.data)

    # Progress only moves on: a write from any turn but a fresh start never puts it back.
    for before, after in zip(by_version, by_version[1:]):
        if after.action != "start":
            assert _rank(pair, after.data) >= _rank(pair, before.data), (before, after)
