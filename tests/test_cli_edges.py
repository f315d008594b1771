"""The console and command line as a new user meets them (issue 13, "Console and command line").

Every test runs the real CLI (or dev.py) as a subprocess with its own HOME and SQLite file.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from skill.core import load_catalog
from tests.test_cli import ROOT, cli_env, run
from tests.test_grounding import WALK

CATALOG = load_catalog()
PHRASES = CATALOG.phrases
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NOT_PASSED = "(no session is open, so a speaker would not pass"
TO_ORIENT = ["help me ground"] + ["next"] * WALK.index("orient")


def said(stdout: str) -> list[str]:
    return [line[len("alexa> "):] for line in stdout.splitlines() if line.startswith("alexa> ")]


def chat(tmp_path, lines: list[str], *args: str, **env: str) -> subprocess.CompletedProcess:
    result = run(tmp_path, "chat", *args, stdin="\n".join(lines) + "\n", timeout=90, **env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    return result


# --------------------------------------------------------------------------- chat


def test_an_unsupported_locale_is_refused_with_the_supported_ones(tmp_path):
    result = run(tmp_path, "chat", "--locale", "it-IT", timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "FileNotFoundError" not in result.stderr
    assert "it-IT" in result.stderr and "de-DE" in result.stderr  # the supported ones are named
    for locale in ("en-US", "en-GB", "en-AU", "en-CA", "en-IN"):
        assert locale in result.stderr
    assert "en-US" in run(tmp_path, "chat", "--help", timeout=60).stdout


@pytest.mark.parametrize("locale, lines, heard", [
    ("de-DE", ["öffne sicherer hafen", "ich habe solche angst"], "TelefonSeelsorge"),
    ("fr-FR", ["ouvre havre de paix", "j'en peux plus"], "trente et un, quatorze"),  # 3114, said in words
    ("es-MX", ["abre refugio seguro", "ya no puedo más"], "Línea de la Vida"),
])
def test_the_console_understands_own_words_in_each_language(tmp_path, locale, lines, heard):
    # Distress said in the language's own words names that country's crisis line.
    result = chat(tmp_path, [*lines, "quit"], "--locale", locale)
    assert heard in result.stdout, result.stdout[-600:]


def test_no_log_lines_between_the_answers_even_at_debug(tmp_path):
    result = chat(tmp_path, ["open safe harbor", "help me ground", "next", "quit"], SKILL_LOG_LEVEL="DEBUG")
    for line in (result.stdout + result.stderr).splitlines():
        assert not line.lstrip().startswith("{"), line
    assert len(said(result.stdout)) == 3


def test_silence_plays_the_reprompt_then_ends_the_session(tmp_path):
    result = chat(tmp_path, ["open safe harbor", "", "", "next"])
    out = result.stdout.splitlines()
    welcome = next(i for i, line in enumerate(out) if line.startswith("alexa> Welcome"))
    reprompt = out[welcome + 1]
    assert reprompt.startswith("alexa> ") and reprompt != out[welcome]  # the reprompt, once
    assert "session ends" in out[welcome + 2]
    assert NOT_PASSED in out[welcome + 3]  # after the session ended, a bare "next" is not passed on


def test_a_bare_resume_after_the_session_ended_is_not_passed_on(tmp_path):
    result = chat(tmp_path, ["open safe harbor", "stop", "resume", "ask safe harbor to resume"])
    out = result.stdout
    assert f'{NOT_PASSED} "resume" to Safe Harbor; say "ask safe harbor to resume"' in out
    after = out[out.index(NOT_PASSED):]
    assert len(said(after)) == 1  # only the phrasing with the invocation name reached the skill


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_time_zone_can_be_set_so_the_day_is_heard(tmp_path, zone):
    before = datetime.now(timezone.utc).astimezone(ZoneInfo(zone)).strftime("%A")
    result = chat(tmp_path, TO_ORIENT, "--time-zone", zone)
    after = datetime.now(timezone.utc).astimezone(ZoneInfo(zone)).strftime("%A")
    orient = said(result.stdout)[-1]
    named = [day for day in WEEKDAYS if day in orient]
    assert named in ([before], [after]), orient


def test_without_a_time_zone_the_day_is_not_named(tmp_path):
    orient = said(chat(tmp_path, TO_ORIENT).stdout)[-1]
    assert not [day for day in WEEKDAYS if day in orient], orient
    assert "now" in orient  # the no-clock wording


def test_a_bad_time_zone_is_refused_clearly(tmp_path):
    result = run(tmp_path, "chat", "--time-zone", "Mars/Olympus", timeout=60)
    assert result.returncode == 2 and "Mars/Olympus" in result.stderr and "Traceback" not in result.stderr


def test_only_my_voice_can_be_tried_with_a_recognised_voice(tmp_path):
    unknown = said(chat(tmp_path, ["open safe harbor", "only my voice"]).stdout)[-1]
    assert PHRASES["voice_unknown"].split(".")[0] in unknown
    known = said(chat(tmp_path, ["open safe harbor", "only my voice"], "--voice", "sam").stdout)[-1]
    assert PHRASES["only_my_voice"].split(".")[1].strip() in known
    switched = chat(tmp_path, ["open safe harbor", "/voice robin", "only my voice", "/voice off", "only my voice"])
    answers = said(switched.stdout)
    assert PHRASES["only_my_voice"].split(".")[1].strip() in answers[1]
    assert PHRASES["voice_unknown"].split(".")[0] in answers[2]


# --------------------------------------------------------------------------- the command line


def test_model_help_exits_0_and_check_says_so_on_success(tmp_path):
    helped = run(tmp_path, "model", "--help", timeout=60)
    assert helped.returncode == 0 and "build" in helped.stdout and "check" in helped.stdout
    checked = run(tmp_path, "model", "check", timeout=60)
    assert checked.returncode == 0 and checked.stdout.strip(), checked


def test_audio_help_lists_its_subcommands(tmp_path):
    helped = run(tmp_path, "audio", "--help", timeout=60)
    assert helped.returncode == 0 and "build" in helped.stdout and "publish" in helped.stdout


@pytest.fixture
def busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path, busy_port):
    result = run(tmp_path, "serve", "--dev", "--port", str(busy_port), timeout=60)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("{")]
    assert len(lines) == 1 and "already in use" in lines[0] and str(busy_port) in lines[0], result.stderr


def test_dev_py_run_on_a_busy_port_says_so_in_one_line(tmp_path, busy_port):
    result = subprocess.run([sys.executable, "dev.py", "run", "--port", str(busy_port)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, env=cli_env(tmp_path))
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert "starting on" not in result.stdout
    assert [line for line in result.stderr.splitlines() if "already in use" in line], result.stderr


def test_dev_py_run_help_prints_help_first(tmp_path):
    result = subprocess.run([sys.executable, "dev.py", "run", "--help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env=cli_env(tmp_path))
    assert result.returncode == 0
    assert result.stdout.startswith("usage:"), result.stdout[:200]
    assert "starting on" not in result.stdout


def test_serve_prints_only_json_lines(tmp_path):
    from tests.support.serve import running

    with running(tmp_path):
        pass
    lines = (tmp_path / "serve.log").read_text().splitlines()
    assert any("DEV MODE" in line for line in lines)
    for line in lines:
        assert isinstance(json.loads(line), dict), line
