"""Exercise content: load the data files in ``skill/audio_scripts/`` and validate them at start-up.

Every error names the file, the step and the field, so a therapist adapting a script can find it.
The fields are described in docs/writing-content.md; the rules that span steps are in ``checks``.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from .declared import Role, Setting, parse_alternates, parse_roles, parse_settings
from .errors import ContentError
from .languages import ENGLISH, ZONE_COUNTRIES, country_of, language_of
from .render import PLACEHOLDER, allowed
from .speech import Pace

SCRIPTS_DIR = Path(__file__).resolve().parents[1] / "audio_scripts"
PHRASES_FILE = "common/phrases.toml"
SETTINGS_FILE = "common/settings.toml"  # length settings more than one exercise uses (declared.Setting)
ROLES_FILE = "common/roles.toml"  # what each role means (declared.Role)

PAUSE = re.compile(r"\[pause (\d+(?:\.\d+)?)\]")
SILENCE = re.compile(r"\[(?:pause|breath) (\d+(?:\.\d+)?)\]")  # either (the number is group 1)
MAX_PAUSE_SECONDS = 10.0
# A paced breath in or out, at every pace: adult paced breathing is usually about 4-6 s in and 4-6 s out, about
# six breaths a minute (docs/writing-content.md, "Paced breaths", and its sources). checks.check_breaths.
BREATH_SECONDS = (4.0, 6.0)
# The placeholders a step's text may name (render.PLACEHOLDERS), besides its exercise's own alternates.
STEP_PLACEHOLDERS = allowed("step")
# What a step may say, and the wording each has for when the local time is unknown (for {today}).
VARIANTS = ("say", "gentle", "brief")
MAX_TITLE = 40  # a step's title fits one line of large type on a small screen
# One text's markup, at most: a reply joins a phrase or two to a step's text, and Alexa refuses speech of 8,000
# characters or more once rendered as SSML (skill.alexa.ssml.MAX_SPEECH_CHARS; https://developer.amazon.com/en-US/
# docs/alexa/custom-skills/request-and-response-json-reference.html#outputspeech-object). English's longest is
# about 700; a language may run a third longer.
MAX_TEXT_CHARS = 2_000
NO_CLOCK = {"say": "say_without_clock", "gentle": "gentle_without_clock", "brief": "brief_without_clock"}

# What a step may answer, and the targets a transition may name besides a step id.
# "rating": a 0-10 distress number was given; "distress": it was 8 or more, or higher than before;
# "first": someone said "I'll go first".
ANSWERS = ("next", "back", "repeat", "yes", "no", "rating", "distress", "first")
RATINGS = ("before", "after")
MOVES = ("next", "back", "repeat", "end")
DEFAULT_ON = {"next": "next", "back": "back", "repeat": "repeat"}
KINDS = ("solo", "partnered")

PACES = ("normal", "gentle")
MIN_HOLD_SECONDS = 10
MAX_HOLD_SECONDS = 3600


@dataclass(frozen=True)
class Hold:
    """A step's quiet stretch: a fixed ``seconds`` (10-3600), or a length ``setting`` (its name, and ``spec``,
    the declared Setting the loader found for it)."""

    seconds: int = 0  # a fixed length, or
    setting: str | None = None  # the name of a declared length setting
    touch: bool = False  # a touch stretch: yellow during it gives gentler touch guidance, and it plays on
    spec: Setting | None = None


@dataclass(frozen=True)
class Step:
    """One step of an exercise, as its file gives it (fields: docs/writing-content.md). Texts are markup."""

    id: str
    say: str
    title: str = ""  # a short human name, shown (never spoken) in the studio and on a screen
    reprompt: str | None = None
    help: str | None = None
    gentle: str | None = None  # the slower, gentler variant used after "yellow"
    say_without_clock: str | None = None  # wording for when the local day is unknown
    gentle_without_clock: str | None = None
    brief_without_clock: str | None = None
    hold: Hold | None = None
    end: bool = False
    on: dict[str, str] = field(default_factory=dict)
    brief: str | None = None  # the shorter wording, for "less talking"
    checkin: bool = False  # ends by asking "green, yellow, or red?"
    rating: str | None = None  # "before" / "after": the step asks for an optional 0-10 distress rating

    def answers(self, intent: str) -> bool:
        """Whether the step takes ``intent`` (an answer name such as "yes") in its ``on`` table."""
        return intent in self.on

    def variants(self) -> dict[str, str]:
        """The wordings this step has, by name (say, gentle, brief), for checks and the studio."""
        return {name: getattr(self, name) for name in VARIANTS if getattr(self, name)}

    def without_clock(self, variant: str) -> str | None:
        """The no-clock form of ``variant`` (for when the local time is unknown)."""
        return getattr(self, NO_CLOCK[variant])

    @property
    def asks_question(self) -> bool:
        """Whether the step asks a yes/no question of its own."""
        return "yes" in self.on or "no" in self.on


@dataclass(frozen=True)
class Gate:
    """An exercise offered only after another was done ``times`` times and everyone says they are ready."""

    after: str
    times: int


@dataclass(frozen=True)
class Exercise:
    """One exercise file: its steps in order, who it is for (``kind``), its gate and role."""

    id: str
    title: str
    kind: str
    synonyms: tuple[str, ...]
    steps: tuple[Step, ...]
    gate: Gate | None = None
    role: str | None = None  # a role of common/roles.toml, e.g. "grounding"
    settings: dict[str, Setting] = field(default_factory=dict)  # the lengths its holds use, by name
    alternates: dict[str, tuple[str, ...]] = field(default_factory=dict)  # placeholder -> variants in turn

    @property
    def partnered(self) -> bool:
        """Whether the exercise is for two people."""
        return self.kind == "partnered"

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {s.id: i for i, s in enumerate(self.steps)})

    @property
    def first(self) -> Step:
        """The step the exercise starts at."""
        return self.steps[0]

    def step(self, step_id: str) -> Step | None:
        """The step with id ``step_id``, or None."""
        i = self._index.get(step_id)  # type: ignore[attr-defined]
        return None if i is None else self.steps[i]

    def following(self, step_id: str) -> Step | None:
        """The step after ``step_id`` in file order, or None after the last (KeyError for an unknown id)."""
        i = self._index[step_id] + 1  # type: ignore[attr-defined]
        return self.steps[i] if i < len(self.steps) else None

    def preceding(self, step_id: str) -> Step | None:
        """The step before ``step_id`` in file order, or None before the first (KeyError for an unknown id)."""
        i = self._index[step_id] - 1  # type: ignore[attr-defined]
        return self.steps[i] if i >= 0 else None


@dataclass(frozen=True)
class Phrases:
    """The words around the exercises (common/phrases.toml): ``text`` by key, the ``today`` sentence by
    part of day, and the crisis line by country."""

    text: dict[str, str]
    today: dict[str, str]
    crisis_lines: dict[str, str]
    emergency_lines: dict[str, str]
    domestic_abuse_lines: dict[str, str] = field(default_factory=dict)
    reask: dict[str, str] = field(default_factory=dict)  # a question asked again, shorter, by Ask kind
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # line table -> country -> source

    def __getitem__(self, key: str) -> str:
        return self.text[key]

    def country(self, locale: str | None, time_zone: Callable[[], str | None] | None = None) -> str:
        """The country whose lines are said: the device's time zone's where it names one these phrases keep lines
        for (Austria, Switzerland: ``languages.ZONE_COUNTRIES``; German and French devices serve them and Alexa has
        no locale for them), else the locale's ("de-DE" -> DE). ``time_zone`` (the device's IANA zone name, or
        None when unknown) is asked only when these phrases have such a line, since it may cost a network call."""
        if time_zone is not None and any(c in self.crisis_lines for c in ZONE_COUNTRIES.values()):
            try:
                zone = time_zone()
            except Exception:  # noqa: BLE001 - a zone that can't be learnt never costs a crisis line
                zone = None
            by_zone = ZONE_COUNTRIES.get(zone or "")
            if by_zone in self.crisis_lines:
                return by_zone
        return country_of(locale)

    def crisis_line(self, locale: str | None, time_zone: Callable[[], str | None] | None = None) -> str:
        """The crisis-line sentence for the country (``country``: "en-GB" -> GB), else the default."""
        return self.crisis_lines.get(self.country(locale, time_zone), self.crisis_lines["default"])

    def emergency_line(self, locale: str | None, time_zone: Callable[[], str | None] | None = None) -> str:
        """The sentence naming the emergency number of the country (``country``), or the default."""
        return self.emergency_lines.get(self.country(locale, time_zone), self.emergency_lines["default"])

    def domestic_abuse_line(self, locale: str | None, time_zone: Callable[[], str | None] | None = None) -> str:
        """The sentence naming a line for abuse at home in the country (``country``), or the default."""
        return self.domestic_abuse_lines.get(self.country(locale, time_zone), self.domestic_abuse_lines["default"])


@dataclass(frozen=True)
class Catalog:
    """Every exercise by id, the common phrases and the paces: what the engine runs on."""

    exercises: dict[str, Exercise]
    phrases: Phrases
    pacing: dict[str, Pace]  # "normal", "gentle"
    roles: dict[str, Role] = field(default_factory=dict)  # common/roles.toml
    shared: dict[str, Setting] = field(default_factory=dict)  # common/settings.toml, in file order
    language: str = ENGLISH  # the language of its words (skill.core.languages)
    # The same exercises in each language whose folder is present (skill.core.overlay), by code; English holds them.
    translations: dict[str, Catalog] = field(default_factory=dict)
    # A client's own version (skill.core.client): less talking as the default, a note said at launch, and the
    # catalog one account's turns run on, by the account's keyed hash (Context.account).
    less_talking: bool = False
    note: str | None = None
    clients: dict[str, Catalog] = field(default_factory=dict)

    def speaking(self, locale: str | None) -> Catalog:
        """The catalog in the language of ``locale`` ("es-MX" -> the Spanish one), or this one when that language's
        content is absent: a language not present is not offered."""
        return self.translations.get(language_of(locale), self)

    def serving(self, account: str | None, locale: str | None) -> Catalog:
        """The catalog a turn of ``account`` (a keyed hash, or None) in ``locale`` runs on: that account's own
        version when it has one (``clients``), in the locale's language (``speaking``)."""
        return self.clients.get(account or "", self).speaking(locale)

    def get(self, exercise_id: str | None) -> Exercise | None:
        """The exercise with id ``exercise_id``, or None (also for None)."""
        return self.exercises.get(exercise_id or "")

    @property
    def grounding(self) -> Exercise:
        """The exercise a stop offers ("would you like some grounding?"): the one whose role has
        ``offered = true`` (the loader guarantees exactly one)."""
        offered = next(r.name for r in self.roles.values() if r.offered)
        return next(e for e in self.exercises.values() if e.role == offered)

    def role(self, exercise: Exercise | None) -> Role | None:
        """The role ``exercise`` plays, or None."""
        return self.roles.get(exercise.role or "") if exercise else None

    def starts(self, role: Role) -> Exercise:
        """The exercise that plays ``role`` (the loader guarantees exactly one)."""
        return next(e for e in self.exercises.values() if e.role == role.name)

    @property
    def settings(self) -> dict[str, Setting]:
        """Every length setting, by name: the shared ones in file order, then those exercises declare (the
        loader checks that namesakes agree). At the menu, "shorter" changes them all, a length the first."""
        own = {name: spec for e in self.exercises.values() for name, spec in e.settings.items()}
        return {**self.shared, **own}

    def titles(self) -> list[str]:
        """Every exercise's spoken title, in file order."""
        return [e.title for e in self.exercises.values()]


