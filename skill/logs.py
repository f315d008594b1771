"""Log lines: one JSON object per line, at every level, from every logger, with nothing about a person.

Our own loggers (``skill.*``) log JSON objects, which become the line. Libraries' messages are kept only
as their template (``record.msg``): the arguments are where a library puts data, and botocore at DEBUG
puts whole stored items there. The AWS libraries are held at WARNING whatever the level, since their
DEBUG output is request and response bodies. A traceback is reduced to the exception's type.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from typing import TextIO

# Libraries whose DEBUG and INFO lines carry request or response bodies (stored state, tokens).
QUIET_LIBRARIES = ("botocore", "boto3", "s3transfer", "urllib3", "moto")
OWN_PREFIX = "skill"


class JsonFormatter(logging.Formatter):
    """Formats a LogRecord as one JSON line: level, logger, then our fields or a library's template."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {"level": record.levelname.lower(), "logger": record.name}
        if isinstance(record.msg, dict):  # structured (skill.core.shell.LogLine): no text round trip
            line.update({k: v for k, v in record.msg.items() if k not in ("level", "logger")})
        elif record.name == OWN_PREFIX or record.name.startswith(OWN_PREFIX + "."):
            message = record.getMessage()
            try:
                data = json.loads(message)
            except ValueError:
                data = None
            if isinstance(data, dict):
                line.update({k: v for k, v in data.items() if k not in ("level", "logger")})
            else:
                line["message"] = message
        else:
            line["message"] = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__
        return json.dumps(line, separators=(",", ":"), default=lambda v: type(v).__name__)


def level_from_env() -> str:
    level = os.environ.get("SKILL_LOG_LEVEL", "INFO").upper()
    return level if level in logging.getLevelNamesMapping() else "INFO"


def configure_logging(stream: TextIO | None = None, level: str | None = None) -> None:
    """JSON lines on ``stream`` (stderr by default), at ``level`` (SKILL_LOG_LEVEL, INFO by default).

    Replaces any handlers on the root logger, so that no line escapes in another format; Python
    warnings become log records too. Lines are written by the thread that logs them: a writer thread of
    their own cost a fifth more CPU per turn under load (bench, 2026-11-30), in hand-overs between threads.
    """
    # No LogRecord field that the JSON line leaves out is worth its cost per line: the caller's frame (a
    # stack walk), thread and process names (the Logging HOWTO, "Optimization").
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level or level_from_env())
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    logging.captureWarnings(True)


def silence_logging() -> None:
    """No log output at all (the text console: log lines would land between its answers)."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(logging.NullHandler())
    root.setLevel(logging.CRITICAL + 1)
    logging.captureWarnings(True)
