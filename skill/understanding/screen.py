"""The safety screen: every text is read for being unsafe with a partner, risk to life, distress and stop before
anything else, and for a red check-in (a colour that could be red is red). A stop word whose object is something
else the skill keeps, and nothing more ("stop the reminders"), is no stop (the language's ``[not_a_stop]``); the
more serious kinds are read first, so "stop the reminders, I'm scared" is still distress.

Tuned for recall (docs/understanding.md): the rules are word lists and patterns in the language file, not
samples, so that people's own words are caught. Where the text is only possibly distress ("it hurts", "I feel
off"), the kind is ``unsure``: the skill asks one short question that names the way out and where help is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .language import Language

CAUTION_ORDER = ("green", "yellow", "red")  # the more cautious colour wins


@dataclass(frozen=True)
class Screened:
    """What the screen found: ``kind`` one of unsafe, at_risk, distress, stop, red, unsure."""

    kind: str


def colors_said(lang: Language, text: str) -> list[str]:
    """The check-in colours said in ``text`` (canonical form), in order, each as a colour rather than a thing:
    "i'm green but he's yellow" -> [green, yellow]; "the red blanket" -> [] ("red" names a thing there)."""
    found: list[tuple[int, str]] = []
    for color, names in lang.colors.items():
        for name in names:
            for m in re.finditer(rf"(?<![\w']){re.escape(name)}(?![\w'])", text):
                if _as_a_color(lang, text, m.start(), m.end()):
                    found.append((m.start(), color))
    return [c for _, c in sorted(found)]


def _as_a_color(lang: Language, text: str, start: int, end: int) -> bool:
    """A colour word is a check-in when it is said as one: alone, after a word that states it ("at red", "we're
    both red", "still red"), or followed by a word that follows a colour ("red now", "red but"); not "the red
    blanket". Said last in a sentence, it is a check-in where the language lists "" in ``colour_after``
    (English: "I think red"); French puts a colour after its noun ("un verre de vin rouge"), so there the word
    before must state it."""
    before = text[:start].split()[-1:]
    rest = text[end:].split()
    if not before and not rest:
        return True
    if before and before[0] in lang.color_before:
        return True
    for length in (3, 2, 1):
        if " ".join(rest[:length]) in lang.color_after and len(rest) >= length:
            return True
    return not rest and "" in lang.color_after


def most_cautious(colors: list[str]) -> str | None:
    """The most cautious of the colours said (red over yellow over green), or None."""
    return max(colors, key=CAUTION_ORDER.index) if colors else None


def screen(lang: Language, text: str) -> Screened | None:
    """The most serious thing the text says, from the language's rules: ``text`` is canonical (Language.canon).
    None when it says nothing the screen looks for."""
    if lang.harmless is not None:
        text = " ".join(lang.harmless.sub(" ", text).split())
    unsure = elsewhere = False
    for rule in lang.rules:
        for m in rule.pattern.finditer(text):
            if rule.negatable and lang.negated(text, m.start(), m.end()):
                continue
            if rule.kind == "stop" and lang.stops_elsewhere(text, m.end()):
                elsewhere = True  # "stop the reminders": a stop of the reminders, not of what is under way
                continue
            if rule.kind == "unsure":
                unsure = True
                break
            return Screened(rule.kind)
        if unsure:
            break
    if "red" in colors_said(lang, text):
        return Screened("red")
    if elsewhere and any(re.search(rf"(?<![\w']){re.escape(name)}(?![\w'])", text) for name in lang.colors["red"]):
        return Screened("red")  # "red, stop the reminders": beside a stop set aside, any red counts
    return Screened("unsure") if unsure else None
