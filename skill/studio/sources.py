"""The one place where the studio reaches into the rest of the skill.

Everything the studio shows comes from here: the content loader (one file at a time), pacing as data, the
engine's own wording helpers, and the pieces of the console (envelopes, language matching, the web app)
that the try-it panel drives. When the skill's layout changes, only this module's imports change.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..core import client  # noqa: F401  (a client's own version: checks, export; skill/core/client.py)
from ..core.checks import step_texts  # noqa: F401  (every text of a step, by field)
from ..core.languages import LANGUAGES  # noqa: F401  (the languages besides English, with their locales)
from ..core.overlay import (SAME_AS_ENGLISH, SETTING_TEXTS, language_phrases, language_settings,  # noqa: F401
                             translate_exercise)  # (a language's words, and what it must have as the English does)
from ..core.spoken import any_of, weekday  # noqa: F401  (lists and day names as each language says them)
from ..core.content import (PAUSE, PHRASES_FILE, SCRIPTS_DIR, ContentError, Exercise,  # noqa: F401
                            Phrases, Step, load_catalog, load_exercise, load_pacing, load_phrases, shared_settings)
from ..core.engine import join, part_of_day, spoken_minutes  # noqa: F401  (the engine's own wording helpers)
from ..core.speech import SILENCE, Pace, Pause, Words, plan, spoken_seconds  # noqa: F401
from ..audio import FILES_DIR as AUDIO_DIR, audio_manifest, local_path as audio_file, segment_file  # noqa: F401
from ..core.holds import hold_segments

SETTINGS = shared_settings(SCRIPTS_DIR)  # the skill's shared length settings (common/settings.toml)

# As `python -m skill chat` does: hold audio "plays" in the console's stand-in for the device's player,
# which only needs a URL to name the files; nothing fetches it.
CONSOLE_AUDIO_URL = "http://127.0.0.1:8080/audio"


def hold_audio(seconds: int) -> dict:
    """What a device plays for a hold of ``seconds``, as the skill serves it: {seconds, segments: [{kind ("bed" or
    "chime"), file (its published, content-hashed name under /audio/), start (seconds into the file)}]}."""
    names = audio_manifest()
    return {"seconds": seconds,
            "segments": [{"kind": seg.kind, "file": names[segment_file(seg.kind)], "start": seg.start_offset_ms / 1000}
                         for seg in hold_segments(seconds)]}


def error_parts(exc: ContentError) -> dict[str, str | None]:
    """A content error as {file, step, field, problem} for the page (the message names all of them)."""
    text = str(exc)
    m = re.fullmatch(r"(?P<file>.+?)(?:: step '(?P<step>[^']*)')?: field '(?P<field>[^']*)': (?P<problem>.*)",
                     text, re.S)
    if not m:
        return {"file": None, "step": None, "field": None, "problem": text}
    return m.groupdict()


def try_app(content_dir: Path, store_url: str):
    """The skill's own web app in dev mode, as ``python -m skill chat`` builds it, over the content in
    ``content_dir`` and the store at ``store_url``. Returns (Flask app, skill id, settings, store).
    Raises ContentError when the content does not load."""
    from ..alexa.skill import build
    from ..alexa.web import create_app
    from ..audio import FILES_DIR
    from ..config import Settings
    from ..store import open_store

    settings = Settings.from_env(dev=True, env={"SKILL_STORE": store_url, "SKILL_AUDIO_BASE_URL": CONSOLE_AUDIO_URL})
    store = open_store(store_url)
    skill, _services = build(settings, store, load_catalog(content_dir))
    return create_app(settings, skill, audio_dir=FILES_DIR), next(iter(settings.skill_ids)), settings, store


def console_parts():
    """The console's pieces: (Console class, Router class, Conversation class, CONSOLE_USER, person_key, State).
    The router hands typed words to the skill as the capture intent: the skill's one understanding layer reads
    them, as it reads Alexa's."""
    from ..alexa.envelopes import CONSOLE_USER, Conversation
    from ..console.chat import Console
    from ..console.nlu import Router
    from ..core.identity import person_key
    from ..core.state import State

    return Console, Router, Conversation, CONSOLE_USER, person_key, State
