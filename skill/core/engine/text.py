"""Text assembly: phrases and step wordings filled for one turn's context (``Words``), and the small helpers
of spoken form (``join``, ``spoken_minutes``, ``part_of_day``). Every placeholder is filled here, through
``render.fill``, from the values the registry (``skill/core/render.py``) names."""
from __future__ import annotations

from typing import Any

from ..content import Catalog, Exercise, Step
from ..events import Context
from ..questions import Question
from ..render import fill
from ..spoken import any_of, cardinal, spoken_minutes, weekday
from ..state import State


def join(*parts: str | None) -> str:
    """Markup parts joined with a one-second pause; empty parts are skipped."""
    return " [pause 1] ".join(p for p in parts if p)


def part_of_day(hour: int) -> str:
    """The key of ``[today]`` in the phrases for a local hour (0-23)."""
    for limit, name in ((5, "early_hours"), (12, "morning"), (17, "afternoon"), (21, "evening")):
        if hour < limit:
            return name
    return "night"


class Words:
    """The catalog's words as said in one context (locale, local time, wake word, record days), in the catalog's
    language (numbers and days too: skill.core.spoken)."""

    def __init__(self, catalog: Catalog, ctx: Context):
        self.catalog, self.phrases, self.ctx = catalog, catalog.phrases, ctx
        self.language = catalog.language

    def _context_values(self) -> dict[str, Any]:
        ctx, phrases = self.ctx, self.phrases
        return {"wake": ctx.wake_word, "days": cardinal(ctx.record_days, self.language, "day"),
                "exercises": self._exercise_list, "today": self._today,
                "crisis_line": lambda: phrases.crisis_line(ctx.locale, ctx.time_zone)}

    def number(self, n: int) -> str:
        """A number of minutes as said in this language ("5"; "cinco")."""
        return cardinal(n, self.language)

    def fill(self, text: str, **values: Any) -> str:
        """``text`` (markup) with its placeholders filled: the context's values, then ``values``."""
        return fill(text, {**self._context_values(), **values})

    def render(self, key: str, **values: Any) -> str:
        """The phrase ``key`` of [phrases], filled (``values``: e.g. minutes="5 minutes", exercise=title)."""
        return self.fill(self.phrases[key], **values)

    def reask(self, question: Question) -> str:
        """``question`` asked again, in fewer words ([reask])."""
        return self.fill(self.phrases.reask[question.kind.value])

    def minutes(self, key: str, seconds: float) -> str:
        """The phrase ``key``, with a length of ``seconds`` spoken as {minutes}."""
        return self.render(key, minutes=spoken_minutes(seconds, self.language))

    def _exercise_list(self) -> str:
        # A stage offered only after another (a gate) is not in the menu; asking for it by name explains why.
        return any_of([e.title for e in self.catalog.exercises.values() if not e.gate], self.language)

    def _today(self) -> str:
        now = self.ctx.local_time()
        assert now is not None  # a step names {today} only in wordings chosen when the time is known
        return fill(self.phrases.today[part_of_day(now.hour)], {"weekday": weekday(now, self.language)})

    def step_text(self, state: State, exercise: Exercise, step: Step) -> str:
        """What ``step`` says: its gentle, brief or full wording (with the no-clock form when the local time
        is unknown), its exercise's alternates by how often it was finished, and the check-in question."""
        p = state.progress
        if p and p.gentle and step.gentle:
            variant = "gentle"
        elif state.settings.get("less_talking", self.catalog.less_talking) and step.brief and not (p and p.full):
            variant = "brief"
        else:
            variant = "say"
        text = getattr(step, variant)
        if "{today}" in text and self.ctx.local_time() is None:
            text = step.without_clock(variant) or text  # the loader guarantees a no-clock form
        finished = state.completed.get(exercise.id, 0)
        turns = {name: self.fill(variants[finished % len(variants)])
                 for name, variants in exercise.alternates.items() if "{" + name + "}" in text}
        if step.checkin:
            text = join(text, self.phrases["checkin_question"])
        return self.fill(text, **turns)

    def step_reprompt(self, step: Step) -> str:
        """What is said after a silence at ``step``."""
        if step.hold:  # what to say after a hold depends on whether the device plays it
            return self.render("hold_reprompt_audio" if self.ctx.audio_player else "hold_reprompt_no_audio")
        if step.reprompt:
            return self.fill(step.reprompt)
        return self.render("checkin_question" if step.checkin else "default_reprompt")
