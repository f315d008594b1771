"""One contract for every state store: SQLite in tmp_path, DynamoDB against a real moto_server, and the
in-memory store."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import stat
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.store import Record, StoreError, VersionConflict, open_store
from skill.store.base import now
from skill.store.dynamodb import DynamoDBStore, create_table
from skill.store.factory import default_sqlite_path
from skill.store.memory import MemorySpace, MemoryStore
from skill.store.sqlite import SqliteStore

from tests.support.dynamo_server import MotoServer, local_aws_env, moto_server  # noqa: F401  (fixture)

LATER = 10**10  # an expiry far in the future


def _dynamo_env(monkeypatch, endpoint: str) -> None:
    local_aws_env(monkeypatch, dynamodb=endpoint)


class Backend:
    """Makes stores that share one backing file or table, as two devices would."""

    def __init__(self, kind: str, make, dump):
        self.kind = kind
        self.make = make
        self.dump = dump  # everything stored, as text


@pytest.fixture
def sqlite_backend(tmp_path):
    path = tmp_path / "state.sqlite3"
    stores: list[SqliteStore] = []

    def make():
        stores.append(SqliteStore(path))
        return stores[-1]

    def dump():
        with sqlite3.connect(path) as conn:
            return "\n".join(conn.iterdump())

    yield Backend("sqlite", make, dump)
    for s in stores:
        s.close()


@pytest.fixture
def dynamo(moto_server, monkeypatch):
    """A fresh table on the session's moto_server."""
    _dynamo_env(monkeypatch, moto_server.endpoint)
    table = f"state-{uuid.uuid4().hex}"
    create_table(table)
    raw = boto3.client("dynamodb")

    def dump():
        return json.dumps(raw.scan(TableName=table, ConsistentRead=True)["Items"], ensure_ascii=False)

    backend = Backend("dynamodb", lambda: DynamoDBStore(table), dump)
    backend.table = table
    backend.raw = raw
    yield backend
    raw.delete_table(TableName=table)


@pytest.fixture
def memory_backend():
    space = MemorySpace()  # shared by every store the test makes, as one file or table is
    return Backend("memory", lambda: MemoryStore(space), space.dump)


@pytest.fixture(params=["sqlite", "dynamodb", "memory"])
def backend(request):
    # Looked up lazily, so a run of only the SQLite or memory cases starts no server.
    return request.getfixturevalue({"sqlite": "sqlite_backend", "dynamodb": "dynamo",
                                    "memory": "memory_backend"}[request.param])


@pytest.fixture
def store(backend):
    return backend.make()


def key() -> str:
    return hashlib.sha256(uuid.uuid4().bytes).hexdigest()


