"""The whole skill on DynamoDB: real Alexa JSON POSTed to /alexa, state in a real moto_server over loopback.

Proves at the skill level what docs/architecture.md promises of the deployed store: a storage outage
mid-exercise never ends the exercise and loses nothing already saved; progress made during the
outage is saved once the store is back; items carry a TTL and a version and no raw Alexa id; a stale
device follows the rules in skill/core/merge.py; one read per session, one write per
changing turn. Also `python -m skill store create` against the same kind of server.
"""
from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest

from skill.core import Progress, State, load_catalog
from skill.store.dynamodb import DynamoDBStore, create_table
from tests.conftest import SkillServer
from tests.support.dynamo_server import MotoServer, free_port, local_aws_env, moto_server  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
USER = "amzn1.ask.account.AFHDYNAMOUSER0123456789"
DEVICE_A = "amzn1.ask.device.AKITCHENDEVICE0123456789"
DEVICE_B = "amzn1.ask.device.ABEDROOMDEVICE0123456789"
# The Alexa settings API (local time) on a closed loopback port: fails at once, never leaves the host.
NO_SETTINGS_API = f"http://127.0.0.1:{free_port()}"
# What a calm turn must never say, even when the store is down.
ALARMING = re.compile(r"sorry|wrong|error|problem|trouble|fail|database|storage|server|unavailable|try again later",
                      re.IGNORECASE)
DAY = 86_400


def _opening(text: str | None) -> str:
    """The first words of a content text, up to its first pause or placeholder: what a turn must say."""
    first = (text or "").strip().splitlines()[0]
    return re.split(r"\[|\{", first)[0].strip().rstrip(".,")


def _linear_path(exercise) -> list[str]:
    """The grounding steps that "next" walks through in order, up to the first end step or audio hold.

    Taken from the content itself, so the tests follow the exercise as it is written today."""
    path, step = [], exercise.first
    while step is not None and not step.end and step.hold is None and step.id not in path:
        path.append(step.id)
        target = step.on.get("next")
        step = exercise.following(step.id) if target == "next" else exercise.step(target) if target else None
    return path


GROUNDING = load_catalog().get("grounding")
PATH = _linear_path(GROUNDING)  # e.g. arrive, rate_before, orient, breathe, see, feel, hear, ...
assert len(PATH) >= 8, f"the grounding exercise is too short for these tests: {PATH}"


def says(index: int) -> str:
    return _opening(GROUNDING.step(PATH[index]).say)


def helps(index: int) -> str:
    return _opening(GROUNDING.step(PATH[index]).help)


RESUME_OFFER = "pick it up where you left off"


def dynamo_env(monkeypatch, endpoint: str) -> None:
    local_aws_env(monkeypatch, dynamodb=endpoint)


def scan(raw, table: str) -> list[dict]:
    items, kwargs = [], {"TableName": table, "ConsistentRead": True}
    while True:
        page = raw.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def only_item(raw, table: str) -> tuple[dict, dict]:
    """The one stored item and its decoded data."""
    items = scan(raw, table)
    assert len(items) == 1, f"expected one record, found {len(items)}"
    return items[0], json.loads(items[0]["d"]["S"])


def step_of(data: dict) -> str | None:
    return (data.get("progress") or {}).get("step")


def turn_logs(caplog, since: int = 0) -> list[dict]:
    lines = []
    for record in caplog.records[since:]:
        if record.name != "skill.turn":
            continue
        try:
            line = json.loads(record.getMessage())
        except ValueError:
            continue
        if line.get("event") == "turn":
            lines.append(line)
    return lines


def assert_calm(turn, phrase: str | None = None) -> None:
    """HTTP 200, speech, a reprompt, the session open, nothing alarming: the exercise goes on."""
    assert turn.status == 200, turn.raw[:300]
    assert turn.speech, "no speech"
    assert not ALARMING.search(turn.speech), turn.speech
    assert not ALARMING.search(turn.reprompt), turn.reprompt
    assert not turn.ends_session
    if phrase:
        assert phrase in turn.speech, turn.speech


def assert_item_shape(item: dict, record_days: int = 90) -> None:
    assert set(item) == {"pk", "v", "ttl", "d"}, sorted(item)
    assert re.fullmatch(r"[0-9a-f]{64}", item["pk"]["S"])  # a keyed hash, not an Alexa id
    assert int(item["v"]["N"]) >= 1
    ttl = int(item["ttl"]["N"])
    now = int(time.time())
    assert now + (record_days - 1) * DAY < ttl <= now + record_days * DAY + 60, "ttl is not about record_days ahead"
    data = json.loads(item["d"]["S"])
    assert isinstance(data, dict)
    # Every field the state type knows reads back as stored: none was damaged and dropped to its default.
    for name, value in State.from_dict(data).to_dict().items():
        assert data.get(name, value) == value, f"stored field {name!r} is damaged: {data.get(name)!r}"
    assert Progress.from_dict(data.get("progress")) is not None or data.get("progress") is None


