"""An exercise's flow as a Graphviz graph (DOT text); the page lays it out with Graphviz (viz.js).

One node per step (class ``step``, id ``step-<id>``), one edge per answer that leads elsewhere (answers that
lead to the same step share an edge and its label). Repeat, help and the check-in colours work at every step,
so the page shows them once, in a legend, instead of as edges here.
"""
from __future__ import annotations

from typing import Any

from .durations import END


def hold_label(hold: Any, settings: dict[str, Any]) -> str | None:
    """A hold's length for people: "hold 60 s", "hold 2 min", "hold 5-30 min (15)"; None without a hold."""
    if hold is None:
        return None
    if hold.setting:
        spec = settings[hold.setting]
        return f"hold {spec.low}\u2013{spec.high} min ({spec.default})"
    seconds = hold.seconds
    return f"hold {seconds // 60} min" if seconds % 60 == 0 and seconds >= 120 else f"hold {seconds} s"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def edges(exercise: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    """(from step, to step or END, answers) for every answer that leads elsewhere, in step order."""
    ids = [s.id for s in exercise.steps]
    out: dict[tuple[str, str], list[str]] = {}
    for i, step in enumerate(exercise.steps):
        for answer, target in step.on.items():
            if answer == "repeat" or target == "repeat":
                continue
            if target == "next":
                target = ids[i + 1] if i + 1 < len(ids) else END
            elif target == "back":
                if i == 0:
                    continue  # "back" at the first step stays there
                target = ids[i - 1]
            elif target == "end":
                target = END
            if target == step.id:
                continue
            out.setdefault((step.id, target), []).append(answer)
    return [(a, b, tuple(answers)) for (a, b), answers in out.items()]


def dot(exercise: Any, settings: dict[str, Any]) -> str:
    """The DOT source of ``exercise``'s flow. ``settings``: the hold length settings (name -> low/high/default)."""
    lines = ["digraph flow {",
             '  graph [rankdir=TB, nodesep=0.35, ranksep=0.45, fontname="sans-serif", bgcolor="transparent"];',
             '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#44546a", '
             'fontname="sans-serif", fontsize=12];',
             '  edge [fontname="sans-serif", fontsize=10, color="#44546a", fontcolor="#333333"];']
    for n, step in enumerate(exercise.steps):
        label = [step.title or step.id]
        hold = hold_label(step.hold, settings)
        if hold:
            label.append(hold)
        if step.checkin:
            label.append("check-in: green / yellow / red")
        if step.rating:
            label.append(f"0\u201310 rating ({step.rating})")
        attrs = {"id": f"step-{step.id}", "class": "step" + (" checkin" if step.checkin else "")
                 + (" end" if step.end else "") + (" hold" if step.hold else ""),
                 "label": "\n".join(label), "tooltip": step.title or step.id}
        if step.checkin:
            attrs["fillcolor"] = "#fff4d6"
        if step.hold:
            attrs["fillcolor"] = "#e4eefb"
        if step.end:
            attrs["peripheries"] = "2"
        if n == 0:
            attrs["penwidth"] = "2"
        lines.append(f"  {_quote(step.id)} [" + ", ".join(f"{k}={_quote(v)}" for k, v in attrs.items()) + "];")
    used_end = False
    for source, target, answers in edges(exercise):
        attrs = {"label": " / ".join(answers), "class": "answer", "tooltip": " / ".join(answers)}
        if answers == ("back",):
            # Dashed and unlabelled (the legend says what dashed means): a label on every step's way back
            # crowds the labels of the way forward.
            attrs.update(label="", style="dashed", color="#8a94a6", constraint="false")
        if target == END:
            used_end = True
        lines.append(f"  {_quote(source)} -> {_quote(target)} ["
                     + ", ".join(f"{k}={_quote(v)}" for k, v in attrs.items()) + "];")
    if used_end:
        lines.append(f'  {_quote(END)} [shape=oval, class="terminal", label="exercise ends", fillcolor="#eeeeee"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
