"""Golden transcripts: every path of every exercise through ``skill.core.Engine.handle``, as readable text.

One file per exercise, ``tests/golden/<exercise id>.txt``, written by ``python -m tests.golden.make`` and
compared by tests/test_golden.py. Nothing here knows a platform: events in, ``Reply`` fields out.

What is walked (``walk_exercise``)
    For each variant (``VARIANTS``: local time known or not, AudioPlayer or not, normal or less talking;
    less talking only for an exercise with a ``brief`` wording, as it changes nothing else), a depth-first
    walk from "start <exercise>" over every answer a step takes (``alphabet``): its ``on`` answers (next,
    back, repeat, yes, no, "I'll go first", ratings 3 / 9 / 11 before and 2 / 5 / 9 after), green at
    check-in steps, yellow, red and help at every step, the audio player's reports (finished, stopped,
    failed) and pause at a playing hold, resume and "longer" at a hold step, "open the skill" after a
    session ended, and yes / no / red to the engine's own questions. Yellow leads into the gentle variant.
    A state (``state_key``: step, gentle, pending question, hold position, new session, audio playing, ...)
    is walked once; reaching it again ends the path. A path that leaves the exercise (grounding after red,
    "help me ground") ends there: that exercise has its own file. Ratings are not part of the key: the main
    line rates 3 before, so 5 after is a rise in distress. The first variant also tries the session-wide
    asides once, at the first step (stop, cancel, pause, delete, settings, ...). ``scenarios`` add what one
    walk cannot reach: grounding that interrupted a partnered exercise and offers to return, the gentle
    repeat after distress rose, a later stage before its gate is met or with "ready" remembered.

The file format
    ``=== walk: <variant name>`` opens a section; ``clock:``, ``audio player:`` and ``start state:`` (the
    stored form, sparse JSON) give its conditions. ``--- path N`` starts a path from that start state;
    ``--- path N = path M after turn K`` starts with the first K turns of path M (resolve recursively). Each
    turn is ``> event [value]`` plus ``| new session`` / ``| playing <exercise>/<step> at <ms> ms``, then
    the reply (``render_reply``): speech markup, reprompt, end session, gentle, stop audio, hold plan
    (exercise/step/seconds/from ms; never the run id) and ``at:`` the exercise/step after the turn.

How to replay on another platform (e.g. the OVOS adapter)
    ``sections = read(path)``; for each section and each path in it, ``turns = full_turns(section, path)``;
    seed a new person with ``section.start`` (sparse stored form: ``skill.core.state.dense`` gives the full
    record to put in a store, or to ``State.from_dict``), make a ``Device`` and
    for each turn call your platform with ``turn.event`` and ``device.context(section.variant)`` (that
    carries new-session and the playing hold, from the replies seen so far), take its ``Reply`` and the
    exercise/step it is at, compare ``render_reply(reply, at)`` with ``turn.expected``, then
    ``device.after(turn.event, reply)``. ``replay(section, path, run_turn)`` does all of that for a
    callable ``run_turn(event, context) -> (Reply, "exercise/step" or "-")`` and returns the mismatches;
    tests/test_golden.py replays every file through the engine this way (``engine_runner``). Platform
    sessions: a turn tagged ``new session`` opens a new platform session (no carried session); the
    others continue the previous turn's session; the audio player's reports (``hold_*``) come from
    outside any session, about the hold named by ``playing``.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from skill.core import Context, Engine, Ev, Event, HoldPosition, Reply, State
from skill.core.content import Catalog, Exercise, Step
from skill.core.events import AUDIO_EVENTS
from skill.core.state import dense, sparse

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden"
UPDATE_COMMAND = ".venv/bin/python -m tests.golden.make"
KNOWN_TIME = datetime(2026, 3, 4, 19, 30)  # a Wednesday evening
HEARD_MS = 60_000  # how far a playing hold has got when the next event arrives (one minute in)
MAX_PREFIX_TURNS = 60  # a scripted prefix that runs longer than this is a loop in the content


@dataclass(frozen=True)
class Variant:
    """The conditions of one walk: whether the device knows its local time, has AudioPlayer, and the
    person asked for less talking."""

    name: str
    clock: bool
    audio: bool
    less_talking: bool = False
    asides: bool = False  # try the session-wide asides once (first variant only: they do not vary)

    def local_time(self) -> datetime | None:
        return KNOWN_TIME if self.clock else None


VARIANTS = (
    Variant("clock known, audio player, normal talking", clock=True, audio=True, asides=True),
    Variant("clock unknown, no audio player, normal talking", clock=False, audio=False),
    Variant("clock known, audio player, less talking", clock=True, audio=True, less_talking=True),
)
VARIANT_BY_NAME = {v.name: v for v in VARIANTS}


# ---- the device: what the platform knows between turns ---------------------------------------------


@dataclass
class Device:
    """What the platform itself tracks between turns: whether the last reply ended the session (the next
    event opens a new one) and which hold is playing, reported ``HEARD_MS`` further on than it started."""

    new_session: bool = True
    playing: HoldPosition | None = None
    seconds: int = 0  # the playing hold's length

    def context(self, variant: Variant) -> Context:
        """The Context of the next turn under ``variant``."""
        time = variant.local_time()
        return Context(new_session=self.new_session, local_time=lambda: time, audio_player=variant.audio,
                       playing=self.playing)

    def after(self, event: Event, reply: Reply) -> None:
        """Follow one reply: a play starts (or goes on with) a hold; a stop or an audio report ends it."""
        if reply.play is not None:
            p = reply.play
            self.playing = HoldPosition(p.exercise, p.step, p.run, min(p.elapsed_ms + HEARD_MS, p.seconds * 1000))
            self.seconds = p.seconds
        elif reply.stop_audio or event.kind in AUDIO_EVENTS:
            self.playing = None
        if event.kind not in AUDIO_EVENTS:
            self.new_session = reply.end_session

    def tags(self) -> str:
        out = " | new session" if self.new_session else ""
        if self.playing:
            out += f" | playing {self.playing.exercise}/{self.playing.step} at {self.playing.elapsed_ms} ms"
        return out


# ---- rendering ---------------------------------------------------------------------------------------


def render_event(event: Event) -> str:
    return event.kind.value + (f" {event.value}" if event.value is not None else "")


def parse_event(text: str) -> Event:
    kind, _, value = text.partition(" ")
    return Event(Ev(kind), value or None)


def _block(label: str, text: str | None) -> list[str]:
    if text is None:
        return [f"  {label}: -"]
    lines = text.split("\n")
    return [f"  {label}: {lines[0]}".rstrip()] + [f"  {' ' * len(label)}| {line}".rstrip() for line in lines[1:]]


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def render_reply(reply: Reply, at: str) -> str:
    """The reply as golden text (several lines): speech, reprompt, flags, hold plan and where it left the
    person (``at``: "exercise/step" or "-"). The hold's run id is left out: it names a playback, not words."""
    lines = _block("speech", reply.speech) + _block("reprompt", reply.reprompt)
    lines.append(f"  end session: {yes_no(reply.end_session)} | gentle: {yes_no(reply.gentle)}"
                 f" | stop audio: {yes_no(reply.stop_audio)} | forget: {yes_no(reply.forget)}")
    p = reply.play
    lines.append(f"  hold: {p.exercise}/{p.step} {p.seconds} s from {p.elapsed_ms} ms" if p else "  hold: -")
    lines.append(f"  at: {at}")
    return "\n".join(lines)


