"""Merge rules: what a turn saves when the stored record is not the one its session last saw.

Written down in docs/architecture.md ("Merge rules") and tested as a table in tests/test_merge.py.
Pure functions over the stored form (a JSON-safe dict); no store, no platform.

The stored form carries what the rules need under ``SYNC`` (runner-owned, never spoken):
``clock``   field name -> ms (epoch) when a turn last changed that field (per-field clocks);
``stop``    ms of the last stop (red, cancel, stop, pause, distress, delete) applied to this record;
``deleted`` ms of the last confirmed "delete my data" (the record is then a tombstone holding nothing else);
``seen``    short keyed digests of the last request ids that changed this record (Alexa retries).

A turn merges against a *horizon*: what its session last saw. When the session loaded the record (or saved
it), the horizon is that record's clocks; when the load failed, nothing was seen, and the horizon is the
session's start for every field. "Changed since the horizon" means a clock later than the horizon.
"""
from __future__ import annotations

from typing import Any, Iterable

SYNC = "sync"
SEEN_KEPT = 16  # request digests kept: Alexa retries a request within seconds, not 16 changes later
COUNTERS = ("completed", "holds")  # merged by adding what each side added
TALLIES = ("practised",)  # lists of dates, one per session: merged like counters, entry by entry
STOPPED = ("progress", "return_to")  # what a stop decides
HOLD_POSITION = ("hold_ms", "hold_done")
PEOPLE, LISTED = "people", "listed"  # the runner's own fields (see turn.py): merged as a set / an "or"
OWN = (SYNC, PEOPLE, LISTED)


def sync_of(data: dict[str, Any] | None) -> dict[str, Any]:
    """The record's SYNC part, tolerant of damage: {"clock": {str: int}, "stop": int, "deleted": int,
    "seen": [str]}."""
    raw = data.get(SYNC) if isinstance(data, dict) else None
    raw = raw if isinstance(raw, dict) else {}
    clock = raw.get("clock")
    seen = raw.get("seen")
    return {
        "clock": {k: v for k, v in clock.items() if isinstance(k, str) and type(v) is int}
        if isinstance(clock, dict) else {},
        "stop": raw["stop"] if type(raw.get("stop")) is int else 0,
        "deleted": raw["deleted"] if type(raw.get("deleted")) is int else 0,
        "seen": [s for s in seen if isinstance(s, str)][-SEEN_KEPT:] if isinstance(seen, list) else [],
    }


def stamp(before: dict[str, Any], after: dict[str, Any], now_ms: int, *, stop: bool = False,
          request: str | None = None) -> dict[str, Any]:
    """``after`` with SYNC brought up to date for one turn that went from ``before`` to ``after``.

    Each field whose value changed gets the clock ``now_ms`` (at least one past its previous clock, so clocks
    only move forward); a stop turn that changed something sets ``stop``; ``request`` (a digest) is
    remembered. Returns ``after`` itself (no SYNC change) when the turn changed nothing, so a quiet turn
    writes nothing.
    """
    changed = [k for k in set(before) | set(after)
               if k not in OWN and after.get(k) != before.get(k)]
    if not changed:  # a stop that changed nothing has nothing to win over
        return after
    sync = sync_of(after)
    for key in changed:
        sync["clock"][key] = max(now_ms, sync["clock"].get(key, 0) + 1)
    if stop:
        sync["stop"] = max(now_ms, sync["stop"] + 1)
    if request and request not in sync["seen"]:
        sync["seen"] = (sync["seen"] + [request])[-SEEN_KEPT:]
    return {**after, SYNC: sync}


def applied(data: dict[str, Any] | None, request: str | None) -> bool:
    """This request (digest) already changed this record: a retry must not apply it again."""
    return bool(request) and request in sync_of(data)["seen"]


def tombstone(now_ms: int, people: list[str] | None = None) -> dict[str, Any]:
    """What a confirmed delete leaves: nothing about the person, only when it happened (so that a device
    that has not heard of the delete cannot write the data back), and the account's list of profiles."""
    data: dict[str, Any] = {SYNC: {"clock": {}, "stop": now_ms, "deleted": now_ms, "seen": []}}
    if people:
        data[PEOPLE] = list(people)
    return data


def _moves_only_the_hold(before: Any, after: Any) -> bool:
    """``after`` is ``before`` with only the hold's position changed: what an audio report writes."""
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return False
    return ({k: v for k, v in before.items() if k not in HOLD_POSITION}
            == {k: v for k, v in after.items() if k not in HOLD_POSITION})


def _count(value: Any) -> int:
    return value if type(value) is int and value >= 0 else 0


def _add(base: Any, mine: Any, theirs: Any) -> Any:
    """A counter (an int, or a dict of ints): what is stored (never less than what this session saw), plus
    what this session added. Two devices finishing at once make +2; a store that went back in time
    loses nothing this session counted."""
    if isinstance(mine, dict) or isinstance(theirs, dict):
        b, m, t = (x if isinstance(x, dict) else {} for x in (base, mine, theirs))
        out = {}
        for key in list(t) + [k for k in m if k not in t]:
            total = max(_count(t.get(key)), _count(b.get(key))) + _count(m.get(key)) - _count(b.get(key))
            if total > 0:
                out[key] = total
        return out
    return max(0, max(_count(theirs), _count(base)) + _count(mine) - _count(base))


