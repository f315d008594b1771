"""Data rights by voice ("delete my data", "what do you keep about me?") and the SkillDisabled event."""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from ..store import StoreError
from .persistence import forget_account, keys_for

log = logging.getLogger("skill.turn")


class SkillDisabled(AbstractRequestHandler):
    """Disabling the skill deletes what it kept, unless Alexa says the person chose to keep it."""

    def __init__(self, services):
        self.services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        raw = handler_input.context if isinstance(handler_input.context, dict) else {}
        body = (raw.get("request") or {}).get("body") if isinstance(raw.get("request"), dict) else None
        status = body.get("userInformationPersistenceStatus") if isinstance(body, dict) else None
        if status != "PERSISTED":
            _, account, _ = keys_for(handler_input, self.services)
            try:
                deleted = forget_account(self.services, account) if account else 0
                log.info('{"event":"skill_disabled","records_deleted":%d}', deleted)
            except StoreError:
                log.error('{"event":"skill_disabled","error":"store unavailable"}')
        return handler_input.response_builder.response


def handlers(services):
    return [
        SkillDisabled(services),
    ]
