"""What the console does in Alexa's place before the skill sees a line: the speaker's own routing.

A speaker opens a skill on "open safe harbor", hands "ask safe harbor to ..." to it as a new session, and, inside a
session, hands it every utterance. Words that match no sample reach the skill through the capture intent, as the
words themselves (docs/platform-alexa.md, "Free text"); the console sends every line that way, so the skill's one
understanding layer (skill/understanding) reads them exactly as it reads Alexa's. Outside a session, after the
skill's audio played, only the player's own commands reach it (AMAZON.PauseIntent and the like): which command a
line is, the same layer says.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..alexa.interaction_model import ALEXA_INTENTS
from ..core.events import Ev
from ..intents.catalogue import LAUNCH_VERBS, normalize
from ..understanding import reader_for

SESSION_END_WORDS = frozenset({"quit", "exit", "bye"})  # console words, not Alexa's
# How a speaker is asked, per language: the words that open a skill (LAUNCH_VERBS, skill/intents/catalogue.py: the
# OVOS launch samples are made of them too), those that hand it a request ("ask X to ..."), and the connecting
# words between the invocation name and the request (Alexa's launch phrases per locale).
ONE_SHOT_VERBS = {"en": ("ask", "tell"), "es": ("pide a", "pregunta a", "dile a"),
                  "de": ("frag", "frage", "sag", "bitte"), "fr": ("demande à", "dis à")}
CONNECTORS = {"en": ("to", "for", "about", "if", "whether", "that", "and"), "es": ("que", "para", "por", "si", "y"),
              "de": ("nach", "zu", "um", "ob", "dass", "und", "mir"), "fr": ("de", "d'", "pour", "si", "que", "et")}
# The model's catch-all (skill/intents/locales/en.toml, [intents.capture]) and its one slot.
CAPTURE_INTENT, CAPTURE_SLOT = ALEXA_INTENTS["capture"], "text"
# The player's commands: what reaches a skill outside its session, after its audio played.
PLAYER_INTENTS: dict[Ev, str] = {
    Ev.PAUSE: "AMAZON.PauseIntent", Ev.RESUME: "AMAZON.ResumeIntent", Ev.NEXT: "AMAZON.NextIntent",
    Ev.BACK: "AMAZON.PreviousIntent", Ev.REPEAT: "AMAZON.RepeatIntent", Ev.START_OVER: "AMAZON.StartOverIntent",
    Ev.LOOP: "AMAZON.LoopOnIntent", Ev.SHUFFLE: "AMAZON.ShuffleOnIntent", Ev.STOP: "AMAZON.StopIntent",
    Ev.CANCEL: "AMAZON.CancelIntent",
}


@dataclass(frozen=True)
class Match:
    """``kind``: launch, intent or session_end; for an intent, its Alexa name and slots (name -> words heard),
    and whether it came as "ask safe harbor to ..." (a new session)."""

    kind: Literal["launch", "intent", "session_end"]
    intent: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    one_shot: bool = False

    @property
    def player_command(self) -> bool:
        return self.intent in PLAYER_INTENTS.values()


class Router:
    """The speaker's routing for one locale's invocation name."""

    def __init__(self, locale: str, invocation: str | None = None):
        """``invocation``: the skill's invocation name; by default the catalogue's for the locale."""
        self.locale, self.language = locale, locale.split("-")[0]
        inv = re.escape(normalize(invocation or reader_for(locale).catalogue.invocation, self.language))
        language = self.language if self.language in LAUNCH_VERBS else "en"
        launch, one_shot, connectors = (LAUNCH_VERBS[language], ONE_SHOT_VERBS[language], CONNECTORS[language])
        self._launch = re.compile(rf"(?:{'|'.join(launch)}) {inv}")
        self._one_shot = re.compile(
            rf"(?:{'|'.join(one_shot)}) {inv} (?:(?:{'|'.join(connectors)}) )?(?P<rest>.+)")

    def match(self, text: str, session_open: bool = True) -> Match:
        """How a speaker hands ``text`` on: inside a session (or as a one-shot) as the capture intent with the
        words; outside one, as the player's command it is, if it is one (else as words nobody receives)."""
        t = normalize(text, self.language)
        t = t[len("alexa"):].strip() if t == "alexa" or t.startswith("alexa ") else t
        if t in SESSION_END_WORDS:
            return Match("session_end")
        if self._launch.fullmatch(t):
            return Match("launch")
        one_shot = self._one_shot.fullmatch(t)
        if one_shot:
            return Match("intent", CAPTURE_INTENT, {CAPTURE_SLOT: one_shot.group("rest")}, one_shot=True)
        if not session_open:
            command = PLAYER_INTENTS.get(reader_for(self.locale).understand(t).event.kind)
            if command:
                return Match("intent", command)
        return Match("intent", CAPTURE_INTENT, {CAPTURE_SLOT: t})
