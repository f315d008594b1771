"""Exercise content: load the data files in ``skill/audio_scripts/`` and validate them at start-up.

Every error names the file, the step and the field, so a therapist adapting a script can find it.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCRIPTS_DIR = Path(__file__).resolve().parents[1] / "audio_scripts"

PAUSE = re.compile(r"\[pause (\d+(?:\.\d+)?)\]")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
MAX_PAUSE_SECONDS = 10.0
STEP_PLACEHOLDERS = {"today", "crisis_line", "debrief_first"}

# What a step may answer, and the targets a transition may name besides a step id.
# "rating": a 0-10 distress number was given; "distress": it was 8 or more, or higher than before;
# "first": someone said "I'll go first".
ANSWERS = ("next", "back", "repeat", "yes", "no", "rating", "distress", "first")
RATINGS = ("before", "after")
MOVES = ("next", "back", "repeat", "end")
DEFAULT_ON = {"next": "next", "back": "back", "repeat": "repeat"}
KINDS = ("solo", "partnered")

MIN_HOLD_SECONDS = 10
MAX_HOLD_SECONDS = 3600


@dataclass(frozen=True)
class Setting:
    """A length people choose by voice: minutes, with its range, default and the step of shorter / longer."""

    low: int
    high: int
    default: int
    notch: int


# Hold lengths people can change. The stretch is per role in sensate focus; the quiet is lying together's.
SETTINGS = {
    "stretch_minutes": Setting(low=5, high=30, default=15, notch=5),
    "quiet_minutes": Setting(low=2, high=12, default=5, notch=1),
}


class ContentError(ValueError):
    """A content file is invalid. The message names the file, the step and the field."""

    def __init__(self, file: str, step: str | None, field_name: str, problem: str):
        where = f"{file}: step '{step}'" if step else file
        super().__init__(f"{where}: field '{field_name}': {problem}")


@dataclass(frozen=True)
class Hold:
    seconds: int = 0  # a fixed length, or
    setting: str | None = None  # the name of a length setting in SETTINGS


@dataclass(frozen=True)
class Step:
    id: str
    say: str
    reprompt: str | None = None
    help: str | None = None
    gentle: str | None = None  # the slower, gentler variant used after "yellow"
    say_without_clock: str | None = None  # wording for when the local day is unknown
    hold: Hold | None = None
    end: bool = False
    on: dict[str, str] = field(default_factory=dict)
    brief: str | None = None  # the shorter wording, for "less talking"
    checkin: bool = False  # ends by asking "green, yellow, or red?"
    rating: str | None = None  # "before" / "after": the step asks for an optional 0-10 distress rating

    def answers(self, intent: str) -> bool:
        return intent in self.on

    @property
    def asks_question(self) -> bool:
        return "yes" in self.on or "no" in self.on


@dataclass(frozen=True)
class Gate:
    """An exercise offered only after another was done ``times`` times and everyone says they are ready."""

    after: str
    times: int


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    kind: str
    synonyms: tuple[str, ...]
    steps: tuple[Step, ...]
    gate: Gate | None = None

    @property
    def partnered(self) -> bool:
        return self.kind == "partnered"

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {s.id: i for i, s in enumerate(self.steps)})

    @property
    def first(self) -> Step:
        return self.steps[0]

    def step(self, step_id: str) -> Step | None:
        i = self._index.get(step_id)  # type: ignore[attr-defined]
        return None if i is None else self.steps[i]

    def following(self, step_id: str) -> Step | None:
        i = self._index[step_id] + 1  # type: ignore[attr-defined]
        return self.steps[i] if i < len(self.steps) else None

    def preceding(self, step_id: str) -> Step | None:
        i = self._index[step_id] - 1  # type: ignore[attr-defined]
        return self.steps[i] if i >= 0 else None


@dataclass(frozen=True)
class Phrases:
    text: dict[str, str]
    today: dict[str, str]
    crisis_lines: dict[str, str]
    emergency_lines: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.text[key]

    def crisis_line(self, locale: str | None) -> str:
        country = (locale or "").rpartition("-")[2].upper()
        return self.crisis_lines.get(country, self.crisis_lines["default"])

    def emergency_line(self, locale: str | None) -> str:
        """The sentence naming the emergency number of the locale's country (or the default)."""
        country = (locale or "").rpartition("-")[2].upper()
        return self.emergency_lines.get(country, self.emergency_lines["default"])


@dataclass(frozen=True)
class Catalog:
    exercises: dict[str, Exercise]
    phrases: Phrases

    def get(self, exercise_id: str | None) -> Exercise | None:
        return self.exercises.get(exercise_id or "")

    def titles(self) -> list[str]:
        return [e.title for e in self.exercises.values()]


# ---- validation helpers ---------------------------------------------------------------------


