"""Pairing by a spoken code (skill/core/pairing.py): the client asks their own device for a pairing code, the
deployer turns it into the account's keyed hash with `python -m skill client pair`, and the service started with
that key gives the client's own version to that account only.

Through POST /alexa with Alexa's request JSON, the CLI as a subprocess on the same store (SQLite, and DynamoDB on
a loopback DynamoDB-API server), and the app started again with SKILL_CLIENT_VERSION and SKILL_CLIENT_ACCOUNT.
"""
from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from skill import __main__ as cli
from skill.core import pairing
from skill.store.dynamodb import DynamoDBStore, create_table
from tests.conftest import SECRET, SkillServer
from tests.support.dynamo_server import free_port, local_aws_env, moto_server  # noqa: F401
from tests.test_client_version import (CHOSEN, CLIENT_USER, NOTE, OTHER_USER, account_key, assert_skill_follows,
                                       made)
from tests.test_dynamodb_skill import ALARMING, scan

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r'<prosody rate="slow"><say-as interpret-as="digits">(\d{6})</say-as></prosody>')
ASK = "PairingCodeIntent"  # "Alexa, ask Safe Harbor for a pairing code"


def spoken_code(turn) -> str:
    """The code the device said: six digits, as SSML say-as digits, said twice, slowly."""
    assert turn.status == 200, turn.raw[:300]
    said = CODE.findall(turn.ssml or "")
    assert len(said) == 2 and said[0] == said[1], turn.ssml
    return said[0]