# ---- validation helpers ---------------------------------------------------------------------


def check_markup(text: str, file: str, step: str | None, field_name: str, allowed: set[str]) -> str:
    """``text`` stripped, if it is valid markup: ``[pause N]`` of at most 10 s, ``[breath N]`` (its range is
    checked at every pace by ``checks.check_breaths``), no other brackets or tags,
    and only ``allowed`` placeholders. ContentError naming ``file``, ``step`` and ``field_name`` otherwise."""
    text = text.strip()
    if not text:
        raise ContentError(file, step, field_name, "must not be empty")
    if len(text) > MAX_TEXT_CHARS:
        raise ContentError(file, step, field_name, f"is {len(text)} characters; at most {MAX_TEXT_CHARS} "
                           "(one reply must stay within Alexa's speech limit)")
    for m in PAUSE.finditer(text):
        if float(m.group(1)) > MAX_PAUSE_SECONDS:
            raise ContentError(file, step, field_name, f"pause of {m.group(1)} s is over {MAX_PAUSE_SECONDS:g} s")
    leftover = SILENCE.sub("", text)
    if "[" in leftover or "]" in leftover:
        raise ContentError(file, step, field_name, "unknown [markup]; only [pause N] and [breath N] are allowed")
    if "<" in leftover or ">" in leftover:
        raise ContentError(file, step, field_name, "write plain text, not SSML tags")
    for name in PLACEHOLDER.findall(text):
        if name not in allowed:
            raise ContentError(file, step, field_name, f"unknown placeholder {{{name}}}")
    from .checks import check_words  # the checks build on the types above

    check_words(text, file, step, field_name)
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


