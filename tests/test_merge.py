"""The merge rules (docs/architecture.md, "Merge rules") as a table: base, mine, theirs -> the record saved.

Each row names the situation in words. Records are built with explicit per-field clocks (ms), as turns
stamp them: ``rec(progress=("grounding", "see", 1200), completed=({"grounding": 2}, 900), stop=1300)``.
"""
from __future__ import annotations

import pytest

from skill.core.merge import SYNC, applied, merge, stamp, sync_of, tombstone

SINCE = 5_000  # a session's start, for sessions whose load failed


def prog(exercise: str, step: str, hold_ms: int = 0) -> dict:
    return {"exercise": exercise, "step": step, "trail": [], "gentle": False, "run": None, "hold_ms": hold_ms,
            "hold_done": False}


def rec(*, stop: int = 0, deleted: int = 0, seen: tuple[str, ...] = (), **fields) -> dict:
    """A stored form: field=(value, clock ms)."""
    data, clock = {}, {}
    for key, (value, when) in fields.items():
        data[key] = value
        if when:
            clock[key] = when
    data[SYNC] = {"clock": clock, "stop": stop, "deleted": deleted, "seen": list(seen)}
    return data


SEE, FEEL, HEAR = prog("grounding", "see"), prog("grounding", "feel"), prog("grounding", "hear")
LYING = prog("lying_together", "settle")
BASE = rec(progress=(SEE, 1000), welcomed=(True, 100), completed=({"grounding": 2}, 500), settings=({}, 0))

# (name, base, mine, theirs, since, request, field -> expected value)
ROWS = [
    ("only mine changed a field: mine",
     BASE, rec(progress=(SEE, 1000), welcomed=(True, 100), completed=({"grounding": 2}, 500),
               settings=({"less_talking": True}, 2000)),
     rec(progress=(SEE, 1000), welcomed=(True, 100), completed=({"grounding": 2}, 500), settings=({}, 0)),
     0, None, {"settings": {"less_talking": True}, "progress": SEE}),
    ("only theirs changed a field: theirs, and mine's other change kept",
     BASE, rec(progress=(SEE, 1000), welcomed=(True, 100), completed=({"grounding": 2}, 500),
               settings=({"less_talking": True}, 2000)),
     rec(progress=(FEEL, 1500), welcomed=(True, 100), completed=({"grounding": 2}, 500), settings=({}, 0)),
     0, None, {"settings": {"less_talking": True}, "progress": FEEL}),
    ("both moved progress: the stored (newer) progress, not the stale device's",
     BASE, rec(progress=(FEEL, 2000), welcomed=(True, 100)),
     rec(progress=(HEAR, 1500), welcomed=(True, 100)),
     0, None, {"progress": HEAR}),
    ("red on the lagging device (mine stops): the stop wins over newer progress",
     BASE, rec(progress=(None, 2000), welcomed=(True, 100), stop=2000),
     rec(progress=(HEAR, 1500), welcomed=(True, 100)),
     0, None, {"progress": None}),
    ("red on the other device, seen by nobody here: the stop wins over my later step",
     BASE, rec(progress=(HEAR, 2500), welcomed=(True, 100)),
     rec(progress=(None, 2000), welcomed=(True, 100), stop=2000),
     0, None, {"progress": None}),
    ("a stop this session already saw does not cancel progress made after it",
     rec(progress=(None, 2000), stop=2000), rec(progress=(SEE, 3000)),
     rec(progress=(None, 2000), stop=2000),
     0, None, {"progress": SEE}),
    ("both stopped: the later stop's side, with what it started after (grounding after red)",
     BASE, rec(progress=(SEE, 2600), stop=2500),
     rec(progress=(None, 2000), stop=2000),
     0, None, {"progress": SEE}),
    ("an audio report that only moved the hold never beats a change of step",
     rec(progress=(prog("grounding", "see", 0), 1000)), rec(progress=(FEEL, 2000)),
     rec(progress=(prog("grounding", "see", 4000), 1500)),
     0, None, {"progress": FEEL}),
    ("completions on two devices at once add up (+1 and +1 make +2)",
     BASE, rec(completed=({"grounding": 3}, 2000)), rec(completed=({"grounding": 3}, 1900)),
     0, None, {"completed": {"grounding": 4}}),
    ("completions of different exercises both count",
     BASE, rec(completed=({"grounding": 3}, 2000)), rec(completed=({"grounding": 2, "lying_together": 1}, 1900)),
     0, None, {"completed": {"grounding": 3, "lying_together": 1}}),
    ("store back from an older copy: the session's newer progress and settings stay",
     rec(progress=(HEAR, 3000), settings=({"stretch_minutes": 10}, 2500), completed=({"grounding": 4}, 2900)),
     rec(progress=(HEAR, 3000), settings=({"stretch_minutes": 10}, 2500), completed=({"grounding": 4}, 2900)),
     rec(progress=(LYING, 1000), settings=({}, 0), completed=({"grounding": 2}, 900)),
     0, None, {"progress": HEAR, "settings": {"stretch_minutes": 10}, "completed": {"grounding": 4}}),
    ("failed load, the store holds an older record: my progress wins, its settings and counts are kept",
     None, rec(progress=(SEE, 6000), welcomed=(True, 5100), completed=({"grounding": 1}, 7000), settings=({}, 0)),
     rec(progress=(LYING, 1000), welcomed=(True, 100), completed=({"grounding": 2}, 900),
         settings=({"quiet_minutes": 3}, 800)),
     SINCE, None, {"progress": SEE, "settings": {"quiet_minutes": 3}, "completed": {"grounding": 3},
                   "welcomed": True}),
    ("failed load, a stop from before this session: not a stop of this session's progress",
     None, rec(progress=(SEE, 6000)), rec(progress=(None, 1000), stop=1000),
     SINCE, None, {"progress": SEE}),
    ("failed load, a stop made during this session on another device: the stop wins",
     None, rec(progress=(SEE, 6000)), rec(progress=(None, 5500), stop=5500),
     SINCE, None, {"progress": None}),
    ("a writer that keeps no clocks changed a field (a record from before them): its change is kept",
     rec(progress=(SEE, 1000), settings=({}, 0)), rec(progress=(FEEL, 2000), settings=({}, 0)),
     rec(progress=(SEE, 1000), settings=({"stretch_minutes": 20}, 0)),
     0, None, {"progress": FEEL, "settings": {"stretch_minutes": 20}}),
    ("the record vanished (store back empty): written again from the session",
     BASE, rec(progress=(FEEL, 2000), welcomed=(True, 100), completed=({"grounding": 2}, 500)), None,
     0, None, {"progress": FEEL, "welcomed": True, "completed": {"grounding": 2}}),
    ("a retried request already applied: the stored record as it is",
     BASE, rec(settings=({"stretch_minutes": 9}, 2100), seen=("r1",)),
     rec(settings=({"stretch_minutes": 10}, 2000), seen=("r1",)),
     0, "r1", {"settings": {"stretch_minutes": 10}}),
    ("a delete this session had not seen: nothing of mine is written back",
     BASE, rec(progress=(FEEL, 2000), welcomed=(True, 100)), tombstone(1500),
     0, None, {"progress": None, "welcomed": None}),
    ("a delete from before this session (failed load): the new session's record is kept",
     None, rec(progress=(SEE, 6000), welcomed=(True, 5100)), tombstone(1500),
     SINCE, None, {"progress": SEE, "welcomed": True}),
]


