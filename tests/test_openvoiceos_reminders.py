"""Practice reminders on OpenVoiceOS through OVOS's own pipeline (ovoscope's MiniCroft): set by voice, listed,
armed in OVOS's event scheduler again after a restart (a clean one, and one whose scheduler lost its events),
spoken when the scheduled event fires, deleted by voice ("stop the reminders" is no stop of the skill)."""
from __future__ import annotations

import time
from datetime import datetime

from ovos_bus_client.message import Message
from ovos_utils.time import now_local

from skill.openvoiceos.content import load_ovos_catalog
from skill.openvoiceos.render import plain_text
from tests.support.ovos import SKILL_ID, Device
from tests.test_utterance_corpus import plain_words

PHRASES = load_ovos_catalog().phrases
EVENT = f"{SKILL_ID}:reminder-TU-FR-2000"
WEEK_S = 7 * 86_400


def armed(device: Device) -> list[tuple[float, dict]]:
    """What OVOS's event scheduler holds for the reminder EVENT, asked over the bus: (epoch time, data) each."""
    listed = device.emit(Message("mycroft.scheduler.list_events"), "mycroft.scheduler.list_events.response")
    (reply,) = listed.of("mycroft.scheduler.list_events.response")
    return [(entry[0], entry[2]) for entry in reply.data["scheduled_events"].get(EVENT, [])]


def assert_armed_for_its_next_time(device: Device) -> dict:
    """Exactly one event for the schedule, at its next Tuesday or Friday 8 pm in the device's time zone, within
    the week; returns its data."""
    (at, data), = armed(device)
    local = datetime.fromtimestamp(at, tz=now_local().tzinfo)
    assert (local.strftime("%a"), local.hour, local.minute) in {("Tue", 20, 0), ("Fri", 20, 0)}
    assert 0 < at - time.time() <= WEEK_S
    assert data == {"schedule": "TU,FR@20:00", "text": plain_text(PHRASES["reminder_text"])}
    return data


def test_a_reminder_set_by_voice_lasts_a_restart_goes_off_and_is_deleted_by_voice(tmp_path):
    device = Device(tmp_path)
    try:
        device.say("open safe harbor")
        asked = device.say("remind us Tuesday and Friday at eight")
        assert "Shall I set it?" in asked.speech and not asked.scheduled
        done = device.say("yes")
        assert "The reminder is set for Tuesday and Friday at 8 in the evening" in done.speech
        assert "If this device is on at that time" in done.speech
        assert [m.data["event"] for m in done.scheduled] == [EVENT]
        assert_armed_for_its_next_time(device)
        listed = device.say("what reminders do I have")
        assert "Tuesday and Friday at 8 in the evening" in listed.speech
    finally:
        device.shutdown()
    again = Device(tmp_path)
    try:
        # Armed in the scheduler once (the skill re-arms on load what the scheduler kept: no second event).
        data = assert_armed_for_its_next_time(again)
        again.say("open safe harbor")
        listed = again.say("what reminders do I have")
        assert "Tuesday and Friday at 8 in the evening" in listed.speech
        # The scheduler's own message for that event, with the data it holds.
        fired = again.emit(Message(EVENT, data), "speak")
        assert fired.spoken == [plain_text(PHRASES["reminder_text"])]
        assert [m.data["event"] for m in fired.scheduled] == [EVENT]  # its next time
        assert_armed_for_its_next_time(again)
        gone = again.say("stop the reminders")
        assert plain_text(PHRASES["reminders_deleted"]) in gone.speech
        assert not gone.of(f"{SKILL_ID}.stop.response")  # the reminders stopped, not the skill
        assert any(m.data.get("event") == EVENT for m in gone.of("mycroft.scheduler.remove_event"))
        assert armed(again) == []
        none = again.say("what reminders do I have")
        assert plain_text(PHRASES["reminders_none"]) in none.speech
    finally:
        again.shutdown()


def test_a_scheduler_that_lost_its_events_gets_the_reminder_again_when_the_skill_loads(tmp_path):
    """A power cut: OVOS's scheduler writes its events only on a clean shutdown, so they are gone; the skill
    arms every kept schedule again as it loads."""
    device = Device(tmp_path)
    try:
        device.say("open safe harbor")
        device.say("remind us Tuesday and Friday at eight")
        device.say("yes")
    finally:
        device.shutdown()
    (kept,) = (tmp_path / "config").rglob("schedule.json")  # where the scheduler wrote its events on shutdown
    assert EVENT in kept.read_text()
    kept.unlink()
    again = Device(tmp_path)
    try:
        assert_armed_for_its_next_time(again)
    finally:
        again.shutdown()


def test_the_words_for_stopping_the_reminders_reach_them_and_stop_still_stops(tmp_path):
    device = Device(tmp_path)
    try:
        device.say("open safe harbor")
        how = device.say("set a reminder")  # no days or time heard: how to ask, in this device's words
        assert plain_text(PHRASES["reminder_how"]) in how.speech and "Safe Harbor" not in how.speech and how.listens
        for words in ("no more reminders", "cancel my reminders", "turn off the reminders"):
            device.say("open safe harbor")
            device.say("remind me every evening at seven")
            device.say("yes")
            gone = device.say(words)
            assert plain_text(PHRASES["reminders_deleted"]) in gone.speech, words
        device.say("open safe harbor")
        device.say("remind me every evening at seven")
        device.say("yes")
        device.say("start lying together")
        # A reminder whose time comes during an exercise does not talk over it; its next time is armed.
        during = device.emit(Message(f"{SKILL_ID}:reminder-daily-1900",
                                     {"schedule": "daily@19:00", "text": plain_text(PHRASES["reminder_text"])}),
                             "mycroft.scheduler.schedule_event")
        assert not during.spoken and [m.data["event"] for m in during.scheduled] == [f"{SKILL_ID}:reminder-daily-1900"]
        scared = device.say("stop the reminders, I'm scared")
        assert plain_text(PHRASES["distress_stop"]) in scared.speech  # distress wins: the exercise stops
        assert plain_words(plain_text(PHRASES.crisis_line("en-US"))) in plain_words(scared.speech)
        assert plain_text(PHRASES["reminders_deleted"]) not in scared.speech
    finally:
        device.shutdown()