def where(state: State) -> str:
    p = state.progress
    return f"{p.exercise}/{p.step}" if p else "-"


# ---- the walk ----------------------------------------------------------------------------------------


@dataclass
class Turn:
    event: Event
    tags: str  # the device's tags before the turn (" | new session | playing ...")
    expected: str  # render_reply of the reply


@dataclass
class GoldenPath:
    id: int
    parent: int | None  # this path starts with the first ``after`` turns of path ``parent``
    after: int
    turns: list[Turn] = field(default_factory=list)


@dataclass
class Section:
    title: str  # "walk: <variant>" or "scenario: <what>"
    variant: Variant
    start: dict  # the stored form the person starts from (sparse)
    paths: list[GoldenPath] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)  # the engine's own questions put during the walk (not in the file)


E = Event
ASIDES = (E(Ev.STOP), E(Ev.CANCEL), E(Ev.PAUSE), E(Ev.RESUME), E(Ev.START_OVER), E(Ev.FALLBACK), E(Ev.GROUND),
          E(Ev.DELETE_DATA), E(Ev.WHAT_WE_KEEP), E(Ev.LOOP), E(Ev.SHUFFLE), E(Ev.SETTING, "shorter"),
          E(Ev.SETTING, "longer"), E(Ev.SETTING, "less_talking"), E(Ev.SETTING, "more_talking"),
          E(Ev.SETTING, "only_my_voice"), E(Ev.SET_LENGTH, "10"), E(Ev.SET_LENGTH, "99"), E(Ev.RATING, "4"),
          E(Ev.START, None), E(Ev.GO_FIRST), E(Ev.CHECKIN, None), E(Ev.SESSION_END))
