"""Issue 20, the engine's side: what the skill answers when someone is not safe with a partner, when the
understanding layer is unsure whether something was distress, after a turn it did not understand, to yes or no
with nothing asked, and to consent and safety from any voice. Through POST /alexa where an intent exists; the
events the understanding layer will send (DISTRESS "unsafe", UNSURE) through the turn runner on a real store.
"""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from skill.core import Context, Engine, Ev, Event, HoldPosition, State, TurnRequest, TurnRunner, identity_for
from skill.core.content import SCRIPTS_DIR, ContentError, load_catalog
from skill.core.events import CONSENT_AND_SAFETY
from skill.core.questions import Ask, Question
from skill.core.state import Progress
from skill.store.sqlite import SqliteStore
from tests.support.alexa import plain
from tests.test_exercise_paths import CATALOG, first_words, open_exercise, reach
from tests.test_privacy import key, partner_in_session

PHRASES = CATALOG.phrases
ENGINE = Engine(CATALOG)
SECRET = b"consent-and-safety-test-secret-0123"
OWNER = "amzn1.ask.person.ACONSENTOWNER"


def words(markup: str) -> str:
    """A phrase as the speech test helpers read it: pauses gone, spaces collapsed."""
    return plain(markup.replace("[pause 1]", " ").replace("[pause 2]", " "))


def said(text: str, speech: str) -> bool:
    return " ".join(words(text).split()) in " ".join(speech.split())


def rating(alexa, number: str):
    envelope = alexa.envelope("RatingIntent")
    envelope["request"]["intent"]["slots"] = {"rating": {"name": "rating", "value": number,
                                                         "confirmationStatus": "NONE"}}
    return alexa.post(envelope)


def play_token(turn) -> str:
    return next(d["audioItem"]["stream"]["token"] for d in turn.directives if d["type"] == "AudioPlayer.Play")


# ---- the turn runner, for the events only the understanding layer sends -----------------------------------


class Talk:
    def __init__(self, runner: TurnRunner, profile: str | None = None, locale: str = "en-US"):
        self.runner, self.identity, self.locale = runner, identity_for(SECRET, "amzn1.ask.account.CS", profile), locale
        self.id, self.carried, self.turns = f"s-{uuid.uuid4().hex}", None, 0

    def say(self, kind: Ev, value: str | None = None, playing: HoldPosition | None = None, audio: bool = False):
        result = self.runner.run(TurnRequest(identity=self.identity, event=Event(kind, value),
                                             context=Context(locale=self.locale, new_session=self.turns == 0,
                                                             audio_player=audio, playing=playing),
                                             session=self.carried, session_id=self.id))
        self.carried, self.turns = result.session, self.turns + 1
        return result


@pytest.fixture
def runner(tmp_path):
    store = SqliteStore(tmp_path / "state.sqlite3")
    yield TurnRunner(ENGINE, store, SECRET)
    store.close()


@pytest.mark.parametrize("locale", ["en-US", "en-CA", "en-GB", "en-IE", "en-AU", "en-IN", "en-NZ"])
def test_unsafe_stops_and_names_the_abuse_line_the_crisis_line_and_the_emergency_number(runner, locale):
    talk = Talk(runner, locale=locale)
    talk.say(Ev.START, "lying_together")
    turn = talk.say(Ev.DISTRESS, "unsafe")
    speech = turn.reply.speech
    for line in (PHRASES.domestic_abuse_line(locale), PHRASES.crisis_line(locale), PHRASES.emergency_line(locale),
                 PHRASES["unsafe_stop"], PHRASES["distress_offer"]):
        assert line in speech, (locale, line)
    assert speech.index(PHRASES["distress_offer"]) > speech.index(PHRASES.crisis_line(locale))
    assert turn.exercise is None and not turn.reply.end_session  # stopped; grounding is offered
    record = runner.store.load(talk.identity.speaker)
    assert record.data["progress"] is None and record.data["sync"]["stop"]  # a stop: it wins over other devices
    grounding = talk.say(Ev.YES)
    assert grounding.exercise == CATALOG.grounding.id and grounding.step == CATALOG.grounding.first.id


def test_unsafe_outside_an_exercise_is_heard_with_the_same_lines(runner):
    turn = Talk(runner, locale="en-GB").say(Ev.DISTRESS, "unsafe")
    assert turn.reply.speech.startswith(PHRASES["unsafe_heard"])
    assert "oh eight oh eight, two thousand, two four seven" in turn.reply.speech


