"""The turn runner: one turn's lifecycle around the engine, the same on every platform.

    (store, identity, event, context) -> reply

- The person's record is read once per session; what a session has seen rides in the platform's session
  (``TurnResult.session``), bound to its owner by a keyed tag, so a forged session cannot point a turn at
  someone else's record.
- A session belongs to the voice that opened it: a partner who speaks up later in the same session carries
  on the owner's progress (``Context.other_voice``).
- The engine answers; the new state is saved once, only if it changed, with the version read (optimistic
  concurrency). When the stored record is not the one the session last saw (another device, a store that
  came back empty or older, a retried request), ``merge.merge`` decides by the rules in docs/architecture.md
  ("Merge rules"): stops win, newer progress is never replaced by older, counters add, a retry applies once.
- All store work of a turn shares one deadline (``STORE_BUDGET_S``, retries included): a hung store costs
  a turn at most that, and the turn answers from the state in hand.
- A confirmed "delete my data" deletes the record, leaving for a day a tombstone that holds only when it
  happened (so another device's open session cannot write the data back). A voice profile's record is listed
  on the account's record, so that disabling the skill can delete it too.
- Saves that fail, recover (what earlier turns could not save is saved) or restore a vanished record are
  logged as JSON lines with no ids and no state.
- A storage fault never ends a turn: it answers from the state in hand, and the unsaved state rides in the
  session until a save succeeds. A failed load is not taken for "nothing stored": the session remembers
  that it has not seen the record, so what is stored is merged, not overwritten, once the store is back.
"""
from __future__ import annotations

import hmac
import json
import logging
import time
from dataclasses import dataclass, replace
from typing import Any

from .engine import Engine, Outcome
from .events import Context, Ev, Event, Reply
from .identity import Identity, request_digest, session_tag
from .merge import SYNC, applied, merge, stamp, tombstone
from .questions import Question
from .state import DEFAULT, State, dense, sparse
from ..store.base import Store, StoreError, VersionConflict  # the interface only: no store is imported

log = logging.getLogger("skill.core.turn")
TOMBSTONE_S = 86_400  # how long a delete is remembered (it holds nothing about the person)
STORE_BUDGET_S = 2.5  # all store work of one turn, retries included: with speech, well inside Alexa's 8 s

SAVE_ATTEMPTS = 3  # a write, then up to two merges after a race with another device
# Fields of a stored record that are the runner's, not the engine's: an account record lists the keys of the
# voice profiles' records on that account (so SkillDisabled can delete them), and a profile's record notes
# that it is listed.
PEOPLE = "people"
LISTED = "listed"
RUNNER_FIELDS = (PEOPLE, LISTED, SYNC)  # SYNC: what the merge rules need (skill/core/merge.py)
MAX_VERSION = 2**53  # a version beyond JSON's exact integers is a damaged session
# What every platform says when a turn fails in a way nothing above foresaw (markup, as a Reply's speech).
SORRY = "Sorry, something went wrong on my side. [pause 1] Please say that again."


@dataclass(frozen=True)
class TurnRequest:
    """One turn, as an adapter hands it over. ``session``: what ``TurnResult.session`` gave on the previous
    turn of this platform session (None on a new session, or outside one); ``session_id``: the platform's
    session id (None for requests outside a session, e.g. audio reports); ``hold``: for audio reports, the
    (exercise, step, run) of the hold the report is about; ``request_id``: the platform's request id, so that
    a retried request is applied once."""

    identity: Identity
    event: Event
    context: Context
    session: dict[str, Any] | None = None
    session_id: str | None = None
    hold: tuple[str, str, str] | None = None
    request_id: str | None = None  # the platform's id of this request, the same on a retry; kept only as a digest


@dataclass
class TurnResult:
    """The reply, what to carry in the session (None: nothing), and the turn's store work for the logs."""

    reply: Reply
    session: dict[str, Any] | None
    reads: int = 0
    writes: int = 0
    store_failed: bool = False
    exercise: str | None = None  # where the person is after the turn
    step: str | None = None


