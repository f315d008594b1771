""""How are we doing?" through POST /alexa: sessions in the past week and month from the dates kept, each
exercise finished and how often, and what comes next; said only to the record's own voice, or on an account
with no voice profiles. No streaks, no praise: the words are the content's (checked by the content rules)."""
from __future__ import annotations

from datetime import date, timedelta

from skill.core.merge import merge, stamp
from skill.core.state import State
from tests.support.states import seed
from tests.test_couples import finish_session, person
from tests.test_reminders import PHRASES

OWNER = "amzn1.ask.person.OWNER"


def how(alexa, new_session: bool = True):
    return alexa.intent("HowAreWeDoingIntent", new_session=new_session)


def test_nothing_finished_yet(server):
    turn = how(person(server))
    assert turn.status == 200 and "No sessions are finished in the past month" in turn.speech


def test_two_sessions_then_the_next_stage_is_named(server):
    alexa = person(server)
    for _ in range(2):
        finish_session(alexa, "sensate_focus")
    turn = how(alexa)
    assert "In the past week: 2 sessions. In the past month: 2 sessions." in turn.speech, turn.speech
    assert "Finished so far: sensate focus, twice." in turn.speech
    assert "The next step, sensate focus next step, is there when you both feel ready." in turn.speech
    for word in ("streak", "well done", "great job", "proud", "should"):
        assert word not in turn.speech.lower()


def test_one_session_the_same_practice_again(server):
    alexa = person(server)
    finish_session(alexa, "lying_together")
    turn = how(alexa)
    assert "In the past week: one session. In the past month: one session." in turn.speech
    assert PHRASES["progress_next_same"] in turn.speech


def test_dates_older_than_a_month_do_not_count(server):
    today = date.today()
    seed(server, State(welcomed=True, completed={"grounding": 3},
                       practised=[(today - timedelta(days=n)).isoformat() for n in (40, 10, 2)]))
    turn = how(person(server))
    assert "In the past week: one session. In the past month: 2 sessions." in turn.speech, turn.speech


def test_only_the_records_own_voice_hears_it(server):
    owner = person(server, person_id=OWNER)
    finish_session(owner, "sensate_focus")
    assert "one session" in how(owner).speech
    # The account now lists a voice profile: an unrecognised voice on it hears nothing of the owner's record.
    stranger = person(server)
    turn = how(stranger)
    assert PHRASES["progress_not_yours"] in turn.speech and "session" not in turn.speech
    # Another recognised voice has a record of its own, with nothing in it.
    other = person(server, person_id="amzn1.ask.person.OTHER")
    assert "No sessions are finished" in how(other).speech


def test_two_devices_finishing_at_once_keep_both_dates():
    day = date.today().isoformat()
    base = stamp({}, State(practised=[]).to_dict(), 1_000)
    mine = stamp(base, State(practised=[day]).to_dict(), 2_000)
    theirs = stamp(base, State(practised=[day]).to_dict(), 2_001)
    assert merge(base, mine, theirs)["practised"] == [day, day]
