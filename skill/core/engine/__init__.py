"""The exercise engine, by concern: ``machine`` (Engine.handle: the rules for every mode, then the table),
``modes`` (the modes and the (mode, event) table), ``handlers`` and ``safety`` (what each entry does),
``answers`` (the engine's own questions), ``navigation`` (steps), ``holds`` (quiet stretches, and the one
writer of a hold's position), ``settings`` (said by voice), ``text`` (words for a context), ``here`` (one
turn, Outcome)."""
from .here import Outcome
from .machine import Engine
from .text import join, part_of_day, spoken_minutes

__all__ = ["Engine", "Outcome", "join", "part_of_day", "spoken_minutes"]
