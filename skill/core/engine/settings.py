"""Settings said by voice: less or more talking, only my voice, and the lengths of holds (shorter, longer,
"make it ten minutes"), whose ranges and lines the content declares (``declared.Setting``)."""
from __future__ import annotations

from ..events import Event
from . import holds
from .here import Here, Outcome
from .navigation import aside
from .text import join, spoken_minutes


def lengths(h: Here) -> list[str]:
    """The length settings a "shorter" or "longer" is about: the current exercise's (none, for an exercise
    with no timed stretch: grounding never changes a partnered exercise), else all of them."""
    exercise = h.exercise
    if exercise is None:
        return list(h.catalog.settings)
    return list(dict.fromkeys(s.hold.setting for s in exercise.steps if s.hold and s.hold.setting))


def _set(h: Here, name: str, value: object) -> None:
    h.set(settings={**h.state.settings, name: value})


def _said(h: Here, name: str, minutes: int) -> str:
    said = h.catalog.settings[name].said
    return h.words.fill(said, minutes=spoken_minutes(minutes * 60, h.catalog.language))


def on_setting(h: Here, event: Event) -> Outcome:
    """A setting by name: only my voice / any voice, less / more talking, shorter / longer."""
    words = h.words
    if event.value in ("only_my_voice", "any_voice"):
        if event.value == "only_my_voice" and not h.ctx.recognised_voice:
            return aside(h, words.render("voice_unknown"))
        _set(h, "only_my_voice", event.value == "only_my_voice")
        return aside(h, words.render(event.value))
    if event.value in ("less_talking", "more_talking"):
        _set(h, "less_talking", event.value == "less_talking")
        return aside(h, words.render(event.value))
    if event.value not in ("shorter", "longer"):
        return aside(h, words.render("fallback"))
    names = lengths(h)
    if not names:
        return aside(h, words.render("no_length_here"))
    sign = 1 if event.value == "longer" else -1
    before = holds.live_seconds(h)
    said = []
    for name in names:
        spec = h.catalog.settings[name]
        value = min(spec.high, max(spec.low, spec.clamp(h.state.settings.get(name)) + sign * spec.notch))
        _set(h, name, value)
        said.append(_said(h, name, value))
    if before is not None:
        return holds.retime(h, before, edge=True)
    return aside(h, join(*said))


def on_set_length(h: Here, event: Event) -> Outcome:
    """A length in minutes ("make it ten minutes"), for the current exercise's hold."""
    names = lengths(h)
    if not names:
        return aside(h, h.words.render("no_length_here"))
    name = names[0]
    spec = h.catalog.settings[name]
    try:
        minutes = int(event.value or "")
    except ValueError:
        minutes = -1
    if not spec.low <= minutes <= spec.high:
        return aside(h, h.words.fill(spec.range, low=h.words.number(spec.low), high=h.words.number(spec.high)))
    before = holds.live_seconds(h)
    _set(h, name, minutes)
    if before is not None:
        return holds.retime(h, before)
    return aside(h, _said(h, name, minutes))
