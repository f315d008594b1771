"""STAND-IN until the turn core (skill.core.TurnRunner, issue 10) lands on main: the same interface, the
smallest lifecycle that keeps the OVOS adapter honest (read once per session, save once when changed with the
expected version, merge by `reconcile` on a race, forget on a confirmed delete). Delete this module and import
`skill.core` instead once it is there.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ..flows import Context, Engine, Event, Reply, State, reconcile
from ..store.base import Store, StoreError, VersionConflict


@dataclass(frozen=True)
class Identity:
    speaker: str | None
    account: str | None
    recognised: bool = False


@dataclass(frozen=True)
class TurnRequest:
    identity: Identity
    event: Event
    context: Context
    session: dict[str, Any] | None = None
    session_id: str | None = None
    hold: tuple[str, str, str] | None = None


@dataclass
class TurnResult:
    reply: Reply
    session: dict[str, Any] | None
    reads: int = 0
    writes: int = 0
    store_failed: bool = False
    exercise: str | None = None
    step: str | None = None


class TurnRunner:
    def __init__(self, engine: Engine, store: Store, secret: bytes, record_days: int = 90):
        self.engine, self.store, self.record_days = engine, store, record_days

    def run(self, request: TurnRequest) -> TurnResult:
        key = request.identity.speaker
        result = TurnResult(reply=Reply(), session=None)
        carried = request.session if isinstance(request.session, dict) else None
        if carried and isinstance(carried.get("b"), dict) and isinstance(carried.get("v"), int):
            saved, version = carried["b"], carried["v"]
            state = State.from_dict({**carried.get("s", saved), "pending": carried.get("p")})
        else:
            saved, version, state = State().to_dict(), 0, State()
            if key is not None:
                result.reads += 1
                try:
                    record = self.store.load(key)
                except StoreError:
                    record, result.store_failed = None, True
                if record is not None:
                    saved, version, state = record.data, record.version, State.from_dict(record.data)
        outcome = self.engine.handle(state, request.event, request.context)
        state = outcome.state
        current = {k: v for k, v in state.to_dict().items() if k != "pending"}
        stored = {k: v for k, v in saved.items() if k != "pending"}
        if key is not None and outcome.reply.forget:
            try:
                result.writes += 1
                self.store.delete(key)
                saved, version, current = State().to_dict(), 0, {k: v for k, v in State().to_dict().items()
                                                                   if k != "pending"}
                stored = current
            except StoreError:
                result.store_failed = True
        elif key is not None and current != stored:
            expires = int(time.time()) + self.record_days * 86_400
            try:
                try:
                    result.writes += 1
                    record = self.store.save(key, current, version, expires)
                except VersionConflict:
                    result.reads += 1
                    theirs = self.store.load(key)
                    current = reconcile(stored, current, theirs.data if theirs else State().to_dict())
                    result.writes += 1
                    record = self.store.save(key, current, theirs.version if theirs else 0, expires)
                    state = State.from_dict({**current, "pending": state.pending})
                saved, version, stored = record.data, record.version, current
            except StoreError:
                result.store_failed = True
        if request.session_id is not None:
            result.session = {"v": version, "b": stored}
            if current != stored:
                result.session["s"] = current
            if state.pending:
                result.session["p"] = state.pending
        result.reply = outcome.reply
        if state.progress:
            result.exercise, result.step = state.progress.exercise, state.progress.step
        return result
