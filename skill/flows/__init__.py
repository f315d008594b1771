"""The exercise engine and its content schema: pure Python, no Alexa, Flask, boto3 or SQL."""
from .engine import Engine, Outcome
from .events import Context, Ev, Event, Reply
from .schema import Catalog, ContentError, Exercise, Step, load_catalog
from .state import Progress, State, reconcile

__all__ = ["Catalog", "ContentError", "Context", "Engine", "Ev", "Event", "Exercise", "Outcome", "Progress",
           "Reply", "State", "Step", "load_catalog", "reconcile"]