QUESTION_ANSWERS = (E(Ev.YES), E(Ev.NO), E(Ev.CHECKIN, "red"))
RATINGS = {"before": ("3", "9", "11"), "after": ("2", "5", "9")}


def alphabet(state: State, device: Device, exercise: Exercise, asides: bool) -> list[Event]:
    """The events tried from ``state`` (see the module docstring), in a fixed order: the first one carries
    the path on, so the main line walks the exercise forward."""
    if state.pending is not None:
        return list(QUESTION_ANSWERS)
    p = state.progress
    step = exercise.step(p.step) if p else None
    assert step is not None
    out: list[Event] = []
    if device.playing and step.hold and not p.hold_ms and not p.hold_done and not state.playback_failed:
        out += [E(Ev.HOLD_FINISHED), E(Ev.HOLD_STOPPED), E(Ev.HOLD_FAILED), E(Ev.PAUSE)]
    if step.rating:
        out += [E(Ev.RATING, v) for v in RATINGS[step.rating]]
    out += [E(Ev.NEXT), E(Ev.BACK), E(Ev.REPEAT)]
    out += [E(Ev.YES if a == "yes" else Ev.NO) for a in ("yes", "no") if a in step.on]
    if "first" in step.on:
        out.append(E(Ev.GO_FIRST))
    if step.checkin:
        out.append(E(Ev.CHECKIN, "green"))
    out += [E(Ev.CHECKIN, "yellow"), E(Ev.CHECKIN, "red"), E(Ev.HELP)]
    if step.hold:
        out += [E(Ev.RESUME), E(Ev.SETTING, "longer")]
    if device.new_session:
        out.append(E(Ev.LAUNCH))
    if asides:
        out += list(ASIDES)
    return out


def state_key(state: State, device: Device) -> tuple:
    """What makes two points of a walk the same for the engine (ratings and settings left out on purpose)."""
    p = state.progress
    progress = (p.exercise, p.step, p.gentle, p.hold_ms > 0, p.hold_done, p.run is not None) if p else None
    pending = state.pending.to_session() if state.pending else None
    return (progress, json.dumps(pending, sort_keys=True), state.playback_failed, state.return_to is not None,
            device.new_session, device.playing is not None)


def _copy(state: State) -> State:
    """A copy the engine may change: through the stored form, which keeps every field but the question."""
    return State.from_dict(state.to_dict(), state.pending)


