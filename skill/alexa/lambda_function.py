"""AWS Lambda entry point: the same skill as the web service.

The Alexa Skills Kit trigger's skill-id condition admits only this skill's requests; the handler
checks the skill id again, since the signature checks of the web form do not apply here.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from ..config import Settings
from ..logs import configure_logging
from .skill import build

log = logging.getLogger("skill.lambda")


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
    """The response JSON to an Alexa event (as Lambda parsed it). Raises PermissionError for another skill's
    event and request_shape.Malformed for a bad envelope: errors for Lambda to report."""
    skill, skill_ids = _skill()
    if application_id(event) not in skill_ids:
        log.warning('{"event":"refused","reason":"wrong skill id"}')
        raise PermissionError("wrong skill id")  # Lambda reports an error; Alexa gets nothing to act on
    return skill.invoke(event)  # the same path as the web service, from the event as Lambda parsed it