def pair(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python -m skill client pair`, the code typed on stdin, with the service's key and store."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("SKILL_")}
    full.update({"SKILL_HASH_SECRET": SECRET, **env})
    return subprocess.run([sys.executable, "-m", "skill", "client", "pair"], input=code + "\n", cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=60)


def pair_here(code: str, env: dict[str, str], monkeypatch, capsys) -> tuple[int, str, str]:
    """The same command in this process (the exit code, stdout, stderr): quicker than a new interpreter."""
    with monkeypatch.context() as mp:
        for name in [k for k in os.environ if k.startswith("SKILL_")]:
            mp.delenv(name)
        for name, value in {"SKILL_HASH_SECRET": SECRET, **env}.items():
            mp.setenv(name, value)
        mp.setattr(sys, "stdin", io.StringIO(code + "\n"))
        capsys.readouterr()
        status = cli.main(["client", "pair"])
        out, err = capsys.readouterr()
    return status, out, err


def sqlite_rows(db: Path) -> list[tuple[str, int, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT key, expires_at, data FROM records").fetchall()


def test_a_spoken_code_gives_the_deployer_the_key_and_the_version_then_follows_that_account(tmp_path):
    db = tmp_path / "state.sqlite3"
    alexa = SkillServer(db).speaker(user_id=CLIENT_USER)
    asked = alexa.intent(ASK, new_session=True)
    code = spoken_code(asked)
    assert asked.ends_session
    said = asked.speech
    assert "therapist" in said and "30 minutes" in said and "only once" in said, said
    # Stored: the code's keyed hash -> the account's keyed hash, and the account's pointer back; nothing else.
    rows = {key: (expires, json.loads(data)) for key, expires, data in sqlite_rows(db)}
    key = account_key(CLIENT_USER)
    assert rows == {pairing.code_key(SECRET.encode(), code): (rows[pairing.code_key(SECRET.encode(), code)][0],
                                                              {"account": key}),
                    pairing.account_pointer(SECRET.encode(), key): (rows[pairing.account_pointer(SECRET.encode(),
                                                                                                 key)][0],
                                                                    {"code": pairing.code_key(SECRET.encode(), code)})}
    for expires, _ in rows.values():
        assert abs(expires - (time.time() + 30 * 60)) < 60
    dump = json.dumps(sqlite_rows(db))
    assert code not in dump and CLIENT_USER not in dump and "ACLIENTACCOUNT" not in dump

    store = {"SKILL_STORE": f"sqlite:///{db}"}
    run = pair(code, store)
    assert run.returncode == 0, run.stderr
    assert run.stdout == key + "\n"
    assert code not in run.stdout + run.stderr
    assert sqlite_rows(db) == [] or all(exp <= time.time() for _, exp, _ in sqlite_rows(db))

    again = pair(code, store)  # used up
    assert again.returncode == 1 and again.stdout == ""
    assert len(again.stderr.strip().splitlines()) == 1 and "not valid" in again.stderr

    file = tmp_path / "client-version.toml"
    file.write_text(made(), encoding="utf-8")
    server = SkillServer(db, SKILL_CLIENT_VERSION=str(file), SKILL_CLIENT_ACCOUNT=run.stdout.strip())
    assert_skill_follows(server, NOTE, CHOSEN, "quiet_minutes", 8)


def test_a_new_request_replaces_the_old_code_and_a_wrong_one_is_refused(tmp_path, monkeypatch, capsys):
    db = tmp_path / "state.sqlite3"
    server = SkillServer(db)
    first = spoken_code(server.speaker(user_id=CLIENT_USER).intent(ASK, new_session=True))
    second = spoken_code(server.speaker(user_id=CLIENT_USER).intent(ASK, new_session=True))
    other = spoken_code(server.speaker(user_id=OTHER_USER).intent(ASK, new_session=True))
    store = {"SKILL_STORE": f"sqlite:///{db}"}
    if first != second:  # one in a million draws the same code again
        status, out, err = pair_here(first, store, monkeypatch, capsys)
        assert status == 1 and "not valid" in err and out == ""
    wrong = next(c for c in ("000000", "999999", "123456") if c not in (second, other))
    status, out, err = pair_here(wrong, store, monkeypatch, capsys)
    assert status == 1 and out == "" and len(err.strip().splitlines()) == 1
    status, out, err = pair_here("12345", store, monkeypatch, capsys)
    assert status == 1 and "6 digits" in err
    # Typed with a space or a dash, as people write codes down.
    assert pair_here(f"{second[:3]} {second[3:]}", store, monkeypatch, capsys)[1] == account_key(CLIENT_USER) + "\n"
    assert pair_here(f"{other[:3]}-{other[3:]}", store, monkeypatch, capsys)[1] == account_key(OTHER_USER) + "\n"


def test_an_expired_code_is_refused(tmp_path, monkeypatch, capsys):
    db = tmp_path / "state.sqlite3"
    server = SkillServer(db)
    with monkeypatch.context() as mp:
        asked_at = int(time.time()) - 31 * 60  # asked for 31 minutes ago
        mp.setattr(pairing, "now", lambda: asked_at)
        code = spoken_code(server.speaker(user_id=CLIENT_USER).intent(ASK, new_session=True))
    status, out, err = pair_here(code, {"SKILL_STORE": f"sqlite:///{db}"}, monkeypatch, capsys)
    assert status == 1 and out == ""
    assert "expired" in err and len(err.strip().splitlines()) == 1


def test_during_an_exercise_it_waits_and_the_exercise_goes_on(tmp_path):
    db = tmp_path / "state.sqlite3"
    alexa = SkillServer(db).speaker(user_id=CLIENT_USER)
    alexa.launch()
    started = alexa.say("ground")
    asked = alexa.intent(ASK)
    assert asked.status == 200 and not CODE.search(asked.ssml or "") and not asked.ends_session
    assert "stay with the exercise" in asked.speech and "pairing code" in asked.speech
    assert sqlite_rows(db) and all("account" not in json.loads(d) for _, _, d in sqlite_rows(db))
    assert alexa.say("next").speech != started.speech  # still in the exercise, where it was
    alexa.say("stop")
    assert spoken_code(alexa.intent(ASK, new_session=True))  # once it is over, it is given


def test_while_a_quiet_stretch_plays_it_waits_and_the_sound_goes_on(tmp_path):
    from tests.test_holds import stream_of, walk_to_hold, while_playing

    alexa = SkillServer(tmp_path / "state.sqlite3").speaker(user_id=CLIENT_USER)
    alexa.launch()
    token = stream_of(walk_to_hold(alexa, "lying_together"))["token"]
    asked = while_playing(alexa, ASK, token)  # "Alexa, ask Safe Harbor for a pairing code" over the sound
    assert asked.status == 200 and not CODE.search(asked.ssml or "")
    assert "stay with the exercise" in asked.speech
    assert not any(d["type"] == "AudioPlayer.Stop" for d in asked.directives)  # the quiet goes on
    assert asked.ends_session


def test_disabling_the_skill_deletes_a_code_asked_for(tmp_path, monkeypatch, capsys):
    db = tmp_path / "state.sqlite3"
    alexa = SkillServer(db).speaker(user_id=CLIENT_USER)
    code = spoken_code(alexa.intent(ASK, new_session=True))
    assert len(sqlite_rows(db)) == 2
    assert alexa.skill_disabled().status == 200
    assert sqlite_rows(db) == []
    status, out, err = pair_here(code, {"SKILL_STORE": f"sqlite:///{db}"}, monkeypatch, capsys)
    assert status == 1 and out == "" and "not valid" in err



def test_delete_my_data_by_voice_deletes_a_code_asked_for_too(tmp_path, monkeypatch, capsys):
    db = tmp_path / "state.sqlite3"
    alexa = SkillServer(db).speaker(user_id=CLIENT_USER)
    code = spoken_code(alexa.intent(ASK, new_session=True))
    assert "Do you want me to delete it?" in alexa.intent("DeleteDataIntent", new_session=True).speech
    assert "deleted" in alexa.say("yes").speech
    status, out, err = pair_here(code, {"SKILL_STORE": f"sqlite:///{db}"}, monkeypatch, capsys)
    assert status == 1 and out == "" and "not valid" in err

ASKED = (  # a locale, what people say there, what the device says back
    ("en-GB", "can i get a pairing code", "Your pairing code is"),
    ("es-ES", "dame un código de vinculación", "Tu código de vinculación es"),
    ("de-DE", "gib mir einen kopplungscode", "Dein Kopplungscode lautet"),
    ("fr-FR", "je voudrais un code d'association", "Votre code d'association est"),
)


def test_asked_in_each_language_in_its_own_words(tmp_path, monkeypatch, capsys):
    db = tmp_path / "state.sqlite3"
    server = SkillServer(db)
    for locale, words, says in ASKED:
        alexa = server.speaker(user_id=CLIENT_USER, locale=locale)
        turn = alexa.intent("CaptureIntent", {"text": (words, None)}, new_session=True)  # read by the classifier
        code = spoken_code(turn)
        assert turn.speech.startswith(says), (locale, turn.speech)
        status, out, err = pair_here(code, {"SKILL_STORE": f"sqlite:///{db}"}, monkeypatch, capsys)
        assert status == 0 and out == account_key(CLIENT_USER) + "\n", (locale, err)


def test_the_store_out_of_reach_gets_a_calm_spoken_reply(tmp_path, monkeypatch, capsys):
    local_aws_env(monkeypatch, dynamodb=f"http://127.0.0.1:{free_port()}")  # nothing listens there
    server = SkillServer(tmp_path / "unused.sqlite3", store=DynamoDBStore(f"skill-{uuid.uuid4().hex}"))
    turn = server.speaker(user_id=CLIENT_USER).intent(ASK, new_session=True)
    assert turn.status == 200 and not CODE.search(turn.ssml or "")
    assert "can't make a pairing code just now" in turn.speech and "ask again" in turn.speech
    assert not ALARMING.search(turn.speech.replace("ask again", "")), turn.speech
    status, out, err = pair_here("123456", {"SKILL_STORE": f"dynamodb://skill-{uuid.uuid4().hex}"}, monkeypatch,
                                 capsys)
    assert status == 1 and out == "" and "could not be reached" in err


def test_on_dynamodb_the_records_expire_by_ttl_and_a_code_works_once(moto_server, monkeypatch, tmp_path):
    local_aws_env(monkeypatch, dynamodb=moto_server.endpoint)
    table = f"skill-{uuid.uuid4().hex}"
    create_table(table)
    server = SkillServer(tmp_path / "unused.sqlite3", store=DynamoDBStore(table))
    code = spoken_code(server.speaker(user_id=CLIENT_USER).intent(ASK, new_session=True))
    import boto3

    raw = boto3.client("dynamodb")
    items = scan(raw, table)
    assert len(items) == 2
    for item in items:
        assert set(item) == {"pk", "v", "ttl", "d"}
        assert abs(int(item["ttl"]["N"]) - (time.time() + 30 * 60)) < 60  # DynamoDB's TTL removes them
        assert set(json.loads(item["d"]["S"])) <= {"account", "code"}
    assert code not in json.dumps(items) and "ACLIENTACCOUNT" not in json.dumps(items)

    env = {"SKILL_STORE": f"dynamodb://{table}", **{k: os.environ[k] for k in os.environ
                                                   if k.startswith("AWS_")}}
    run = pair(code, env)
    assert run.returncode == 0, run.stderr
    assert run.stdout == account_key(CLIENT_USER) + "\n"
    assert scan(raw, table) == []
    second = pair(code, env)
    assert second.returncode == 1 and "not valid" in second.stderr and second.stdout == ""
