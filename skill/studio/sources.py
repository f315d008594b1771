"""The one place where the studio reaches into the rest of the skill.

Everything the studio shows comes from here: the content loader (one file at a time), the pacing of speech,
and the pieces of the console (envelopes, language matching, the web app) that the try-it panel drives.
When the turn core's layout changes, only this module's imports change.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..flows.engine import join, part_of_day, spoken_minutes  # noqa: F401  (the engine's own wording helpers)
from ..flows.schema import (PAUSE, SCRIPTS_DIR, SETTINGS, ContentError, Exercise, Phrases, Step,  # noqa: F401
                            load_catalog, load_exercise, load_phrases)
from ..speech import GENTLE, NORMAL, to_ssml

PHRASES_FILE = Path("common") / "phrases.toml"


@dataclass(frozen=True)
class Words:
    """Spoken words of a speech plan."""

    text: str


@dataclass(frozen=True)
class Pause:
    """A silence of a speech plan, in milliseconds."""

    ms: int


@dataclass(frozen=True)
class Pace:
    """How a voice speaks markup: ``rate`` in percent of the voice's normal speed, ``pause_factor`` stretches
    every written pause, ``gap_ms`` is the silence between sentences."""

    rate: int
    pause_factor: float
    gap_ms: int


def pace(name: str) -> Pace:
    """The pacing the skill speaks with: ``"normal"`` or ``"gentle"`` (after "yellow")."""
    source = GENTLE if name == "gentle" else NORMAL
    return Pace(rate=int(source.rate.rstrip("%")), pause_factor=source.pause_factor, gap_ms=source.gap_ms)


_BREAK = re.compile(r'<break time="(\d+)ms"/>')
_TAG = re.compile(r"<[^>]+>")


def plan(markup: str, gentle: bool = False) -> list[Words | Pause]:
    """Markup ("words [pause N] words") as the skill's speech renderer voices it: words and pauses (ms) in
    order, sentence gaps and the pace's pause factor included. Read off the SSML the skill sends, so the
    studio times exactly what is spoken."""
    out: list[Words | Pause] = []
    for i, chunk in enumerate(_BREAK.split(to_ssml(markup, gentle=gentle))):
        if i % 2:
            out.append(Pause(int(chunk)))
            continue
        text = " ".join(_TAG.sub("", chunk).replace("&lt;", "<").replace("&gt;", ">")
                        .replace("&amp;", "&").split())
        if text:
            out.append(Words(text))
    return out


def error_parts(exc: ContentError) -> dict[str, str | None]:
    """A content error as {file, step, field, problem} for the page (the message names all of them)."""
    text = str(exc)
    m = re.fullmatch(r"(?P<file>.+?)(?:: step '(?P<step>[^']*)')?: field '(?P<field>[^']*)': (?P<problem>.*)",
                     text, re.S)
    if not m:
        return {"file": None, "step": None, "field": None, "problem": text}
    return m.groupdict()


def try_app(content_dir: Path, store_url: str):
    """The skill's own web app (dev mode, as ``python -m skill chat`` builds it) over the content in
    ``content_dir`` and the store at ``store_url``. Returns (Flask app, skill id, settings)."""
    from ..audio import FILES_DIR
    from ..config import Settings
    from ..flows import Engine
    from ..intents import Services, build_skill
    from ..store import open_store
    from ..timezone import TimeZoneLookup
    from ..web import create_app

    # As `chat` does: hold audio "plays" in the console's stand-in for the device's player, which only needs
    # a URL to name the files; nothing fetches it.
    settings = Settings.from_env(dev=True, env={"SKILL_STORE": store_url,
                                                "SKILL_AUDIO_BASE_URL": "http://127.0.0.1:8080/audio"})
    services = Services(engine=Engine(load_catalog(content_dir)), store=open_store(store_url),
                        settings=settings, timezone=TimeZoneLookup())
    app = create_app(settings, build_skill(services), audio_dir=FILES_DIR)
    return app, next(iter(settings.skill_ids)), settings, services.store


def console_parts():
    """The console's pieces: (Console class, Matcher class, Conversation class, load_model, CONSOLE_USER,
    person_key, State)."""
    from ..chat import Console
    from ..envelopes import CONSOLE_USER, Conversation
    from ..flows.state import State
    from ..identity import person_key
    from ..model import load_model
    from ..nlu import Matcher

    return Console, Matcher, Conversation, load_model, CONSOLE_USER, person_key, State
