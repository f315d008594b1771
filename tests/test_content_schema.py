"""Content validation: errors point at the file, the step and the field; every real exercise is a sound graph."""
from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest

from skill.flows.schema import ContentError, Exercise, load_catalog, load_exercise

GOOD = '''
id = "mini"
title = "mini"
kind = "solo"

[[steps]]
id = "one"
say = "First. [pause 2] Say next."

[[steps]]
id = "two"
say = "Second. [pause 3] Are you okay?"
on = { yes = "done", no = "one" }

[[steps]]
id = "done"
end = true
say = "This is the end."
'''

# name -> (text to replace, replacement, step named in the error, field named in the error)
BROKEN = {
    "pause-over-10s": ('"Second. [pause 3]', '"Second. [pause 12]', "two", "say"),
    "unknown-placeholder": ('"Second.', '"Second, {name}.', "two", "say"),
    "unknown-target-step": ('no = "one"', 'no = "nowhere"', "two", "on.no"),
    "missing-say": ('id = "two"\nsay = "Second. [pause 3] Are you okay?"', 'id = "two"', "two", "say"),
    "duplicate-step-id": ('id = "done"', 'id = "one"', "one", "id"),
    "ssml-tags": ('"First. [pause 2]', '"First. <break time=\'2s\'/>', "one", "say"),
    "no-end-step": ('end = true\n', "", "done", "end"),
    "unknown-answer": ('no = "one"', 'maybe = "one"', "two", "on.maybe"),
    "hold-too-short": ('id = "one"\n', 'id = "one"\nhold = { seconds = 2 }\n', "one", "hold.seconds"),
}


def write(tmp_path: Path, text: str, name: str = "mini") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_small_exercise_loads(tmp_path):
    exercise = load_exercise(write(tmp_path, GOOD))
    assert [s.id for s in exercise.steps] == ["one", "two", "done"]
    assert exercise.step("two").on["yes"] == "done"


@pytest.mark.parametrize("case", BROKEN)
def test_errors_name_file_step_and_field(tmp_path, case):
    old, new, step, field = BROKEN[case]
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ContentError) as info:
        load_exercise(path)
    message = str(info.value)
    assert "mini.toml" in message, message
    assert f"'{step}'" in message, message
    assert f"'{field}'" in message, message


def test_file_level_errors_name_the_file(tmp_path):
    for text, field in [(GOOD.replace('id = "mini"', 'id = "other"'), "id"),
                        (GOOD + "\n[[steps]\n", "(file)"),
                        (GOOD.replace('title = "mini"\n', ""), "title")]:
        with pytest.raises(ContentError) as info:
            load_exercise(write(tmp_path, text))
        assert "mini.toml" in str(info.value) and f"'{field}'" in str(info.value)


# --------------------------------------------------------------------------- the real exercises


def targets(exercise: Exercise, step_id: str) -> set[str]:
    """The steps one answer can lead to from ``step_id`` (written independently of the engine)."""
    ids = [s.id for s in exercise.steps]
    i = ids.index(step_id)
    step = exercise.steps[i]
    out = set()
    for target in step.on.values():
        if target == "next":
            assert i + 1 < len(ids), f"{exercise.id}: '{step_id}' says next after the last step"
            out.add(ids[i + 1])
        elif target == "back":
            out.update(ids[max(i - 1, 0):i] or [step_id])
        elif target == "repeat":
            out.add(step_id)
        elif target == "end":
            out.add(next(s.id for s in exercise.steps if s.end))
        else:
            assert target in ids, f"{exercise.id}: '{step_id}' leads to unknown '{target}'"
            out.add(target)
    return out


def reachable(exercise: Exercise, start: str) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in targets(exercise, queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


CATALOG = load_catalog()


@pytest.mark.parametrize("exercise_id", sorted(CATALOG.exercises))
def test_every_step_is_reachable_and_has_a_way_out(exercise_id):
    exercise = CATALOG.exercises[exercise_id]
    ends = {s.id for s in exercise.steps if s.end}
    assert ends, "no end step"
    from_first = reachable(exercise, exercise.first.id)
    every = {s.id for s in exercise.steps}
    assert from_first == every, f"unreachable: {every - from_first}"
    for step in exercise.steps:
        if step.end:
            assert not step.on, f"'{step.id}' ends but answers {step.on}"
            continue
        assert reachable(exercise, step.id) & ends, f"'{step.id}' has no way to an ending"
        if step.asks_question:
            assert {"yes", "no"} <= set(step.on), f"'{step.id}' asks but cannot take both answers"


def test_the_graph_check_catches_a_dead_end(tmp_path):
    # A step that only loops back on itself cannot reach the ending: the check above must see that.
    text = GOOD.replace('on = { yes = "done", no = "one" }', 'on = { yes = "two", no = "two", next = "two" }')
    exercise = load_exercise(write(tmp_path, text))
    assert not reachable(exercise, "two") & {"done"}
    assert "done" not in reachable(exercise, "one")
