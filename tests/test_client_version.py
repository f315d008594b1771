"""A client's own version (issue 24, item 4): one signed-off file, loaded at start-up for the one account the
deployment names by its keyed hash. Through POST /alexa: only the chosen exercises, the chosen hold length, less
talking by default, the note at launch; every other account keeps the skill as it is. A bad file stops start-up
with an error naming the field. The studio's side is in tests/test_studio_client_browser.py, which makes the file
through the studio's pages and hands it to ``assert_skill_follows``.
"""
from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from skill import __main__ as cli
from skill.alexa.audioplayer import parse_token
from skill.config import ConfigError
from skill.core import ContentError, load_catalog
from skill.core import client
from skill.core.identity import person_key
from tests.conftest import SECRET, SkillServer
from tests.test_holds import stream_of, walk_to_hold

ROOT = Path(__file__).resolve().parents[1]
CATALOG = load_catalog()
CLIENT_USER = "amzn1.ask.account.ACLIENTACCOUNT"
OTHER_USER = "amzn1.ask.account.ANOTHERACCOUNT"
NOTE = "Hello from your therapist. Go gently this week, and stop whenever you need to."
CHOSEN = ("grounding", "lying_together")


def made(note: str = NOTE, **holds: int) -> str:
    """A signed-off version file's text, as the studio exports it."""
    version = client.parse({"format": 1, "exercises": list(CHOSEN), "holds": holds or {"quiet_minutes": 8},
                            "less_talking": True, "note": note}, CATALOG, "draft", signed=False)
    return client.export(version, "Dr Reviewer", date(2026, 12, 5))


def account_key(user_id: str) -> str:
    return person_key(SECRET.encode(), user_id)  # as `python -m skill client account-key` prints it


def serve_with(tmp_path: Path, file: Path, user: str = CLIENT_USER) -> SkillServer:
    return SkillServer(tmp_path / "state.sqlite3", SKILL_CLIENT_VERSION=str(file),
                       SKILL_CLIENT_ACCOUNT=account_key(user))


def assert_skill_follows(server: SkillServer, note: str, chosen: tuple[str, ...], hold: str, minutes: int) -> None:
    """The client's account gets ``chosen`` exercises only, ``hold`` of ``minutes``, brief wording by default and
    ``note`` first at launch; another account gets none of it."""
    titles = {eid: CATALOG.exercises[eid].title for eid in CATALOG.exercises}
    alexa = server.speaker(user_id=CLIENT_USER)
    launch = alexa.launch()
    assert launch.speech.startswith(" ".join(note.split())), launch.speech
    offered = launch.speech[len(note):]
    for eid, title in titles.items():
        if not CATALOG.exercises[eid].gate:
            assert (title in offered) == (eid in chosen), (title, offered)
    left_out = next(e for e in CATALOG.exercises if e not in chosen)
    refused = alexa.say(f"start:{left_out}")
    assert "I don't know that one" in refused.speech and titles[left_out] not in refused.speech
    exercise = CATALOG.exercises[next(e for e in chosen if CATALOG.exercises[e].settings)]
    first = alexa.say(f"start:{exercise.id}")
    brief = " ".join(exercise.first.brief.split()[:4])
    assert brief in first.speech, first.speech  # less talking, never asked for
    token = stream_of(walk_to_hold(alexa, exercise.id))["token"]
    assert parse_token(token).total_seconds == minutes * 60

    other = server.speaker(user_id=OTHER_USER)
    launch = other.launch()
    assert note[:20] not in launch.speech and all(t in launch.speech for e, t in titles.items()
                                                 if not CATALOG.exercises[e].gate)
    token = stream_of(walk_to_hold(other, exercise.id))["token"]
    assert parse_token(token).total_seconds == CATALOG.settings[hold].default * 60


def test_the_clients_account_gets_its_version_and_no_other_does(tmp_path):
    file = tmp_path / "client-version.toml"
    file.write_text(made(), encoding="utf-8")
    assert "amzn1." not in file.read_text() and account_key(CLIENT_USER) not in file.read_text()
    assert_skill_follows(serve_with(tmp_path, file), NOTE, CHOSEN, "quiet_minutes", 8)


def test_a_length_said_by_voice_still_wins_over_the_versions(tmp_path):
    file = tmp_path / "client-version.toml"
    file.write_text(made(), encoding="utf-8")
    alexa = serve_with(tmp_path, file).speaker(user_id=CLIENT_USER)
    alexa.launch()
    alexa.intent("SettingIntent", {"setting": ("longer", "longer")})
    assert parse_token(stream_of(walk_to_hold(alexa, "lying_together"))["token"]).total_seconds == 9 * 60


