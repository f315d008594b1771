"""The golden transcripts of the skill on OpenVoiceOS in a language other than English (issue 23): a device
configured for the language (OVOS's ``lang``) and a time zone of its country, running OVOS's own pipeline on its
bus (tests/support/ovos.py, ``Device``); each path's utterances go in as the speech recogniser hands them over,
and what the device speaks comes out. The files are tests/golden/ovos/<locale>.txt; tests/test_openvoiceos_languages.py
replays every path and wants the same words, turn by turn.

    .venv/bin/python -m tests.golden.make_ovos      # after an intended change: writes the files; read the diff

Format: a header of ``#`` lines; per path ``=== <name>`` and the device (``device: es-ES, Europe/Madrid``); per
turn ``> <utterance>``, then ``  said: <chunk>`` with one ``        | <chunk>`` line per further ``speak``, then
``  listens: yes|no | plays: yes|no | stops audio: yes|no``. The sentence that names the day and the part of it
(the language's ``[today]`` phrases) is written ``{today}``: it follows the clock, which the device reads itself.
"""
from __future__ import annotations

import re
from pathlib import Path

from skill.core.content import load_catalog
from tests.support.ovos import Device, Turn

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden"
# locale -> the device's time zone, and the paths: name -> what the person says, turn by turn (the words the
# language's content tells them to say, and their own for distress and a risk to life).
PATHS: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "es-ES": ("Europe/Madrid", {
        "volver al presente, de principio a fin": (
            "abre refugio seguro", "ayúdame a volver al presente", *("siguiente",) * 10),
        "una pausa, y retomarlo": (
            "abre refugio seguro", "ayúdame a volver al presente", "siguiente", "siguiente", "pausa",
            "abre refugio seguro", "sí", "siguiente"),
        "rojo en abrazarse, y descansar": (
            "abre refugio seguro", "abrazarse", "siguiente", "rojo", "no"),
        "no estar bien, y un peligro para la vida": (
            "abre refugio seguro", "ayúdame a volver al presente", "siguiente", "no estoy bien",
            "no quiero seguir viviendo"),
    }),
}


def golden_file(locale: str) -> Path:
    return GOLDEN_DIR / "ovos" / f"{locale}.txt"


def _today(locale: str) -> re.Pattern:
    """The language's sentences naming the day and its part, any weekday."""
    sentences = load_catalog().speaking(locale).phrases.today.values()
    return re.compile("|".join(re.escape(s).replace(r"\{weekday\}", r"\w+") for s in sentences))


def render_turn(utterance: str, turn: Turn, locale: str) -> str:
    """One turn as golden text."""
    today = _today(locale)
    chunks = [today.sub("{today}", " ".join(chunk.split())) for chunk in turn.spoken] or ["-"]
    lines = [f"> {utterance}", f"  said: {chunks[0]}", *(f"        | {chunk}" for chunk in chunks[1:])]
    flag = lambda on: "yes" if on else "no"  # noqa: E731
    lines.append(f"  listens: {flag(turn.listens)} | plays: {flag(turn.plays)} | stops audio: {flag(turn.stops_audio)}")
    return "\n".join(lines)


def replay(device: Device, utterances: tuple[str, ...]) -> list[tuple[str, Turn]]:
    """Each utterance said to ``device`` in its language, with the turn it made."""
    return [(utterance, device.say(utterance)) for utterance in utterances]


def section(locale: str, name: str, turns: list[tuple[str, Turn]]) -> str:
    zone = PATHS[locale][0]
    return "\n".join([f"=== {name}", f"device: {locale}, {zone}", *(render_turn(u, t, locale) for u, t in turns)])


def header(locale: str) -> str:
    return (f"# Golden transcript of Safe Harbor on OpenVoiceOS in {locale}: utterances through OVOS's own pipeline,\n"
            f"# the words the device speaks. Made by tests/support/ovos_golden.py: do not edit by hand.\n"
            f"# After an intended change: .venv/bin/python -m tests.golden.make_ovos\n")


def sections(text: str) -> dict[str, str]:
    """A golden file's sections by path name (each as ``section`` writes it)."""
    parts = re.split(r"^(?==== )", text, flags=re.M)
    return {part.splitlines()[0][4:]: part.rstrip("\n") for part in parts if part.startswith("=== ")}