def _step(raw: Any, file: str, position: int, settings: dict[str, Setting], own: frozenset[str]) -> Step:
    if not isinstance(raw, dict):
        raise ContentError(file, f"#{position + 1}", "steps", "each step must be a table")
    sid = _str(raw, "id", file, f"#{position + 1}", required=True)
    assert sid is not None
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", sid):
        raise ContentError(file, sid, "id", "use lowercase letters, digits and _ (at most 40)")
    known = {"id", "title", "reprompt", "help", "hold", "end", "on", "checkin", "rating", *VARIANTS, *NO_CLOCK.values()}
    for key in raw:
        if key not in known:
            raise ContentError(file, sid, key, "unknown field")
    title = _str(raw, "title", file, sid, required=True)
    assert title is not None
    if not 0 < len(title.strip()) <= MAX_TITLE or re.search(r"[\[\]{}\n]", title):
        raise ContentError(file, sid, "title", f"must be plain text of 1 to {MAX_TITLE} characters, no markup")
    texts = {}
    for key in ("reprompt", "help", *VARIANTS, *NO_CLOCK.values()):
        value = _str(raw, key, file, sid, required=key == "say")
        texts[key] = None if value is None else check_markup(
            value, file, sid, key, STEP_PLACEHOLDERS if key in ("reprompt", "help") else STEP_PLACEHOLDERS | own)
    for variant, no_clock in NO_CLOCK.items():
        if texts[variant] and "{today}" in texts[variant] and not texts[no_clock]:
            raise ContentError(file, sid, no_clock, f"is required when '{variant}' uses {{today}}")
        if texts[no_clock] and "{today}" in texts[no_clock]:
            raise ContentError(file, sid, no_clock, "must not use {today}")
    for key in ("reprompt", "help"):
        if texts[key] and "{today}" in texts[key]:
            raise ContentError(file, sid, key, "must not use {today} (it has no form for an unknown time)")
    hold = _hold(raw["hold"], file, sid, settings) if "hold" in raw else None
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
    return Step(id=sid, title=title.strip(), on=on, hold=hold, end=end, checkin=flags["checkin"], rating=rating,
                **texts)  # type: ignore[arg-type]


