"""The baselines: the least an ask-sdk-core skill can do — one sentence for a launch, one for any intent.

``baseline`` (the one issue 10's target is measured against): no store, no engine, no SSML building: what is
left is the SDK's own dispatch and (de)serialisation, served by the smallest Flask app around it
(``create_baseline_app``) with the same request verification and the same waitress settings as the skill. The
skill's own web layer (skill/alexa/web.py) is not shared: how it parses and checks a request is part of what
the benchmark measures.

``baseline-sqlite`` (for reference): the same skill keeping state the way the SDK offers, persistent
attributes through a persistence adapter, here on one SQLite file with the skill's durability settings. It
makes the store calls the skill makes in the benchmark's session: a read at launch, carried in the session,
and one write on each turn that the skill writes on.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder, SkillBuilder
from ask_sdk_core.utils import get_intent_name, get_user_id, is_request_type

SENTENCE = "Hello from the baseline. Say something and I will answer."


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak(SENTENCE).ask(SENTENCE).response


class AnyIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak(SENTENCE).ask(SENTENCE).response


class SessionEndedHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.response


# The intents the skill writes on in the benchmark's session (bench/person.py; its turn log says so).
WRITING_INTENTS = frozenset({"StartExerciseIntent", "AMAZON.NextIntent", "CheckInIntent"})


def _user(request_envelope) -> str:
    return request_envelope.context.system.user.user_id


class SqliteAttributes(AbstractPersistenceAdapter):
    """Persistent attributes as one JSON text per user in a SQLite file: WAL, synchronous=NORMAL and
    autocommit as the skill's store; one connection per request thread."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        setup = sqlite3.connect(path, isolation_level=None)
        setup.execute("PRAGMA journal_mode=WAL")  # once, before any request thread opens the file
        setup.execute("CREATE TABLE IF NOT EXISTS attributes (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
        setup.close()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=2.0, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def get_attributes(self, request_envelope):
        row = self._conn().execute("SELECT data FROM attributes WHERE id = ?", (_user(request_envelope),)).fetchone()
        return json.loads(row[0]) if row else {}

    def save_attributes(self, request_envelope, attributes):
        self._conn().execute("INSERT INTO attributes (id, data) VALUES (?, ?) "
                             "ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                             (_user(request_envelope), json.dumps(attributes)))

    def delete_attributes(self, request_envelope):
        self._conn().execute("DELETE FROM attributes WHERE id = ?", (_user(request_envelope),))


class KeepingLaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        manager = handler_input.attributes_manager
        manager.session_attributes = dict(manager.persistent_attributes)  # the one read of a session
        return handler_input.response_builder.speak(SENTENCE).ask(SENTENCE).response


class KeepingIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input):
        if get_intent_name(handler_input) in WRITING_INTENTS and get_user_id(handler_input):
            manager = handler_input.attributes_manager
            state = manager.session_attributes
            state["turns"] = int(state.get("turns", 0)) + 1
            manager.persistent_attributes = state  # no read: the session carries what launch read
            manager.save_persistent_attributes()
        return handler_input.response_builder.speak(SENTENCE).ask(SENTENCE).response


def build_baseline(state: Path | None = None) -> CustomSkill:
    """The bare skill; with ``state``, the one that keeps state in that SQLite file (``baseline-sqlite``)."""
    if state is None:
        builder, handlers = SkillBuilder(), [LaunchHandler(), AnyIntentHandler()]
    else:
        builder = CustomSkillBuilder(persistence_adapter=SqliteAttributes(state))
        handlers = [KeepingLaunchHandler(), KeepingIntentHandler()]
    for handler in [*handlers, SessionEndedHandler()]:
        builder.add_request_handler(handler)
    return builder.create()


def create_baseline_app(verifier, skill: CustomSkill | None = None):
    """The bare skill's web service, as ask-sdk-core alone gives it: the same request verification as the
    skill (ask-sdk-webservice-support cannot be imported here, docs/platform-alexa.md), then the SDK's own
    ``DefaultSerializer`` to parse the body and write the response, and ``CustomSkill.invoke`` between.
    ``skill``: the skill to serve (default: ``build_baseline()``)."""
    import json

    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope
    from flask import Flask, Response, request

    from skill.alexa.verify import VerificationError

    app = Flask(__name__)
    skill, serializer = skill or build_baseline(), DefaultSerializer()

    @app.post("/alexa")
    def alexa() -> Response:
        body = request.get_data()
        try:
            verifier.verify(request.headers, body)
        except VerificationError as exc:
            return Response(json.dumps({"error": exc.reason}), status=400, mimetype="application/json")
        envelope = serializer.deserialize(body.decode("utf-8"), RequestEnvelope)
        response = serializer.serialize(skill.invoke(request_envelope=envelope, context=None))
        return Response(json.dumps(response), mimetype="application/json")

    @app.get("/healthz")
    def healthz() -> Response:
        return Response('{"status": "ok"}', mimetype="application/json")

    return app