def assert_no_raw_ids(raw, table: str, *ids: str) -> None:
    dump = json.dumps(scan(raw, table))
    for value in ids:
        assert value not in dump
        # Nor the distinctive tail of it (an id stored after a prefix was cut off).
        assert value.rsplit(".", 1)[-1] not in dump


@pytest.fixture
def dynamo(moto_server, monkeypatch):
    """A fresh table on the session's moto_server, and a raw client to look at it."""
    dynamo_env(monkeypatch, moto_server.endpoint)
    table = f"skill-{uuid.uuid4().hex}"
    create_table(table)
    return table, boto3.client("dynamodb")


@pytest.fixture
def own_moto():
    """A moto_server of this test's own, so stopping it touches no other test."""
    with MotoServer() as server:
        yield server


@pytest.fixture
def turn_log(caplog):
    caplog.set_level(logging.INFO, logger="skill.turn")
    return caplog


# ---- an outage mid-session ----------------------------------------------------------------------


def test_outage_mid_exercise_keeps_answering_and_loses_nothing(own_moto, monkeypatch, tmp_path, turn_log):
    dynamo_env(monkeypatch, own_moto.endpoint)
    table = f"skill-{uuid.uuid4().hex}"
    create_table(table)
    raw = boto3.client("dynamodb")
    server = SkillServer(tmp_path / "unused.sqlite3", store=DynamoDBStore(table))
    alexa = server.speaker(user_id=USER, device_id=DEVICE_A, api_endpoint=NO_SETTINGS_API)

    turn = alexa.launch()
    assert turn.status == 200 and "Welcome to Safe Harbor" in turn.speech
    assert_calm(alexa.say("ground"), says(0))
    for index in (1, 2, 3):
        assert_calm(alexa.say("next"), says(index))
    assert not any(line["store"]["failed"] for line in turn_logs(turn_log))

    # What a real DynamoDB would keep through the outage: read it out before the server goes.
    saved = scan(raw, table)
    item, data = only_item(raw, table)
    assert step_of(data) == PATH[3]
    saved_version = int(item["v"]["N"])

    own_moto.stop()
    mark = len(turn_log.records)
    assert_calm(alexa.say("next"), says(4))
    assert_calm(alexa.say("next"), says(5))
    assert_calm(alexa.say("help"), helps(5))
    assert_calm(alexa.say("repeat"), says(5))
    outage = turn_logs(turn_log, mark)
    assert len(outage) == 4
    assert all(line["store"]["failed"] for line in outage), outage
    assert "sh" in alexa.attributes  # the unsaved progress rides in the session

    # The server comes back with the data it had (moto forgets it: recreate and reseed).
    own_moto.start()
    create_table(table)
    for saved_item in saved:
        raw.put_item(TableName=table, Item=saved_item)

    mark = len(turn_log.records)
    assert_calm(alexa.say("next"), says(6))
    [line] = turn_logs(turn_log, mark)
    assert line["store"]["failed"] is False and line["store"]["writes"] >= 1
    item, data = only_item(raw, table)
    assert step_of(data) == PATH[6]
    assert data["progress"]["trail"][-4:] == PATH[2:6]  # the outage's steps kept
    assert int(item["v"]["N"]) == saved_version + 1  # one write on top of what was stored: no conflict
    assert_item_shape(item)

    # "Alexa, pause": the session ends, progress stays for later.
    turn = alexa.say("pause")
    assert turn.status == 200 and turn.ends_session
    assert step_of(only_item(raw, table)[1]) == PATH[6]

    # A process restart with a new store: the launch offers to resume, and "yes" lands where the person was.
    restarted = server.restart(store=DynamoDBStore(table))
    again = restarted.speaker(user_id=USER, device_id=DEVICE_A, api_endpoint=NO_SETTINGS_API)
    turn = again.launch()
    assert turn.status == 200 and RESUME_OFFER in turn.speech
    assert "You paused an exercise" in turn.speech  # not named: no recognised voice (PRIVACY.md)
    assert_calm(again.say("yes"), says(6))
    assert_calm(again.say("next"), says(7))
    assert step_of(only_item(raw, table)[1]) == PATH[7]
    assert_no_raw_ids(raw, table, USER, DEVICE_A)