def _hold(raw: Any, file: str, sid: str, settings: dict[str, Setting]) -> Hold:
    if not isinstance(raw, dict) or len({"seconds", "setting"} & set(raw)) != 1 \
            or set(raw) - {"seconds", "setting", "touch"}:
        raise ContentError(file, sid, "hold", "must be { seconds = N } or { setting = NAME }, with touch = true "
                           "for a touch stretch")
    touch = raw.get("touch", False)
    if not isinstance(touch, bool):
        raise ContentError(file, sid, "hold.touch", "must be true or false")
    if "setting" in raw:
        if raw["setting"] not in settings:
            raise ContentError(file, sid, "hold.setting", f"must be one of {', '.join(settings)} (declare others "
                               "as [settings.<name>_minutes])")
        return Hold(setting=raw["setting"], touch=touch, spec=settings[raw["setting"]])
    seconds = raw["seconds"]
    if type(seconds) is not int or not MIN_HOLD_SECONDS <= seconds <= MAX_HOLD_SECONDS:
        raise ContentError(file, sid, "hold.seconds",
                           f"must be whole seconds from {MIN_HOLD_SECONDS} to {MAX_HOLD_SECONDS}")
    return Hold(seconds=seconds, touch=touch)


def load_settings(path: Path) -> dict[str, Setting]:
    """The shared length settings of a ``common/settings.toml`` (none when the file is absent)."""
    if not path.is_file():
        return {}
    raw = _toml(path, SETTINGS_FILE)
    for key in raw:
        if key != "settings":
            raise ContentError(SETTINGS_FILE, None, key, "unknown field")
    return parse_settings(raw.get("settings"), SETTINGS_FILE, check_markup)


