"""Load the person's state once per session, save it once per changing turn.

A storage fault never ends a turn: the turn answers from the state in hand, the unsaved state
rides in the session, and the next turn tries again. A write race with another device is settled
by ``reconcile`` (the rule is written there).

A session belongs to the voice that opened it: a partner who speaks up later in the same session
carries on the owner's progress, not a record of their own. The owner's key rides in the session
with a keyed tag, so a forged session attribute cannot point a turn at someone else's record.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput

from ..flows import State, reconcile
from ..audio.plan import TokenParts, parse_token
from ..identity import person_key
from ..store import StoreError, VersionConflict
from .services import Services
from .turn import SESSION, TURN, TurnState, turn_of

log = logging.getLogger("skill.turn")
# Requests answered from the request alone: nothing to read, nothing to save.
STATELESS = frozenset({"AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackNearlyFinished",
                       "System.ExceptionEncountered"})
SAVE_ATTEMPTS = 3  # a write, then up to two merges after a race with another device
# Session-only fields: asked and answered within one session, so never stored.
SESSION_ONLY = ("pending",)
# Fields of a stored record the adapter keeps that are not the engine's: an account record lists the
# keys of the voice profiles' records on that account, so that SkillDisabled can delete them too.
PEOPLE = "people"
LISTED = "listed"  # on a voice profile's record: the account's record lists it
ADAPTER_FIELDS = (PEOPLE, LISTED)


def stored_form(state: State, saved: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in state.to_dict().items() if k not in SESSION_ONLY}
    data.update({k: saved[k] for k in ADAPTER_FIELDS if saved.get(k)})
    return data


DEFAULT = stored_form(State(), {})


def sparse(data: dict[str, Any]) -> dict[str, Any]:
    """Only the fields that differ from a new person's: the session copy stays small to parse and copy."""
    return {k: v for k, v in data.items() if k not in DEFAULT or DEFAULT[k] != v}


def dense(data: dict[str, Any]) -> dict[str, Any]:
    return {**DEFAULT, **data}


def keys_for(handler_input: HandlerInput, services: Services) -> tuple[str | None, str | None, bool]:
    """(the speaker's key, the account's key, whether a voice profile was recognised)."""
    system = handler_input.request_envelope.context.system if handler_input.request_envelope.context else None
    if system is None:
        return None, None, False
    user = system.user.user_id if system.user else None
    person = system.person.person_id if system.person else None
    secret = services.settings.hash_secret
    return person_key(secret, user, person), person_key(secret, user), bool(person)


def session_tag(secret: bytes, owner: str, session_id: str) -> str:
    return hmac.new(secret, f"owner:{owner}:{session_id}".encode(), hashlib.sha256).hexdigest()[:32]