def test_store_down_at_launch_still_welcomes(own_moto, monkeypatch, tmp_path, turn_log):
    """The very first read fails: the person still gets a welcome and can start, and the state is saved later."""
    dynamo_env(monkeypatch, own_moto.endpoint)
    table = f"skill-{uuid.uuid4().hex}"
    create_table(table)
    raw = boto3.client("dynamodb")
    server = SkillServer(tmp_path / "unused.sqlite3", store=DynamoDBStore(table))
    alexa = server.speaker(user_id=USER, device_id=DEVICE_A, api_endpoint=NO_SETTINGS_API)

    own_moto.stop()
    turn = alexa.launch()
    assert_calm(turn, "Welcome")
    assert_calm(alexa.say("ground"), says(0))
    assert all(line["store"]["failed"] for line in turn_logs(turn_log))

    own_moto.start()
    create_table(table)  # empty, as it was
    assert_calm(alexa.say("next"), says(1))
    item, data = only_item(raw, table)
    assert step_of(data) == PATH[1] and data["welcomed"] is True
    assert_item_shape(item)


# ---- what is stored -----------------------------------------------------------------------------


def test_items_carry_ttl_and_version_and_no_raw_ids(dynamo, tmp_path):
    table, raw = dynamo
    server = SkillServer(tmp_path / "unused.sqlite3", store=DynamoDBStore(table), SKILL_RECORD_DAYS="30")
    person = "amzn1.ask.person.APERSONPROFILE0123456789"
    speakers = [
        server.speaker(user_id=USER, device_id=DEVICE_A, api_endpoint=NO_SETTINGS_API),
        server.speaker(user_id="amzn1.ask.account.AOTHERHOUSEHOLD98765", device_id=DEVICE_B,
                       api_endpoint=NO_SETTINGS_API),
        server.speaker(user_id=USER, person_id=person, device_id=DEVICE_B, api_endpoint=NO_SETTINGS_API),
    ]
    for alexa in speakers:
        assert alexa.launch().status == 200
        assert_calm(alexa.say("ground"), says(0))
        assert_calm(alexa.say("next"), says(1))

    items = scan(raw, table)
    assert len(items) == 3  # account user, another account, a recognised voice profile: three people
    for item in items:
        assert_item_shape(item, record_days=30)
        assert item["ttl"]["N"].isdigit() and item["v"]["N"].isdigit()
    assert_no_raw_ids(raw, table, USER, "amzn1.ask.account.AOTHERHOUSEHOLD98765", person, DEVICE_A, DEVICE_B)

    # The table's TTL is on the attribute the items carry.
    ttl = raw.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] in ("ENABLED", "ENABLING") and ttl["AttributeName"] == "ttl"


def test_one_read_per_session_one_write_per_changing_turn(dynamo, tmp_path):
    table, raw = dynamo
    store = DynamoDBStore(table)
    server = SkillServer(tmp_path / "unused.sqlite3", store=store)
    alexa = server.speaker(user_id=USER, device_id=DEVICE_A, api_endpoint=NO_SETTINGS_API)

    def cost(what: str) -> tuple[int, int]:
        before = store.stats.snapshot()
        turn = alexa.launch() if what == "launch" else alexa.say(what)
        assert turn.status == 200
        after = store.stats.snapshot()
        return after["reads"] - before["reads"], after["writes"] - before["writes"]

    assert cost("launch") == (1, 1)  # read the (absent) record; save "welcomed"
    assert cost("ground") == (0, 1)
    assert cost("next") == (0, 1)
    assert cost("help") == (0, 0)  # help changes nothing: nothing written
    assert cost("repeat") == (0, 0)
    assert cost("help") == (0, 0)
    assert cost("next") == (0, 1)
    reads, _ = cost("pause")
    assert reads == 0
    # A new session reads once again, and only once.
    reads, _ = cost("launch")
    assert reads == 1
    assert cost("yes")[0] == 0
    assert cost("next") == (0, 1)
    assert store.stats.failures == 0 and store.stats.conflicts == 0
    assert step_of(only_item(raw, table)[1]) == PATH[3]


# ---- two devices, one person ----------------------------------------------------------------------


def two_devices(server):
    kitchen = server.speaker(user_id=USER, device_id=DEVICE_A, api_endpoint=NO_SETTINGS_API)
    bedroom = server.speaker(user_id=USER, device_id=DEVICE_B, api_endpoint=NO_SETTINGS_API)
    return kitchen, bedroom


def kitchen_grounding(dynamo, tmp_path):
    """Two devices of one account on DynamoDB; the kitchen has opened grounding at its first step."""
    table, _raw = dynamo
    store = DynamoDBStore(table)
    server = SkillServer(tmp_path / "unused.sqlite3", store=store)
    kitchen, bedroom = two_devices(server)
    assert kitchen.launch().status == 200
    assert_calm(kitchen.say("ground"), says(0))
    return server, store, kitchen, bedroom