def test_unsure_asks_once_names_the_way_out_and_help_and_moves_nothing(runner):
    talk = Talk(runner)
    talk.say(Ev.START, CATALOG.grounding.id)
    talk.say(Ev.NEXT)
    step = CATALOG.grounding.steps[1]
    before = runner.store.load(talk.identity.speaker).data["progress"]
    asked = talk.say(Ev.UNSURE)
    assert asked.reply.speech.startswith(PHRASES["unsure"]) and "say stop" in asked.reply.speech
    assert PHRASES.crisis_line("en-US") in asked.reply.speech and not asked.reply.end_session
    assert asked.reply.speech.count("?") == 1 and asked.step == step.id
    assert runner.store.load(talk.identity.speaker).data["progress"] == before
    okay = talk.say(Ev.GO_ON)  # "I'm okay": back where they were, nothing skipped
    assert okay.reply.speech.startswith(PHRASES["unsure_okay"]) and okay.step == step.id
    talk.say(Ev.UNSURE)
    no = talk.say(Ev.NO)  # a bare "no" to "are you okay?" is distress
    assert PHRASES["distress_stop"] in no.reply.speech and PHRASES.crisis_line("en-US") in no.reply.speech
    assert no.exercise is None and runner.store.load(talk.identity.speaker).data["sync"]["stop"]


def test_unsure_keeps_the_question_that_was_waiting(runner):
    talk = Talk(runner)
    talk.say(Ev.START, CATALOG.grounding.id)
    talk.say(Ev.CHECKIN, "yellow")  # "would you like me to go through this step again?"
    talk.say(Ev.UNSURE)
    yes = talk.say(Ev.YES)  # "yes, I'm okay": the yellow question again, not answered by that yes
    assert PHRASES.reask["yellow_repeat"] in yes.reply.speech
    assert talk.carried["p"]["q"] == Ask.YELLOW_REPEAT.value
    stay = talk.say(Ev.NO)
    assert stay.reply.speech == PHRASES["yellow_stay"]


def test_unsure_during_a_hold_leaves_the_audio_playing():
    state = State(progress=Progress("lying_together", "quiet", run="r1", hold_ms=0))
    where = HoldPosition("lying_together", "quiet", "r1", 40_000)
    ctx = Context(audio_player=True, playing=where)
    asked = ENGINE.handle(state, Event(Ev.UNSURE), ctx)
    assert not asked.reply.stop_audio and asked.reply.play is None and not asked.reply.end_session
    okay = ENGINE.handle(asked.state, Event(Ev.YES), ctx)
    assert not okay.reply.stop_audio and okay.reply.play is None and okay.reply.end_session
    assert okay.state.progress.step == "quiet" and okay.state.pending is None
    asked = ENGINE.handle(okay.state, Event(Ev.UNSURE), Context(audio_player=True))  # reported paused
    no = ENGINE.handle(asked.state, Event(Ev.NO), Context(audio_player=True))
    assert no.reply.stop_audio and no.state.progress is None and no.stop
    okay = ENGINE.handle(State(progress=Progress("lying_together", "quiet", run="r1")), Event(Ev.GO_ON), ctx)
    # Anything else said meanwhile sets the question aside, as if it had not been asked.
    asked = ENGINE.handle(okay.state, Event(Ev.UNSURE), ctx)
    assert asked.state.pending == Question(Ask.UNSURE)
    help_ = ENGINE.handle(asked.state, Event(Ev.HELP), ctx)
    assert help_.state.pending is None and not help_.reply.stop_audio


@pytest.mark.parametrize("kind", sorted(CONSENT_AND_SAFETY))
def test_no_consent_or_safety_event_is_refused_to_another_voice(kind):
    state = State(progress=Progress("lying_together", "settle"), settings={"only_my_voice": True})
    value = "yellow" if kind == Ev.CHECKIN else None
    out = ENGINE.handle(state, Event(kind, value), Context(other_voice=True, recognised_voice=False))
    assert out.reply.speech != PHRASES["voice_refused"], kind


# ---- through POST /alexa --------------------------------------------------------------------------------


def test_every_fallback_names_stop_and_help_and_help_names_the_crisis_line(server):
    alexa = server.speaker()
    alexa.launch()
    alexa.say("start:grounding")
    answers = [alexa.say("fallback") for _ in range(3)]
    for turn in answers:
        assert "stop" in turn.speech and "I need help" in turn.speech, turn.speech
    helped = alexa.say("help")  # "I need help"
    assert PHRASES.crisis_line("en-US") in helped.speech and not helped.ends_session
    menu = server.speaker(user_id="amzn1.ask.account.AMENUFALLBACK")
    menu.launch()
    for turn in (menu.say("fallback") for _ in range(3)):
        assert "stop" in turn.speech and "I need help" in turn.speech
    assert PHRASES.crisis_line("en-US") in menu.say("help").speech


