"""Practice reminders on OpenVoiceOS through OVOS's own pipeline (ovoscope's MiniCroft): set by voice, listed,
still scheduled after a restart, spoken when the scheduled event fires, deleted by voice."""
from __future__ import annotations

from ovos_bus_client.message import Message

from skill.openvoiceos.content import load_ovos_catalog
from skill.openvoiceos.render import plain_text
from tests.support.ovos import SKILL_ID, Device

PHRASES = load_ovos_catalog().phrases
EVENT = f"{SKILL_ID}:reminder-TU-FR-2000"


def test_a_reminder_set_by_voice_lasts_a_restart_goes_off_and_is_deleted_by_voice(tmp_path):
    device = Device(tmp_path)
    try:
        device.say("open safe harbor")
        asked = device.say("remind us Tuesday and Friday at eight")
        assert "Shall I set it?" in asked.speech and not asked.scheduled
        done = device.say("yes")
        assert "The reminder is set for Tuesday and Friday at 8 in the evening" in done.speech
        assert [m.data["event"] for m in done.scheduled] == [EVENT]
        listed = device.say("what reminders do I have")
        assert "Tuesday and Friday at 8 in the evening" in listed.speech
    finally:
        device.shutdown()
    again = Device(tmp_path)
    try:
        again.say("open safe harbor")
        listed = again.say("what reminders do I have")
        assert "Tuesday and Friday at 8 in the evening" in listed.speech
        fired = again.emit(Message(EVENT, {"schedule": "TU,FR@20:00", "text": "Time for your practice."}), "speak")
        assert fired.spoken == [plain_text(PHRASES["reminder_text"])]
        assert [m.data["event"] for m in fired.scheduled] == [EVENT]  # its next time
        gone = again.say("delete the reminders")
        assert plain_text(PHRASES["reminders_deleted"]) in gone.speech
        assert any(m.data.get("event") == EVENT for m in gone.of("mycroft.scheduler.remove_event"))
    finally:
        again.shutdown()
