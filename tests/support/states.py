"""Start a test from a state, not from N turns: a person at exercise X, step Y, and one event run on it.

    state = state_at("lying_together", "quiet", hold_ms=25_000)            # a State (keyword constructors only)
    outcome = handle(state, Ev.CHECKIN, value="yellow", playing_ms=25_000)  # Engine.handle -> Outcome
    result = Turns().at(state).say(Ev.NEXT)                                 # TurnRunner on a MemoryStore

The state is what N turns would have left: welcomed, the steps before ``step`` in the trail (so "back" works),
and a hold started (``run``, ``hold_ms``) when asked for. Tests that are about the HTTP path, AudioPlayer tokens
or SSML keep driving POST /alexa (tests/support/alexa.py); these helpers are for tests whose point is one
transition of the engine or the runner.
"""
from __future__ import annotations

import uuid

from skill.core import (Ask, Context, Engine, Ev, Event, HoldPosition, Identity, Outcome, Progress, Question, State,
                        TurnRequest, TurnResult, TurnRunner, identity_for, load_catalog)
from skill.core.identity import session_tag
from skill.core.state import sparse
from skill.store.base import Store
from skill.store.memory import MemoryStore

CATALOG = load_catalog()
ENGINE = Engine(CATALOG)
SECRET = b"state-helper-test-secret-0123456789"
ACCOUNT = "amzn1.ask.account.STATEHELPERTEST"
LATER = 10**10  # an expiry far in the future (epoch s)


def progress_at(exercise: str, step: str | int | None = None, *, gentle: bool = False, hold_ms: int | None = None,
                hold_done: bool = False, run: str = "r1", trail: list[str] | None = None) -> Progress:
    """The progress at ``exercise``'s ``step`` (an id, an index, or None for the first step); the trail (for
    "back") is ``trail``, by default the steps before it in the file. ``hold_ms`` (ms into the step's hold) marks
    its hold as started, named ``run``.

    Raises KeyError for an unknown exercise, ValueError for a step it does not have."""
    ids = [s.id for s in CATALOG.exercises[exercise].steps]
    index = 0 if step is None else step if isinstance(step, int) else ids.index(step)
    started = hold_ms is not None or hold_done
    return Progress(exercise=exercise, step=ids[index],
                    trail=_said_next(exercise, ids[index]) if trail is None else list(trail),
                    gentle=gentle, run=run if started else None, hold_ms=hold_ms or 0, hold_done=hold_done)


def _said_next(exercise_id: str, target: str) -> list[str]:
    """The steps "next" passes through from the first step to ``target`` (a step's ``on.next`` may skip ahead);
    for a step "next" never reaches (one a "no" or a high number leads to), the steps before it in the file."""
    exercise = CATALOG.exercises[exercise_id]
    step, trail = exercise.first, []
    while step is not None and step.id != target and not step.end and len(trail) < len(exercise.steps):
        trail.append(step.id)
        move = step.on.get("next", "next")
        step = exercise.following(step.id) if move == "next" else (
            None if move in ("end", "back", "repeat") else exercise.step(move))
    if step is not None and step.id == target:
        return trail
    ids = [s.id for s in exercise.steps]
    return ids[:ids.index(target)]


def state_at(exercise: str | None = None, step: str | int | None = None, *, gentle: bool = False,
             hold_ms: int | None = None, hold_done: bool = False, trail: list[str] | None = None,
             pending: Question | Ask | None = None, **fields) -> State:
    """A welcomed person's State at ``exercise``/``step`` (None: in no exercise), as ``progress_at`` builds it;
    ``pending`` is the question just asked (an Ask for one with no detail); ``fields`` go to State as given."""
    progress = None if exercise is None else progress_at(exercise, step, gentle=gentle, hold_ms=hold_ms,
                                                         hold_done=hold_done, trail=trail)
    if isinstance(pending, Ask):
        pending = Question(pending)
    fields.setdefault("welcomed", True)
    fields.setdefault("holds", 1 if progress is not None and progress.run else 0)
    return State(progress=progress, pending=pending, **fields)


