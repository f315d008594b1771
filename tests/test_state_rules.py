"""The merge rules (docs/architecture.md, "Merge rules") through POST /alexa, on both stores (issue 11).

Two devices of one account talk to two service instances that share one store (one SQLite file, or one
table on a real moto_server), and the stored record is checked after: red on the lagging device stops the
exercise; completions on both devices add up; a retried request (same request id) changes nothing. Then a
real moto_server is stopped and restarted mid-exercise (down; back empty; back with an older record):
every turn answers, and no saved progress is lost or replaced by older progress.
"""
from __future__ import annotations

import re
import uuid

import boto3
import pytest

from skill.core.identity import person_key
from skill.store.dynamodb import DynamoDBStore, create_table
from skill.store.sqlite import SqliteStore
from tests.conftest import SECRET, SkillServer
from tests.support.dynamo_server import MotoServer, local_aws_env, moto_server  # noqa: F401  (fixture)
from tests.test_dynamodb_skill import (DEVICE_A, DEVICE_B, GROUNDING, NO_SETTINGS_API, PATH, RESUME_OFFER, USER,
                                       _opening, assert_calm, only_item, says, scan, step_of)

FIRST_WELCOME = "Welcome to Safe Harbor"


class Household:
    """Two instances on one backing store, a kitchen device on one and a bedroom device on the other."""

    def __init__(self, tmp_path, make_store):
        self.stores = [make_store(), make_store()]
        self.servers = [SkillServer(tmp_path / "unused.sqlite3", store=s) for s in self.stores]
        self.kitchen = self.servers[0].speaker(user_id=USER, device_id=DEVICE_A, api_endpoint=NO_SETTINGS_API)
        self.bedroom = self.servers[1].speaker(user_id=USER, device_id=DEVICE_B, api_endpoint=NO_SETTINGS_API)
        self.key = person_key(SECRET.encode(), USER)

    def record(self) -> dict:
        return self.stores[0].load(self.key).data

    def close(self) -> None:
        for s in self.stores:
            s.close()