def assert_same_json(a, b) -> None:
    """Equal, and of exactly the same types all the way down (no Decimal, no float, bool stays bool)."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_same_json(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same_json(x, y)
    else:
        assert a == b


# -- the contract ---------------------------------------------------------------------------------


def test_load_missing_is_none(store):
    assert store.load(key()) is None


def test_first_save_is_version_1_and_loads_back(store):
    k = key()
    rec = store.save(k, {"step": 2}, expected_version=0, expires_at=LATER)
    assert rec == Record(key=k, data={"step": 2}, version=1, expires_at=LATER)
    assert store.load(k) == rec


def test_update_bumps_version(store):
    k = key()
    store.save(k, {"step": 1}, 0, LATER)
    rec = store.save(k, {"step": 2}, 1, LATER + 5)
    assert rec.version == 2
    assert store.load(k) == Record(k, {"step": 2}, 2, LATER + 5)


def test_stale_write_from_second_device_conflicts_and_keeps_data(backend):
    phone, speaker = backend.make(), backend.make()
    k = key()
    phone.save(k, {"step": 1}, 0, LATER)
    seen_by_speaker = speaker.load(k)
    phone.save(k, {"step": 2}, seen_by_speaker.version, LATER)

    with pytest.raises(VersionConflict) as err:
        speaker.save(k, {"step": 99}, seen_by_speaker.version, LATER)
    assert err.value.expected_version == 1
    assert speaker.load(k) == Record(k, {"step": 2}, 2, LATER)
    # A second "first save" of an existing record is stale too.
    with pytest.raises(VersionConflict):
        speaker.save(k, {"step": 0}, 0, LATER)
    # A version from the future is no better.
    with pytest.raises(VersionConflict):
        speaker.save(k, {"step": 0}, 7, LATER)
    assert phone.load(k).data == {"step": 2}


@pytest.mark.parametrize("shared", [True, False], ids=["one-store", "store-per-writer"])
def test_racing_writers_exactly_one_wins(backend, shared):
    writers = 8
    first = backend.make()
    k = key()
    first.save(k, {"who": "start"}, 0, LATER)
    stores = [first] * writers if shared else [backend.make() for _ in range(writers)]
    barrier = threading.Barrier(writers)
    results: list[object] = [None] * writers

    def write(i: int) -> None:
        barrier.wait()
        try:
            results[i] = stores[i].save(k, {"who": i}, 1, LATER)
        except Exception as exc:  # collected and checked below
            results[i] = exc

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    wins = [r for r in results if isinstance(r, Record)]
    assert len(wins) == 1, results
    assert all(isinstance(r, VersionConflict) for r in results if r is not wins[0]), results
    assert first.load(k) == Record(k, wins[0].data, 2, LATER)


def test_expired_record_is_absent_and_can_be_started_afresh(store):
    k = key()
    store.save(k, {"step": 3}, 0, LATER)
    store.save(k, {"step": 4}, 1, now() - 1)  # still stored (no purge yet), but past its time
    assert store.load(k) is None
    # load() called it absent, so a first save must succeed, not conflict forever.
    rec = store.save(k, {"step": 0}, 0, LATER)
    assert rec.version == 1
    assert store.load(k) == rec


def test_live_record_is_not_replaced_by_a_first_save(store):
    k = key()
    store.save(k, {"step": 3}, 0, now() + 3600)
    with pytest.raises(VersionConflict):
        store.save(k, {"step": 0}, 0, LATER)
    assert store.load(k).data == {"step": 3}


def test_delete(store):
    k, other = key(), key()
    store.save(k, {"a": 1}, 0, LATER)
    store.save(other, {"b": 2}, 0, LATER)
    store.delete(k)
    assert store.load(k) is None
    assert store.load(other).data == {"b": 2}
    store.delete(k)  # deleting an absent record is fine
    assert store.save(k, {"a": 2}, 0, LATER).version == 1


ODD_DATA = {
    "int": 7,
    "zero": 0,
    "negative": -12,
    "big": 2**63 + 1,
    "beyond_double": 2**53 + 1,
    "true": True,
    "false": False,
    "none": None,
    "empty": "",
    "unicode": "Zoë, 日本語, 🌊, \u2028, quote \" and \\ backslash",
    "nested": {"list": [1, [True, None, {"deep": ["x", 0, False]}]], "empty_list": [], "empty_dict": {}},
    "ratings": [5, 4, 3],
    "ünï": {"🔑": "value"},
}


def test_data_round_trips_exactly(store):
    k = key()
    saved = store.save(k, ODD_DATA, 0, LATER)
    assert_same_json(saved.data, ODD_DATA)
    loaded = store.load(k)
    assert_same_json(loaded.data, ODD_DATA)
    assert not any(isinstance(v, (Decimal, float)) for v in _leaves(loaded.data))


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.text(max_size=8), JSON, max_size=5))
def test_any_json_dict_round_trips(store, data):
    k = key()
    store.save(k, data, 0, LATER)
    assert_same_json(store.load(k).data, data)


def test_stats_count_each_backend_call(backend):
    store = backend.make()
    k = key()
    assert store.stats.snapshot() == dict(reads=0, writes=0, deletes=0, conflicts=0, failures=0)
    store.load(k)
    assert store.stats.snapshot() == dict(reads=1, writes=0, deletes=0, conflicts=0, failures=0)
    store.save(k, {"a": 1}, 0, LATER)
    assert store.stats.snapshot() == dict(reads=1, writes=1, deletes=0, conflicts=0, failures=0)
    store.load(k)
    with pytest.raises(VersionConflict):
        store.save(k, {"a": 2}, 0, LATER)
    assert store.stats.snapshot() == dict(reads=2, writes=2, deletes=0, conflicts=1, failures=0)
    store.delete(k)
    assert store.stats.snapshot() == dict(reads=2, writes=2, deletes=1, conflicts=1, failures=0)


def test_hashed_key_keeps_raw_id_out_of_storage(backend):
    raw_id = "amzn1.ask.account.RAW-TEST-ID-" + uuid.uuid4().hex
    hashed = hmac.new(b"test-secret", raw_id.encode(), hashlib.sha256).hexdigest()
    store = backend.make()
    store.save(hashed, {"exercise": "grounding", "step": 1}, 0, LATER)
    store.save(hashed, {"exercise": "grounding", "step": 2}, 1, LATER)
    dump = backend.dump()
    assert hashed in dump  # the dump really holds the record ...
    assert raw_id not in dump  # ... and never the raw id
    assert "RAW-TEST-ID" not in dump


# -- DynamoDB specifics ---------------------------------------------------------------------------


def test_dynamodb_item_layout_and_ttl_on_every_item(dynamo):
    store = dynamo.make()
    keys = [key() for _ in range(3)]
    for i, k in enumerate(keys):
        store.save(k, {"n": i, "flag": True}, 0, LATER + i)
    store.save(keys[0], {"n": 10}, 1, LATER + 100)

    ttl = dynamo.raw.describe_time_to_live(TableName=dynamo.table)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}

    items = {i["pk"]["S"]: i for i in dynamo.raw.scan(TableName=dynamo.table, ConsistentRead=True)["Items"]}
    assert items.keys() == set(keys)
    for item in items.values():
        assert set(item) == {"pk", "v", "ttl", "d"}
        assert set(item["ttl"]) == {"N"} and set(item["v"]) == {"N"} and set(item["d"]) == {"S"}
    assert items[keys[0]]["ttl"]["N"] == str(LATER + 100)
    assert items[keys[0]]["v"]["N"] == "2"
    assert items[keys[0]]["d"]["S"] == '{"n":10}'  # compact JSON in one attribute
    assert items[keys[2]]["ttl"]["N"] == str(LATER + 2)


def test_dynamodb_expired_item_lingering_is_absent(dynamo):
    """The TTL sweeper is lazy: an item past its ttl may still be in the table."""
    k = key()
    dynamo.raw.put_item(
        TableName=dynamo.table,
        Item={"pk": {"S": k}, "v": {"N": "4"}, "ttl": {"N": str(now() - 60)}, "d": {"S": "{}"}},
    )
    store = dynamo.make()
    assert store.load(k) is None
    assert store.save(k, {"fresh": True}, 0, LATER).version == 1


def test_dynamodb_client_is_made_once(dynamo, monkeypatch):
    import skill.store.dynamodb as mod

    made = []
    real = mod._new_client
    monkeypatch.setattr(mod, "_new_client", lambda config: made.append(config) or real(config))
    store = dynamo.make()
    assert made == []  # lazily
    k = key()
    store.load(k)
    store.save(k, {}, 0, LATER)
    store.load(k)
    store.delete(k)
    assert made == [mod.CLIENT_CONFIG]


def test_create_table_is_idempotent_and_complete(dynamo):
    create_table(dynamo.table)  # again: the fixture already made it
    create_table(dynamo.table)
    desc = dynamo.raw.describe_table(TableName=dynamo.table)["Table"]
    assert desc["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert desc["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]
    assert desc["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert desc["SSEDescription"]["Status"] == "ENABLED"
    assert desc["SSEDescription"]["SSEType"] == "KMS"
    ttl = dynamo.raw.describe_time_to_live(TableName=dynamo.table)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}
    pitr = dynamo.raw.describe_continuous_backups(TableName=dynamo.table)["ContinuousBackupsDescription"]
    assert pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_create_table_tolerates_a_server_without_sse_or_pitr(caplog):
    client = boto3.client(
        "dynamodb", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x",
        endpoint_url="http://127.0.0.1:9",  # never contacted: the stubber answers
    )
    with Stubber(client) as stub:
        stub.add_client_error("create_table", "ValidationException", "SSE not supported")
        stub.add_response("create_table", {})
        stub.add_response("describe_time_to_live", {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}})
        stub.add_response(
            "update_time_to_live",
            {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "ttl"}},
            {"TableName": "t-local", "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "ttl"}},
        )
        stub.add_client_error("update_continuous_backups", "UnknownOperationException", "no PITR here")
        create_table("t-local", client=client, wait=False)
        stub.assert_no_pending_responses()
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "encryption" in messages and "point-in-time recovery" in messages


def test_dynamodb_server_down_fails_fast_then_recovers(monkeypatch):
    with MotoServer() as server:
        _dynamo_env(monkeypatch, server.endpoint)
        create_table("outage")
        store = DynamoDBStore("outage")
        k = key()
        store.save(k, {"step": 1}, 0, LATER)

        server.stop()
        for call in (lambda: store.load(k), lambda: store.save(k, {"step": 2}, 1, LATER), lambda: store.delete(k)):
            started = time.monotonic()
            with pytest.raises(StoreError) as err:
                call()
            assert time.monotonic() - started < 5
            assert not isinstance(err.value, VersionConflict)
            assert k not in str(err.value)
        assert store.stats.failures == 3

        server.start()  # same port; moto forgot everything, so the table comes back empty
        create_table("outage")
        assert store.load(k) is None
        assert store.save(k, {"step": 2}, 0, LATER).version == 1
        assert store.load(k).data == {"step": 2}
        assert store.stats.failures == 3


def test_dynamodb_missing_table_is_a_store_error(dynamo):
    store = DynamoDBStore("no-such-table-" + uuid.uuid4().hex[:8])
    with pytest.raises(StoreError):
        store.load(key())
    with pytest.raises(StoreError) as err:
        store.save(key(), {}, 0, LATER)
    assert not isinstance(err.value, VersionConflict)
    assert store.stats.failures == 2


# -- SQLite specifics -----------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_sqlite_file_is_private(tmp_path):
    path = tmp_path / "new" / "dir" / "state.sqlite3"
    store = SqliteStore(path)
    store.save(key(), {"a": 1}, 0, LATER)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        if side.exists():
            assert stat.S_IMODE(side.stat().st_mode) == 0o600
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


@pytest.mark.parametrize("shared", [True, False], ids=["one-store", "store-per-writer"])
def test_sqlite_first_calls_on_a_new_file_all_succeed(tmp_path, shared):
    # Eight people at once on a file that does not exist yet (a first start, or a data folder recreated
    # after it was deleted): SQLite refuses a second switch into WAL at once, without its busy wait.
    writers, rounds = 8, 40
    for n in range(rounds):
        path = tmp_path / f"new-{n}" / "state.sqlite3"
        stores = [SqliteStore(path)] * writers if shared else [SqliteStore(path) for _ in range(writers)]
        barrier = threading.Barrier(writers)
        failures: list[Exception] = []

        def first_save(i: int) -> None:
            barrier.wait()
            try:
                stores[i].save(f"person-{i}", {"i": i}, 0, LATER)
            except Exception as exc:  # collected and checked below
                failures.append(exc)

        threads = [threading.Thread(target=first_save, args=(i,)) for i in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert failures == [], f"round {n}: {failures}"
        assert [stores[0].load(f"person-{i}").data for i in range(writers)] == [{"i": i} for i in range(writers)]
        for store in set(stores):
            store.close()


def test_sqlite_purges_expired_rows(tmp_path):
    path = tmp_path / "s.sqlite3"

    def keys_on_disk():
        with sqlite3.connect(path) as conn:
            return {k for (k,) in conn.execute("SELECT key FROM records")}

    store = SqliteStore(path)
    live, dead, dead2 = key(), key(), key()
    store.save(live, {"new": True}, 0, LATER)  # the first save purges (nothing yet) ...
    store.save(dead, {"old": True}, 0, now() - 10)  # ... later ones wait for the interval
    assert keys_on_disk() == {live, dead}
    assert store.purge_expired() == 1
    assert keys_on_disk() == {live}

    store.save(dead2, {"old": True}, 0, now() - 10)
    other = SqliteStore(path)  # e.g. the next process start: its first save purges
    other.save(key(), {}, 0, LATER)
    assert dead2 not in keys_on_disk() and live in keys_on_disk()
    store.close()
    other.close()


def test_sqlite_fault_is_a_store_error_without_data(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    store = SqliteStore(blocker / "state.sqlite3")
    k = "secret-key-123"
    for call in (lambda: store.load(k), lambda: store.save(k, {"x": "secret-data"}, 0, LATER), lambda: store.delete(k)):
        with pytest.raises(StoreError) as err:
            call()
        assert "secret" not in str(err.value)
    assert store.stats.failures == 3


def test_sqlite_recovers_when_the_disk_comes_back(tmp_path):
    folder = tmp_path / "later"
    folder.write_text("")  # a file where the folder should be
    store = SqliteStore(folder / "state.sqlite3")
    with pytest.raises(StoreError):
        store.load(key())
    folder.unlink()
    k = key()
    assert store.save(k, {"ok": 1}, 0, LATER).version == 1
    assert store.load(k).data == {"ok": 1}
    store.close()


# -- default path and factory ---------------------------------------------------------------------


def test_default_path_honours_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_sqlite_path() == tmp_path / "xdg" / "safe-harbor" / "state.sqlite3"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_sqlite_path() == tmp_path / "home" / ".local" / "share" / "safe-harbor" / "state.sqlite3"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")  # the XDG spec says ignore a relative value
    assert default_sqlite_path() == tmp_path / "home" / ".local" / "share" / "safe-harbor" / "state.sqlite3"


def test_default_path_on_macos_and_windows(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "darwin")
    assert default_sqlite_path() == tmp_path / "Library" / "Application Support" / "Safe Harbor" / "state.sqlite3"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert default_sqlite_path() == tmp_path / "Local" / "Safe Harbor" / "state.sqlite3"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG layout")
def test_unset_store_uses_the_default_file_created_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SKILL_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    store = open_store(None)
    assert isinstance(store, SqliteStore)
    assert store.path == tmp_path / "xdg" / "safe-harbor" / "state.sqlite3"
    store.save(key(), {"a": 1}, 0, LATER)
    assert store.path.exists()
    if os.name == "posix":
        assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    store.close()


def test_factory_sqlite_urls(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///data/state.db")
    assert isinstance(relative, SqliteStore) and relative.path == Path("data/state.db")
    absolute = open_store(f"sqlite:///{tmp_path / 'abs.db'}")  # sqlite:////tmp/... on POSIX
    assert isinstance(absolute, SqliteStore) and absolute.path == tmp_path / "abs.db"
    absolute.save(key(), {}, 0, LATER)
    assert (tmp_path / "abs.db").exists()
    absolute.close()


def test_factory_memory_urls(monkeypatch):
    a, b = open_store("memory://shared-test"), open_store("memory://shared-test")
    k = key()
    a.save(k, {"a": 1}, 0, LATER)
    assert isinstance(b, MemoryStore) and b.load(k).data == {"a": 1}  # one named space: like one file
    assert open_store("memory://").load(k) is None  # a bare memory:// is private
    monkeypatch.setenv("SKILL_STORE", "memory://")
    assert isinstance(open_store(), MemoryStore)


def test_memory_purges_expired_records():
    store = MemoryStore()
    live, dead = key(), key()
    store.save(live, {"new": True}, 0, LATER)
    store.save(dead, {"old": True}, 0, now() - 10)
    assert store.purge_expired() == 1
    assert set(store.space.rows) == {live}


def test_factory_reads_skill_store_env(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILL_STORE", f"sqlite:///{tmp_path / 'env.db'}")
    store = open_store()
    assert isinstance(store, SqliteStore) and store.path == tmp_path / "env.db"
    monkeypatch.setenv("SKILL_STORE", "dynamodb://safe-harbor-state")
    store = open_store(None)
    assert isinstance(store, DynamoDBStore) and store.table_name == "safe-harbor-state"
    # An explicit URL wins over the environment.
    assert isinstance(open_store(f"sqlite:///{tmp_path / 'x.db'}"), SqliteStore)


@pytest.mark.parametrize(
    "url",
    ["redis://localhost", "sqlite://relative.db", "sqlite:///", "dynamodb://", "dynamodb://a/b", "dynamodb://ab",
     "postgres://user:pw@host/db", "state.sqlite3"],
)
def test_factory_rejects_other_urls(url):
    with pytest.raises(ValueError) as err:
        open_store(url)
    message = str(err.value)
    assert "sqlite:///" in message and "dynamodb://TABLE" in message
    assert "pw" not in message  # never echo a URL that may carry a secret


def test_calls_with_a_deadline_work_and_a_past_deadline_is_a_timeout(store):
    """The same contract with a deadline (a ``time.monotonic()`` instant), on a real server or file."""
    from skill.store import StoreTimeout

    k = key()
    soon = time.monotonic() + 5
    assert store.load(k, deadline=soon) is None
    assert store.save(k, {"a": 1}, 0, LATER, deadline=soon).version == 1
    assert store.load(k, deadline=soon).data == {"a": 1}
    with pytest.raises(VersionConflict):
        store.save(k, {"a": 2}, 0, LATER, deadline=soon)
    store.delete(k, deadline=soon)
    assert store.load(k, deadline=soon) is None
    for call in (lambda d: store.load(k, deadline=d), lambda d: store.save(k, {"a": 3}, 0, LATER, deadline=d),
                 lambda d: store.delete(k, deadline=d)):
        with pytest.raises(StoreTimeout):
            call(time.monotonic() - 0.001)
    assert store.load(k) is None  # the past-deadline save wrote nothing
