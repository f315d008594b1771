"""The orient step names the day in the device's time zone, from a stub Alexa Settings API on loopback;
when the zone cannot be had in time it uses the no-clock wording and never names a weekday."""
from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.support.alexa import fixture
from tests.support.settings_api import SettingsAPI
from tests.test_grounding import GROUNDING, PHRASES, PREVIOUS, WEEKDAYS, speaker, spoken, step_of, walk_to

TOKEN = fixture("intent")["context"]["System"]["apiAccessToken"]
DEVICE = "amzn1.ask.device.TZCHECK0001"
NO_CLOCK = "This is now, not then"
ORIENT = next(s for s in GROUNDING["steps"] if s["id"] == "orient")
assert NO_CLOCK in ORIENT["say_without_clock"] and "{today}" in ORIENT["say"]


def expected_sentence(zone: str, at: datetime) -> str:
    """Computed here, independently of the engine: the part of day and weekday in ``zone``."""
    local = at.astimezone(ZoneInfo(zone))
    h = local.hour
    part = ("early_hours" if h < 5 else "morning" if h < 12 else "afternoon" if h < 17
            else "evening" if h < 21 else "night")
    return spoken(PHRASES["today"][part].replace("{weekday}", local.strftime("%A")))


def orient_with(server, api: SettingsAPI, **kw):
    alexa = speaker(server, api_endpoint=api.endpoint, device_id=kw.pop("device_id", DEVICE), **kw)
    walk_to(alexa, PREVIOUS["orient"])
    before = datetime.now(timezone.utc)
    started = time.monotonic()
    turn = alexa.say("next")
    elapsed = time.monotonic() - started
    after = datetime.now(timezone.utc)
    assert turn.status == 200 and step_of(turn) == ["orient"], turn.speech
    return alexa, turn, (before, after), elapsed


@pytest.mark.parametrize("zone", ["Australia/Sydney", "Pacific/Kiritimati", "America/Los_Angeles", "Europe/London"])
def test_orient_names_the_weekday_and_part_of_day_of_the_device_zone(server, zone):
    with SettingsAPI(zone=zone, token=TOKEN) as api:
        _alexa, turn, (before, after), _ = orient_with(server, api)
    expected = {expected_sentence(zone, before), expected_sentence(zone, after)}
    assert any(sentence in turn.speech for sentence in expected), (expected, turn.speech)
    named = [d for d in WEEKDAYS if d in turn.speech]
    assert named == [before.astimezone(ZoneInfo(zone)).strftime("%A")] or \
        named == [after.astimezone(ZoneInfo(zone)).strftime("%A")]
    assert NO_CLOCK not in turn.speech
    assert api.calls == 1 and api.auth == [f"Bearer {TOKEN}"] and api.devices == [DEVICE]


def test_zones_a_day_apart_name_different_days(server):
    # Kiritimati is UTC+14 and Pago Pago UTC-11: 25 hours apart, so never the same weekday.
    days = []
    for i, zone in enumerate(["Pacific/Kiritimati", "Pacific/Pago_Pago"]):
        with SettingsAPI(zone=zone, token=TOKEN) as api:
            _a, turn, _t, _e = orient_with(server, api, device_id=f"amzn1.ask.device.TZDAY{i}")
        days.append([d for d in WEEKDAYS if d in turn.speech])
    assert len(days[0]) == len(days[1]) == 1 and days[0] != days[1]


def assert_no_clock(turn) -> None:
    assert NO_CLOCK in turn.speech
    assert not [d for d in WEEKDAYS if d in turn.speech], turn.speech


def test_slow_api_uses_no_clock_wording_within_the_turn_budget(server):
    with SettingsAPI(zone="Australia/Sydney", token=TOKEN) as api:
        api.delay = 3.0  # well past the lookup's timeout
        alexa, turn, _t, elapsed = orient_with(server, api)
        assert_no_clock(turn)
        assert elapsed < 3.0  # generous: the lookup gave up long before the API answered
        # The miss is remembered: repeating the step costs no second wait.
        turn = alexa.say("repeat")
        assert_no_clock(turn)
        assert api.calls == 1


@pytest.mark.parametrize("setup", ["http-500", "http-403", "wrong-token", "not-json", "not-a-string",
                                   "unknown-zone"])
