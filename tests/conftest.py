"""Shared fixtures: the skill's web app on a fresh SQLite file, in dev mode or verifying with a test CA; and the
markers (slow, browser, ovos) given to tests by file or test name, which `python3 dev.py quick` leaves out."""
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


# Markers by file (every test in it) or by "file::test" (every parametrisation of it). Here rather than in
# each file, so one table says what the quick run leaves out (docs/testing.md); a name that matches no test
# is an error, so a renamed test cannot slip back in unmarked.
OVOS = ("test_openvoiceos.py", "test_openvoiceos_golden.py")
BROWSER = ("test_studio_browser.py",)
SLOW = (
)
MARKS = {"ovos": OVOS, "browser": BROWSER, "slow": SLOW}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by these markers
def pytest_collection_modifyitems(config, items):
    modules = {}
    for item in items:
        file = item.path.name
        modules[file] = item.module
        names = {file, f"{file}::{item.originalname}"}
        for mark, marked in MARKS.items():
            if names & set(marked):
                item.add_marker(mark)
    stale = [n for marked in MARKS.values() for n in marked if "::" in n and n.split("::")[0] in modules
             and not hasattr(modules[n.split("::")[0]], n.split("::")[1])]
    if stale:
        raise pytest.UsageError(f"tests/conftest.py marks tests that do not exist: {stale}")


@pytest.fixture
def server(tmp_path) -> SkillServer:
    return SkillServer(tmp_path / "state.sqlite3")


@pytest.fixture
def verified_server(tmp_path) -> SkillServer:
    return SkillServer(tmp_path / "state.sqlite3", dev=False)