class _Walker:
    def __init__(self, engine: Engine, exercise: Exercise, section: Section, next_id: int):
        self.engine, self.exercise, self.section = engine, exercise, section
        self.next_id = next_id
        self.seen: set[tuple] = set()
        self.asides_done = False

    def new_path(self, parent: GoldenPath | None, after: int) -> GoldenPath:
        path = GoldenPath(self.next_id, parent.id if parent else None, after)
        self.next_id += 1
        self.section.paths.append(path)
        return path

    def turn(self, state: State, device: Device, event: Event) -> tuple[Turn, State]:
        """One event through the engine; ``state`` and ``device`` are changed in place."""
        tags = device.tags()
        outcome = self.engine.handle(state, event, device.context(self.section.variant))
        device.after(event, outcome.reply)
        if outcome.state.pending is not None:
            self.section.asked.add(outcome.state.pending.kind.value)
        return Turn(event, tags, render_reply(outcome.reply, where(outcome.state))), outcome.state

    def explore(self, state: State, device: Device, path: GoldenPath, depth: int | None = None) -> None:
        """Try every event of ``alphabet`` from (state, device), the tail of ``path``."""
        key = state_key(state, device)
        if key in self.seen:
            return
        self.seen.add(key)
        p = state.progress
        if state.pending is None and (p is None or p.exercise != self.exercise.id):
            return  # the exercise ended, or left for another one (walked in its own file)
        asides = self.section.variant.asides and not self.asides_done and p is not None
        if asides:
            self.asides_done = True
        length = len(path.turns)
        for i, event in enumerate(alphabet(state, device, self.exercise, asides)):
            s, d = _copy(state), replace(device)
            target = path if i == 0 else self.new_path(path, length)
            turn, s = self.turn(s, d, event)
            target.turns.append(turn)
            if depth is None:
                self.explore(s, d, target)
            elif depth > 1:
                self.explore(s, d, target, depth - 1)


def start_events(catalog: Catalog, exercise: Exercise) -> list[Event]:
    """What starts ``exercise``: its name, then each partner's "yes, ready" for a gated stage."""
    events = [E(Ev.START, exercise.id)]
    if exercise.gate:
        events += [E(Ev.YES), E(Ev.YES)]
    return events


def start_state(catalog: Catalog, exercise: Exercise, variant: Variant) -> State:
    return State(welcomed=True, settings={"less_talking": True} if variant.less_talking else {},
                 completed={exercise.gate.after: exercise.gate.times} if exercise.gate else {})


def _scripted(walker: _Walker, state: State, events: list[Event], then: Callable[[State], Event | None]) -> None:
    """A path of fixed ``events``, then ``then(state)`` until it says None; then every answer from there
    (one level: what follows each is walked in the main walks)."""
    state, device = _copy(state), Device()  # the engine changes the state it is given
    path = walker.new_path(None, 0)
    for event in events:
        turn, state = walker.turn(state, device, event)
        path.turns.append(turn)
    for _ in range(MAX_PREFIX_TURNS):
        event = then(state)
        if event is None:
            break
        turn, state = walker.turn(state, device, event)
        path.turns.append(turn)
    else:
        raise RuntimeError(f"{walker.exercise.id}: scripted path did not settle in {MAX_PREFIX_TURNS} turns")
    walker.explore(state, device, path, depth=1)


def _until_question(state: State) -> Event | None:
    return None if state.pending is not None or state.progress is None else E(Ev.NEXT)


