"""The baseline: the least an ask-sdk-core skill can do — one sentence for a launch, one for any intent.

No store, no engine, no SSML building: what is left is the SDK's own dispatch and (de)serialisation, served
by the smallest Flask app around it (``create_baseline_app``) with the same request verification and the
same waitress settings as the skill. The skill's own web layer (skill/alexa/web.py) is not shared: how it
parses and checks a request is part of what the benchmark measures.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type

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


def build_baseline() -> CustomSkill:
    builder = SkillBuilder()
    builder.add_request_handler(LaunchHandler())
    builder.add_request_handler(AnyIntentHandler())
    builder.add_request_handler(SessionEndedHandler())
    return builder.create()


def create_baseline_app(verifier):
    """The bare skill's web service, as ask-sdk-core alone gives it: the same request verification as the
    skill (ask-sdk-webservice-support cannot be imported here, docs/platform-alexa.md), then the SDK's own
    ``DefaultSerializer`` to parse the body and write the response, and ``CustomSkill.invoke`` between."""
    import json

    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope
    from flask import Flask, Response, request

    from skill.alexa.verify import VerificationError

    app = Flask(__name__)
    skill, serializer = build_baseline(), DefaultSerializer()

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
