"""Every log line, at every level, is a JSON object with nothing about a person (issue 13).

A real `python -m skill serve` at SKILL_LOG_LEVEL=DEBUG on the DynamoDB store (moto_server on loopback),
where botocore's DEBUG output would carry whole stored items; a session with ids, words and a rating
that must not appear; then every line the process wrote is read back.
"""
from __future__ import annotations

import json
import logging
import uuid

from skill.core.identity import person_key, request_digest
from skill.logs import JsonFormatter
from tests.support.alexa import Speaker
from tests.support.dynamo_server import moto_server  # noqa: F401  (fixture)
from tests.support.serve import HttpClient, running
from tests.test_grounding import WALK

USER = "amzn1.ask.account.LOGLINEUSER9Q8W7"
PERSON = "amzn1.ask.person.LOGLINEPERSON4R5T"
DEVICE = "amzn1.ask.device.LOGLINEDEVICE1Z2X"
HEARD = "grounding right now please"
SECRET_WORDS = "my private words"
MADE_UP_INTENT = "TellThemMyPrivateWordsIntent"  # an intent name the model lacks: any text at all
HASH_SECRET = "log-lines-hash-secret-0123456789"


def test_every_line_at_debug_is_json_and_names_nobody(tmp_path, moto_server, monkeypatch):  # noqa: F811
    from skill.store.dynamodb import create_table
    from tests.support.dynamo_server import local_aws_env

    local_aws_env(monkeypatch, dynamodb=moto_server.endpoint)
    table = f"loglines-{uuid.uuid4().hex[:8]}"
    create_table(table)
    aws = {k: v for k, v in __import__("os").environ.items() if k.startswith("AWS_")}
    with running(tmp_path, SKILL_LOG_LEVEL="DEBUG", SKILL_STORE=f"dynamodb://{table}",
                 SKILL_HASH_SECRET=HASH_SECRET, **aws) as (port, proc):
        sp = Speaker(HttpClient(port), user_id=USER, person_id=PERSON, device_id=DEVICE,
                     api_endpoint="http://127.0.0.1:9")
        turns = [sp.launch(), sp.intent("StartExerciseIntent", {"exercise": (HEARD, "grounding")}),
                 sp.say("next"), sp.intent("AMAZON.FallbackIntent"), sp.intent(MADE_UP_INTENT),
                 sp.intent("CheckInIntent", {"color": ("red light", "red")}),
                 sp.intent("SomethingElseIntent", {"query": (SECRET_WORDS, None)}, new_session=True)]
        assert [t.status for t in turns] == [200] * len(turns)
        assert turns[1].speech
    # Stopped as a service manager stops it (SIGTERM): a clean exit, with every turn's line written.
    assert proc.returncode == 0
    lines = (tmp_path / "serve.log").read_text().splitlines()
    assert sum(json.loads(line).get("event") == "turn" for line in lines) == len(turns)
    sent = [json.loads(body) for body in sp.sent]
    request_ids = [envelope["request"]["requestId"] for envelope in sent]
    session_ids = {envelope["session"]["sessionId"] for envelope in sent}
    key = HASH_SECRET.encode()
    spoken = [t.speech for t in turns if t.speech]
    # Distinctive values: not anywhere in a line. The record's own digests of the request ids neither.
    secrets = [USER, PERSON, DEVICE, HEARD, SECRET_WORDS, "red light", MADE_UP_INTENT, "amzn1.", "<speak>",
               person_key(key, USER), person_key(key, USER, PERSON), *request_ids, *session_ids,
               *(request_digest(key, rid) for rid in request_ids)]
    # State values and slot ids, short words that may be part of longer ones ("red" in "stored"): not as a value.
    values = ["grounding", "red", *WALK[:2]]
    turn_lines = []
    for line in lines:
        data = json.loads(line)  # every line, whoever wrote it
        assert isinstance(data, dict) and data.get("level") and data.get("logger"), line
        for secret in filter(None, secrets):
            assert secret not in line, (secret, line)
        for value in values:
            assert json.dumps(value) not in line, (value, line)
        for said in spoken:
            assert said[:40] not in line, line
        if data.get("event") == "turn":
            turn_lines.append(data)
    levels = {json.loads(line)["level"] for line in lines}
    assert "info" in levels
    # One line per request, named by the log digest of its id: lines of one request can still be found.
    assert [line["request"] for line in turn_lines] == [request_digest(key, rid, for_log=True) for rid in request_ids]
    assert [line["intent"] for line in turn_lines][3:5] == ["AMAZON.FallbackIntent", "unknown"]


def test_library_arguments_and_tracebacks_stay_out_of_the_line():
    formatter = JsonFormatter()
    record = logging.LogRecord("botocore.parsers", logging.DEBUG, __file__, 1, "Response body:\n%s",
                               ({"pk": "secret-key", "d": "state"},), None)
    assert json.loads(formatter.format(record)) == {"level": "debug", "logger": "botocore.parsers",
                                                    "message": "Response body:\n%s"}
    try:
        raise KeyError("amzn1.ask.account.SECRET")
    except KeyError:
        import sys
        record = logging.LogRecord("waitress", logging.ERROR, __file__, 1, "Exception while serving %s",
                                   ("/alexa",), sys.exc_info())
    line = formatter.format(record)
    assert json.loads(line)["exception"] == "KeyError" and "SECRET" not in line and "Traceback" not in line