def _tally(base: Any, mine: Any, theirs: Any) -> list[str]:
    """A list of dates kept as a tally (one entry per session): what is stored (never less than what this
    session saw), plus the entries this session added, in date order. Two devices finishing on the same day
    make two entries; an entry either side let go (older than the kept window) stays gone."""
    b, m, t = ([x for x in items if isinstance(x, str)] if isinstance(items, list) else []
               for items in (base, mine, theirs))
    added = list(m)
    for item in b:
        if item in added:
            added.remove(item)
    kept = list(t)
    for item in b:  # what the session saw and the store lost (an older copy), unless this session let it go
        if item in m and kept.count(item) < b.count(item):
            kept.append(item)
    return sorted(kept + added)


def _union(*lists: Any) -> list[str]:
    out: list[str] = []
    for items in lists:
        for item in items if isinstance(items, list) else []:
            if isinstance(item, str) and item not in out:
                out.append(item)
    return out


def merge(base: dict[str, Any] | None, mine: dict[str, Any], theirs: dict[str, Any] | None, *,
          since_ms: int = 0, request: str | None = None) -> dict[str, Any]:
    """The record to save when the store holds ``theirs`` instead of what this session last saw.

    ``base``: the record as this session last saw it (its stored form), or None when the session never saw
    it (the load failed); ``since_ms``: the session's start, the horizon when ``base`` is None;
    ``mine``: this turn's stored form, stamped (see ``stamp``); ``theirs``: the stored record, or None when
    it is gone; ``request``: this turn's request digest. The rules, in order:

    1. Gone: a record that vanished (a store that came back empty) is written again from ``mine``.
    2. Retried: a request already applied to ``theirs`` is not applied again: ``theirs`` as it is.
    3. Deleted: a delete this session had not seen wins: nothing of ``mine`` is kept.
    4. Field by field, against the horizon:
       - counters (completions, holds): stored count (never below what the session saw) + what this
         session added; the tally of session dates (``practised``) the same way, entry by entry;
       - changed by this session only: mine; changed by the other writer only: theirs;
       - changed by both: theirs (it was stored first, and this session never saw it), except that an
         audio report that only moved the hold's position never beats a change of step;
       - changed by neither: the value with the later clock (mine on a tie: it is what the session saw);
         with no horizon (failed load), theirs: this session has nothing newer.
       A stored value older than what the session saw (a store back from an old backup) therefore never
       replaces the session's value.
    5. Stops: a stop (red, cancel, stop, pause, distress, delete) made since the horizon decides progress,
       from whichever device: the stopping side's progress wins over any concurrent progress (the later
       stop when both stopped).
    """
    if theirs is None:
        return mine
    if applied(theirs, request):
        return theirs
    known = base is not None
    b, m, t = sync_of(base), sync_of(mine), sync_of(theirs)

    def horizon(clock: int) -> int:
        return clock if known else since_ms

    if t["deleted"] > horizon(b["deleted"]) and t["deleted"] >= m["deleted"]:
        return theirs

    merged: dict[str, Any] = {}
    clock: dict[str, int] = {}
    for key in list(theirs) + [k for k in mine if k not in theirs]:
        if key in OWN:
            continue
        mine_value, their_value = mine.get(key), theirs.get(key)
        wm, wt = m["clock"].get(key, 0), t["clock"].get(key, 0)
        h = horizon(b["clock"].get(key, 0))
        seen = (base or {}).get(key)
        # A later clock is a change; so is a new value under the horizon's own clock, from a writer that keeps
        # no clocks (records from before them). An earlier clock is an older copy, never a change.
        mine_changed = wm > h or (known and wm == h and mine_value != seen)
        theirs_changed = wt > h or (known and wt == h and their_value != seen)
        if key in COUNTERS:
            value, when = _add((base or {}).get(key), mine_value, their_value), max(wm, wt)
        elif key in TALLIES:
            value, when = _tally((base or {}).get(key), mine_value, their_value), max(wm, wt)
        elif mine_changed and theirs_changed:
            hold_only = key == "progress" and _moves_only_the_hold((base or {}).get(key), their_value)
            value, when = (mine_value, wm) if hold_only else (their_value, wt)
        elif mine_changed:
            value, when = mine_value, wm
        elif theirs_changed or not known or wt > wm:
            value, when = their_value, wt
        else:
            value, when = mine_value, wm
        if key in mine or key in theirs:
            merged[key] = value
        if when:
            clock[key] = when

    mine_stopped = m["stop"] > horizon(b["stop"])
    theirs_stopped = t["stop"] > horizon(b["stop"])
    if mine_stopped and (not theirs_stopped or m["stop"] >= t["stop"]):
        winner, wsync = mine, m
    elif theirs_stopped:
        winner, wsync = theirs, t
    else:
        winner = None
    if winner is not None:
        for key in STOPPED:
            merged[key] = winner.get(key)
            if wsync["clock"].get(key):
                clock[key] = wsync["clock"][key]

    people = _union(theirs.get(PEOPLE), mine.get(PEOPLE))
    if people:
        merged[PEOPLE] = people
    if theirs.get(LISTED) is True or mine.get(LISTED) is True:
        merged[LISTED] = True
    merged[SYNC] = {"clock": clock, "stop": max(m["stop"], t["stop"]), "deleted": max(m["deleted"], t["deleted"]),
                    "seen": _union(t["seen"], m["seen"])[-SEEN_KEPT:]}
    return merged