def _broken(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize("change,field", [
    (lambda t: _broken(t, '"lying_together"]', '"lying_together", "tai_chi"]'), "exercises"),
    (lambda t: _broken(t, "quiet_minutes = 8", "quiet_minutes = 40"), "holds.quiet_minutes"),
    (lambda t: _broken(t, "quiet_minutes = 8", "stretch_minutes = 10"), "holds.stretch_minutes"),
    (lambda t: _broken(t, NOTE, "Long words. " * 40), "note"),
    (lambda t: _broken(t, NOTE, "Hello {name}."), "note"),
    (lambda t: _broken(t, NOTE, "Hello <break/> there."), "note"),
    (lambda t: _broken(t, '"grounding", ', ""), "exercises"),
    (lambda t: _broken(t, "less_talking = true", "less_talking = false"), "approval.hash"),
    (lambda t: _broken(t, "format = 1", 'format = 1\nclient = "Jane"'), "client"),
], ids=["unknown exercise", "hold out of range", "a hold no chosen exercise has", "too-long note",
        "a placeholder a note cannot have", "markup", "grounding left out", "changed after sign-off", "a name field"])
def test_a_bad_version_file_stops_start_up_naming_the_field(tmp_path, change, field):
    file = tmp_path / "client-version.toml"
    file.write_text(change(made()), encoding="utf-8")
    with pytest.raises(ContentError, match=f"client-version.toml: field '{field}': "):
        serve_with(tmp_path, file)


def test_the_service_does_not_start_with_a_bad_version(tmp_path):
    file = tmp_path / "client-version.toml"
    file.write_text(made().replace("quiet_minutes = 8", "quiet_minutes = 40"), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "SKILL_CLIENT_VERSION": str(file),
           "SKILL_CLIENT_ACCOUNT": account_key(CLIENT_USER), "SKILL_STORE": "memory://"}
    run = subprocess.run([sys.executable, "-m", "skill", "serve", "--dev", "--port", "0"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert "field 'holds.quiet_minutes': must be whole minutes from 2 to 12" in run.stderr


@pytest.mark.parametrize("env,says", [
    ({"SKILL_CLIENT_VERSION": "v.toml"}, "go together"),
    ({"SKILL_CLIENT_ACCOUNT": "a" * 64}, "go together"),
    ({"SKILL_CLIENT_VERSION": "v.toml", "SKILL_CLIENT_ACCOUNT": CLIENT_USER}, "never the account id itself"),
])
def test_the_deploy_setting_takes_only_a_keyed_hash_and_both_halves(tmp_path, env, says):
    with pytest.raises(ConfigError, match=says):
        SkillServer(tmp_path / "state.sqlite3", **env)


def test_account_key_prints_the_keyed_hash_of_the_id_read_from_stdin(monkeypatch, capsys):
    monkeypatch.setenv("SKILL_HASH_SECRET", SECRET)
    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.x")
    monkeypatch.setattr(sys, "stdin", io.StringIO(CLIENT_USER + "\n"))
    assert cli.main(["client", "account-key"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == account_key(CLIENT_USER) and CLIENT_USER not in out


def test_client_check_reports_a_good_and_a_bad_file(tmp_path, capsys):
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(made(), encoding="utf-8")
    bad.write_text(made().replace("quiet_minutes = 8", "quiet_minutes = 1"), encoding="utf-8")
    assert cli.main(["client", "check", str(good)]) == 0
    assert "grounding, lying_together" in capsys.readouterr().out
    assert cli.main(["client", "check", str(bad)]) == 1
    assert "field 'holds.quiet_minutes'" in capsys.readouterr().err


def test_an_ovos_device_with_the_version_in_its_data_folder_says_the_note(tmp_path):
    from tests.support.ovos import SKILL_ID, Device

    folder = tmp_path / "data" / "mycroft" / "filesystem" / "skills" / SKILL_ID  # the skill's data folder
    folder.mkdir(parents=True)
    (folder / "client-version.toml").write_text(made(), encoding="utf-8")
    device = Device(tmp_path)
    try:
        launch = device.say("open safe harbor")
        assert launch.speech.startswith(NOTE), launch.speech
        assert CATALOG.exercises["sensate_focus"].title not in launch.speech
        assert CATALOG.exercises["lying_together"].title in launch.speech
    finally:
        device.shutdown()