def check_markup(text: str, file: str, step: str | None, field_name: str, allowed: set[str]) -> str:
    text = text.strip()
    if not text:
        raise ContentError(file, step, field_name, "must not be empty")
    for m in PAUSE.finditer(text):
        if float(m.group(1)) > MAX_PAUSE_SECONDS:
            raise ContentError(file, step, field_name, f"pause of {m.group(1)} s is over {MAX_PAUSE_SECONDS:g} s")
    leftover = PAUSE.sub("", text)
    if "[" in leftover or "]" in leftover:
        raise ContentError(file, step, field_name, "unknown [markup]; only [pause N] is allowed")
    if "<" in leftover or ">" in leftover:
        raise ContentError(file, step, field_name, "write plain text, not SSML tags")
    for name in PLACEHOLDER.findall(text):
        if name not in allowed:
            raise ContentError(file, step, field_name, f"unknown placeholder {{{name}}}")
    return text


def _str(raw: dict, key: str, file: str, step: str | None, *, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            raise ContentError(file, step, key, "is required")
        return None
    if not isinstance(value, str):
        raise ContentError(file, step, key, f"must be text, not {type(value).__name__}")
    return value


def _step(raw: Any, file: str, position: int) -> Step:
    if not isinstance(raw, dict):
        raise ContentError(file, f"#{position + 1}", "steps", "each step must be a table")
    sid = _str(raw, "id", file, f"#{position + 1}", required=True)
    assert sid is not None
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", sid):
        raise ContentError(file, sid, "id", "use lowercase letters, digits and _ (at most 40)")
    known = {"id", "say", "reprompt", "help", "gentle", "say_without_clock", "hold", "end", "on", "brief",
             "checkin", "rating"}
    for key in raw:
        if key not in known:
            raise ContentError(file, sid, key, "unknown field")
    texts = {}
    for key in ("say", "reprompt", "help", "gentle", "say_without_clock", "brief"):
        value = _str(raw, key, file, sid, required=key == "say")
        texts[key] = None if value is None else check_markup(value, file, sid, key, STEP_PLACEHOLDERS)
    if "{today}" in texts["say"] and not texts["say_without_clock"]:
        raise ContentError(file, sid, "say_without_clock", "is required when 'say' uses {today}")
    if texts["say_without_clock"] and "{today}" in texts["say_without_clock"]:
        raise ContentError(file, sid, "say_without_clock", "must not use {today}")
    hold = _hold(raw["hold"], file, sid) if "hold" in raw else None
    flags = {}
    for key in ("end", "checkin"):
        flags[key] = raw.get(key, False)
        if not isinstance(flags[key], bool):
            raise ContentError(file, sid, key, "must be true or false")
    end = flags["end"]
    rating = raw.get("rating")
    if rating is not None and rating not in RATINGS:
        raise ContentError(file, sid, "rating", f"must be one of {', '.join(RATINGS)}")
    on_raw = raw.get("on", {})
    if not isinstance(on_raw, dict):
        raise ContentError(file, sid, "on", "must be a table of answer = target")
    on = {} if end else dict(DEFAULT_ON)
    for answer, target in on_raw.items():
        if answer not in ANSWERS:
            raise ContentError(file, sid, f"on.{answer}", f"unknown answer; use one of {', '.join(ANSWERS)}")
        if not isinstance(target, str):
            raise ContentError(file, sid, f"on.{answer}", "target must be text")
        on[answer] = target
    if end and on_raw:
        raise ContentError(file, sid, "on", "a step that ends the exercise answers nothing")
    if rating:
        on.setdefault("rating", "next")
        on.setdefault("distress", on["rating"])
    elif "rating" in on_raw or "distress" in on_raw:
        raise ContentError(file, sid, "on", "only a step with rating = before/after answers a rating")
    return Step(id=sid, on=on, hold=hold, end=end, checkin=flags["checkin"], rating=rating,
                **texts)  # type: ignore[arg-type]


def _hold(raw: Any, file: str, sid: str) -> Hold:
    if not isinstance(raw, dict) or len(raw) != 1 or not ({"seconds", "setting"} & set(raw)):
        raise ContentError(file, sid, "hold", "must be { seconds = N } or { setting = NAME }")
    if "setting" in raw:
        if raw["setting"] not in SETTINGS:
            raise ContentError(file, sid, "hold.setting", f"must be one of {', '.join(SETTINGS)}")
        return Hold(setting=raw["setting"])
    seconds = raw["seconds"]
    if type(seconds) is not int or not MIN_HOLD_SECONDS <= seconds <= MAX_HOLD_SECONDS:
        raise ContentError(file, sid, "hold.seconds",
                           f"must be whole seconds from {MIN_HOLD_SECONDS} to {MAX_HOLD_SECONDS}")
    return Hold(seconds=seconds)


def load_exercise(path: Path) -> Exercise:
    file = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ContentError(file, None, "(file)", f"not valid TOML: {exc}") from None
    for key in raw:
        if key not in {"id", "title", "synonyms", "kind", "steps", "offered_after"}:
            raise ContentError(file, None, key, "unknown field")
    eid = _str(raw, "id", file, None, required=True)
    title = _str(raw, "title", file, None, required=True)
    if eid != path.stem:
        raise ContentError(file, None, "id", f"must match the file name '{path.stem}'")
    kind = raw.get("kind", "solo")
    if kind not in KINDS:
        raise ContentError(file, None, "kind", f"must be one of {', '.join(KINDS)}")
    synonyms = raw.get("synonyms", [])
    if not isinstance(synonyms, list) or not all(isinstance(s, str) and s.strip() for s in synonyms):
        raise ContentError(file, None, "synonyms", "must be a list of text")
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise ContentError(file, None, "steps", "needs at least one step")
    steps = tuple(_step(s, file, i) for i, s in enumerate(steps_raw))
    ids = [s.id for s in steps]
    for s in steps:
        if ids.count(s.id) > 1:
            raise ContentError(file, s.id, "id", "is used by more than one step")
        for answer, target in s.on.items():
            if target not in MOVES and target not in ids:
                raise ContentError(file, s.id, f"on.{answer}", f"leads to unknown step '{target}'")
    if not any(s.end for s in steps):
        raise ContentError(file, steps[-1].id, "end", "the exercise needs a step with end = true")
    last = steps[-1]
    if not last.end and last.on.get("next") == "next":
        raise ContentError(file, last.id, "on.next", "the last step must end or lead somewhere")
    gate = None
    if "offered_after" in raw:
        g = raw["offered_after"]
        if not (isinstance(g, dict) and isinstance(g.get("exercise"), str) and type(g.get("times")) is int
                and g["times"] >= 1 and set(g) == {"exercise", "times"}):
            raise ContentError(file, None, "offered_after", "must be { exercise = ID, times = N }")
        gate = Gate(after=g["exercise"], times=g["times"])
    return Exercise(id=eid, title=title, kind=kind, synonyms=tuple(synonyms), steps=steps,  # type: ignore[arg-type]
                    gate=gate)


PHRASE_KEYS = (
    "welcome_first welcome welcome_reprompt resume_offer resume_offer_reprompt fresh_start menu unknown_exercise "
    "not_in_exercise nothing_to_resume paused cancelled red_stop red_offer red_offer_reprompt red_rest red_solo "
    "yellow_ack yellow_offer_back yellow_offer_repeat yellow_offer_reprompt yellow_stay green_ack first_step "
    "triggered fallback answer_unclear default_reprompt help_general loop_declined shuffle_declined "
    "hold_no_audio hold_resume hold_complete playback_failed checkin_question debrief_toucher_first "
    "debrief_receiver_first return_offer return_gently return_declined repeat_gently stay_with_base ready_first "
    "ready_second ready_reprompt ready_remembered ready_both rating_not_now rating_range rating_thanks less_talking "
    "more_talking length_stretch_minutes length_quiet_minutes range_stretch_minutes range_quiet_minutes "
    "delete_confirm deleted not_deleted what_we_keep only_my_voice any_voice voice_unknown voice_refused "
    "stopped distress_stop distress_heard distress_offer not_sure not_sure_rating not_sure_question which_one"
).split()
PARTS_OF_DAY = ("early_hours", "morning", "afternoon", "evening", "night")


def load_phrases(path: Path) -> Phrases:
    file = f"common/{path.name}"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ContentError(file, None, "(file)", f"not valid TOML: {exc}") from None

    def table(name: str, keys: tuple[str, ...] | list[str], allowed: set[str]) -> dict[str, str]:
        section = raw.get(name)
        if not isinstance(section, dict):
            raise ContentError(file, None, name, "missing table")
        out = {}
        for key in keys:
            value = section.get(key)
            if not isinstance(value, str):
                raise ContentError(file, None, f"{name}.{key}", "is required text")
            out[key] = check_markup(value, file, None, f"{name}.{key}", allowed)
        return out

    def countries_of(name: str) -> list[str]:
        lines = raw.get(name)
        countries = list(lines) if isinstance(lines, dict) else []
        if "default" not in countries:
            raise ContentError(file, None, f"{name}.default", "is required text")
        return countries

    return Phrases(
        text=table("phrases", PHRASE_KEYS, {"exercises", "minutes", "exercise", "low", "high", "days"}),
        today=table("today", PARTS_OF_DAY, {"weekday"}),
        crisis_lines=table("crisis_lines", countries_of("crisis_lines"), set()),
        emergency_lines=table("emergency_lines", countries_of("emergency_lines"), set()),
    )


def load_catalog(directory: Path = SCRIPTS_DIR) -> Catalog:
    """Load and validate every exercise. Raises ContentError on the first problem."""
    exercises = {}
    for path in sorted(directory.glob("*.toml")):
        exercise = load_exercise(path)
        exercises[exercise.id] = exercise
    if not exercises:
        raise ContentError(str(directory), None, "(folder)", "holds no exercise files")
    for exercise in exercises.values():
        if exercise.gate and exercise.gate.after not in exercises:
            raise ContentError(f"{exercise.id}.toml", None, "offered_after.exercise",
                               f"names no exercise: '{exercise.gate.after}'")
    return Catalog(exercises=exercises, phrases=load_phrases(directory / "common" / "phrases.toml"))
