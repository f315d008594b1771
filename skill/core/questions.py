"""The yes/no questions the engine itself asks, as typed values (a step's own questions live in its ``on``).

A question lives in the session only: it is asked and answered within one session, never stored. Its
session form is a small dict, ``{"q": kind}`` plus ``"about"`` (an exercise id) where the question is about
one; anything else reads back as no question at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Ask(StrEnum):
    """The kinds of question the engine asks."""

    RESUME = "resume"  # "pick it up where you left off?"
    RED_GROUNDING = "red_grounding"  # after red: "would you like some grounding?"
    YELLOW_BACK = "yellow_back"  # after yellow: "go back to the step before?"
    YELLOW_REPEAT = "yellow_repeat"  # after yellow on a first step: "go through this again, more slowly?"
    RETRY_STEP = "retry_step"  # the hold audio failed: "try this step again?"
    RETURN = "return"  # grounding interrupted a partnered exercise: "go back to it gently?"
    GATE_BASE = "gate_base"  # a later stage is not offered yet: "begin the earlier one?"  (about: its id)
    READY_FIRST = "ready_first"  # "do you feel ready?", first partner  (about: the later stage's id)
    READY_SECOND = "ready_second"  # the same, second partner  (about: the later stage's id)
    DELETE = "delete"  # "do you want me to delete it?"
    HIGH_BEFORE = "high_before"  # a high rating before a partnered exercise: "would you like to go on?"
    UNSURE = "unsure"  # it may have been distress: "are you okay?" (then: the question it set aside, if any)
    REMINDER_SET = "reminder_set"  # "...every week. Shall I set it?"  (about: the schedule's value form)


ABOUT_AN_EXERCISE = frozenset({Ask.GATE_BASE, Ask.READY_FIRST, Ask.READY_SECOND})
ABOUT_SOMETHING = ABOUT_AN_EXERCISE | {Ask.REMINDER_SET}  # kinds that mean nothing without their ``about``


@dataclass(frozen=True)
class Question:
    kind: Ask
    about: str | None = None  # what the question is about (ABOUT_SOMETHING): an exercise id, or a schedule
    then: Question | None = None  # UNSURE only: the question that was waiting, asked again after "I'm okay"
    rating: int | None = None  # RED_GROUNDING only: the 0-10 number that led here, so grounding won't ask again

    def to_session(self) -> dict[str, Any]:
        """The question's session form (a small JSON-safe dict)."""
        out: dict[str, Any] = {"q": self.kind.value}
        if self.about:
            out["about"] = self.about
        if self.then is not None:
            out["then"] = self.then.to_session()
        if self.rating is not None:
            out["r"] = self.rating
        return out

    @classmethod
    def from_session(cls, raw: Any, nested: bool = False) -> Question | None:
        """The question in a session's form; None for anything else (a forged or damaged value)."""
        if not isinstance(raw, dict):
            return None
        try:
            kind = Ask(raw.get("q"))
        except ValueError:
            return None
        about = raw.get("about")
        if kind in ABOUT_SOMETHING:
            return cls(kind, about) if isinstance(about, str) else None
        if kind == Ask.UNSURE:
            # One level only: an UNSURE set aside by another UNSURE is not kept.
            then = None if nested else cls.from_session(raw.get("then"), nested=True)
            return cls(kind, then=then if then is None or then.kind != Ask.UNSURE else None)
        rating = raw.get("r")
        if kind == Ask.RED_GROUNDING and type(rating) is int and 0 <= rating <= 10:
            return cls(kind, rating=rating)
        return cls(kind)
