"""Privacy through POST /alexa: delete by voice, what is kept, SkillDisabled, expiry, "only my voice",
a silent stop, no cards; and PRIVACY.md in step with the stored fields."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from skill.core import load_catalog
from skill.core.identity import person_key
from skill.core.state import DEFAULT
from skill.core.turn import LISTED, PEOPLE
from tests.conftest import SECRET, SkillServer

ROOT = Path(__file__).resolve().parents[1]
PERSON = "amzn1.ask.person.AFAKEPERSONID"
FIRST_WELCOME = "I can guide short exercises"  # said only to someone the skill keeps nothing about


def key(user: str, person: str | None = None) -> str:
    return person_key(SECRET.encode(), user, person)


def assert_deleted(store, k: str) -> None:
    """Nothing about the person is stored: at most a tombstone saying when the delete happened (so that
    another device's open session cannot write the data back; docs/architecture.md, "Merge rules"),
    kept for a day."""
    record = store.load(k)
    if record is None:
        return
    assert set(record.data) == {"sync"}, record.data
    assert set(record.data["sync"]) == {"clock", "stop", "deleted", "seen"} and record.data["sync"]["clock"] == {}
    assert record.data["sync"]["seen"] == [] and record.expires_at <= time.time() + 86_400 + 60


def paused_exercise(alexa):
    alexa.launch()
    alexa.say("start:grounding")
    alexa.say("next")
    assert alexa.say("pause").ends_session


def test_delete_my_data_asks_once_then_deletes_and_the_next_launch_proves_it(server):
    alexa = server.speaker()
    paused_exercise(alexa)
    store = server.services.store
    assert store.load(key(alexa.user_id)) is not None
    ask = alexa.intent("DeleteDataIntent", new_session=True)
    assert "Do you want me to delete it?" in ask.speech and not ask.ends_session
    assert store.load(key(alexa.user_id)) is not None  # nothing happens before the yes
    done = alexa.say("yes")
    assert "deleted" in done.speech and done.ends_session
    assert_deleted(store, key(alexa.user_id))
    turn = server.restart().speaker().launch()
    assert FIRST_WELCOME in turn.speech and "pick it up" not in turn.speech


def test_no_to_deleting_deletes_nothing(server):
    alexa = server.speaker()
    paused_exercise(alexa)
    alexa.intent("DeleteDataIntent", new_session=True)
    assert "Nothing was deleted" in alexa.say("no").speech
    assert "pick it up" in alexa.launch().speech


@pytest.mark.parametrize("days", ["90", "30"])
def test_what_do_you_keep_answers_in_one_short_summary(tmp_path, days):
    server = SkillServer(tmp_path / "s.db", SKILL_RECORD_DAYS=days)
    turn = server.speaker().intent("WhatDoYouKeepIntent", new_session=True)
    assert f"deleted after {days} days" in turn.speech and "delete my data" in turn.speech
    assert len(turn.ssml) < 1200


def test_skill_disabled_deletes_the_account_and_its_voice_profiles_records(server):
    anyone, someone = server.speaker(), server.speaker(person_id=PERSON)
    paused_exercise(anyone)
    paused_exercise(someone)
    store = server.services.store
    account, profile = key(anyone.user_id), key(anyone.user_id, PERSON)
    assert profile in store.load(account).data[PEOPLE]  # the account lists the profile's record
    turn = anyone.skill_disabled("NOT_PERSISTED")
    assert turn.status == 200 and turn.response == {}
    assert store.load(account) is None and store.load(profile) is None


def test_skill_disabled_keeps_the_records_when_alexa_says_to_keep_them(server):
    alexa = server.speaker()
    paused_exercise(alexa)
    assert alexa.skill_disabled("PERSISTED").status == 200
    assert server.services.store.load(key(alexa.user_id)) is not None


def test_an_expired_record_is_gone_on_read_even_before_any_sweep(server):
    alexa = server.speaker()
    paused_exercise(alexa)
    store = server.services.store
    record = store.load(key(alexa.user_id))
    store.save(record.key, record.data, record.version, expires_at=1)  # as if 90 days had passed
    turn = alexa.launch()
    assert "pick it up" not in turn.speech and FIRST_WELCOME in turn.speech


def test_records_are_saved_with_the_configured_expiry(tmp_path):
    import time

    server = SkillServer(tmp_path / "s.db", SKILL_RECORD_DAYS="10")
    alexa = server.speaker()
    paused_exercise(alexa)
    expires = server.services.store.load(key(alexa.user_id)).expires_at
    assert abs(expires - (time.time() + 10 * 86_400)) < 120


def partner_in_session(server, owner):
    """A second voice, not recognised, speaking in the owner's session at the same speaker."""
    partner = server.speaker()
    partner.session_id, partner.attributes = owner.session_id, owner.attributes
    return partner


def test_only_my_voice_refuses_another_voice_and_reveals_nothing(server):
    owner = server.speaker(person_id=PERSON)
    owner.launch()
    turn = owner.intent("SettingIntent", {"setting": ("only my voice", "only_my_voice")})
    assert "only go on for your voice" in turn.speech
    owner.say("start:lying_together")
    partner = partner_in_session(server, owner)
    refused = partner.say("next")
    assert refused.speech == "Sorry, I can't do that right now." and refused.ends_session
    partner.session_id, partner.attributes = owner.session_id, owner.attributes
    for safety in ("red",):  # stopping is always open to every voice
        assert "stopped" in partner.say(safety).speech
    # The owner's progress is untouched by the refusal and by the other voice's session.
    assert "pick it up" not in server.speaker().launch().speech  # another voice in a new session: nothing


def test_without_only_my_voice_a_partner_carries_the_session_on(server):
    owner = server.speaker(person_id=PERSON)
    owner.launch()
    owner.say("start:lying_together")
    partner = partner_in_session(server, owner)
    turn = partner.say("next")
    assert "zero to ten" in turn.speech  # the owner's exercise went on
    # ...and was saved to the owner's record, not the account's.
    store = server.services.store
    assert store.load(key(owner.user_id, PERSON)).data["progress"]["step"] == "rate_before"
    account = store.load(key(owner.user_id))
    assert account is None or account.data.get("progress") is None


def test_only_my_voice_needs_a_recognised_voice(server):
    turn = server.speaker().intent("SettingIntent", {"setting": ("only my voice", "only_my_voice")},
                                   new_session=True)
    assert "voice I recognise" in turn.speech


def test_a_forged_session_cannot_point_a_turn_at_someone_elses_record(server):
    victim = server.speaker(person_id=PERSON)
    paused_exercise(victim)
    attacker = server.speaker(user_id="amzn1.ask.account.SOMEONEELSE")
    attacker.launch()
    forged = dict(attacker.attributes)
    forged["sh"] = dict(forged["sh"], o=key(victim.user_id, PERSON))  # the tag no longer fits
    attacker.attributes = forged
    turn = attacker.say("resume")
    assert "nothing paused" in turn.speech.lower()
    assert server.services.store.load(key(victim.user_id, PERSON)).data["progress"] is not None


def test_alexa_stop_names_nothing(server):
    alexa = server.speaker()
    alexa.launch()
    alexa.say("start:sensate_focus")
    turn = alexa.say("stop")
    assert turn.status == 200 and turn.ends_session and "card" not in turn.response
    assert "sensate" not in turn.speech.lower() and "touch" not in turn.speech.lower()


def test_no_response_carries_a_card(server):
    alexa = server.speaker()
    turns = [alexa.launch(), alexa.say("start:sensate_focus")]
    for what in ("next", "help", "yellow", "yes", "next", "next", "red", "yes", "next", "no"):
        turns.append(alexa.say(what, new_session=alexa.session_id is None))
    turns.append(alexa.intent("WhatDoYouKeepIntent", new_session=True))
    assert all(t.status == 200 and "card" not in t.response for t in turns)


LENGTHS = "<name>_minutes"  # PRIVACY.md's one row for every length setting


def stored_field_names() -> set[str]:
    from skill.core import Progress

    # Every length the content declares is one row, "settings.<name>_minutes" (a new exercise may add one).
    assert all(name.endswith("_minutes") for name in load_catalog().settings)
    names = {k for k in DEFAULT if k not in ("progress", "settings", "ratings")}
    names |= {f"progress.{k}" for k in Progress("x", "y").to_dict()}
    names |= {f"settings.{k}" for k in (LENGTHS, "less_talking", "only_my_voice")}
    names |= {"ratings.before", "ratings.after", PEOPLE, LISTED}
    names |= {"sync.clock", "sync.stop", "sync.deleted", "sync.seen"}
    return names


def test_privacy_md_lists_exactly_the_stored_fields(server):
    documented = set(re.findall(r"^\| `([\w.<>]+)` \|", (ROOT / "PRIVACY.md").read_text(), re.MULTILINE))
    assert documented == stored_field_names()
    # ...and the names are the real ones: a full record uses no field the document doesn't name.
    alexa = server.speaker(person_id=PERSON)
    paused_exercise(alexa)
    alexa.intent("SettingIntent", {"setting": ("less talking", "less_talking")}, new_session=True)
    alexa.intent("SettingIntent", {"setting": ("longer", "longer")}, new_session=True)  # a length setting
    for record_key in (key(alexa.user_id), key(alexa.user_id, PERSON)):
        assert field_names(server.services.store.load(record_key).data) <= documented


NESTED = ("progress", "settings", "ratings", "sync")  # documented field by field


def field_names(data: dict) -> set[str]:
    names = set()
    for name, value in data.items():
        if name in NESTED and isinstance(value, dict):
            names |= {f"{name}.{LENGTHS if name == 'settings' and sub.endswith('_minutes') else sub}" for sub in value}
        elif name not in NESTED:
            names.add(name)
    return names


class FailingAccountReads:
    """A store whose first read of one key fails, as in a brief outage."""

    def __init__(self, store, key):
        self.store, self.key, self.failed = store, key, False

    def load(self, key, **kw):
        if key == self.key and not self.failed:
            self.failed = True
            from skill.store import StoreError
            raise StoreError("outage")
        return self.store.load(key, **kw)

    def __getattr__(self, name):
        return getattr(self.store, name)


def test_a_profile_missed_by_an_outage_is_listed_on_a_later_turn_so_disabling_deletes_it(tmp_path):
    first = SkillServer(tmp_path / "s.db")
    user = "amzn1.ask.account.AEXAMPLEUSER"
    server = first.restart(store=FailingAccountReads(first.services.store, key(user)))
    someone = server.speaker(person_id=PERSON)
    someone.launch()  # the first save (the welcome was given): listing it on the account fails
    store = server.services.store
    assert store.load(key(user)) is None and store.load(key(user, PERSON)) is not None
    someone.say("start:grounding")  # the next saving turn lists it
    assert store.load(key(user)).data[PEOPLE] == [key(user, PERSON)]
    someone.skill_disabled("NOT_PERSISTED")
    assert store.load(key(user, PERSON)) is None and store.load(key(user)) is None
