"""The turn shell: what every platform's turn needs around the turn runner, written once.

    Heard (what the platform knows of one request) -> Turned (the reply, the session to carry, one log line)

An adapter translates its platform's request into a `Heard` and renders `Turned.reply`; everything between is
here: the identity (raw ids hashed with skill.core.identity, never kept), the `Context` (from the device's
abilities), the session carry, the one log line per request in one schema for every platform (`LOG_FIELDS`),
and the calm failure (any exception in a turn is the `SORRY` reply, logged by the exception's type only).
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from .events import Context, Event, HoldPosition, Reply
from .identity import identity_for, request_digest
from .pairing import Pairing, forget
from .reminders import Reminders
from .turn import SORRY, TurnRequest, TurnResult, TurnRunner
from ..store.base import StoreError

log = logging.getLogger("skill.turn")
# The one turn line's fields, on every platform. Never an utterance, a slot value, state or a raw id.
LOG_FIELDS = frozenset({"event", "platform", "type", "request", "intent", "kind", "latency_ms", "store", "error"})
SORRY_REPLY = Reply(speech=SORRY, reprompt=SORRY, end_session=False)


class LogLine(dict):
    """A structured log message: skill.logs writes its fields as they are; as text it is the JSON object."""

    def __str__(self) -> str:
        return json.dumps(self, separators=(",", ":"))


def _unknown_time() -> datetime | None:
    return None


def _unknown_zone() -> str | None:
    return None


@dataclass(frozen=True)
class Device:
    """What the device is and can do, as its platform reports it: ``locale`` (e.g. "en-US"), whether it can play
    long-form audio, its local time (a callable, asked only when a step names the day; it may cost a network
    call), where this skill's hold audio is playing on it, if it is, the name it answers to (``{wake}``),
    whether it has a screen that shows what a turn puts there (``Reply.screen``), and whether it gives pairing
    codes (``pairing``: a client's own version is named by account on this platform, skill/core/pairing.py)."""

    locale: str = "en-US"
    audio_player: bool = False
    local_time: Callable[[], datetime | None] = field(default=_unknown_time)
    playing: HoldPosition | None = None
    wake_word: str = "Alexa"
    reminders: Reminders | None = None
    screen: bool = False
    # Its IANA time zone name, asked only to choose Austria's or Switzerland's lines (Context.time_zone).
    time_zone: Callable[[], str | None] = field(default=_unknown_zone)
    # A client's own version is named by account here, so the device may give pairing codes (Context.pairing).
    pairing: bool = False


@dataclass(frozen=True)
class Heard:
    """One request, as a platform knows it.

    ``platform``: a short name ("alexa", "ovos"); ``type``: the platform's kind of request, logged as it is, so a
    name from a fixed list; ``event``: the engine event, or a callable making it (read inside the calm failure's
    guard), or None for a request that needs no turn; ``user_id`` / ``person_id``: the platform's raw ids of the
    account and the recognised voice, hashed here; ``session_id`` and ``session``: the platform's session and
    what `Turned.session` gave on its previous turn (None outside a session); ``new_session``: the session starts
    with this request; ``hold``: for audio reports, the (exercise, step, run) of the hold reported on;
    ``request_id``: the platform's id of this request (the same on a retry); ``intent``: the intent's name in the
    platform's model for the log, never words heard; ``spoken``: the platform lets this request be answered in
    speech (a calm failure says sorry only then)."""

    platform: str
    type: str
    event: Event | Callable[[], Event] | None
    user_id: str | None = None
    person_id: str | None = None
    session_id: str | None = None
    session: Any = None
    new_session: bool = False
    device: Device = Device()
    hold: tuple[str, str, str] | None = None
    request_id: str | None = None
    intent: str | None = None
    spoken: bool = True


@dataclass(frozen=True)
class Turned:
    """What the turn gave: the ``reply`` to render, the ``session`` to carry to the next turn of this platform
    session (None: nothing; after a failure, what came in), the ``log`` line written, and the runner's
    ``result`` (None when no turn ran or it failed)."""

    reply: Reply
    session: Any
    log: LogLine
    result: TurnResult | None = None


class Shell:
    """Runs `Heard` requests through ``runner`` (its secret keys the hashes; its record_days goes to the
    context)."""

    def __init__(self, runner: TurnRunner):
        self.runner = runner
        self.pairing = Pairing(runner.store, runner.secret)  # codes in the turns' own store, with their key

    def turn(self, heard: Heard) -> Turned:
        """One request: the turn if it needs one, one log line (logger ``skill.turn``, INFO). Never raises."""
        started = time.perf_counter()
        result = error = kind = None
        try:
            event = heard.event() if callable(heard.event) else heard.event
            if event is None:
                reply, session = Reply(), None
            else:
                kind = event.kind.value
                request = self._request(heard, event)
                result = self.runner.run(request)
                reply, session = result.reply, result.session
                if reply.forget and request.context.pairing is not None and request.context.account:
                    self._forget_code(request.context.account, result)  # "delete my data" takes a code too
        except Exception as exc:  # noqa: BLE001 - a calm answer, never a stack trace to the caller
            error, result = type(exc).__name__, None  # the type only: messages can carry request data
            reply, session = (SORRY_REPLY if heard.spoken else Reply()), heard.session
        line = LogLine({"event": "turn", "platform": heard.platform, "type": heard.type,
                        "request": request_digest(self.runner.secret, heard.request_id, for_log=True),
                        "intent": heard.intent, "kind": kind,
                        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
                        "store": {"reads": result.reads if result else 0, "writes": result.writes if result else 0,
                                  "failed": result.store_failed if result else False}})
        if error:
            line["error"] = error
        log.info(line)
        return Turned(reply, session, line, result)

    def forget_account(self, user_id: str | None) -> int | None:
        """Delete everything kept for the account ``user_id`` (raw id, hashed here), its voice profiles and any
        pairing code it asked for: the number of people's records deleted, or None when the store could not be
        reached (logged)."""
        account = identity_for(self.runner.secret, user_id).account
        try:
            deleted = self.runner.forget_account(account) if account else 0
            if account:
                forget(self.runner.store, self.runner.secret, account)  # a pairing code asked for, if any
        except StoreError:
            log.error(LogLine({"event": "forget_account", "error": "store unavailable"}))
            return None
        log.info(LogLine({"event": "forget_account", "records_deleted": deleted}))
        return deleted

    def _forget_code(self, account: str, result: TurnResult) -> None:
        """Delete a pairing code the account asked for, after a delete by voice; the store down is counted as the
        turn's store failure, and the code expires on its own within 30 minutes."""
        try:
            forget(self.runner.store, self.runner.secret, account)
        except StoreError:
            result.store_failed = True

    def _request(self, heard: Heard, event: Event) -> TurnRequest:
        device = heard.device
        identity = identity_for(self.runner.secret, heard.user_id, heard.person_id)
        context = Context(locale=device.locale, new_session=heard.new_session, local_time=device.local_time,
                          audio_player=device.audio_player, playing=device.playing,
                          wake_word=device.wake_word, record_days=self.runner.record_days,
                          reminders=device.reminders, screen=device.screen,
                          time_zone=device.time_zone, account=identity.account,
                          pairing=self.pairing if device.pairing else None)
        return TurnRequest(identity=identity, event=event,
                           context=context, session=heard.session if heard.session_id is not None else None,
                           session_id=heard.session_id, hold=heard.hold, request_id=heard.request_id)