@pytest.fixture(params=["sqlite", "dynamodb"])
def home(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "shared.sqlite3"
        household = Household(tmp_path, lambda: SqliteStore(path))
    else:
        server = request.getfixturevalue("moto_server")
        local_aws_env(request.getfixturevalue("monkeypatch"), dynamodb=server.endpoint)
        table = f"rules-{uuid.uuid4().hex}"
        create_table(table)
        household = Household(tmp_path, lambda: DynamoDBStore(table))
    yield household
    household.close()


def walk(speaker, to: int) -> None:
    """From grounding's first step, "next" until PATH[to]."""
    for index in range(1, to + 1):
        assert_calm(speaker.say("next"), says(index))


def both_in_grounding(home: Household, at: int) -> None:
    """The kitchen starts grounding and walks to PATH[at]; the bedroom opens the skill and resumes there."""
    k, b = home.kitchen, home.bedroom
    assert k.launch().status == 200
    assert_calm(k.say("ground"), says(0))
    walk(k, at)
    assert RESUME_OFFER in b.launch().speech
    assert_calm(b.say("yes"), says(at))


# ---- stop wins --------------------------------------------------------------------------------------


def test_red_on_the_lagging_device_stops_the_exercise(home):
    both_in_grounding(home, 2)
    walk_from = 2
    for index in (walk_from + 1, walk_from + 2):  # the bedroom moves on; the kitchen's session lags behind
        assert_calm(home.bedroom.say("next"), says(index))
    assert step_of(home.record()) == PATH[4]

    turn = home.kitchen.say("red")
    assert turn.status == 200 and turn.speech
    assert home.record()["progress"] is None, "red was lost: the other device's progress was kept"
    # No device offers to pick the exercise up again.
    again = home.servers[1].speaker(user_id=USER, device_id=DEVICE_B, api_endpoint=NO_SETTINGS_API)
    assert RESUME_OFFER not in again.launch().speech


def test_red_first_then_a_lagging_next_stays_stopped(home):
    both_in_grounding(home, 2)
    assert home.kitchen.say("red").status == 200
    assert home.record()["progress"] is None
    turn = home.bedroom.say("next")  # the bedroom has not heard of the red
    assert turn.status == 200
    assert home.record()["progress"] is None, "a lagging device's step undid a red"
    assert RESUME_OFFER not in home.servers[0].speaker(user_id=USER, api_endpoint=NO_SETTINGS_API).launch().speech


def test_cancel_on_the_lagging_device_wins_and_other_fields_stay(home):
    both_in_grounding(home, 1)
    assert home.kitchen.intent("SettingIntent", {"setting": ("less talking", "less_talking")}).status == 200
    assert_calm(home.bedroom.say("next"), says(2))  # the bedroom has not seen the setting; the kitchen lags
    turn = home.kitchen.say("cancel")
    assert turn.status == 200
    stored = home.record()
    assert stored["progress"] is None, "cancel was lost: the other device's progress was kept"
    assert stored["settings"].get("less_talking") is True and stored["welcomed"] is True


# ---- counters add -----------------------------------------------------------------------------------


def test_completions_on_two_devices_add_up(home):
    last = len(PATH) - 1  # grounding's last step before its close
    both_in_grounding(home, last)
    before = home.record()["completed"].get("grounding", 0)
    assert home.kitchen.say("next").status == 200  # both finish grounding, one after the other ...
    assert home.bedroom.say("next").status == 200  # ... each from the same version
    stored = home.record()
    assert stored["completed"]["grounding"] == before + 2, stored["completed"]
    assert stored["progress"] is None


# ---- a retried request applies once ---------------------------------------------------------------


def _minutes(turn) -> int:
    return int(re.search(r"stretch will be (\d+) minutes", turn.speech).group(1))


def test_a_duplicate_request_id_changes_nothing(home):
    """"Alexa, tell Safe Harbor shorter" during sensate focus, sent twice by Alexa: the retry opens a new
    session too, so it reads the record the first one saved, and must not shorten again."""
    alexa = home.kitchen
    alexa.launch()
    assert alexa.say("start:sensate_focus").status == 200
    envelope = alexa.envelope("SettingIntent", {"setting": ("shorter", "shorter")}, new_session=True)
    first = alexa.post(envelope)
    assert first.status == 200 and _minutes(first) == 10
    version = home.stores[0].load(home.key).version
    retry = alexa.post(envelope)  # the same request again: same id, a session of its own
    assert retry.status == 200
    stored = home.stores[0].load(home.key)
    assert stored.data["settings"]["stretch_minutes"] == 10, "the retry shortened twice"
    assert stored.version == version  # nothing was written
    # The same request on the other device's instance (Alexa may retry elsewhere) changes nothing either.
    other = home.servers[1].client.post("/alexa", data=alexa.sent[-1], content_type="application/json")
    assert other.status_code == 200
    assert home.record()["settings"]["stretch_minutes"] == 10
    # A new request (a new id) does apply.
    assert _minutes(alexa.intent("SettingIntent", {"setting": ("shorter", "shorter")}, new_session=True)) == 5
    assert home.record()["settings"]["stretch_minutes"] == 5


def test_a_duplicate_next_moves_once(home):
    alexa = home.kitchen
    alexa.launch()
    assert_calm(alexa.say("ground"), says(0))
    assert alexa.say("pause").status == 200  # paused in place; the session ends
    envelope = alexa.envelope("AMAZON.NextIntent", new_session=True)  # "Alexa, tell Safe Harbor next"
    assert alexa.post(envelope).status == 200
    moved = home.record()["progress"]
    assert moved["step"] == PATH[1]
    assert alexa.post(envelope).status == 200  # sent again
    assert home.record()["progress"] == moved, "the retry moved on a second time"


# ---- DynamoDB stopped and restarted mid-exercise ----------------------------------------------------


@pytest.fixture
def outage(monkeypatch, tmp_path):
    """A moto_server of this test's own, a table on it, and one device of the account on the skill."""
    with MotoServer() as server:
        local_aws_env(monkeypatch, dynamodb=server.endpoint)
        table = f"outage-{uuid.uuid4().hex}"
        create_table(table)
        store = DynamoDBStore(table)
        skill = SkillServer(tmp_path / "unused.sqlite3", store=store)
        alexa = skill.speaker(user_id=USER, device_id=DEVICE_A, api_endpoint=NO_SETTINGS_API)
        yield server, table, boto3.client("dynamodb"), skill, alexa
        store.close()


def back_with(server, table: str, raw, items: list[dict]) -> None:
    """The server comes back (moto forgets everything) holding ``items``."""
    server.start()
    create_table(table)
    for item in items:
        raw.put_item(TableName=table, Item=item)


def test_store_back_empty_mid_exercise_is_written_again_from_the_session(outage):
    server, table, raw, skill, alexa = outage
    assert FIRST_WELCOME in alexa.launch().speech
    assert_calm(alexa.say("ground"), says(0))
    walk(alexa, 3)
    server.stop()
    assert_calm(alexa.say("next"), says(4))  # down: answered from the state in hand
    back_with(server, table, raw, [])  # back, empty
    assert_calm(alexa.say("next"), says(5))
    _item, data = only_item(raw, table)
    assert step_of(data) == PATH[5] and data["progress"]["trail"] == PATH[:5]
    assert data["welcomed"] is True, "the store came back empty and the welcome was forgotten"
    assert alexa.say("pause").status == 200  # paused in place; the session ends
    turn = skill.restart(store=DynamoDBStore(table)).speaker(user_id=USER, api_endpoint=NO_SETTINGS_API).launch()
    assert FIRST_WELCOME not in turn.speech and RESUME_OFFER in turn.speech


def test_store_back_with_an_older_record_never_replaces_newer_progress(outage):
    server, table, raw, skill, alexa = outage
    alexa.launch()
    assert_calm(alexa.say("ground"), says(0))
    walk(alexa, 1)
    older = scan(raw, table)  # the record at PATH[1]
    for index in (2, 3, 4):
        assert_calm(alexa.say("next"), says(index))
    server.stop()
    assert_calm(alexa.say("next"), says(5))
    back_with(server, table, raw, older)  # back from an older copy
    assert_calm(alexa.say("next"), says(6))
    _item, data = only_item(raw, table)
    assert step_of(data) == PATH[6] and data["progress"]["trail"] == PATH[:6], "older progress won"
    assert_calm(alexa.say("next"), says(7))
    assert step_of(only_item(raw, table)[1]) == PATH[7]


def test_failed_load_then_an_older_record_does_not_take_over(outage):
    """The issue's story: the store is down when a new session starts; the person grounds for five steps;
    the table comes back holding an older record (lying together, paused). The saved state must be the
    grounding, and the turn after must not tell someone mid-flashback to lie down near their partner."""
    server, table, raw, skill, alexa = outage
    alexa.launch()
    assert alexa.say("start:lying_together").status == 200
    assert alexa.intent("SettingIntent", {"setting": ("less talking", "less_talking")}).status == 200
    assert alexa.say("pause").status == 200
    _item, old = only_item(raw, table)
    assert step_of(old) and old["progress"]["exercise"] == "lying_together"
    older = scan(raw, table)

    server.stop()
    fresh = skill.restart(store=DynamoDBStore(table)).speaker(user_id=USER, api_endpoint=NO_SETTINGS_API)
    turn = fresh.launch()  # the load fails: answered from a fresh state
    assert turn.status == 200 and turn.speech
    assert_calm(fresh.say("ground"), says(0))
    walk(fresh, 5)
    back_with(server, table, raw, older)

    assert_calm(fresh.say("next"), says(6))
    _item, data = only_item(raw, table)
    assert data["progress"]["exercise"] == "grounding" and step_of(data) == PATH[6], data["progress"]
    assert data["settings"].get("less_talking") is True  # what the older record knew is kept
    assert data["welcomed"] is True
    turn = fresh.say("next")  # in the brief wording now: the older record's "less talking" is kept
    step = GROUNDING.step(PATH[7])
    assert_calm(turn, _opening(step.brief or step.say))
    assert "lie" not in turn.speech.lower() and "partner" not in turn.speech.lower()
    assert step_of(only_item(raw, table)[1]) == PATH[7]
