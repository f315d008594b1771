"""tests/support/states.py builds the state the turns would have left: checked here against the real walk, so
the tests that start from a state (tests/test_grounding.py's sweeps, and any new one) start where a person
would be. Then one transition each through Engine.handle and the TurnRunner, as the helpers are meant to be used.
"""
from __future__ import annotations

import pytest

from skill.core import Ask, Ev
from tests.support.states import CATALOG, Turns, handle, progress_at, state_at

SOLO_OR_OPEN = sorted(eid for eid, ex in CATALOG.exercises.items() if not ex.gate)


@pytest.mark.parametrize("exercise_id", SOLO_OR_OPEN)
def test_the_built_progress_is_what_saying_next_leaves_at_every_step(exercise_id):
    talk = Turns()
    result = talk.say(Ev.START, exercise_id)
    for _ in range(len(CATALOG.exercises[exercise_id].steps)):
        if result.step is None:
            break
        walked = talk.stored().progress
        built = progress_at(exercise_id, walked.step)
        assert (walked.exercise, walked.step, walked.trail, walked.gentle) == \
            (built.exercise, built.step, built.trail, built.gentle)
        result = talk.say(Ev.NEXT)
    assert result.step is None and talk.stored().completed == {exercise_id: 1}  # walked to the end


def test_yellow_during_the_quiet_stops_it_and_asks_to_step_back():
    state = state_at("lying_together", "quiet", hold_ms=25_000)
    outcome = handle(state, Ev.CHECKIN, value="yellow", playing_ms=25_000)
    assert outcome.reply.stop_audio and outcome.reply.gentle and not outcome.reply.end_session
    assert "?" in outcome.reply.speech
    assert outcome.state.pending is not None and outcome.state.pending.kind == Ask.YELLOW_BACK


def test_red_from_a_stored_step_ends_the_exercise_and_saves_once():
    talk = Turns().at(state_at("grounding", "feel"))
    result = talk.say(Ev.CHECKIN, "red")
    assert (result.reads, result.writes) == (1, 1)
    assert result.step is None and talk.stored().progress is None


def test_yes_to_the_pending_resume_question_resumes_the_stored_step():
    talk = Turns().at(state_at("grounding", "orient", pending=Ask.RESUME))
    result = talk.say(Ev.YES)
    assert (result.exercise, result.step) == ("grounding", "orient")
    assert result.reads == 0  # the question and the record came with the session
    assert not result.reply.end_session
