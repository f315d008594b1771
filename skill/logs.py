"""Logging set-up: JSON lines on stderr, the level from SKILL_LOG_LEVEL (INFO by default)."""
from __future__ import annotations

import logging
import os


def configure_logging() -> None:
    """JSON lines on stderr; the level from SKILL_LOG_LEVEL (INFO by default)."""
    level = os.environ.get("SKILL_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level if level in logging.getLevelNamesMapping() else "INFO", format="%(message)s")
