"""The state's dict form: complete, JSON-safe, and tolerant of damage."""
import dataclasses
import json

from skill.core import Progress, State
from skill.core.merge import reconcile


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


def test_reconcile_keeps_newer_stored_progress_and_this_turns_other_changes():
    base = State(progress=Progress("grounding", "see")).to_dict()
    mine = State(progress=Progress("grounding", "feel"), settings={"less_talking": True}).to_dict()
    theirs = State(progress=Progress("grounding", "hear")).to_dict()
    merged = reconcile(base, mine, theirs)
    assert merged["progress"]["step"] == "hear"  # both changed progress: the stored write wins
    assert merged["settings"] == {"less_talking": True}  # only this turn changed settings: kept


def test_reconcile_lets_a_move_win_over_an_audio_report_of_the_hold_it_left():
    at_hold = Progress("lying_together", "quiet", run="r1")
    base = State(progress=at_hold).to_dict()
    reported = State(progress=Progress("lying_together", "quiet", run="r1", hold_ms=9000)).to_dict()
    red = State().to_dict()  # red cleared progress
    assert reconcile(base, red, reported)["progress"] is None
    moved = State(progress=Progress("lying_together", "return", ["quiet"])).to_dict()
    assert reconcile(base, moved, reported)["progress"]["step"] == "return"
    # ...but a real move by the other writer still wins over this turn's.
    other_move = State(progress=Progress("lying_together", "rate_after", ["quiet"])).to_dict()
    assert reconcile(base, moved, other_move)["progress"]["step"] == "rate_after"
