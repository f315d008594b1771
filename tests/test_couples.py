"""The couples' exercises through POST /alexa: a whole sensate focus session, roles and the debrief alternating,
stretch length and less talking by voice, the gate to the next step, ratings, "I'm triggered", and everything
that must be remembered across a server restart.

Phrases and step words come from the content files (``load_catalog()``), not copies of them.
"""
from __future__ import annotations

import re
import socket

import pytest

from skill.alexa.audioplayer import make_token, parse_token
from skill.core import load_catalog
from skill.alexa.ssml import rate_text, ssml_problems

CATALOG = load_catalog()
PACING = CATALOG.pacing
PHRASES = CATALOG.phrases
STRETCH = CATALOG.settings["stretch_minutes"]  # its lines are content: common/settings.toml
TOUCHER_FIRST, RECEIVER_FIRST = CATALOG.exercises["sensate_focus"].alternates["debrief_first"]
SF = CATALOG.exercises["sensate_focus"]
HANDS = CATALOG.exercises["sensate_focus_hands"]
LYING = CATALOG.exercises["lying_together"]
GROUNDING = CATALOG.exercises["grounding"]


def spoken(markup: str) -> str:
    """Content markup as the words heard: pauses dropped, whitespace collapsed."""
    return " ".join(re.sub(r"\[(?:pause|breath) [\d.]+\]", " ", markup).split())


def opening(markup: str, n: int = 7) -> str:
    """The first words of a text, before any placeholder: a stable marker of it in speech."""
    return " ".join(spoken(markup.split("{", 1)[0]).split()[:n])


def phrase(key: str) -> str:
    return spoken(PHRASES[key])


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NO_CLOCK = f"http://127.0.0.1:{closed_port()}"  # the time zone lookup fails at once: no network in tests


def person(server, **kw):
    kw.setdefault("api_endpoint", NO_CLOCK)
    return server.speaker(**kw)


# ---- what people say ----------------------------------------------------------------------------------

def number_slot(alexa, intent: str, slot: str, value: str):
    """An AMAZON.NUMBER slot as Alexa sends it: the value only, no resolutions."""
    envelope = alexa.envelope(intent)
    envelope["request"]["intent"]["slots"] = {slot: {"name": slot, "value": value, "confirmationStatus": "NONE"}}
    return alexa.post(envelope)


def rating(alexa, value: str):
    return number_slot(alexa, "RatingIntent", "rating", value)


def set_length(alexa, minutes: str):
    return number_slot(alexa, "SetLengthIntent", "minutes", minutes)


def setting(alexa, value_id: str):
    return alexa.intent("SettingIntent", {"setting": (value_id.replace("_", " "), value_id)})


def go_first(alexa):
    return alexa.intent("GoFirstIntent")


def plays(turn) -> list[dict]:
    return [d for d in turn.directives if d["type"] == "AudioPlayer.Play"]


def hold_token(turn) -> str:
    [play] = plays(turn)
    return play["audioItem"]["stream"]["token"]


def hold_seconds(turn) -> int:
    return parse_token(hold_token(turn)).total_seconds


