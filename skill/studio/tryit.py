"""The try-it panel: the text console (``python -m skill chat``) driven from the page.

Typed text goes through the console's own routing (the skill's understanding layer reads it), envelopes and in-process web app, with a
throwaway SQLite store in a temporary folder. After each turn the panel reads, from that store, where the
person is now, so the page can mark the step in the diagram.
"""
from __future__ import annotations

import io
import tempfile
import threading
from pathlib import Path
from typing import Any

from . import sources

LOCALE = "en-US"
MAX_TEXT = 300


class TryIt:
    """One conversation at a time, rebuilt over the current content by ``reset`` (and when content changed)."""

    def __init__(self, content_dir: Path):
        self.dir = Path(content_dir)
        self._tmp = tempfile.TemporaryDirectory(prefix="safe-harbor-studio-")
        self._lock = threading.Lock()
        self._runs = 0
        self._console: Any = None
        self._store: Any = None
        self._key: str | None = None
        self._state_cls: Any = None
        self.content_version: int | None = None
        self.error: str | None = None

    def close(self) -> None:
        self._tmp.cleanup()

    def reset(self, content_version: int) -> None:
        """A new conversation with a fresh store over the content as it is now."""
        with self._lock:
            self._build(content_version)

    def _build(self, content_version: int) -> None:
        self._runs += 1
        self.content_version = content_version
        self._console = None
        try:
            url = f"sqlite:///{Path(self._tmp.name) / f'try-{self._runs}.sqlite3'}"
            app, skill_id, settings, store = sources.try_app(self.dir, url)
        except (sources.ContentError, ValueError) as exc:
            self.error = f"Try-it needs every content file to be valid: {exc}"
            return
        console_cls, router_cls, conversation_cls, user, person_key, state_cls = sources.console_parts()
        client = app.test_client()

        def post(envelope: dict) -> dict:
            import json

            reply = client.post("/alexa", data=json.dumps(envelope), content_type="application/json")
            if reply.status_code != 200:
                return {"response": {"outputSpeech": {"ssml": f"(HTTP {reply.status_code})"}}}
            return reply.get_json()

        self._console = console_cls(post, router_cls(LOCALE),
                                    conversation_cls(skill_id, LOCALE, True), io.StringIO())
        self._store, self._state_cls = store, state_cls
        self._key = person_key(settings.hash_secret, user)
        self.error = None

    def say(self, text: str, content_version: int) -> dict[str, Any]:
        """Say ``text`` as a speaker would. Returns {lines: [console output], where: {exercise, step} | None,
        playing: bool, listening: bool, error: str | None}."""
        text = " ".join(text.split())[:MAX_TEXT]
        with self._lock:
            if self._console is None or content_version != self.content_version:
                self._build(content_version)
            if self._console is None:
                return {"lines": [], "where": None, "playing": False, "listening": False, "error": self.error}
            out = io.StringIO()
            self._console.out = self._console.player.out = out
            if text:
                if not self._console.say(text):
                    out.write("(the console closes the session)\n")
            lines = [line for line in out.getvalue().splitlines() if line.strip()]
            return {"lines": lines, "where": self._where(), "playing": self._console.player.playing,
                    "listening": self._console.conversation.session_id is not None, "error": None}

    def _where(self) -> dict[str, str] | None:
        record = self._store.load(self._key) if self._key else None
        progress = self._state_cls.from_dict(record.data).progress if record else None
        return {"exercise": progress.exercise, "step": progress.step} if progress else None
