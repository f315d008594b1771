"""Every store call keeps its deadline, retries included, and a late write never lands on a newer one.

Real servers only: moto_server on loopback (behind a delaying TCP proxy for the late write), a loopback
server that accepts and never answers (a hung DynamoDB), and a second process holding SQLite's lock.
The bounds are generous ("answers within N s" robustness checks, not speed tests).
"""
from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
import threading
import time
import uuid

import pytest

from skill.store import StoreError, StoreTimeout, VersionConflict
from skill.store.dynamodb import DynamoDBStore, create_table
from skill.store.sqlite import SqliteStore
from tests.support.dynamo_server import local_aws_env, moto_server  # noqa: F401  (fixture)
from tests.support.tcp import DelayProxy, FrozenServer

LATER = 10**10


def key() -> str:
    return hashlib.sha256(uuid.uuid4().bytes).hexdigest()


def timed(call):
    started = time.monotonic()
    try:
        return call(), time.monotonic() - started
    except Exception as exc:  # returned for the caller to check
        return exc, time.monotonic() - started


@pytest.fixture
def frozen(monkeypatch):
    with FrozenServer() as server:
        local_aws_env(monkeypatch, dynamodb=server.endpoint)
        yield server


# ---- DynamoDB --------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["load", "save", "delete"])
def test_frozen_dynamodb_call_ends_at_its_deadline(frozen, op):
    store = DynamoDBStore("frozen-table")
    k = key()
    calls = {"load": lambda d: store.load(k, deadline=d),
             "save": lambda d: store.save(k, {"step": 1}, 3, LATER, deadline=d),
             "delete": lambda d: store.delete(k, deadline=d)}
    with pytest.raises(StoreTimeout):  # the first call also makes the client: not part of what is timed
        store.load(k, deadline=time.monotonic() + 0.3)
    tried = frozen.accepted
    result, took = timed(lambda: calls[op](time.monotonic() + 0.6))
    assert isinstance(result, StoreTimeout), result
    assert 0.5 <= took < 2.0, took
    assert frozen.accepted > tried  # it really tried
    assert store.stats.failures == 2
    store.close()


def test_no_attempt_is_sent_after_the_deadline(frozen):
    """botocore would retry a read timeout on a new connection; past the deadline it must not."""
    store = DynamoDBStore("frozen-table")
    with pytest.raises(StoreTimeout):  # makes the client (not timed), and its hung connection is dropped
        store.load(key(), deadline=time.monotonic() + 0.3)
    time.sleep(3)
    tried = frozen.accepted
    result, took = timed(lambda: store.save(key(), {"a": 1}, 0, LATER, deadline=time.monotonic() + 0.5))
    assert isinstance(result, StoreTimeout) and took < 2.0
    time.sleep(3)  # longer than the client's own read timeout and retry back-off
    assert frozen.accepted == tried + 1, f"{frozen.accepted - tried} connections: an attempt was sent late"
    store.close()


def test_a_deadline_already_past_touches_nothing(frozen):
    store = DynamoDBStore("frozen-table")
    result, took = timed(lambda: store.load(key(), deadline=time.monotonic() - 0.01))
    assert isinstance(result, StoreTimeout) and took < 0.2
    assert frozen.accepted == 0


def test_many_concurrent_calls_each_keep_their_deadline(frozen):
    store = DynamoDBStore("frozen-table")
    took: list[float] = []
    lock = threading.Lock()

    def one():
        result, t = timed(lambda: store.load(key(), deadline=time.monotonic() + 1.0))
        assert isinstance(result, StoreTimeout)
        with lock:
            took.append(t)

    threads = [threading.Thread(target=one) for _ in range(40)]  # more than the worker pool
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(took) == 40 and max(took) < 3.0, max(took)
    store.close()


def test_late_write_never_lands_on_a_newer_one(moto_server, monkeypatch):
    """A save that reaches the server after its caller gave up (and after a newer save) is refused by the
    version condition: the newer record stays, whatever order the server sees them in."""
    local_aws_env(monkeypatch, dynamodb=moto_server.endpoint)
    table = f"late-{uuid.uuid4().hex}"
    create_table(table)
    port = int(moto_server.endpoint.rsplit(":", 1)[1])
    with DelayProxy(port) as proxy:
        fast = DynamoDBStore(table)
        k = key()
        assert fast.load(k) is None  # its client is made now, on the direct endpoint
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", proxy.endpoint)
        slow = DynamoDBStore(table)
        fast.save(k, {"step": "one"}, 0, LATER)
        assert slow.load(k).version == 1  # opens the proxied connection

        def late_save(data: dict, expected: int) -> None:
            proxy.delay = 2.0
            proxy.delivered.clear()
            result, took = timed(lambda: slow.save(k, data, expected, LATER, deadline=time.monotonic() + 0.5))
            assert isinstance(result, StoreTimeout) and took < 2.0

        def until_delivered() -> None:
            assert proxy.delivered.wait(10), "the late write never reached the server"
            time.sleep(2.5)  # the rest of it, and the server's answer
            proxy.delay = 0.0

        # Unopposed, a late write is applied after its caller gave up: this is what needs guarding.
        late_save({"step": "late, unopposed"}, 1)
        until_delivered()
        assert fast.load(k).data == {"step": "late, unopposed"}
        # With a newer write in between, the late one is refused by its version condition.
        late_save({"step": "late"}, 2)
        newer = fast.save(k, {"step": "newer"}, 2, LATER)  # while the late one is held
        assert newer.version == 3
        until_delivered()
        stored = fast.load(k)
        assert (stored.version, stored.data) == (3, {"step": "newer"}), "a late write landed on a newer one"
        # and the same write sent again in time still conflicts
        with pytest.raises(VersionConflict):
            slow.save(k, {"step": "late"}, 2, LATER, deadline=time.monotonic() + 2)
        slow.close()
        fast.close()