def chime(alexa, token: str):
    """The hold's last segment (the chime) played to its end."""
    parts = parse_token(token)
    last = make_token(parts.exercise, parts.step, parts.run, parts.total_seconds // 60, parts.total_seconds)
    return alexa.audio_event("AudioPlayer.PlaybackFinished", last, 2000, activity="FINISHED")


def rate_of(turn) -> str | None:
    m = re.search(r'<prosody rate="([^"]+)"', turn.ssml or "")
    return m.group(1) if m else None


def finish_session(alexa, exercise_id: str = "sensate_focus"):
    """Start an exercise and say next to its ending; returns the ending turn."""
    turn = alexa.say(f"start:{exercise_id}")
    for _ in range(30):
        if turn.ends_session and not turn.directives:
            return turn
        turn = alexa.say("next")
    raise AssertionError("no ending reached")


def walk_to(alexa, exercise, step_id: str):
    """Start ``exercise`` and say next, step by step, until ``step_id`` is spoken; returns that turn."""
    turn = alexa.say(f"start:{exercise.id}")
    ids = [s.id for s in exercise.steps]
    for _ in range(ids.index(step_id)):
        turn = alexa.say("next")
    step = exercise.step(step_id)
    assert any(opening(t) in turn.speech for t in (step.say, step.gentle, step.brief) if t), (step_id, turn.speech)
    return turn


# ---- a whole session ------------------------------------------------------------------------------------

def test_a_whole_sensate_focus_session(server):
    alexa = person(server)
    turns = []

    def say(turn):
        turns.append(turn)
        assert turn.status == 200, turn.raw
        return turn

    welcome = say(alexa.say("start:sensate_focus"))
    assert opening(SF.step("welcome").say) in welcome.speech and not welcome.ends_session
    for colour in ("Green", "Yellow", "Red"):
        assert colour in welcome.speech  # the colours, explained at the start
    before = say(alexa.say("next"))
    assert opening(SF.step("rate_before").say) in before.speech
    agreements = say(rating(alexa, "3"))
    assert agreements.speech.startswith(phrase("rating_thanks"))
    assert opening(SF.step("agreements").say) in agreements.speech and "off limits" in agreements.speech
    choose = say(alexa.say("next"))
    assert opening(SF.step("choose").say) in choose.speech

    first = say(go_first(alexa))  # "I'll go first"
    assert opening(SF.step("first_stretch").say) in first.speech
    assert "off limits" in first.speech  # the reminder, before any touch
    assert first.ends_session and hold_seconds(first) == 15 * 60  # the default, 15 minutes a role
    token = hold_token(first)
    parts = parse_token(token)
    assert (parts.exercise, parts.step, parts.index) == ("sensate_focus", "first_stretch", 0)
    assert chime(alexa, token).status == 200

    close = say(alexa.say("next"))
    assert opening(SF.step("first_close").say) in close.speech
    assert "green, yellow, or red" in close.speech and phrase("checkin_question") in close.speech
    swap = say(alexa.say("green"))
    assert swap.speech.startswith(phrase("green_ack")) and "swap" in swap.speech
    assert opening(SF.step("swap").say) in swap.speech

    second = say(alexa.say("next"))
    assert opening(SF.step("second_stretch").say) in second.speech and hold_seconds(second) == 15 * 60
    second_parts = parse_token(hold_token(second))
    assert second_parts.step == "second_stretch" and second_parts.run != parts.run
    chime(alexa, hold_token(second))
    close = say(alexa.say("next"))
    assert opening(SF.step("second_close").say) in close.speech and phrase("checkin_question") in close.speech

    debrief = say(alexa.say("green"))
    assert opening(SF.step("debrief").say) in debrief.speech
    assert spoken(TOUCHER_FIRST) in debrief.speech  # the first session: the one who touched first
    after = say(alexa.say("next"))
    assert opening(SF.step("rate_after").say) in after.speech
    ending = say(rating(alexa, "2"))
    assert "end of today's sensate focus" in ending.speech
    assert opening(SF.step("closing").say) in ending.speech
    assert ending.ends_session and not ending.directives
    for turn in turns:
        for ssml in (turn.ssml, turn.reprompt_ssml):
            assert not ssml or not ssml_problems(ssml)
    assert all(rate_of(t) == rate_text(PACING["normal"]) for t in turns)


def test_go_first_only_answers_the_choosing_step(server):
    alexa = person(server)
    alexa.say("start:sensate_focus")
    turn = go_first(alexa)  # at the welcome: a short answer, and the step stays
    assert phrase("fallback") in turn.speech and not turn.directives
    assert opening(SF.step("rate_before").say) in alexa.say("next").speech


# ---- who speaks first alternates ------------------------------------------------------------------------

def debrief_of_a_finished_session(alexa) -> str:
    said = walk_to(alexa, SF, "debrief").speech
    for _ in range(5):
        turn = alexa.say("next")
        if turn.ends_session:
            break
    assert "end of today's sensate focus" in turn.speech
    return said


def test_who_speaks_first_alternates_across_sessions_and_restarts(server):
    first = debrief_of_a_finished_session(person(server))
    assert "the one who touched first speaks first" in first
    assert spoken(TOUCHER_FIRST) in first and spoken(RECEIVER_FIRST) not in first
    server = server.restart()
    second = debrief_of_a_finished_session(person(server))
    assert "the one who received first speaks first" in second
    assert spoken(RECEIVER_FIRST) in second and spoken(TOUCHER_FIRST) not in second
    server = server.restart()
    assert spoken(TOUCHER_FIRST) in debrief_of_a_finished_session(person(server))


def test_a_session_stopped_before_its_end_does_not_swap_who_speaks_first(server):
    alexa = person(server)
    walk_to(alexa, SF, "debrief")
    alexa.say("red")
    alexa.say("no")
    assert spoken(TOUCHER_FIRST) in walk_to(alexa, SF, "debrief").speech


# ---- stretch length and less talking by voice -----------------------------------------------------------

def first_stretch_seconds(alexa) -> int:
    return hold_seconds(walk_to(alexa, SF, "first_stretch"))


def test_set_length_changes_the_next_stretch(server):
    alexa = person(server)
    alexa.launch()
    turn = set_length(alexa, "20")
    assert spoken(STRETCH.said).replace("{minutes}", "20 minutes") in turn.speech
    assert first_stretch_seconds(alexa) == 1200
    # In the middle of the exercise too: the second stretch follows the new length.
    alexa.say("next", new_session=True)  # at first_close
    turn = set_length(alexa, "10")
    assert "10 minutes" in turn.speech and opening(SF.step("first_close").say) not in turn.speech
    alexa.say("green")  # swap
    assert hold_seconds(alexa.say("next")) == 600


@pytest.mark.parametrize("said", ["45", "4", "0", "ninety"])
def test_a_length_out_of_range_gets_the_range_and_changes_nothing(server, said):
    alexa = person(server)
    alexa.launch()
    set_length(alexa, "20")
    turn = set_length(alexa, said)
    expected = spoken(STRETCH.range).replace("{low}", "5").replace("{high}", "30")
    assert expected in turn.speech and "A sensate focus stretch can be from 5 to 30 minutes." in turn.speech
    assert not turn.ends_session
    assert first_stretch_seconds(alexa) == 1200


def test_shorter_and_longer_move_by_five_minutes_within_five_to_thirty(server):
    alexa = person(server)
    alexa.say("start:sensate_focus")
    heard = []
    for value in ["longer", "longer", "longer", "longer"] + ["shorter"] * 6:
        turn = setting(alexa, value)
        heard.append(re.search(r"stretch will be (\d+) minutes", turn.speech).group(1))
        assert opening(SF.step("welcome").reprompt) in turn.speech  # back to where they were
    assert heard == ["20", "25", "30", "30", "25", "20", "15", "10", "5", "5"]
    assert first_stretch_seconds(person(server.restart())) == 5 * 60  # remembered after a restart
    alexa = person(server.restart())
    alexa.say("start:sensate_focus")
    setting(alexa, "longer")
    assert first_stretch_seconds(alexa) == 10 * 60


def test_less_talking_switches_to_the_brief_wording_and_is_remembered(server):
    alexa = person(server)
    alexa.launch()
    turn = setting(alexa, "less_talking")
    assert phrase("less_talking") in turn.speech
    server = server.restart()
    alexa = person(server)
    for step_id in ("welcome", "agreements", "first_stretch"):
        turn = walk_to(alexa, SF, step_id)
        brief, full = SF.step(step_id).brief, SF.step(step_id).say
        assert opening(brief) in turn.speech and opening(full, 10) not in turn.speech, step_id
    alexa.say("red")
    alexa.say("no")
    setting(alexa, "more_talking")
    turn = person(server.restart()).say("start:sensate_focus")
    assert opening(SF.first.say, 10) in turn.speech


# ---- the next step, offered only when both are ready ----------------------------------------------------

def test_the_next_step_is_refused_until_stage_one_is_finished_twice(server):
    alexa = person(server)
    for finished in range(2):
        turn = alexa.say("start:sensate_focus_hands")
        assert "stay with sensate focus" in turn.speech and "never a failure" in turn.speech, finished
        assert phrase("stay_with_base").replace("{exercise}", SF.title) in turn.speech
        assert "ready" not in turn.speech and not turn.ends_session
        if finished == 0:
            turn = alexa.say("yes")  # yes starts stage one
            assert opening(SF.first.say) in turn.speech
            for _ in range(30):
                if turn.ends_session and not turn.directives:
                    break
                turn = alexa.say("next")
        else:
            alexa.say("no")
            finish_session(alexa)
    turn = alexa.say("start:sensate_focus_hands")
    assert "The one who touched first" in turn.speech and "ready" in turn.speech
    assert phrase("ready_first") in turn.speech and not turn.ends_session


def ready_couple(server):
    alexa = person(server)
    finish_session(alexa)
    finish_session(alexa)
    return alexa


def test_each_partner_is_asked_and_two_yeses_start_the_next_step(server):
    alexa = ready_couple(server)
    first = alexa.say("start:sensate_focus_hands")
    assert "The one who touched first" in first.speech and "ready" in first.speech
    assert phrase("ready_remembered") not in first.speech
    second = alexa.say("yes")
    assert "the other partner" in second.speech and phrase("ready_second") in second.speech
    assert opening(HANDS.first.say) not in second.speech
    start = alexa.say("yes")
    assert start.speech.startswith(phrase("ready_both")) and opening(HANDS.first.say) in start.speech


@pytest.mark.parametrize("answers", [["no"], ["yes", "no"]], ids=["first says no", "second says no"])
def test_a_no_from_either_partner_is_honoured_with_nothing_else_offered(server, answers):
    alexa = ready_couple(server)
    alexa.say("start:sensate_focus_hands")
    for answer in answers:
        turn = alexa.say(answer)
    assert opening(phrase("not_ready")) in turn.speech and turn.ends_session
    assert opening(HANDS.first.say) not in turn.speech and SF.title not in turn.speech
    # Nothing is remembered as "ready".
    assert phrase("ready_remembered") not in person(server.restart()).say("start:sensate_focus_hands").speech


def test_readiness_is_remembered_across_a_restart_and_still_asked(server):
    alexa = ready_couple(server)
    alexa.say("start:sensate_focus_hands")
    alexa.say("yes")
    alexa.say("yes")
    alexa.say("cancel")
    alexa = person(server.restart())
    turn = alexa.say("start:sensate_focus_hands")
    assert "Last time, you both said you felt ready" in turn.speech and phrase("ready_remembered") in turn.speech
    assert phrase("ready_first") in turn.speech and opening(HANDS.first.say) not in turn.speech
    assert "the other partner" in alexa.say("yes").speech


# ---- ratings ------------------------------------------------------------------------------------------

def rated_session(alexa, before: str | None, after: str):
    """A sensate focus session with a number before (or none) and after; returns the turn after the last number."""
    walk_to(alexa, SF, "rate_before")
    if before is not None:
        assert opening(SF.step("agreements").say) in rating(alexa, before).speech
    else:
        alexa.say("next")
    ids = [s.id for s in SF.steps]
    for _ in range(ids.index("rate_after") - ids.index("agreements")):
        turn = alexa.say("next")
    assert opening(SF.step("rate_after").say) in turn.speech
    return rating(alexa, after)


def test_a_rise_in_distress_brings_aftercare_then_a_gentle_repeat_and_no_next_step(server):
    alexa = person(server)
    finish_session(alexa)
    turn = rated_session(alexa, "3", "6")
    assert opening(SF.step("aftercare").say) in turn.speech and "end of today's sensate focus" in turn.speech
    thanks = "for your care and your attention"  # the closing step's words: aftercare takes its place
    assert thanks in spoken(SF.step("closing").say) and thanks not in turn.speech
    assert not any(line in turn.speech for line in PHRASES.crisis_lines.values())  # 6 is not high
    assert turn.ends_session

    server = server.restart()
    alexa = person(server)
    again = alexa.say("start:sensate_focus")
    assert phrase("repeat_gently") in again.speech and opening(SF.first.gentle) in again.speech
    assert rate_of(again) == rate_text(PACING["gentle"])
    assert rate_of(alexa.say("next")) == rate_text(PACING["gentle"])  # the whole session is gentle
    alexa.say("cancel")
    # Finished twice, but distress rose: the next step is not offered.
    offer = alexa.say("start:sensate_focus_hands")
    assert "stay with sensate focus" in offer.speech and phrase("ready_first") not in offer.speech


def test_a_session_without_a_rise_starts_normally_next_time(server):
    alexa = person(server)
    rated_session(alexa, "5", "5")
    turn = alexa.say("start:sensate_focus")
    assert phrase("repeat_gently") not in turn.speech and rate_of(turn) == rate_text(PACING["normal"])


def test_the_gentle_repeat_is_for_the_next_session_only(server):
    alexa = person(server)
    rated_session(alexa, "3", "6")
    gentle = finish_session(alexa)  # the gentle repeat, finished, no numbers given
    assert "end of today's sensate focus" in gentle.speech
    turn = alexa.say("start:sensate_focus")
    assert phrase("repeat_gently") not in turn.speech and rate_of(turn) == rate_text(PACING["normal"])


@pytest.mark.parametrize("locale,words", [("en-US", "nine eight eight"), ("en-GB", "Samaritans"),
                                          ("en-AU", "Lifeline"), ("en-IN", "Tele Manas"),
                                          ("en-CA", "nine eight eight")])
def test_a_high_rating_names_the_crisis_line_of_the_locale(server, locale, words):
    alexa = person(server, locale=locale)
    turn = rated_session(alexa, None, "8")
    line = PHRASES.crisis_line(locale)
    assert words in line and line in turn.speech
    others = [v for v in PHRASES.crisis_lines.values() if v != line]
    assert not any(o in turn.speech for o in others)
    assert opening(SF.step("aftercare").say) in turn.speech


def test_a_high_rating_before_touch_names_the_crisis_line(server):
    alexa = person(server)
    walk_to(alexa, SF, "rate_before")
    turn = rating(alexa, "9")
    assert PHRASES.crisis_line("en-US") in turn.speech


@pytest.mark.parametrize("step_id", ["rate_before", "rate_after"])
def test_an_out_of_range_rating_gets_the_range_and_changes_nothing(server, step_id):
    alexa = person(server)
    if step_id == "rate_after":
        walk_to(alexa, SF, "rate_before")
        rating(alexa, "3")
        for _ in range(12):
            if opening(SF.step("rate_after").say) in alexa.say("next").speech:
                break
    else:
        walk_to(alexa, SF, step_id)
    turn = rating(alexa, "15")
    assert phrase("rating_range") in turn.speech and not turn.ends_session
    assert spoken(SF.step(step_id).reprompt) in turn.speech  # still on the same step
    nxt = alexa.say("next")
    if step_id == "rate_before":
        assert opening(SF.step("agreements").say) in nxt.speech
    else:  # 15 was not kept as a rise from 3: a calm ending, and a normal start next time
        assert opening(SF.step("closing").say) in nxt.speech
        assert phrase("repeat_gently") not in alexa.say("start:sensate_focus").speech


def test_a_rating_outside_a_rating_step_is_not_taken(server):
    alexa = person(server)
    walk_to(alexa, SF, "agreements")
    turn = rating(alexa, "9")
    assert phrase("rating_not_now") in turn.speech
    assert opening(SF.step("choose").say) in alexa.say("next").speech


# ---- "I'm triggered", from any step ----------------------------------------------------------------------

TRIGGER_STEPS = [(e.id, s.id) for e in (SF, LYING) for s in e.steps if not s.end]


def through_grounding(alexa):
    """Say next through grounding until it ends and offers to return."""
    for _ in range(len(GROUNDING.steps) + 2):
        turn = alexa.say("next")
        if phrase("return_offer") in turn.speech:
            return turn
    raise AssertionError("grounding did not offer to return")


@pytest.mark.parametrize("exercise_id,step_id", TRIGGER_STEPS)
def test_triggered_from_any_step_grounds_then_returns_gently(server, exercise_id, step_id):
    exercise = CATALOG.exercises[exercise_id]
    step = exercise.step(step_id)
    alexa = person(server)
    at = walk_to(alexa, exercise, step_id)
    envelope = alexa.envelope("GroundMeIntent", new_session=alexa.session_id is None)
    if plays(at):
        envelope["context"]["AudioPlayer"] = {"token": hold_token(at), "offsetInMilliseconds": 4000,
                                              "playerActivity": "PLAYING"}
    turn = alexa.post(envelope)
    assert turn.status == 200
    assert turn.speech.startswith(phrase("triggered")), turn.speech
    assert "Let's stop here" in turn.speech and opening(GROUNDING.first.say) in turn.speech
    assert turn.speech.index(phrase("triggered")) < turn.speech.index(opening(GROUNDING.first.say))
    if plays(at):
        assert [d["type"] for d in turn.directives] == ["AudioPlayer.Stop"]
    offer = through_grounding(alexa)
    assert "end of grounding" in offer.speech and not offer.ends_session

    back = alexa.say("yes")
    assert back.speech.startswith(phrase("return_gently"))
    wording = step.gentle or step.say
    assert opening(wording) in back.speech, back.speech
    assert rate_of(back) == rate_text(PACING["gentle"])
    if step.hold:
        parts = parse_token(hold_token(back))
        assert (parts.exercise, parts.step, parts.index) == (exercise_id, step_id, 0)
    assert not ssml_problems(back.ssml)


@pytest.mark.parametrize("exercise,step_id", [(SF, "second_stretch"), (LYING, "breath_second")],
                         ids=["sensate_focus", "lying_together"])
def test_no_to_returning_ends_calmly(server, exercise, step_id):
    alexa = person(server)
    walk_to(alexa, exercise, step_id)
    alexa.intent("GroundMeIntent", new_session=alexa.session_id is None)
    through_grounding(alexa)
    turn = alexa.say("no")
    assert phrase("return_declined") in turn.speech and turn.ends_session and not turn.directives
    assert opening(exercise.step(step_id).say) not in turn.speech
    assert phrase("resume_offer") not in person(server).launch().speech  # nothing presses to resume


# ---- everything remembered, a restart between each ------------------------------------------------------

def test_settings_survive_a_restart_between_each(server):
    person(server).launch()
    set_length(person(server), "20")
    server = server.restart()
    setting(person(server), "less_talking")
    server = server.restart()

    alexa = person(server)  # session one: 20-minute stretches, brief wording
    first = walk_to(alexa, SF, "first_stretch")
    assert hold_seconds(first) == 1200 and opening(SF.step("first_stretch").brief) in first.speech
    debrief = walk_to_debrief_and_finish(alexa)
    assert spoken(TOUCHER_FIRST) in debrief
    server = server.restart()

    alexa = person(server)  # session two: the other partner speaks first
    assert hold_seconds(walk_to(alexa, SF, "second_stretch")) == 1200
    assert spoken(RECEIVER_FIRST) in walk_to_debrief_and_finish(alexa)
    server = server.restart()

    alexa = person(server)
    alexa.say("start:sensate_focus_hands")
    alexa.say("yes")
    started = alexa.say("yes")
    assert opening(HANDS.first.brief) in started.speech  # less talking holds in the next step too
    alexa.say("cancel")
    server = server.restart()

    alexa = person(server)
    turn = alexa.say("start:sensate_focus_hands")
    assert phrase("ready_remembered") in turn.speech and phrase("ready_first") in turn.speech
    assert opening(HANDS.first.brief) not in turn.speech  # still asked, each partner
    alexa.say("cancel")
    server = server.restart()
    assert hold_seconds(walk_to(person(server), SF, "first_stretch")) == 1200  # still 20 minutes


def walk_to_debrief_and_finish(alexa) -> str:
    """From where the person is in sensate focus, next to the debrief (returned), then to the ending."""
    said = None
    for _ in range(12):
        turn = alexa.say("next")
        if opening(SF.step("debrief").brief) in turn.speech or opening(SF.step("debrief").say) in turn.speech:
            said = turn.speech
        if turn.ends_session and not turn.directives:
            break
    assert said is not None and "end of today's sensate focus" in turn.speech
    return said