def walk_exercise(engine: Engine, exercise: Exercise) -> list[Section]:
    """Every section of ``exercise``'s golden transcript: one walk per variant, then the scenarios."""
    catalog = engine.catalog
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))  # the walk recurses once per new state
    sections: list[Section] = []
    next_id = 1
    for variant in VARIANTS:
        if variant.less_talking and not any(step.brief for step in exercise.steps):
            continue  # no step has a shorter wording: the walk would repeat the first one word for word
        state = start_state(catalog, exercise, variant)
        section = Section(f"walk: {variant.name}", variant, sparse(state.to_dict()))
        walker = _Walker(engine, exercise, section, next_id)
        _scripted_walk(walker, state, start_events(catalog, exercise))
        sections.append(section)
        next_id = walker.next_id
    for title, state, events, then in scenarios(catalog, exercise):
        variant = VARIANTS[0]
        section = Section(f"scenario: {title}", variant, sparse(state.to_dict()))
        walker = _Walker(engine, exercise, section, next_id)
        walker.asides_done = True  # tried in the first walk
        _scripted(walker, state, events, then)
        sections.append(section)
        next_id = walker.next_id
    return sections


def _scripted_walk(walker: _Walker, state: State, events: list[Event]) -> None:
    """The start events as one path, with every answer to each question on the way, then the whole walk."""
    state, device = _copy(state), Device()  # the engine changes the state it is given
    path = walker.new_path(None, 0)
    for i, event in enumerate(events):
        if i and state.pending is not None:
            # The other answers to a question on the way in (e.g. "not ready"), one level each.
            for other in QUESTION_ANSWERS[1:]:
                s, d = _copy(state), replace(device)
                branch = walker.new_path(path, len(path.turns))
                turn, s = walker.turn(s, d, other)
                branch.turns.append(turn)
        turn, state = walker.turn(state, device, event)
        path.turns.append(turn)
    walker.explore(state, device, path)


def scenarios(catalog: Catalog, exercise: Exercise) -> Iterator[tuple[str, State, list[Event], Callable]]:
    """(title, start state, events, then) for the paths one walk cannot reach."""
    grounding = catalog.grounding
    if exercise.partnered:
        start = start_state(catalog, exercise, VARIANTS[0])  # never changed: each path starts from a copy
        yield ("help me ground in the second step, grounding to its end, then the offer to return",
               start, start_events(catalog, exercise) + [E(Ev.NEXT), E(Ev.GROUND)], _until_question)
        repeat = exercise.gate.after if exercise.gate else exercise.id
        again = replace(start, repeat_next=[repeat])
        yield ("distress rose last time: the same session again, gently", again,
               [E(Ev.START, exercise.id)], lambda s: None)
    if exercise.gate:
        fresh = State(welcomed=True)
        yield (f"asked for before {exercise.gate.after} was done {exercise.gate.times} times", fresh,
               [E(Ev.START, exercise.id)], lambda s: None)
        remembered = replace(start_state(catalog, exercise, VARIANTS[0]), ready_next=True)
        yield ("both partners said they were ready last time", remembered, [E(Ev.START, exercise.id)],
               lambda s: None)
    if exercise is grounding:
        yield ("a first launch, then grounding by name", State(), [E(Ev.LAUNCH), E(Ev.GROUND)], lambda s: None)


# ---- the text file -----------------------------------------------------------------------------------


def render(exercise: Exercise, sections: list[Section]) -> str:
    """The golden file's text for ``exercise``."""
    out = [f"# Golden transcript of the exercise '{exercise.id}' ({exercise.title}), through skill.core.Engine.",
           f"# Made by tests/support/golden.py: do not edit by hand. After an intended change: {UPDATE_COMMAND}",
           "# Format and replay: see the docstring of tests/support/golden.py.", ""]
    for section in sections:
        v = section.variant
        out += [f"=== {section.title}",
                f"clock: {KNOWN_TIME.strftime('%A %Y-%m-%d %H:%M') if v.clock else 'unknown'}",
                f"audio player: {yes_no(v.audio)}",
                f"variant: {v.name}",
                f"start state: {json.dumps(section.start, sort_keys=True)}", ""]
        for path in section.paths:
            head = f"--- path {path.id}"
            if path.parent is not None:
                head += f" = path {path.parent} after turn {path.after}"
            out.append(head)
            for turn in path.turns:
                out.append(f"> {render_event(turn.event)}{turn.tags}")
                out.append(turn.expected)
            out.append("")
    return "\n".join(out)


