"""A whole sensate focus session in the text console: ``python -m skill chat`` as a subprocess, fed on stdin,
with its own HOME and SQLite file. Holds are played by the console's stand-in audio player and skipped to the
chime; one is paused and resumed first. Assertions read the printed "alexa>" lines and the player's notes.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from skill.core import load_catalog

ROOT = Path(__file__).resolve().parents[1]
CATALOG = load_catalog()
SF = CATALOG.exercises["sensate_focus"]
PHRASES = CATALOG.phrases
TOUCHER_FIRST, RECEIVER_FIRST = SF.alternates["debrief_first"]  # by times finished: 0, then 1
HOLD_NOTE = "(hold playing: "
CHIME_NOTE = "(the chime sounds"


def spoken(markup: str) -> str:
    return " ".join(re.sub(r"\[(?:pause|breath) [\d.]+\]", " ", markup).split())


def opening(markup: str, n: int = 7) -> str:
    """The first words of a text before its first pause: how the console prints its start too."""
    return " ".join(spoken(re.split(r"\[pause|\[breath|\{", markup, maxsplit=1)[0]).split()[:n])


def chat(tmp_path: Path, lines: list[str], timeout: float = 120) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILL_") and k != "AWS_ENDPOINT_URL_DYNAMODB"}
    env.update(HOME=str(tmp_path), SKILL_STORE=f"sqlite:///{tmp_path / 'state.sqlite3'}", PYTHONPATH=str(ROOT),
               PYTHONUNBUFFERED="1")
    result = subprocess.run([sys.executable, "-m", "skill", "chat"], input="\n".join(lines) + "\n",
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def said(out: list[str]) -> list[str]:
    """The skill's spoken lines, without the "alexa>" prompt and with the console's (pause N s) marks dropped."""
    return [" ".join(re.sub(r"\(pause [\d.]+s\)", " ", line[len("alexa>"):]).split())
            for line in out if line.startswith("alexa>")]


def index_of(out: list[str], text: str, start: int = 0) -> int:
    for i in range(start, len(out)):
        if text in out[i]:
            return i
    raise AssertionError(f"{text!r} not printed after line {start}:\n" + "\n".join(out[start:]))


SESSION = [
    "open safe harbor",
    "start sensate focus",
    "next",  # to the rating
    "next",  # no number: skip it
    "next",  # agreements done
    "I'll go first",  # the first stretch: a 15 minute hold starts
    "skip",  # played through to the chime
    "next",  # the check-in after the first stretch
    "green",  # swap
    "next",  # the second stretch: a hold again
    "pause",
    "resume",
    "skip",
    "next",  # the check-in after the second stretch
    "green",  # debrief
    "next",  # the rating after
    "next",  # no number: the ending
    "quit",
]


def test_a_whole_sensate_focus_session_in_the_console(tmp_path):
    out = chat(tmp_path, SESSION)
    words = said(out)
    assert any("Welcome to Safe Harbor" in w for w in words)
    steps_in_order = ["welcome", "rate_before", "agreements", "choose", "first_stretch", "first_close", "swap",
                      "second_stretch", "second_close", "debrief", "rate_after", "closing"]
    at = 0
    for step_id in steps_in_order:  # every step, once, in order
        at = index_of(out, opening(SF.step(step_id).say), at)
        assert out[at].startswith("alexa>")
        if SF.step(step_id).checkin:
            assert "green, yellow, or red" in out[at]
        at += 1
    assert index_of(out, "end of today's sensate focus") == len(out) - 2  # then the session ends
    assert "the session ends" in out[-1]

    # Each stretch plays a 15-minute hold, shown after its guidance, and is skipped to its chime.
    first, second = index_of(out, opening(SF.step("first_stretch").say)), \
        index_of(out, opening(SF.step("second_stretch").say))
    assert out[first + 1].startswith(HOLD_NOTE) and "15:00 of quiet left" in out[first + 1]
    assert out[second + 1].startswith(HOLD_NOTE) and "15:00 of quiet left" in out[second + 1]
    chimes = [i for i, line in enumerate(out) if line.startswith(CHIME_NOTE)]
    assert len(chimes) == 2
    assert first < chimes[0] < index_of(out, opening(SF.step("first_close").say)) < second < chimes[1]

    # Paused during the second hold: silence and a stopped player; resumed: the quiet goes on, then the chime.
    paused = index_of(out, "(the session ends", second + 1)
    assert paused == second + 2, out[second:second + 4]
    resumed = out[paused + 1]
    assert resumed.startswith("alexa>") and spoken(PHRASES["hold_resume"]).split("{")[0].strip() in resumed
    assert re.search(r"About (15|14) minutes of quiet remain", resumed)
    assert out[paused + 2].startswith(HOLD_NOTE) and chimes[1] == paused + 3

    debrief = out[index_of(out, opening(SF.step("debrief").say))]
    assert spoken(TOUCHER_FIRST) in debrief
    assert not any(spoken(PHRASES["rating_range"]) in w for w in words)
    assert (tmp_path / "state.sqlite3").exists()


def test_the_next_console_session_remembers_who_spoke_first(tmp_path):
    """A second process on the same store is the same household: the other partner speaks first."""
    chat(tmp_path, SESSION)
    out = chat(tmp_path, SESSION)
    debrief = out[index_of(out, opening(SF.step("debrief").say))]
    assert spoken(RECEIVER_FIRST) in debrief
    assert spoken(TOUCHER_FIRST) not in debrief
    assert "end of today's sensate focus" in said(out)[-1]


def test_red_during_a_hold_stops_the_audio_and_the_exercise(tmp_path):
    out = chat(tmp_path, ["start sensate focus", "next", "next", "next", "I'll go first", "red", "no", "quit"])
    hold = index_of(out, HOLD_NOTE)
    stop = index_of(out, spoken(PHRASES["red_stop"]), hold)
    assert stop == hold + 1 and not any(line.startswith(CHIME_NOTE) for line in out)
    assert spoken(PHRASES["red_rest"]) in out[stop + 1]
    assert not any(opening(SF.step("first_close").say) in line for line in out)


def test_people_s_own_words_in_the_console(tmp_path):
    """Typed as people say them: a number slot, "keep going" at a check-in, "slower", and distress."""
    out = said(chat(tmp_path, ["open safe harbor", "lay together", "next", "6 out of 10", "keep going",
                               "slower", "I'm scared", "no", "quit"]))
    assert not any("pause here" in line for line in out)  # a 6 is not a high rating: straight on, with thanks
    assert any(line.startswith(spoken(PHRASES["rating_thanks"])) for line in out)
    assert spoken(PHRASES["green_ack"]) in " ".join(out)  # "keep going" at the settle check-in
    assert spoken(PHRASES["yellow_ack"]) in " ".join(out)  # "slower"
    assert spoken(PHRASES.crisis_line("en-US")) in " ".join(out)  # "I'm scared"
    assert spoken(PHRASES["red_rest"]) in out[-1]
