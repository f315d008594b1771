"""Load the person's state once per session, save it once per changing turn.

A storage fault never ends a turn: the turn answers from the state in hand, the unsaved state
rides in the session, and the next turn tries again. A write race with another device is settled
by ``reconcile`` (the rule is written there).
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput

from ..flows import State, reconcile
from ..identity import person_key
from ..store import StoreError, VersionConflict
from .services import Services
from .turn import SESSION, TURN, TurnState, turn_of

log = logging.getLogger("skill.turn")
DEFAULT = State().to_dict()
# Requests answered from the request alone: nothing to read, nothing to save.
STATELESS = frozenset({"AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackNearlyFinished",
                       "System.ExceptionEncountered"})


def key_for(handler_input: HandlerInput, services: Services) -> str | None:
    system = handler_input.request_envelope.context.system if handler_input.request_envelope.context else None
    if system is None:
        return None
    user = system.user.user_id if system.user else None
    person = system.person.person_id if system.person else None
    return person_key(services.settings.hash_secret, user, person)


class LoadState(AbstractRequestInterceptor):
    def __init__(self, services: Services):
        self.services = services

    def process(self, handler_input: HandlerInput) -> None:
        key = key_for(handler_input, self.services)
        if handler_input.request_envelope.request.object_type in STATELESS:
            turn = TurnState(key=key, saved=DEFAULT, state=State(), version=0, loaded=False)
            handler_input.attributes_manager.request_attributes[TURN] = turn
            return
        session = handler_input.attributes_manager.session_attributes if handler_input.request_envelope.session else {}
        carried = session.get(SESSION) if isinstance(session, dict) else None
        turn = self._from_session(key, carried) if carried else None
        if turn is None:
            turn = self._from_store(key)
        handler_input.attributes_manager.request_attributes[TURN] = turn

    @staticmethod
    def _from_session(key: str | None, carried: Any) -> TurnState | None:
        try:
            version, saved = int(carried["v"]), carried["b"]
            current = carried.get("s", saved)
        except (KeyError, TypeError, ValueError):
            return None
        if not isinstance(saved, dict):
            return None
        return TurnState(key=key, saved=saved, state=State.from_dict(current), version=version,
                         unsaved="s" in carried)

    def _from_store(self, key: str | None) -> TurnState:
        turn = TurnState(key=key, saved=DEFAULT, state=State(), version=0)
        if key is None:
            return turn
        turn.reads += 1
        try:
            record = self.services.store.load(key)
        except StoreError:
            turn.store_failed = True  # answer from a fresh state; the save will reconcile with what is stored
            return turn
        if record is not None:
            turn.saved, turn.state, turn.version = record.data, State.from_dict(record.data), record.version
        return turn


class SaveState(AbstractResponseInterceptor):
    def __init__(self, services: Services):
        self.services = services

    def process(self, handler_input: HandlerInput, response) -> None:
        turn = turn_of(handler_input)
        current = turn.state.to_dict()
        if turn.loaded and turn.key is not None and (current != turn.saved or turn.unsaved):
            self._save(turn, current)
            current = turn.state.to_dict()  # after a merge, the session goes on from the merged state
        if handler_input.request_envelope.session is not None:
            carried = {"v": turn.version, "b": turn.saved}
            if current != turn.saved:
                carried["s"] = current
            handler_input.attributes_manager.session_attributes[SESSION] = carried
        log_turn(handler_input, turn)

    def _save(self, turn: TurnState, current: dict[str, Any]) -> None:
        store, days = self.services.store, self.services.settings.record_days
        expires_at = int(time.time()) + days * 86_400
        try:
            turn.writes += 1
            try:
                record = store.save(turn.key, current, turn.version, expires_at)
            except VersionConflict:
                # Another device saved first: merge by the rule, then write on top of its version.
                turn.reads += 1
                theirs = store.load(turn.key)
                base = theirs.data if theirs else DEFAULT
                merged = reconcile(turn.saved, current, base)
                turn.writes += 1
                record = store.save(turn.key, merged, theirs.version if theirs else 0, expires_at)
                turn.state = State.from_dict(merged)
        except StoreError:
            turn.store_failed = True  # kept in the session; the next turn tries again
            return
        turn.saved, turn.version = record.data, record.version


def log_turn(handler_input: HandlerInput, turn: TurnState | None, error: str | None = None) -> None:
    """One JSON line per turn: no utterance, no slot value, no raw Alexa id."""
    request = handler_input.request_envelope.request
    intent = getattr(getattr(request, "intent", None), "name", None)
    line = {
        "event": "turn",
        "request_id": getattr(request, "request_id", None),
        "type": getattr(request, "object_type", None),
        "intent": intent,
    }
    if turn is not None:
        progress = turn.state.progress
        line.update({
            "exercise": progress.exercise if progress else None,
            "step": progress.step if progress else None,
            "latency_ms": round((time.perf_counter() - turn.started) * 1000, 2),
            "store": {"reads": turn.reads, "writes": turn.writes, "failed": turn.store_failed},
        })
    if error:
        line["error"] = error
    log.info(json.dumps(line, separators=(",", ":")))