class LoadState(AbstractRequestInterceptor):
    def __init__(self, services: Services):
        self.services = services

    def process(self, handler_input: HandlerInput) -> None:
        speaker, account, recognised = keys_for(handler_input, self.services)
        envelope = handler_input.request_envelope
        if envelope.request.object_type in STATELESS or envelope.request.object_type.startswith("AlexaSkillEvent."):
            turn = TurnState(key=speaker, saved=DEFAULT, state=State(), version=0, loaded=False)
        else:
            session = handler_input.attributes_manager.session_attributes if envelope.session else {}
            carried = session.get(SESSION) if isinstance(session, dict) else None
            turn = self._from_session(carried, envelope.session.session_id if envelope.session else "")
            if turn is None:
                turn = self._from_store(speaker)
            # Audio reports and player buttons name no voice: find whose hold they are about.
            if envelope.request.object_type.startswith("AudioPlayer."):
                turn = self._hold_owner(turn, parse_token(getattr(envelope.request, "token", None)))
            elif envelope.request.object_type.startswith("PlaybackController.") and envelope.context.audio_player:
                turn = self._hold_owner(turn, parse_token(envelope.context.audio_player.token))
        turn.account, turn.recognised = account, recognised
        turn.other_voice = turn.key is not None and turn.key != speaker
        handler_input.attributes_manager.request_attributes[TURN] = turn

    def _from_session(self, carried: Any, session_id: str) -> TurnState | None:
        if not isinstance(carried, dict):
            return None
        try:
            version, saved, owner, tag = int(carried["v"]), carried["b"], carried["o"], carried["t"]
            current = carried.get("s", saved)
        except (KeyError, TypeError, ValueError):
            return None
        if not (isinstance(saved, dict) and isinstance(current, dict) and isinstance(owner, str)
                and isinstance(tag, str) and 0 <= version < 2**53):
            return None
        if not hmac.compare_digest(tag, session_tag(self.services.settings.hash_secret, owner, session_id)):
            return None  # not a session this service wrote: read from the store instead
        state = State.from_dict({**current, "pending": carried.get("p")})
        return TurnState(key=owner, saved=dense(saved), state=state, version=version, unsaved="s" in carried)

    def _hold_owner(self, turn: TurnState, token: TokenParts | None) -> TurnState:
        """The record whose hold this audio report is about. Audio reports name no voice, so a hold started
        by a recognised voice is found among the voice profiles that the account's record lists."""
        def playing(candidate: TurnState) -> bool:
            p = candidate.state.progress
            return bool(p and token and (p.exercise, p.step, p.run) == (token.exercise, token.step, token.run))

        if token is None or playing(turn):
            return turn
        people = turn.saved.get(PEOPLE)
        for key in [k for k in people if isinstance(k, str)] if isinstance(people, list) else []:
            candidate = self._from_store(key, turn.deadline)
            candidate.reads += turn.reads
            if playing(candidate):
                return candidate
            turn.reads = candidate.reads
        return turn

    def _from_store(self, key: str | None, deadline: float | None = None) -> TurnState:
        turn = TurnState(key=key, saved=DEFAULT, state=State(), version=0)
        if deadline is not None:
            turn.deadline = deadline  # one budget for the whole turn
        if key is None:
            return turn
        turn.reads += 1
        try:
            record = self.services.store.load(key, deadline=turn.deadline)
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
        if turn.loaded and turn.key is not None:
            if turn.forget:
                self._forget(turn)
            else:
                current = stored_form(turn.state, turn.saved)
                if current != turn.saved or turn.unsaved:
                    if self._needs_listing(turn) and self._register_person(turn):
                        current[LISTED] = True  # saved with this turn's write, so it costs no write of its own
                    self._save(turn, current)
        envelope = handler_input.request_envelope
        if envelope.session is not None and turn.key is not None:
            secret = self.services.settings.hash_secret
            current = stored_form(turn.state, turn.saved)
            carried = {"v": turn.version, "b": sparse(turn.saved), "o": turn.key,
                       "t": session_tag(secret, turn.key, envelope.session.session_id or "")}
            if current != turn.saved:
                carried["s"] = sparse(current)
            if turn.state.pending:
                carried["p"] = turn.state.pending
            handler_input.attributes_manager.session_attributes[SESSION] = carried
        log_turn(handler_input, turn)

    def _expiry(self) -> int:
        return int(time.time()) + self.services.settings.record_days * 86_400

    def _save(self, turn: TurnState, current: dict[str, Any]) -> None:
        store = self.services.store
        version, data = turn.version, current
        try:
            for attempt in range(SAVE_ATTEMPTS):
                try:
                    turn.writes += 1
                    record = store.save(turn.key, data, version, self._expiry(), deadline=turn.deadline)
                    break
                except VersionConflict:
                    if attempt == SAVE_ATTEMPTS - 1:
                        raise
                    # Another device saved first: merge by the rule, then write on top of its version.
                    turn.reads += 1
                    theirs = store.load(turn.key, deadline=turn.deadline)
                    if theirs is None:
                        # The record vanished (a store that came back empty): write back what this
                        # session holds, not a merge with a blank record that would erase it.
                        data, version = current, 0
                        continue
                    # This turn's changes are always those against what it read, whatever the rounds.
                    data = reconcile(turn.saved, current, theirs.data)
                    version = theirs.version
            if data is not current:
                turn.state = State.from_dict({**data, "pending": turn.state.pending})
        except StoreError:
            turn.store_failed = True  # kept in the session; the next turn tries again
            return
        turn.saved, turn.version = record.data, record.version

    @staticmethod
    def _needs_listing(turn: TurnState) -> bool:
        return bool(turn.recognised and turn.account and turn.account != turn.key and not turn.saved.get(LISTED))

    def _register_person(self, turn: TurnState) -> bool:
        """Note a voice profile's record on the account's record, so SkillDisabled can find it.
        Until that succeeds, every saving turn of the profile tries again."""
        store = self.services.store
        for _ in range(2):  # one retry on a race with the account's own turn
            try:
                turn.reads += 1
                record = store.load(turn.account, deadline=turn.deadline)
                data = dict(record.data) if record else {}
                people = [k for k in data.get(PEOPLE, []) if isinstance(k, str)]
                if turn.key in people:
                    return True
                data[PEOPLE] = people + [turn.key]
                turn.writes += 1
                store.save(turn.account, data, record.version if record else 0, self._expiry(),
                           deadline=turn.deadline)
                return True
            except VersionConflict:
                continue
            except StoreError:
                turn.store_failed = True
                return False
        return False

    def _forget(self, turn: TurnState) -> None:
        """Delete by voice: this person's record goes; an account's list of other profiles' records stays."""
        store, people = self.services.store, turn.saved.get(PEOPLE)
        try:
            turn.writes += 1
            store.delete(turn.key, deadline=turn.deadline)
            if people:
                turn.writes += 1
                store.save(turn.key, {PEOPLE: people}, 0, self._expiry(), deadline=turn.deadline)
        except StoreError:
            turn.store_failed = True
            return
        turn.saved, turn.version = ({PEOPLE: people}, 1) if people else (DEFAULT, 0)


def forget_account(services: Services, account: str) -> int:
    """SkillDisabled: delete the account's record and every voice profile's record it lists."""
    store = services.store
    record = store.load(account)
    people = [k for k in (record.data.get(PEOPLE, []) if record else []) if isinstance(k, str)]
    for key in people:
        store.delete(key)
    store.delete(account)
    return len(people) + 1


def log_turn(handler_input: HandlerInput, turn: TurnState | None, error: str | None = None) -> None:
    """One JSON line per turn: no utterance, no slot value, no raw Alexa id."""
    request = handler_input.request_envelope.request
    intent = getattr(request, "intent", None)
    line = {
        "event": "turn",
        "request_id": getattr(request, "request_id", None),
        "type": getattr(request, "object_type", None),
        "intent": getattr(intent, "name", None),
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