@pytest.mark.parametrize("name, base, mine, theirs, since, digest, expected", ROWS, ids=[r[0] for r in ROWS])
def test_merge_rule(name, base, mine, theirs, since, digest, expected):
    merged = merge(base, mine, theirs, since_ms=since, request=digest)
    for field, value in expected.items():
        assert merged.get(field) == value, f"{name}: {field} = {merged.get(field)!r}, expected {value!r}"


def test_merge_keeps_the_sets_and_the_later_clocks():
    mine = {**rec(progress=(FEEL, 2000), stop=0, seen=("a",)), "people": ["p1"]}
    theirs = {**rec(progress=(SEE, 1000), stop=1200, seen=("b",)), "people": ["p2"], "listed": True}
    merged = merge(rec(progress=(SEE, 1000), stop=1200), mine, theirs)
    assert merged["people"] == ["p2", "p1"] and merged["listed"] is True
    assert sync_of(merged)["seen"] == ["b", "a"] and sync_of(merged)["stop"] == 1200
    assert sync_of(merged)["clock"]["progress"] == 2000


def test_stamp_marks_only_what_changed_and_writes_nothing_for_a_quiet_turn():
    before = rec(progress=(SEE, 1000), welcomed=(True, 100))
    quiet = dict(before)
    assert stamp(before, quiet, 5000, request="r") is quiet  # unchanged object: no write
    after = {**before, "progress": FEEL}
    stamped = stamp(before, after, 900, request="r")  # a clock behind: still moves forward
    assert sync_of(stamped)["clock"] == {"progress": 1001, "welcomed": 100}
    assert applied(stamped, "r") and not applied(before, "r")
    stopped = stamp(before, {**before, "progress": None}, 7000, stop=True)
    assert sync_of(stopped)["stop"] == 7000
    assert stamp(before, quiet, 7000, stop=True) is quiet  # a stop that changed nothing writes nothing


def test_damaged_sync_is_read_as_empty():
    for junk in (None, 3, "x", {"clock": [1], "stop": "late", "seen": "r"}, {"clock": {"a": 1.5}}):
        assert sync_of({SYNC: junk}) == {"clock": {}, "stop": 0, "deleted": 0, "seen": []}
