"""The baseline: the least an ask-sdk-core skill can do — one sentence for a launch, one for any intent.

No store, no engine, no SSML building: what is left is the SDK's own dispatch and (de)serialisation,
which every turn of the real skill pays too. It is served by ``skill.web.create_app``, so the web
layer and the request verification are the same code as the skill's.
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
