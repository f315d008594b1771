"""Every line of a step as it will be heard: each wording, with pauses in seconds and placeholders filled
with examples, as segments the page shows and speaks.

A segment is {"text": str}, {"example": str, "name": placeholder} or {"pause": seconds}.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from . import sources
from .durations import BASE_WPM

PLACEHOLDER = re.compile(r"\{(\w+)\}")
EXAMPLE_WEEKDAY, EXAMPLE_HOUR, EXAMPLE_LOCALE = "Tuesday", 15, "en-US"
EXAMPLE_DAY = date(2026, 12, 1)  # a Tuesday: the example weekday named in another language
ENGLISH = "en"

# (field, label for people). The order is the order the page shows them in.
VARIANTS = (
    ("say", "Said"),
    ("gentle", "Gentle (after yellow)"),
    ("brief", "Brief (less talking)"),
    ("say_without_clock", "When the local time is unknown"),
    ("gentle_without_clock", "Gentle, when the local time is unknown"),
    ("brief_without_clock", "Brief, when the local time is unknown"),
    ("no_audio", "On a device without long audio"),
    ("reprompt", "Reprompt (after silence)"),
    ("reprompt_no_audio", "Reprompt, on a device without long audio"),
    ("help", "Help"),
)


def examples(phrases: Any, hold_seconds: int | None = None, language: str = ENGLISH,
             locale: str = EXAMPLE_LOCALE) -> dict[str, str]:
    """Example values for each placeholder the content may use, in ``language`` (the phrases' own): a Tuesday
    afternoon, the crisis line of ``locale``'s country, the hold's length in that language's words."""
    day = EXAMPLE_WEEKDAY if language == ENGLISH else sources.weekday(EXAMPLE_DAY, language)
    today = phrases.today[sources.part_of_day(EXAMPLE_HOUR)].replace("{weekday}", day)
    out = {"today": today, "crisis_line": phrases.crisis_line(locale), "wake": "Alexa"}
    if hold_seconds is not None:
        out["minutes"] = sources.spoken_minutes(hold_seconds, language)
    return out


def _silence(m: re.Match, pace: Any) -> str:
    """A written silence as the studio's plain line shows it, at ``pace``: "(7.5 s)", "(breath 5 s)"."""
    seconds = float(m.group(2))
    if m.group(1) == "breath":
        return f"(breath {seconds:g} s)"
    return f"({round(seconds * pace.pause_factor, 2):g} s)"


def segments(markup: str, fills: dict[str, str], pause_factor: float = 1.0) -> list[dict[str, Any]]:
    """Markup as segments: text, filled examples, rests in seconds (times ``pause_factor``) and paced breaths in
    seconds as written (``"breath": True``; no pace stretches a breath)."""
    out: list[dict[str, Any]] = []
    parts = sources.SILENCE.split(" ".join(markup.split()))
    for i in range(0, len(parts), 3):
        chunk = parts[i]
        if i:
            kind, seconds = parts[i - 2], float(parts[i - 1])
            if kind == "breath":
                out.append({"pause": round(seconds, 2), "breath": True})
            else:
                out.append({"pause": round(seconds * pause_factor, 2)})
        for j, part in enumerate(PLACEHOLDER.split(chunk)):
            if j % 2:
                out.append({"example": fills.get(part, "{" + part + "}"), "name": part})
            elif part.strip():
                out.append({"text": part.strip()})
    return out


def fill(markup: str, fills: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: fills.get(m.group(1), m.group(0)), markup)


def hold_default_seconds(step: Any) -> int | None:
    if step.hold is None:
        return None
    return step.hold.spec.default * 60 if step.hold.spec else step.hold.seconds


def spoken_markup(step: Any, phrases: Any) -> dict[str, str]:
    """Each wording of ``step`` as markup, composed as the engine speaks it: a check-in step ends with the
    check-in question; a hold step ends with the sentence about its sound and chime (where the device plays
    them), or, on a device without long audio, with how long the quiet lasts, and its reprompt is the hold's;
    help ends with the crisis line and the reprompt."""
    def heard(text: str | None, hold_phrase: str = "hold_with_audio") -> str | None:
        if text is None:
            return None
        text = sources.join(text, phrases["checkin_question"]) if step.checkin else text
        return sources.join(text, phrases[hold_phrase]) if step.hold is not None else text

    out = {"say": heard(step.say), "gentle": heard(step.gentle), "brief": heard(step.brief),
           "say_without_clock": heard(step.say_without_clock),
           "gentle_without_clock": heard(step.gentle_without_clock),
           "brief_without_clock": heard(step.brief_without_clock)}
    if step.hold is not None:  # a device without long audio says how long; after a hold, what to say next
        out["no_audio"] = heard(step.say, "hold_no_audio")
        out["reprompt"], out["reprompt_no_audio"] = phrases["hold_reprompt_audio"], phrases["hold_reprompt_no_audio"]
    elif not step.end:
        out["reprompt"] = step.reprompt or (phrases["checkin_question"] if step.checkin
                                            else phrases["default_reprompt"])
    if not step.end:  # help is followed by the crisis line and the step's reprompt, as the engine says it
        out["help"] = sources.join(step.help or phrases["help_general"], "{crisis_line}", out["reprompt"])
    return {k: v for k, v in out.items() if v}


def step_lines(step: Any, phrases: Any, pacing: dict[str, Any], exercise_titles: str, language: str = ENGLISH,
               locale: str = EXAMPLE_LOCALE) -> list[dict[str, Any]]:
    """The wordings of ``step`` for the page: [{variant, label, gentle, rate, segments, seconds, plain}].
    Gentle wordings are timed and paused at the gentle pace, the others at the normal one; ``rate`` is the
    pace's speed in percent; ``seconds`` is how long it takes to say; ``plain`` has the examples filled in.
    ``phrases`` and ``language`` are those of the step's words (examples for ``locale``); labels are English."""
    fills = examples(phrases, hold_default_seconds(step), language, locale)
    fills["exercises"] = exercise_titles
    out = []
    for variant, label in VARIANTS:
        markup = spoken_markup(step, phrases).get(variant)
        if markup is None:
            continue
        gentle = variant.startswith("gentle")
        pace = pacing["gentle" if gentle else "normal"]
        filled = fill(markup, fills)
        out.append({"variant": variant, "label": label, "gentle": gentle, "rate": round(pace.rate * 100),
                    "segments": segments(markup, fills, pace.pause_factor),
                    "seconds": round(sources.spoken_seconds(filled, pace, BASE_WPM), 1),
                    "plain": " ".join(sources.SILENCE.sub(lambda m: _silence(m, pace), filled).split())})
    return out


def say_seconds(step: Any, phrases: Any, pacing: dict[str, Any]) -> float:
    """Seconds to say a step's normal wording (the check-in question included), at the normal pace."""
    markup = fill(spoken_markup(step, phrases)["say"], examples(phrases))
    return sources.spoken_seconds(markup, pacing["normal"], BASE_WPM)