def test_a_misunderstood_answer_keeps_the_readiness_question_and_asks_it_shorter(server):
    from tests.test_exercise_paths import ready_speaker

    alexa = ready_speaker(server, "keeps-question")
    asked = alexa.say("start:sensate_focus_hands")
    assert "ready" in asked.speech
    missed = alexa.say("fallback")  # "yes I feel ready", not understood
    assert PHRASES.reask["ready_first"] in missed.speech and not missed.ends_session
    assert len(missed.reprompt) < len(asked.speech)
    second = alexa.say("yes")
    assert said(PHRASES["ready_second"], second.speech) and "Welcome back" not in second.speech


def test_a_misunderstood_answer_to_the_resume_question_keeps_it(server):
    alexa = server.speaker()
    alexa.launch()
    alexa.say("start:grounding")
    alexa.say("next")
    alexa.say("pause")
    alexa.launch()
    missed = alexa.say("fallback")
    assert PHRASES.reask["resume"] in missed.speech
    resumed = alexa.say("yes")
    assert first_words(CATALOG.grounding.steps[1].say) in resumed.speech


def test_yes_and_no_with_nothing_asked_are_acknowledged_warmly(server):
    alexa = server.speaker()
    alexa.launch()
    yes = alexa.say("yes")
    assert yes.speech.startswith(PHRASES["yes_heard"]) and "no question" not in yes.speech
    assert "Welcome back" not in yes.speech and not yes.ends_session
    no = alexa.say("no")
    assert said(PHRASES["no_heard_at_menu"], no.speech) and no.ends_session and "?" not in no.speech

    alexa = server.speaker(user_id="amzn1.ask.account.AYESATSTEP")
    alexa.launch()
    alexa.say("start:grounding")
    on = alexa.say("yes")  # at a step that says "say next": thanked, and on
    assert on.speech.startswith(PHRASES["yes_heard"])
    assert first_words(CATALOG.grounding.steps[1].say) in on.speech
    rest = alexa.say("no")  # honoured: nothing goes on, the place is kept, nothing presses
    assert said(PHRASES["no_heard"], rest.speech) and rest.ends_session and "no question" not in rest.speech
    assert "You paused an exercise" in alexa.launch().speech


def test_no_to_going_back_a_step_is_one_sentence(server):
    alexa = server.speaker()
    alexa.launch()
    reach(alexa, "lying_together", "settle")
    alexa.say("yellow")
    turn = alexa.say("no")
    assert turn.speech == PHRASES["yellow_stay"] and not turn.ends_session
    assert turn.reprompt  # the step's reprompt waits for a silence


def test_grounding_after_a_high_number_does_not_ask_for_it_again_and_gives_full_guidance(server):
    alexa = server.speaker()
    alexa.launch()
    reach(alexa, "lying_together", "rate_before")
    alexa.intent("SettingIntent", {"setting": ("less talking", "less_talking")})  # chosen for the exercise
    high = rating(alexa, "9")
    assert said(PHRASES["high_before"], high.speech)
    alexa.say("no")  # not on with the exercise: grounding is offered
    grounding = alexa.say("yes")
    steps = CATALOG.grounding.steps
    assert first_words(steps[0].say) in grounding.speech  # the full words, not the brief ones
    assert steps[0].brief and first_words(steps[0].brief, 12) not in grounding.speech
    after = alexa.say("next")
    assert steps[1].rating == "before" and first_words(steps[1].say) not in after.speech
    assert "zero to ten" not in after.speech
    third = steps[2]
    assert first_words(third.say_without_clock or third.say, 4) in after.speech
    # The number that led here is the one grounding compares with at its end.
    assert server.services.store.load(key(alexa.user_id)).data["ratings"] == {"before": 9}


def test_less_talking_still_applies_to_grounding_asked_for_directly(server):
    alexa = server.speaker()
    alexa.launch()
    alexa.intent("SettingIntent", {"setting": ("less talking", "less_talking")})
    turn = alexa.say("ground")
    assert first_words(CATALOG.grounding.first.brief, 12) in turn.speech


def test_red_then_grounding_with_less_talking_gives_full_guidance(server):
    alexa = server.speaker()
    alexa.launch()
    reach(alexa, "lying_together", "settle")
    alexa.intent("SettingIntent", {"setting": ("less talking", "less_talking")})
    alexa.say("red")
    turn = alexa.say("yes")
    assert first_words(CATALOG.grounding.first.say) in turn.speech
    assert first_words(CATALOG.grounding.first.brief, 12) not in turn.speech


def test_the_welcome_names_a_paused_exercise_only_to_the_recognised_voice_that_paused_it(server):
    owner = server.speaker(person_id=OWNER)
    owner.launch()
    owner.say("start:grounding")
    owner.say("pause")
    assert "You have grounding paused" in owner.launch().speech
    anyone = server.speaker()  # the account's own record, no voice recognised
    anyone.launch()
    anyone.say("start:grounding")
    anyone.say("pause")
    offer = anyone.launch()
    assert "You paused an exercise" in offer.speech and "grounding" not in offer.speech.lower()
    assert "grounding" not in offer.reprompt.lower()