def test_failing_api_uses_no_clock_wording(server, setup):
    with SettingsAPI(zone="Australia/Sydney", token=TOKEN) as api:
        if setup.startswith("http-"):
            api.status = int(setup[5:])
        elif setup == "wrong-token":
            api.token = "another-token"
        elif setup == "not-json":
            api.raw_body = b"<html>oops</html>"
        elif setup == "not-a-string":
            api.raw_body = b'{"timeZone": "Australia/Sydney"}'
        elif setup == "unknown-zone":
            api.zone = "Mars/Olympus_Mons"
        _alexa, turn, _t, _e = orient_with(server, api)
        assert_no_clock(turn)
        assert api.calls == 1  # the API was really asked


def test_unreachable_api_uses_no_clock_wording(server):
    alexa = speaker(server, device_id=DEVICE)  # its Settings API endpoint is a closed loopback port
    walk_to(alexa, PREVIOUS["orient"])
    assert_no_clock(alexa.say("next"))


def test_lookup_is_cached_across_turns_and_sessions(server):
    with SettingsAPI(zone="Asia/Kolkata", token=TOKEN) as api:
        alexa, first, _t, _e = orient_with(server, api)
        assert [d for d in WEEKDAYS if d in first.speech]
        alexa.say("repeat")
        alexa.say("next")
        alexa.say("back")  # orient again
        walk_to(alexa, "orient")  # a new session on the same device
        assert api.calls == 1
        # Another device is another lookup.
        orient_with(server, api, device_id="amzn1.ask.device.TZCHECK0002")
        assert api.calls == 2 and api.devices == [DEVICE, "amzn1.ask.device.TZCHECK0002"]


def test_no_lookup_until_a_step_needs_the_day(server):
    with SettingsAPI(zone="Asia/Kolkata", token=TOKEN) as api:
        alexa = speaker(server, api_endpoint=api.endpoint, device_id=DEVICE)
        alexa.launch()
        walk_to(alexa, "arrive", new_session=False)
        alexa.say("help")
        assert api.calls == 0


@pytest.mark.parametrize("where", ["headers", "body"])
def test_trickling_api_is_given_up_on_within_the_lookup_timeout(server, where):
    """The 0.8 s bounds the whole exchange: an endpoint sending a byte every 0.1 s cannot hold the turn."""
    from tests.support.trickle import TrickleServer

    api = (TrickleServer(drip=b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000, interval=0.1) if where == "headers"
           else TrickleServer(head=b"HTTP/1.1 200 OK\r\nContent-Length: 4000\r\n\r\n\"", drip=b"Australia/",
                              interval=0.1))
    try:
        alexa = speaker(server, api_endpoint=api.url, device_id=DEVICE)
        walk_to(alexa, PREVIOUS["orient"])
        started = time.monotonic()
        turn = alexa.say("next")
        assert time.monotonic() - started < 1.5  # 0.8 s lookup, plus the turn itself
        assert step_of(turn) == ["orient"]
        assert_no_clock(turn)
        assert api.connections == 1
    finally:
        api.close()


def test_start_up_loads_no_certificates_and_the_process_loads_them_once(tmp_path):
    # A fresh interpreter, as a process or Lambda cold start: building the production skill and web app
    # creates no TLS context (loading the system's CA certificates takes about 50 ms); the certificate
    # fetch and the Settings API then share one, made when the first of them connects.
    script = """
import ssl, sys
made = []
real = ssl.create_default_context
ssl.create_default_context = lambda *a, **k: made.append(1) or real(*a, **k)
from skill.config import Settings
from skill.alexa.skill import build
from skill.alexa.web import create_app
from skill.alexa.deadline_fetch import make_opener
settings = Settings.from_env(dev=False, env={"SKILL_ID": "amzn1.ask.skill.x", "SKILL_HASH_SECRET": "s" * 32,
                                             "SKILL_STORE": "sqlite:///" + sys.argv[1]})
skill, services = build(settings)
create_app(settings, skill)
at_start = len(made)
make_opener(), make_opener()
print(at_start, len(made))
"""
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "s.sqlite3")], capture_output=True,
                         text=True, timeout=120, check=True).stdout.split()
    assert out == ["0", "1"]


def test_a_zone_that_cannot_be_learnt_never_costs_the_crisis_line():
    """German and French devices ask for the zone (Austria's and Switzerland's lines); a lookup that fails in any
    way (OVOS's location without a zone raises KeyError) falls back to the locale's country, never to "sorry"."""
    from skill.core import load_catalog

    phrases = load_catalog().speaking("de").phrases

    def broken() -> str:
        raise KeyError("timezone")

    assert phrases.country("de-DE", broken) == "DE"
    assert phrases.crisis_line("de-DE", broken) == phrases.crisis_line("de-DE")
    assert phrases.country("de-DE", lambda: "Europe/Vienna") == "AT"
