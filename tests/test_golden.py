"""Golden transcripts: every path of every exercise through skill.core.Engine directly (no Alexa JSON).

The walk and the file format are in tests/support/golden.py. When content or engine behaviour changes on
purpose, regenerate with ``.venv/bin/python -m tests.golden.make`` and commit the diff of tests/golden/.
"""
from __future__ import annotations

import difflib

import pytest

from skill.core import Engine, load_catalog
from tests.support import golden

ENGINE = Engine(load_catalog())
WALKS = golden.walk_all(ENGINE)
WANTED = golden.transcripts(ENGINE, WALKS)


@pytest.mark.parametrize("name", sorted(WANTED))
def test_transcript_matches_the_engine(name):
    path = golden.GOLDEN_DIR / name
    assert path.exists(), f"{path} is missing: run {golden.UPDATE_COMMAND}"
    stored = path.read_text(encoding="utf-8")
    if stored != WANTED[name]:
        diff = "".join(list(difflib.unified_diff(stored.splitlines(True), WANTED[name].splitlines(True),
                                                 f"stored {name}", f"engine now {name}", n=2))[:200])
        pytest.fail(f"The engine's replies differ from tests/golden/{name} (first lines of the diff below).\n"
                    f"If the change is intended, run: {golden.UPDATE_COMMAND} and commit tests/golden/.\n{diff}")


def test_no_stale_transcript_files():
    assert sorted(p.name for p in golden.GOLDEN_DIR.glob("*.txt")) == sorted(WANTED)


@pytest.mark.parametrize("name", sorted(WANTED))
def test_stored_transcript_replays_through_the_engine(name):
    # What another platform does with the files (tests/support/golden.py, "How to replay"): parse, replay
    # each path from its section's start state, compare every reply.
    sections = golden.read(golden.GOLDEN_DIR / name)
    assert sections and all(s.paths for s in sections)
    turns = problems = 0
    for section in sections:
        for path in section.paths:
            run_turn = golden.engine_runner(ENGINE, section.start)
            found = golden.replay(section, path, run_turn)
            problems += len(found)
            assert not found, "\n".join(found[:3])
            turns += len(path.turns)
    assert turns == WANTED[name].count("\n> ")


def test_the_walk_reaches_every_step_every_question_and_every_variant():
    text = "".join(WANTED.values())
    for exercise in ENGINE.catalog.exercises.values():
        body = WANTED[f"{exercise.id}.txt"]
        for step in exercise.steps:
            assert f"at: {exercise.id}/{step.id}" in body or step.end, (exercise.id, step.id)
        assert "clock: unknown" in body and "audio player: no" in body
        assert "gentle: yes" in body  # the gentle variant, after yellow
    for ask in ("resume", "red_grounding", "yellow_back", "yellow_repeat", "retry_step", "return", "gate_base",
                "ready_first", "ready_second", "delete"):
        assert ask in _questions_asked(), ask
    assert "forget: yes" in text and "hold: sensate_focus/first_stretch 900 s from 60000 ms" in text
    assert "variant: clock known, audio player, less talking" in WANTED["sensate_focus.txt"]


def _questions_asked() -> set[str]:
    return {ask for sections in WALKS.values() for section in sections for ask in section.asked}