def shared_settings(directory: Path) -> dict[str, Setting]:
    """The shared settings for the exercise files of ``directory``: its ``common/settings.toml``, or the skill's
    own for a loose file in a folder without one (as the studio reads a single file)."""
    own = directory / SETTINGS_FILE
    return load_settings(own if own.is_file() else SCRIPTS_DIR / SETTINGS_FILE)


def _toml(path: Path, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ContentError(file, None, "(file)", f"not valid TOML: {exc}") from None


def load_exercise(path: Path, shared: dict[str, Setting] | None = None) -> Exercise:
    """One exercise file, validated with the checks that span its steps (checks.check_exercise). ``shared``:
    the common length settings (default: ``shared_settings`` of the file's folder); a setting the file
    declares itself must agree with a shared namesake.
    ContentError names the file, the step and the field."""
    file = path.name
    raw = _toml(path, file)
    for key in raw:
        if key not in {"id", "title", "synonyms", "kind", "steps", "offered_after", "role", "settings", "alternates"}:
            raise ContentError(file, None, key, "unknown field")
    eid = _str(raw, "id", file, None, required=True)
    title = _str(raw, "title", file, None, required=True)
    if eid != path.stem:
        raise ContentError(file, None, "id", f"must match the file name '{path.stem}'")
    kind = raw.get("kind", "solo")
    if kind not in KINDS:
        raise ContentError(file, None, "kind", f"must be one of {', '.join(KINDS)}")
    role = raw.get("role")
    if role is not None and not (isinstance(role, str) and re.fullmatch(r"[a-z][a-z0-9_]{0,39}", role)):
        raise ContentError(file, None, "role", f"must name a role of {ROLES_FILE}")
    synonyms = raw.get("synonyms", [])
    if not isinstance(synonyms, list) or not all(isinstance(s, str) and s.strip() for s in synonyms):
        raise ContentError(file, None, "synonyms", "must be a list of text")
    shared = shared_settings(path.parent) if shared is None else shared
    own = parse_settings(raw.get("settings"), file, check_markup)
    for name, spec in own.items():
        if name in shared and shared[name] != spec:
            raise ContentError(file, None, f"settings.{name}", f"differs from the one in {SETTINGS_FILE}")
    available = {**shared, **own}
    alternates = parse_alternates(raw.get("alternates"), file, check_markup)
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise ContentError(file, None, "steps", "needs at least one step")
    steps = tuple(_step(s, file, i, available, frozenset(alternates)) for i, s in enumerate(steps_raw))
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
    used = {s.hold.setting for s in steps if s.hold and s.hold.setting}
    exercise = Exercise(id=eid, title=title, kind=kind, synonyms=tuple(synonyms), steps=steps,  # type: ignore
                        gate=gate, role=role, alternates=alternates,
                        settings={name: spec for name, spec in available.items() if name in used or name in own})
    from .checks import check_exercise  # the checks build on the types above

    check_exercise(exercise, file)
    return exercise


PHRASE_KEYS = (
    "welcome_first welcome welcome_reprompt resume_offer resume_offer_reprompt fresh_start menu unknown_exercise "
    "not_in_exercise nothing_to_resume paused cancelled red_stop red_offer red_offer_reprompt red_rest red_solo "
    "yellow_ack yellow_offer_back yellow_offer_repeat yellow_offer_reprompt yellow_stay green_ack first_step "
    "triggered fallback answer_unclear default_reprompt help_general loop_declined shuffle_declined "
    "hold_with_audio hold_no_audio hold_reprompt_audio hold_reprompt_no_audio hold_continue hold_resume "
    "hold_complete playback_failed checkin_question return_offer return_gently return_declined repeat_gently "
    "stay_with_base ready_first "
    "ready_second ready_reprompt ready_remembered ready_both rating_not_now rating_range rating_thanks less_talking "
    "more_talking delete_confirm deleted not_deleted what_we_keep only_my_voice any_voice voice_unknown voice_refused "
    "stopped distress_stop distress_heard distress_offer not_sure not_sure_rating not_sure_question which_one "
    "lost_in_exercise lost_at_menu not_ready no_length_here high_before high_before_reprompt high_before_pause "
    "go_on_gently resume_offer_unnamed resume_offer_unnamed_reprompt unsafe_stop unsafe_heard unsure unsure_okay "
    "yes_heard no_heard no_heard_at_menu hold_length_left hold_length_nearly hold_length_over yellow_touch "
    # reminders and progress (skill/core/engine/reminders.py)
    "reminder_text reminder_weekly reminder_daily reminder_confirm reminder_set reminder_not_set reminder_how "
    "reminder_permission_no reminder_permission_unanswered reminder_declined_recently reminder_unavailable "
    "reminders_not_here reminders_none reminders_listed reminders_deleted progress_not_yours progress_none "
    "progress_sessions progress_stages progress_next_stage progress_next_same "
    # pairing codes for a client's own version (skill/core/pairing.py)
    "pairing_code pairing_not_now pairing_not_here pairing_unavailable"
).split()
# Words on a screen (Echo Show): shown, never spoken; plain, and naming no exercise.
PHRASE_KEYS += "screen_home screen_help screen_stopped screen_paused screen_quiet_left button_stop button_pause " \
               "button_help".split()
# The tables of lines by country. Each needs a ``default``; the first is the crisis line, and every country
# that has one must have a line in each other table. Each country's line names its source in
# ``[<table minus the s>_sources]`` (e.g. ``[crisis_line_sources]``).
LINE_TABLES = ("crisis_lines", "emergency_lines", "domestic_abuse_lines")
PARTS_OF_DAY = ("early_hours", "morning", "afternoon", "evening", "night")


def load_phrases(path: Path, file: str = PHRASES_FILE) -> Phrases:
    """The common phrases file (``file``: its name in errors); ContentError names the file and the field."""
    raw = _toml(path, file)

    def table(name: str, keys: tuple[str, ...] | list[str], names: frozenset[str]) -> dict[str, str]:
        section = raw.get(name)
        if not isinstance(section, dict):
            raise ContentError(file, None, name, "missing table")
        out = {}
        for key in keys:
            value = section.get(key)
            if not isinstance(value, str):
                raise ContentError(file, None, f"{name}.{key}", "is required text")
            out[key] = check_markup(value, file, None, f"{name}.{key}", names)
        return out

    def countries_of(name: str) -> list[str]:
        lines = raw.get(name)
        countries = list(lines) if isinstance(lines, dict) else []
        if "default" not in countries:
            raise ContentError(file, None, f"{name}.default", "is required text")
        return countries

    lines = {name: table(name, countries_of(name), frozenset()) for name in LINE_TABLES}
    sources = {}
    for name in LINE_TABLES:
        for country in lines[LINE_TABLES[0]]:
            if country not in lines[name]:
                raise ContentError(file, None, f"{name}.{country}",
                                   f"is required: {LINE_TABLES[0]} has a line for {country}")
        source_table = name[:-1] + "_sources"
        section = raw.get(source_table)
        if not isinstance(section, dict):
            raise ContentError(file, None, source_table, "missing table")
        for country in section:
            if country not in lines[name]:
                raise ContentError(file, None, f"{source_table}.{country}", f"names no line in [{name}]")
        for country in lines[name]:
            value = section.get(country)
            if country == "default" and value is None:
                continue  # the default sentence names no service
            if not (isinstance(value, str) and value.strip()):
                raise ContentError(file, None, f"{source_table}.{country}",
                                   "is required text: the organisation that runs the line, and its site")
        sources[name] = {k: v for k, v in section.items() if isinstance(v, str)}
    from .questions import Ask  # the kinds of question the engine asks, each with its shorter re-ask

    return Phrases(
        text=table("phrases", PHRASE_KEYS, allowed("phrase")),
        today=table("today", PARTS_OF_DAY, allowed("today")),
        crisis_lines=lines["crisis_lines"],
        emergency_lines=lines["emergency_lines"],
        domestic_abuse_lines=lines["domestic_abuse_lines"],
        reask=table("reask", [a.value for a in Ask], frozenset()),
        sources=sources,
    )


def load_pacing(path: Path) -> dict[str, Pace]:
    """The ``[pacing.normal]`` and ``[pacing.gentle]`` tables of the phrases file."""
    file = PHRASES_FILE
    raw = tomllib.loads(path.read_text(encoding="utf-8")).get("pacing")
    if not isinstance(raw, dict):
        raise ContentError(file, None, "pacing", "missing table")
    out = {}
    for name in PACES:
        table = raw.get(name)
        if not isinstance(table, dict) or set(table) != {"rate", "pause_factor", "sentence_gap_ms"}:
            raise ContentError(file, None, f"pacing.{name}", "needs rate, pause_factor and sentence_gap_ms")
        rate, factor, gap = table["rate"], table["pause_factor"], table["sentence_gap_ms"]
        if not (isinstance(rate, float) and 0.5 <= rate <= 1.5):
            raise ContentError(file, None, f"pacing.{name}.rate", "must be a decimal from 0.5 to 1.5")
        if not (isinstance(factor, float) and 1.0 <= factor <= 3.0):
            raise ContentError(file, None, f"pacing.{name}.pause_factor", "must be a decimal from 1.0 to 3.0")
        if type(gap) is not int or not 0 <= gap <= 2000:
            raise ContentError(file, None, f"pacing.{name}.sentence_gap_ms", "must be whole ms from 0 to 2000")
        out[name] = Pace(rate=rate, pause_factor=factor, sentence_gap_ms=gap)
    return out


def load_catalog(directory: Path = SCRIPTS_DIR) -> Catalog:
    """Load and validate every exercise and the common phrases, and each language present in a folder of its own
    (``skill.core.overlay``: ``Catalog.translations``, chosen per turn by ``Catalog.speaking``). Raises ContentError
    (naming the file, the step and the field) on the first problem, including the rules that span files
    (``checks``) and a text one language has and another lacks."""
    shared = shared_settings(directory)
    exercises = {}
    for path in sorted(directory.glob("*.toml")):
        exercise = load_exercise(path, shared)
        exercises[exercise.id] = exercise
    phrases_path = directory / PHRASES_FILE
    phrases = load_phrases(phrases_path)
    roles = parse_roles(_toml(directory / ROLES_FILE, ROLES_FILE), ROLES_FILE, set(phrases.text))
    catalog = Catalog(exercises=exercises, phrases=phrases, pacing=load_pacing(phrases_path), roles=roles,
                      shared=shared)
    from .checks import check_catalog

    check_catalog(catalog, str(directory))
    from .overlay import load_translations  # each language's words over this structure

    return replace(catalog, translations=load_translations(directory, catalog))
