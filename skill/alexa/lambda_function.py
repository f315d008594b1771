"""AWS Lambda entry point: the same skill as the web service.

The Alexa Skills Kit trigger's skill-id condition admits only this skill's requests; the handler
checks the skill id again, since the signature checks of the web form do not apply here.
"""
from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from ..config import Settings
from ..logs import configure_logging
from .request_shape import check_envelope
from .skill import build

log = logging.getLogger("skill.lambda")
serializer = DefaultSerializer()


@lru_cache(maxsize=1)
def _skill():
    configure_logging()
    settings = Settings.from_env()
    return build(settings)[0], settings.skill_ids


def application_id(event: Any) -> str | None:
    try:
        return event["context"]["System"]["application"]["applicationId"]
    except (KeyError, TypeError):
        return None


def handler(event: dict, context: Any) -> dict:
    skill, skill_ids = _skill()
    if application_id(event) not in skill_ids:
        log.warning('{"event":"refused","reason":"wrong skill id"}')
        raise PermissionError("wrong skill id")  # Lambda reports an error; Alexa gets nothing to act on
    check_envelope(event)  # the same boundary as the web service: Malformed is an error for Lambda to report
    envelope = serializer.deserialize(json.dumps(event), RequestEnvelope)
    # The raw event rides along as the context: the SDK's model drops some fields (a skill event's body).
    return serializer.serialize(skill.invoke(request_envelope=envelope, context=event))
