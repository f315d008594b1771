"""The turn core: everything a turn needs that is not a platform. Pure Python.

content (the exercise files, validated) -> engine ((state, event, context) -> (state, reply)) -> turn runner
(load once per session, merge, save once, forget). Adapters (skill.alexa, skill.openvoiceos, skill.console,
skill.studio) translate their platform's requests into events and render replies; they hold no exercise or
state logic. Nothing here imports ask-sdk, Flask, boto3, sqlite3 or OVOS (tests/test_layers.py).
"""
from .content import Catalog, ContentError, Exercise, Step, load_catalog
from .engine import Engine, Outcome
from .events import Context, Ev, Event, HoldPlay, HoldPosition, Reply, Screen
from .identity import Identity, identity_for
from .questions import Ask, Question
from .state import Progress, State
from .turn import TurnRequest, TurnResult, TurnRunner

__all__ = ["Ask", "Catalog", "ContentError", "Context", "Engine", "Ev", "Event", "Exercise", "HoldPlay",
           "HoldPosition", "Identity", "Outcome", "Progress", "Question", "Reply", "Screen", "State", "Step",
           "TurnRequest", "TurnResult", "TurnRunner", "identity_for", "load_catalog"]
