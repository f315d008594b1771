"""Shared fixtures: the skill's web app on a fresh SQLite file, in dev mode or verifying with a test CA."""
from __future__ import annotations

from pathlib import Path

import pytest

from skill.config import Settings
from skill.alexa.web import create_app
from skill.alexa.skill import build
from tests.support.alexa import Speaker
from skill.alexa.localca import SKILL_ID, alexa_ca

SECRET = "test-hash-secret-0123456789abcdef"
AUDIO_BASE = "https://audio.example.test/audio"


def settings_for(db: Path, dev: bool = True, **env: str) -> Settings:
    return Settings.from_env(dev=dev, env={"SKILL_ID": SKILL_ID, "SKILL_HASH_SECRET": SECRET,
                                           "SKILL_STORE": f"sqlite:///{db}",
                                           "SKILL_AUDIO_BASE_URL": AUDIO_BASE, **env})


class SkillServer:
    """One running instance of the skill: its Flask app, services and store. ``restart`` builds a new one
    on the same store URL, as a process restart would."""

    def __init__(self, db: Path, dev: bool = True, store=None, **env: str):
        self.db, self.dev, self.env = db, dev, env
        self.settings = settings_for(db, dev, **env)
        self.skill, self.services = build(self.settings, store)
        verifier = None if dev else alexa_ca().make_verifier(SKILL_ID)
        self.app = create_app(self.settings, self.skill, verifier=verifier)
        self.client = self.app.test_client()

    def restart(self, store=None) -> "SkillServer":
        return SkillServer(self.db, self.dev, store, **self.env)

    def speaker(self, **kw) -> Speaker:
        if not self.dev:
            kw.setdefault("sign", alexa_ca().signed_headers)
        return Speaker(self.client, **kw)


@pytest.fixture
def server(tmp_path) -> SkillServer:
    return SkillServer(tmp_path / "state.sqlite3")


@pytest.fixture
def verified_server(tmp_path) -> SkillServer:
    return SkillServer(tmp_path / "state.sqlite3", dev=False)