def test_only_my_voice_never_blocks_a_partners_no_to_are_you_ready(server):
    owner = server.speaker(person_id=OWNER)  # a recognised voice: only it carries the exercise on
    owner.launch()
    owner.intent("SettingIntent", {"setting": ("only my voice", "only_my_voice")})
    for _ in range(2):  # the earlier stage, finished twice: the next one is offered
        open_exercise(owner, "sensate_focus")
        for _ in range(30):
            turn = owner.say("next")
            if turn.ends_session and not turn.directives:
                break
    owner.launch()
    asked = owner.say("start:sensate_focus_hands")
    assert "ready" in asked.speech
    partner = partner_in_session(server, owner)
    assert partner.say("next").speech == PHRASES["voice_refused"]  # carrying on stays the owner's
    owner.say("yes")  # the first partner is ready
    partner = partner_in_session(server, owner)
    no = partner.say("no")  # the second is not: honoured, not refused
    assert said(PHRASES["not_ready"], no.speech) and no.ends_session
    record = server.services.store.load(key(owner.user_id, OWNER)).data
    assert record["progress"] is None and record["ready_next"] is False


def test_a_partners_colour_during_the_owners_hold_reaches_the_owners_exercise(server):
    owner = server.speaker(person_id=OWNER)
    owner.launch()
    owner.intent("SettingIntent", {"setting": ("only my voice", "only_my_voice")})
    hold = reach(owner, "lying_together", "quiet")
    token = play_token(hold)
    partner = server.speaker()  # another voice at the same device, in a session of its own

    def while_playing(intent: str, slots=None):
        envelope = partner.envelope(intent, slots, new_session=True)
        envelope["context"]["AudioPlayer"] = {"token": token, "offsetInMilliseconds": 30_000,
                                              "playerActivity": "PLAYING"}
        return partner.post(envelope)

    refused = while_playing("AMAZON.NextIntent")  # "Alexa, tell Safe Harbor next": the owner's to say
    assert refused.speech == PHRASES["voice_refused"]
    yellow = while_playing("CheckInIntent", {"color": ("yellow", "yellow")})  # "Alexa, tell Safe Harbor yellow"
    assert said(PHRASES["yellow_ack"], yellow.speech) and "not in an exercise" not in yellow.speech
    stored = server.services.store.load(key(owner.user_id, OWNER)).data["progress"]
    assert stored["gentle"] is True and stored["step"] == "quiet"
    red = while_playing("CheckInIntent", {"color": ("red", "red")})
    assert said(PHRASES["red_stop"], red.speech)
    assert server.services.store.load(key(owner.user_id, OWNER)).data["progress"] is None


def test_the_words_of_a_hold_on_alexa_name_what_works_while_it_plays(server):
    alexa = server.speaker()
    alexa.launch()
    turn = reach(alexa, "lying_together", "quiet")
    assert play_token(turn)
    assert "Alexa, stop" in turn.speech and "Alexa, tell Safe Harbor red" in turn.speech
    assert turn.speech.count("Alexa, next") == 1


def test_the_words_of_a_hold_on_openvoiceos_name_no_alexa_command():
    from skill.openvoiceos.content import load_ovos_catalog

    text = load_ovos_catalog().phrases["hold_with_audio"].replace("{wake}", "Hey Mycroft")
    assert "Alexa" not in text and "stop" in text and "red" in text and "Hey Mycroft, stop" not in text


# ---- content ---------------------------------------------------------------------------------------------


def _phrases_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "audio_scripts"
    shutil.copytree(SCRIPTS_DIR, folder)
    return folder


@pytest.mark.parametrize("cut,field", [
    ('GB = "If someone is hurting you', "domestic_abuse_lines.GB"),
    ('AU = "1800RESPECT', "domestic_abuse_line_sources.AU"),
    ('IN = "Tele MANAS', "crisis_line_sources.IN"),
    ('US = "911:', "emergency_line_sources.US"),
])
def test_every_country_with_a_crisis_line_has_each_line_and_its_source(tmp_path, cut, field):
    folder = _phrases_copy(tmp_path)
    path = folder / "common" / "phrases.toml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(cut)]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_catalog(folder)
    assert "common/phrases.toml" in str(error.value) and field in str(error.value)


def test_every_question_has_a_shorter_re_ask():
    assert set(PHRASES.reask) == {a.value for a in Ask}
    for kind, text in PHRASES.reask.items():
        assert text.count("?") == 1 and len(text) < 80, kind