@dataclass
class _Turn:
    """The working record of one turn."""

    key: str | None  # whose record this turn reads and writes
    saved: dict[str, Any]  # the record as last stored (dense), or the default when none is stored
    state: State
    version: int  # 0: no record stored yet (or unknown, after a failed read)
    unsaved: bool = False  # an earlier turn of this session could not be saved
    reads: int = 0
    writes: int = 0
    store_failed: bool = False
    # The record this session last saw is ``saved``; False after a failed read: nothing was seen, and the
    # merge horizon is the session's start (``since_ms``), not a blank record with version 0.
    known: bool = True
    since_ms: int = 0
    before: dict[str, Any] | None = None  # the stored form at this turn's start, SYNC included
    deadline: float = 0.0  # time.monotonic() instant by which all store work of the turn ends


class TurnRunner:
    """Runs turns against one ``store`` (the interface in skill/store/base.py); ``secret`` keys the session
    tag; records expire ``record_days`` after their last save."""

    def __init__(self, engine: Engine, store: Store, secret: bytes, record_days: int = 90):
        self.engine, self.store, self.secret, self.record_days = engine, store, secret, record_days

    # ---- the turn ------------------------------------------------------------------------------

    def run(self, request: TurnRequest) -> TurnResult:
        """Load, answer, merge and save one turn; never raises for a store fault (see the module docstring)."""
        identity = request.identity
        deadline = time.monotonic() + STORE_BUDGET_S
        carried = self._from_session(request)
        turn = carried or self._from_store(identity.speaker, deadline)
        turn.deadline = deadline
        playing = request.context.playing
        if request.hold is not None:
            turn = self._hold_owner(turn, request.hold)
        elif carried is None and playing is not None and request.event.kind is not Ev.LAUNCH:
            # Spoken while a hold plays here, in a session of its own ("Alexa, tell Safe Harbor yellow"): it is
            # about that hold, whoever's it is on this account; another voice is then in the owner's session.
            turn = self._hold_owner(turn, (playing.exercise, playing.step, playing.run), identity.account)
        ctx = request.context
        other = turn.key is not None and turn.key != identity.speaker
        # An account's record that lists voice profiles is not everyone's on the account ("how are we doing?").
        profiles = turn.key is not None and turn.key == identity.account and bool(turn.saved.get(PEOPLE))
        if ctx.other_voice != other or ctx.recognised_voice != identity.recognised or ctx.profiles != profiles:
            ctx = replace(ctx, other_voice=other, recognised_voice=identity.recognised, profiles=profiles)
        before = turn.before if turn.before is not None else turn.saved
        digest = request_digest(self.secret, request.request_id)
        event = request.event
        if applied(before, digest):  # a retry of a request already applied to this record
            outcome = self._retried(turn, before, event, ctx, request.hold is not None)
        else:
            outcome = self.engine.handle(turn.state, event, ctx)
        turn.state = outcome.state
        # A turn that stops (Outcome.stop): its progress wins over concurrent progress (merge rule 5).
        current = stamp(before, self._stored_form(turn.state, before), _now_ms(), stop=outcome.stop, request=digest)
        if turn.key is not None:
            if outcome.reply.forget:
                self._forget(turn)
                current = turn.saved
            elif current != turn.saved or turn.unsaved:
                if self._needs_listing(turn, identity) and self._register_person(turn, identity.account):
                    current[LISTED] = True  # saved with this turn's write, so it costs no write of its own
                current = self._save(turn, current, digest)
        progress = turn.state.progress
        return TurnResult(reply=outcome.reply, session=self._carry(turn, current, request.session_id),
                          reads=turn.reads, writes=turn.writes, store_failed=turn.store_failed,
                          exercise=progress.exercise if progress else None, step=progress.step if progress else None)

    def forget_account(self, account: str) -> int:
        """Delete the account's record and every voice profile's record it lists (the skill was disabled).
        Returns how many records were deleted; raises the store's StoreError when it is unreachable."""
        record = self.store.load(account, deadline=time.monotonic() + STORE_BUDGET_S)
        people = [k for k in (record.data.get(PEOPLE, []) if record else []) if isinstance(k, str)]
        for key in people:
            self.store.delete(key, deadline=time.monotonic() + STORE_BUDGET_S)
        self.store.delete(account, deadline=time.monotonic() + STORE_BUDGET_S)
        return len(people) + 1

    # ---- loading -------------------------------------------------------------------------------

    def _from_session(self, request: TurnRequest) -> _Turn | None:
        carried = request.session
        if request.session_id is None or not isinstance(carried, dict):
            return None
        try:
            version, saved, owner, tag = int(carried["v"]), carried["b"], carried["o"], carried["t"]
            current = carried.get("s", saved)
        except (KeyError, TypeError, ValueError, OverflowError):
            return None
        if not (isinstance(saved, dict) and isinstance(current, dict) and isinstance(owner, str)
                and isinstance(tag, str) and 0 <= version < MAX_VERSION):
            return None
        if not hmac.compare_digest(tag, session_tag(self.secret, owner, request.session_id)):
            return None  # not a session this service wrote: read from the store instead
        misses = carried.get("m")
        state = replace(State.from_dict(dense(current), Question.from_session(carried.get("p"))),
                        misses=misses if type(misses) is int and 0 < misses < 100 else 0)
        since = carried.get("u")
        known = not (type(since) is int and since > 0)
        return _Turn(key=owner, saved=dense(saved), state=state, version=version, unsaved="s" in carried,
                     known=known, since_ms=0 if known else since, before=dense(current))

    def _from_store(self, key: str | None, deadline: float) -> _Turn:
        turn = _Turn(key=key, saved=DEFAULT, state=State(), version=0, deadline=deadline)
        if key is None:
            return turn
        turn.reads += 1
        try:
            record = self.store.load(key, deadline=deadline)
        except StoreError:
            # Answer from a fresh state. Nothing was seen: the save merges with what is stored then, by the
            # rules, instead of taking a blank record for the one this session knows.
            turn.store_failed, turn.known, turn.since_ms = True, False, _now_ms()
            return turn
        if record is not None:
            turn.saved, turn.state, turn.version = record.data, State.from_dict(record.data), record.version
        return turn

    def _hold_owner(self, turn: _Turn, hold: tuple[str, str, str], account: str | None = None) -> _Turn:
        """The record whose hold an audio report (or a request spoken while it plays) is about. Audio reports
        name no voice, so a hold started by a recognised voice is found among the voice profiles that the
        account's record lists; a voice profile speaking looks at the account's record (``account``) too."""
        def playing(candidate: _Turn) -> bool:
            p = candidate.state.progress
            return bool(p and (p.exercise, p.step, p.run) == hold)

        if playing(turn):
            return turn
        listing = turn
        if account is not None and account != turn.key:
            listing = self._from_store(account, turn.deadline)
            listing.reads += turn.reads
            if playing(listing):
                return listing
            turn.reads = listing.reads
        people = listing.saved.get(PEOPLE)
        for key in [k for k in people if isinstance(k, str) and k != turn.key] if isinstance(people, list) else []:
            candidate = self._from_store(key, turn.deadline)
            candidate.reads += turn.reads
            if playing(candidate):
                return candidate
            turn.reads = candidate.reads
        return turn

    # ---- saving --------------------------------------------------------------------------------

    @staticmethod
    def _stored_form(state: State, saved: dict[str, Any]) -> dict[str, Any]:
        data = state.to_dict()
        data.update({k: saved[k] for k in RUNNER_FIELDS if saved.get(k)})
        return data

    def _expiry(self) -> int:
        return int(time.time()) + self.record_days * 86_400

    def _save(self, turn: _Turn, current: dict[str, Any], digest: str | None = None) -> dict[str, Any]:
        """Save ``current``, merging when the store holds another record; returns what this turn's state now is
        (stored form)."""
        version, data = turn.version, current
        carried = turn.unsaved
        try:
            for attempt in range(SAVE_ATTEMPTS):
                try:
                    turn.writes += 1
                    record = self.store.save(turn.key, data, version, self._expiry(), deadline=turn.deadline)
                    break
                except VersionConflict:
                    if attempt == SAVE_ATTEMPTS - 1:
                        raise
                    # The store holds another record: merge by the rules, then write on top of its version.
                    turn.reads += 1
                    theirs = self.store.load(turn.key, deadline=turn.deadline)
                    # This turn's changes are always those against what it last saw, whatever the rounds.
                    data = merge(turn.saved if turn.known else None, current, theirs.data if theirs else None,
                                 since_ms=turn.since_ms, request=digest)
                    version = theirs.version if theirs else 0
                    if theirs is None:
                        _log_save("restored")  # a record that vanished, written again from the session
        except StoreError as exc:
            turn.store_failed = True  # kept in the session; the next turn tries again
            _log_save("failed", error=type(exc).__name__, carried=carried)
            return current
        if data is not current:
            turn.state = replace(State.from_dict(data, turn.state.pending), misses=turn.state.misses)
        turn.saved, turn.version, turn.unsaved, turn.known = record.data, record.version, False, True
        if carried:
            _log_save("recovered")  # what earlier turns of this session could not save is saved now
        return record.data

    @staticmethod
    def _needs_listing(turn: _Turn, identity: Identity) -> bool:
        return bool(identity.recognised and identity.account and identity.account != turn.key
                    and not turn.saved.get(LISTED))

    def _register_person(self, turn: _Turn, account: str | None) -> bool:
        """Note a voice profile's record on the account's record, so SkillDisabled can find it.
        Until that succeeds, every saving turn of the profile tries again."""
        for _ in range(2):  # one retry on a race with the account's own turn
            try:
                turn.reads += 1
                record = self.store.load(account, deadline=turn.deadline)
                data = dict(record.data) if record else {}
                people = [k for k in data.get(PEOPLE, []) if isinstance(k, str)]
                if turn.key in people:
                    return True
                data[PEOPLE] = people + [turn.key]
                turn.writes += 1
                self.store.save(account, data, record.version if record else 0, self._expiry(),
                                deadline=turn.deadline)
                return True
            except VersionConflict:
                continue
            except StoreError:
                turn.store_failed = True
                return False
        return False

    def _forget(self, turn: _Turn) -> None:
        """Delete by voice: this person's record goes. What stays is a tombstone holding nothing about the
        person (when the delete happened, so a device that has not heard of it cannot write the data back;
        and an account's list of other profiles' records)."""
        people = turn.saved.get(PEOPLE)
        stone = tombstone(_now_ms(), people if isinstance(people, list) else None)
        try:
            turn.writes += 2
            self.store.delete(turn.key, deadline=turn.deadline)
            # Without a profile list, the tombstone is needed only while another device's session may still
            # be open: a day, not the record's full life.
            expires = self._expiry() if people else int(time.time()) + TOMBSTONE_S
            record = self.store.save(turn.key, stone, 0, expires, deadline=turn.deadline)
        except StoreError:
            turn.store_failed = True
            return
        turn.saved, turn.version = dense(record.data), record.version
        turn.unsaved, turn.known = False, True

    def _retried(self, turn: _Turn, before: dict[str, Any], event: Event, ctx: Context, audio: bool) -> Outcome:
        """The answer to a request already applied: as usual if answering it again changes nothing (a launch);
        otherwise not applied again ("shorter" twice would shorten twice): where the person is, repeated, and
        for an audio report nothing at all."""
        trial = self.engine.handle(turn.state, event, ctx)  # the engine never changes the state it is given
        if self._stored_form(trial.state, before) == self._stored_form(turn.state, before):
            return trial
        if audio:
            return Outcome(turn.state, Reply(end_session=True))
        return replace(self.engine.handle(turn.state, Event(Ev.REPEAT), ctx), stop=trial.stop)

    # ---- the session ---------------------------------------------------------------------------

    def _carry(self, turn: _Turn, current: dict[str, Any], session_id: str | None) -> dict[str, Any] | None:
        if session_id is None or turn.key is None:
            return None
        carried: dict[str, Any] = {"v": turn.version, "b": sparse(turn.saved), "o": turn.key,
                                   "t": session_tag(self.secret, turn.key, session_id)}
        if current != turn.saved:
            carried["s"] = sparse(current)
        if not turn.known:
            carried["u"] = turn.since_ms  # the record was never seen: merge against the session's start
        if turn.state.pending:
            carried["p"] = turn.state.pending.to_session()
        if turn.state.misses:
            carried["m"] = turn.state.misses
        return carried


def _now_ms() -> int:
    return int(time.time() * 1000)


def _log_save(outcome: str, **fields: Any) -> None:
    """A save that failed, recovered or restored a vanished record, as one JSON line (no ids, no state)."""
    level = logging.WARNING if outcome == "failed" else logging.INFO
    log.log(level, json.dumps({"event": "save", "outcome": outcome, **fields}, separators=(",", ":")))