def walk_all(engine: Engine) -> dict[str, list[Section]]:
    """Every exercise's sections, by exercise id."""
    return {eid: walk_exercise(engine, ex) for eid, ex in sorted(engine.catalog.exercises.items())}


def transcripts(engine: Engine, walks: dict[str, list[Section]] | None = None) -> dict[str, str]:
    """Every exercise's golden text, by file name (``walks``: from ``walk_all``, to reuse a walk)."""
    walks = walks if walks is not None else walk_all(engine)
    return {f"{eid}.txt": render(engine.catalog.exercises[eid], sections) for eid, sections in walks.items()}


_SECTION = re.compile(r"^=== (.+)$")
_PATH = re.compile(r"^--- path (\d+)(?: = path (\d+) after turn (\d+))?$")


def read(path: Path) -> list[Section]:
    """Parse a golden file back into sections, paths and turns (``Turn.expected`` is the reply text)."""
    sections: list[Section] = []
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    current: GoldenPath | None = None
    while i < len(lines):
        line = lines[i]
        m = _SECTION.match(line)
        if m:
            meta = {}
            for j in range(1, 5):
                name, _, value = lines[i + j].partition(": ")
                meta[name] = value
            sections.append(Section(m.group(1), VARIANT_BY_NAME[meta["variant"]], json.loads(meta["start state"])))
            i += 5
        elif (m := _PATH.match(line)):
            current = GoldenPath(int(m.group(1)), int(m.group(2)) if m.group(2) else None,
                                 int(m.group(3) or 0))
            sections[-1].paths.append(current)
        elif line.startswith("> "):
            assert current is not None
            head, *tags = line[2:].split(" | ")
            block = []
            while i + 1 < len(lines) and lines[i + 1].startswith("  "):
                i += 1
                block.append(lines[i])
            current.turns.append(Turn(parse_event(head), "".join(" | " + t for t in tags), "\n".join(block)))
        i += 1
    return sections


def full_turns(section: Section, path: GoldenPath) -> list[Turn]:
    """The turns of ``path`` from the section's start state, its parents' first turns included."""
    by_id = {p.id: p for p in section.paths}
    chain: list[Turn] = list(path.turns)
    parent, after = path.parent, path.after
    while parent is not None:
        p = by_id[parent]
        chain = p.turns[:after] + chain
        parent, after = p.parent, p.after
    return chain


def replay(section: Section, path: GoldenPath,
           run_turn: Callable[[Event, Context], tuple[Reply, str]]) -> list[str]:
    """Replay one path through ``run_turn(event, context) -> (reply, "exercise/step" or "-")`` (a platform's
    turn, seeded by the caller with ``section.start``); returns a description of each mismatch (empty: all
    equal)."""
    device = Device()
    problems = []
    for n, turn in enumerate(full_turns(section, path), 1):
        if device.tags() != turn.tags:
            problems.append(f"path {path.id} turn {n}: device tags {device.tags()!r}, golden {turn.tags!r}")
        reply, at = run_turn(turn.event, device.context(section.variant))
        got = render_reply(reply, at)
        if got != turn.expected:
            problems.append(f"path {path.id} turn {n} ({render_event(turn.event)}):\n--- golden\n{turn.expected}"
                            f"\n--- got\n{got}")
        device.after(turn.event, reply)
    return problems


def engine_runner(engine: Engine, start: dict) -> Callable[[Event, Context], tuple[Reply, str]]:
    """A ``run_turn`` for ``replay`` straight through the engine, from the stored form ``start``."""
    box = {"state": State.from_dict(dense(start))}

    def run_turn(event: Event, ctx: Context) -> tuple[Reply, str]:
        outcome = engine.handle(box["state"], event, ctx)
        box["state"] = outcome.state
        return outcome.reply, where(outcome.state)

    return run_turn
