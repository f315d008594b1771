"""The state's dict form: complete, JSON-safe, and tolerant of damage."""
import dataclasses
import json

from skill.core import Progress, State


def full_state() -> State:
    return State(progress=Progress("sensate_focus", "debrief", ["welcome", "agreements"], True, "r3", 1200, True),
                 welcomed=True, completed={"grounding": 2}, holds=3, playback_failed=True,
                 settings={"stretch_minutes": 10, "less_talking": True}, ratings={"before": 4},
                 repeat_next=["sensate_focus"], ready_next=True,
                 return_to=Progress("lying_together", "quiet"))


def test_to_dict_matches_asdict_and_round_trips():
    state = full_state()
    stored = dataclasses.asdict(state)
    del stored["pending"]  # the question just asked lives in the session only
    del stored["misses"]  # and so does the count of misunderstood turns
    assert state.to_dict() == stored  # the hand-written form misses no other field
    assert State.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def test_damaged_fields_fall_back_to_defaults():
    raw = full_state().to_dict()
    raw.update(progress={"exercise": 3}, completed={"x": "2"}, holds="many", settings={"stretch_minutes": 1.5},
               ratings={"before": "4"}, repeat_next="sensate_focus", return_to=[])
    state = State.from_dict(raw)
    assert state.progress is None and state.completed == {} and state.holds == 0
    assert state.settings == {} and state.ratings == {} and state.repeat_next == [] and state.return_to is None
    assert State.from_dict(None) == State() and State.from_dict([1, 2]) == State()