def playing(state: State, elapsed_ms: int | None = None) -> HoldPosition:
    """Where the state's hold audio is, as a device reports it (``elapsed_ms``: default the state's hold_ms)."""
    p = state.progress
    assert p is not None and p.run is not None, "the state has no hold started"
    return HoldPosition(p.exercise, p.step, p.run, p.hold_ms if elapsed_ms is None else elapsed_ms)


def handle(state: State, event: Event | Ev, *, value: str | None = None, playing_ms: int | None = None,
           **context) -> Outcome:
    """``Engine.handle`` on ``state``: ``event`` (or an Ev with ``value``), with the hold playing at ``playing_ms``
    when given, and ``context`` as Context's keyword arguments (audio_player defaults to True)."""
    if isinstance(event, Ev):
        event = Event(event, value)
    context.setdefault("audio_player", True)
    if playing_ms is not None:
        context["playing"] = playing(state, playing_ms)
    return ENGINE.handle(state, event, Context(**context))


def store_state(store: Store, key: str, state: State) -> dict:
    """Save ``state``'s stored form as a new record under ``key`` (a person key); returns that form.
    Raises VersionConflict when a live record is already stored there."""
    data = state.to_dict()
    store.save(key, data, 0, LATER)
    return data


def seed(server, state: State, user_id: str = "amzn1.ask.account.AEXAMPLEUSER") -> None:
    """Store ``state`` for the Alexa user ``user_id`` in a tests.conftest.SkillServer's store, so that an HTTP
    test starts there: the next request (in a new session) finds it, as after the turns that led to it."""
    store_state(server.services.runner.store, identity_for(server.settings.hash_secret, user_id, None).speaker,
                state)


class Turns:
    """One person's turns through a TurnRunner on an in-memory store (``store``), from a stored state.

    ``at(state)`` stores the state's stored form (version 1) and, when it has a pending question, opens a
    session that carries it (a question lives in the session only). ``say`` then runs one event; later calls
    carry the session on, as an adapter does."""

    def __init__(self, store: MemoryStore | None = None, identity: Identity | None = None):
        self.store = store or MemoryStore()
        self.runner = TurnRunner(ENGINE, self.store, SECRET)
        self.identity = identity or identity_for(SECRET, ACCOUNT, None)
        self.session_id: str | None = None
        self.carried: dict | None = None

    def at(self, state: State) -> "Turns":
        """Store ``state`` as this person's record; returns self."""
        key = self.identity.speaker
        data = store_state(self.store, key, state)
        self.session_id, self.carried = None, None
        if state.pending is not None:  # the runner's session form (skill/core/turn.py, _carry), tagged for its owner
            self.session_id = f"session-{uuid.uuid4().hex}"
            self.carried = {"v": 1, "b": sparse(data), "o": key, "t": session_tag(SECRET, key, self.session_id),
                            "p": state.pending.to_session()}
        return self

    def say(self, event: Event | Ev, value: str | None = None, *, playing_at: HoldPosition | None = None,
            **context) -> TurnResult:
        """Run one turn of ``event`` (or an Ev with ``value``); ``context``: Context's keyword arguments
        (audio_player defaults to True, new_session to whether no session is open)."""
        if isinstance(event, Ev):
            event = Event(event, value)
        if self.session_id is None:
            self.session_id = f"session-{uuid.uuid4().hex}"
            context.setdefault("new_session", True)
        context.setdefault("audio_player", True)
        result = self.runner.run(TurnRequest(identity=self.identity, event=event,
                                             context=Context(playing=playing_at, **context),
                                             session=self.carried, session_id=self.session_id))
        self.carried = result.session
        return result

    def stored(self) -> State:
        """The person's State as stored now (a fresh State when nothing is stored)."""
        record = self.store.load(self.identity.speaker)
        return State.from_dict(record.data if record else None)
