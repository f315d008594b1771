"""The voice adapter: ask-sdk-core handlers, thin, one module per concern."""
from __future__ import annotations

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder

from . import ending, fallback, launch, playback, privacy, spoken
from .persistence import LoadState, SaveState
from .services import Services

# Order matters only for the catch-alls in ``fallback``, which come last. Every spoken intent the
# catalogue names is answered by ``spoken``; the others here answer request types.
MODULES = (launch, spoken, playback, privacy, ending, fallback)


def build_skill(services: Services) -> CustomSkill:
    builder = SkillBuilder()
    for module in MODULES:
        for handler in module.handlers(services):
            builder.add_request_handler(handler)
    builder.add_global_request_interceptor(LoadState(services))
    builder.add_global_response_interceptor(SaveState(services))
    builder.add_exception_handler(fallback.CalmErrorHandler())
    return builder.create()


__all__ = ["Services", "build_skill"]
