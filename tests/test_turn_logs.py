"""Turn logs: one JSON line per turn with what operations need, and nothing that identifies or quotes a person."""
from __future__ import annotations

import json
import logging

from skill.alexa.interaction_model import NEUTRAL_INTENTS
from skill.core.identity import request_digest
from tests.conftest import SECRET
from tests.support.alexa import fixture
from tests.test_grounding import WALK, speaker, step_of

USER = "amzn1.ask.account.LOGCHECKUSER7F3A9"
PERSON = "amzn1.ask.person.LOGCHECKPERSON2B8C"
DEVICE = "amzn1.ask.device.LOGCHECKDEVICE5D1E"
HEARD = "grounding please"
API_TOKEN = fixture("intent")["context"]["System"]["apiAccessToken"]
PERSON_TOKEN = "person-token"  # what tests/support/alexa.py sends as the person's accessToken


def run_session(server):
    alexa = speaker(server, user_id=USER, person_id=PERSON, device_id=DEVICE)
    turns = [alexa.launch()]
    turns.append(alexa.intent("StartExerciseIntent", {"exercise": (HEARD, "grounding")}))
    for what in ["next", "help", "repeat", "next", "yellow", "no", "fallback"]:
        turns.append(alexa.say(what))
    turns.append(alexa.intent("CheckInIntent", {"color": ("red light", "red")}))
    turns.append(alexa.intent("SomethingElseIntent", {"query": ("my secret words", None)}, new_session=True))
    turns.append(alexa.session_ended())
    assert all(t.status == 200 for t in turns)
    assert step_of(turns[1]) == ["arrive"]
    return alexa, turns


def turn_lines(caplog) -> list[dict]:
    lines = []
    for record in caplog.records:
        if record.name.startswith("skill"):
            try:
                data = json.loads(record.getMessage())
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("event") == "turn":
                lines.append(data)
    return lines


def test_logs_hold_no_utterance_ids_or_tokens(server, caplog):
    caplog.set_level(logging.INFO, logger="skill")
    alexa, _turns = run_session(server)
    text = "\n".join(r.getMessage() for r in caplog.records) + "\n" + caplog.text
    assert turn_lines(caplog), "no turn lines were logged"
    for secret in [HEARD, "my secret words", "red light", USER, PERSON, DEVICE, API_TOKEN, PERSON_TOKEN,
                   "LOGCHECK", alexa.session_id or "amzn1.echo-api.session"]:
        assert secret not in text, f"{secret!r} appears in the logs"
    # Nor Alexa's request ids, nor where the person was (the exercise and the steps walked are state).
    for secret in [json.loads(body)["request"]["requestId"] for body in alexa.sent] + ["grounding", *WALK[:2]]:
        assert secret not in text, f"{secret!r} appears in the logs"
    # Nor any speech.
    assert "I'm here with you" not in text and "<speak>" not in text


def test_each_turn_is_one_json_line_with_the_operational_fields(server, caplog):
    caplog.set_level(logging.INFO, logger="skill")
    alexa, turns = run_session(server)
    lines = turn_lines(caplog)
    sent = [json.loads(body) for body in alexa.sent]
    assert len(lines) == len(sent)
    for line, envelope in zip(lines, sent):
        # One schema for every platform (skill.core.shell.LOG_FIELDS).
        assert set(line) <= {"event", "platform", "type", "request", "intent", "kind", "latency_ms", "store", "error"}, line
        assert line["platform"] == "alexa"
        # The request is named by a keyed digest of its id, not the id and not the record's own digest of it.
        request_id = envelope["request"]["requestId"]
        assert line["request"] == request_digest(SECRET.encode(), request_id, for_log=True)
        assert line["request"] != request_digest(SECRET.encode(), request_id)
        assert line["type"] == envelope["request"]["type"]
        # The model's name for the intent; a name the model lacks is any text a request sent, so not kept.
        name = envelope["request"].get("intent", {}).get("name")
        assert line["intent"] == (name if name is None or name in NEUTRAL_INTENTS else "unknown")
        assert isinstance(line["latency_ms"], (int, float)) and 0 <= line["latency_ms"] < 60_000
        assert isinstance(line["store"]["reads"], int) and isinstance(line["store"]["writes"], int)
    assert len({line["request"] for line in lines}) == len(lines)
    by_intent = [(l["intent"] or l["type"], l) for l in lines]
    # The record is read once per session: the first turn of a session reads (with a voice profile, the
    # account's record too), the later turns of that session do not.
    assert lines[0]["store"]["reads"] >= 1 and all(l["store"]["reads"] == 0 for l in lines[1:10])
    assert lines[10]["store"]["reads"] >= 1
    # A turn that changes nothing writes nothing (help and repeat), a turn that moves writes once.
    assert by_intent[3][0] == "AMAZON.HelpIntent" and lines[3]["store"]["writes"] == 0
    assert by_intent[4][0] == "AMAZON.RepeatIntent" and lines[4]["store"]["writes"] == 0
    assert lines[5]["store"]["writes"] == 1