def test_failure_and_recovery_are_logged_without_ids(moto_server, monkeypatch, caplog):
    """The server hangs (a proxy holds what is sent), then answers again: one store logs both, honestly."""
    caplog.set_level(logging.INFO, logger="skill.store")
    local_aws_env(monkeypatch, dynamodb=moto_server.endpoint)
    table = f"logs-{uuid.uuid4().hex}"
    create_table(table)
    port = int(moto_server.endpoint.rsplit(":", 1)[1])
    with DelayProxy(port) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", proxy.endpoint)
        store = DynamoDBStore(table)
        assert store.load(key()) is None
        proxy.delay = 2.0
        hung, fine = key(), key()
        with pytest.raises(StoreTimeout):
            store.save(hung, {"secret": "data"}, 0, LATER, deadline=time.monotonic() + 0.3)
        proxy.delay = 0.0
        assert store.save(fine, {"secret": "data"}, 0, LATER, deadline=time.monotonic() + 5).version == 1
        lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "skill.store.dynamodb"]
        assert [(line["op"], line["outcome"]) for line in lines] == [("save", "failed"), ("save", "recovered")]
        assert lines[0]["error"] == "Timeout" and lines[1]["failed_before"] == 1
        assert hung not in caplog.text and fine not in caplog.text and "secret" not in caplog.text
        store.close()


# ---- SQLite ----------------------------------------------------------------------------------------

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("CREATE TABLE IF NOT EXISTS other (x)")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO other VALUES (1)")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def hold_lock(path, seconds: float) -> subprocess.Popen:
    """Another process takes SQLite's exclusive write lock on ``path`` and keeps it for ``seconds``."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_sqlite_lock_waits_do_not_stack_across_threads(tmp_path):
    path = tmp_path / "state.sqlite3"
    store = SqliteStore(path)
    keys = [key() for _ in range(8)]
    for k in keys:
        store.save(k, {"n": 0}, 0, LATER)
    proc = hold_lock(path, 6)
    try:
        took: list[float] = []
        results: list[object] = []
        barrier = threading.Barrier(8)

        def one(k):
            barrier.wait()
            result, t = timed(lambda: store.save(k, {"n": 1}, 1, LATER, deadline=time.monotonic() + 1.0))
            took.append(t)
            results.append(result)

        threads = [threading.Thread(target=one, args=(k,)) for k in keys]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        everyone = time.monotonic() - started
        assert all(isinstance(r, StoreTimeout) for r in results), results
        # Each waited for the lock for its whole second, all at once: one after another would take 8 s.
        assert min(took) >= 0.8 and max(took) < 3.0 and everyone < 3.5, (took, everyone)
        # reads go on while another process writes (WAL)
        assert store.load(keys[0], deadline=time.monotonic() + 1).data == {"n": 0}
    finally:
        proc.wait(15)
    assert store.save(keys[0], {"n": 1}, 1, LATER, deadline=time.monotonic() + 2).version == 2
    store.close()


def test_sqlite_deleted_folder_is_noticed_logged_and_recreated(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="skill.store")
    folder = tmp_path / "data"
    store = SqliteStore(folder / "state.sqlite3")
    k = key()
    store.save(k, {"n": 1}, 0, LATER)
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    assert store.load(k) is None  # not a read from the deleted file
    assert folder.is_dir()
    with pytest.raises(VersionConflict):  # the caller learns its record is gone ...
        store.save(k, {"n": 2}, 1, LATER)
    assert store.save(k, {"n": 2}, 0, LATER).version == 1  # ... and writes it again
    again = SqliteStore(folder / "state.sqlite3")  # a restart finds it on disk
    assert again.load(k).data == {"n": 2}
    notes = [json.loads(r.getMessage()) for r in caplog.records if r.name == "skill.store.sqlite"]
    assert {"event": "store", "store": "sqlite", "outcome": "data_file_missing", "folder_missing": True,
            "action": "reopen"} in notes
    assert k not in caplog.text
    store.close()
    again.close()