def stale_write_scenario(dynamo, tmp_path):
    """Kitchen and bedroom, same account, sessions interleaved; the bedroom falls behind, then writes."""
    table, raw = dynamo
    server, store, kitchen, bedroom = kitchen_grounding(dynamo, tmp_path)
    assert_calm(kitchen.say("next"), says(1))

    # The bedroom opens the skill: it reads the record once, at PATH[1], and resumes there.
    assert RESUME_OFFER in bedroom.launch().speech
    assert_calm(bedroom.say("yes"), says(1))

    # The kitchen goes on (its first write meets the bedroom's newer version and is merged).
    for index in (2, 3, 4, 5):
        assert_calm(kitchen.say("next"), says(index))
    assert step_of(only_item(raw, table)[1]) == PATH[5]

    # The bedroom, still at PATH[1], says next: both changed progress since the bedroom read it,
    # so by the rule the stored (newer) progress wins.
    conflicts = store.stats.conflicts
    turn = bedroom.say("next")
    assert turn.status == 200 and turn.speech
    assert store.stats.conflicts == conflicts + 1
    return server, kitchen, bedroom, store, raw, table


def test_stale_device_does_not_overwrite_newer_progress(dynamo, tmp_path):
    _server, _kitchen, _bedroom, store, raw, table = stale_write_scenario(dynamo, tmp_path)
    item, data = only_item(raw, table)
    assert step_of(data) == PATH[5], "the stale device's write replaced newer progress"
    assert data["progress"]["trail"] == PATH[:5]
    assert data["welcomed"] is True  # fields nobody changed survive the merge
    assert_item_shape(item)
    assert store.stats.failures == 0
    assert_no_raw_ids(raw, table, USER, DEVICE_A, DEVICE_B)


def test_stale_fresh_start_does_not_clear_newer_progress(dynamo, tmp_path):
    """A stale device that clears progress ("no" to resume) meets newer progress: the newer stays."""
    table, raw = dynamo
    server, store, kitchen, bedroom = kitchen_grounding(dynamo, tmp_path)
    # The bedroom reads now (progress at "arrive") and offers to resume ...
    assert RESUME_OFFER in bedroom.launch().speech
    # ... while the kitchen moves on.
    assert_calm(kitchen.say("next"), says(1))
    conflicts = store.stats.conflicts
    turn = bedroom.say("no")  # "start fresh": clears progress in the bedroom's view
    assert turn.status == 200
    assert store.stats.conflicts == conflicts + 1
    _item, data = only_item(raw, table)
    # The kitchen changed progress after the bedroom read it: the bedroom's stale "clear" must not win.
    assert step_of(data) == PATH[1]
    assert data["welcomed"] is True


def test_stale_device_carries_on_from_the_merged_state(dynamo, tmp_path):
    """After the merge, the stale device's next turn must not roll the record back to its own old step."""
    _server, _kitchen, bedroom, _store, raw, table = stale_write_scenario(dynamo, tmp_path)
    turn = bedroom.say("next")
    assert turn.status == 200
    _item, data = only_item(raw, table)
    trail = data["progress"]["trail"]
    assert step_of(data) not in PATH[:5], f"record went back to {step_of(data)!r}: newer progress lost"
    assert PATH[5] in trail + [step_of(data)]


# ---- the table-creating command ---------------------------------------------------------------------


def test_store_create_command_makes_the_table_with_ttl(moto_server, monkeypatch):
    table = f"cli-{uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "SKILL_STORE"}
    env.update({
        "SKILL_STORE": f"dynamodb://{table}",
        "AWS_ENDPOINT_URL_DYNAMODB": moto_server.endpoint,
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
    })
    for attempt in (1, 2):  # idempotent: the second run keeps the table
        done = subprocess.run([sys.executable, "-m", "skill", "store", "create"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"run {attempt}: {done.stdout}\n{done.stderr}"
        assert table in done.stdout and "ready" in done.stdout
        assert "Traceback" not in done.stderr

    dynamo_env(monkeypatch, moto_server.endpoint)
    raw = boto3.client("dynamodb")
    described = raw.describe_table(TableName=table)["Table"]
    assert described["TableStatus"] == "ACTIVE"
    assert described["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = raw.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] in ("ENABLED", "ENABLING") and ttl["AttributeName"] == "ttl"
    assert len([name for name in raw.list_tables()["TableNames"] if name == table]) == 1


def test_store_create_command_reports_an_unreachable_server(monkeypatch):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "SKILL_STORE"}
    env.update({
        "SKILL_STORE": "dynamodb://unreachable-table",
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{free_port()}",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
    })
    done = subprocess.run([sys.executable, "-m", "skill", "store", "create"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "safe-harbor:" in done.stderr and "Traceback" not in done.stderr
