"""Context-true answers through POST /alexa: the resume question, check-in words, misunderstandings, a partner
not ready, settings during an exercise, a high rating before closeness, and less talking in every exercise."""
from __future__ import annotations

import pytest

from skill.alexa.ssml import rate_text
from tests.test_exercise_paths import CATALOG, PACING, first_words, open_exercise, reach, ready_server, ready_speaker  # noqa: F401 (a fixture)

GENTLE = f'rate="{rate_text(PACING["gentle"])}"'
PHRASES = CATALOG.phrases


def rating(alexa, number: str):
    envelope = alexa.envelope("RatingIntent")
    envelope["request"]["intent"]["slots"] = {"rating": {"name": "rating", "value": number,
                                                         "confirmationStatus": "NONE"}}
    return alexa.post(envelope)


def test_the_resume_question_names_the_exercise_asks_gently_and_understands_which_one_and_start_over(server):
    # Named only to the recognised voice whose exercise it is (PRIVACY.md); anyone else hears "an exercise".
    alexa = server.speaker(person_id="amzn1.ask.person.ARESUMEOWNER")
    alexa.launch()
    alexa.say("start:grounding")
    alexa.say("next")
    alexa.say("pause")
    turn = alexa.launch()
    assert "You have grounding paused" in turn.speech and GENTLE in turn.ssml
    which = alexa.intent("WhichOneIntent")
    assert which.speech.startswith("It's grounding.") and not which.ends_session
    again = alexa.intent("AMAZON.StartOverIntent")  # "no, start over"
    assert first_words(CATALOG.exercises["grounding"].first.say) in again.speech


def test_alexa_stop_in_a_hold_stays_a_pause_and_the_next_launch_asks_gently(server):
    alexa = server.speaker()
    alexa.launch()
    turn = reach(alexa, "lying_together", "quiet")
    token = next(d["audioItem"]["stream"]["token"] for d in turn.directives if d["type"] == "AudioPlayer.Play")
    envelope = alexa.envelope("AMAZON.PauseIntent", new_session=True)  # a bare "Alexa, stop" while it plays
    envelope["context"]["AudioPlayer"] = {"token": token, "offsetInMilliseconds": 9000, "playerActivity": "PLAYING"}
    paused = alexa.post(envelope)
    assert paused.ends_session and not paused.speech
    launch = alexa.launch()
    assert "You paused an exercise" in launch.speech and GENTLE in launch.ssml  # not named: no recognised voice


def test_keep_going_and_im_okay_at_a_check_in_are_green(server):
    from tests.test_utterance_corpus import matcher

    assert {matcher("en-US").match(t).intent for t in ("keep going", "I'm okay")} == {"KeepGoingIntent"}
    alexa = server.speaker()
    alexa.launch()
    reach(alexa, "lying_together", "settle")
    turn = alexa.intent("KeepGoingIntent")
    assert PHRASES["green_ack"] in turn.speech
    assert first_words(CATALOG.exercises["lying_together"].step("breath_first").say) in turn.speech


def test_three_misunderstood_turns_get_a_shorter_different_answer_naming_the_way_out(server):
    alexa = server.speaker()
    alexa.launch()
    alexa.say("start:grounding")
    first, second, third = (alexa.say("fallback") for _ in range(3))
    assert "didn't catch" in first.speech and "didn't catch" in second.speech
    assert third.speech == PHRASES["lost_in_exercise"] and "stop" in third.speech
    assert len(third.speech) < len(second.speech) and not third.ends_session
    assert alexa.say("fallback").speech == PHRASES["lost_in_exercise"]
    alexa.say("repeat")  # understood: the count starts again
    assert "didn't catch" in alexa.say("fallback").speech


def test_misunderstandings_at_the_menu_name_the_way_out_too(server):
    alexa = server.speaker()
    alexa.launch()
    turns = [alexa.intent("StartExerciseIntent", {"exercise": ("juggling", None)}),
             alexa.intent("CheckInIntent", {"color": None}), alexa.say("fallback")]
    assert "don't know that one" in turns[0].speech and "didn't catch" in turns[1].speech
    assert turns[2].speech == PHRASES["lost_at_menu"]


def test_a_partner_not_ready_is_honoured_warmly_with_no_other_exercise_offered(ready_server):
    alexa = ready_speaker(ready_server, "not-ready")
    alexa.say("start:sensate_focus_hands")
    alexa.say("yes")
    turn = alexa.say("no")  # the second partner is not ready
    assert turn.speech == " ".join(PHRASES["not_ready"].replace("[pause 1]", "").split())
    assert turn.ends_session and "?" not in turn.speech
    assert not any(e.title in turn.speech.lower() for e in CATALOG.exercises.values() if e.id != "grounding")


def test_during_grounding_a_length_setting_changes_no_partnered_exercise(server):
    alexa = server.speaker()
    alexa.launch()
    alexa.say("start:grounding")
    for setting in ("shorter", "longer"):
        turn = alexa.intent("SettingIntent", {"setting": (setting, setting)})
        assert PHRASES["no_length_here"] in turn.speech and "sensate" not in turn.speech
    alexa.intent("SetLengthIntent", {"minutes": None})
    alexa.say("cancel")
    alexa.launch()
    menu = alexa.intent("SettingIntent", {"setting": ("shorter", "shorter")})  # from the defaults: unchanged
    assert "stretch will be 10 minutes" in menu.speech and "will be 4 minutes" in menu.speech


def test_a_setting_said_during_an_exercise_applies_to_it_and_says_so(server):
    alexa = server.speaker(audio_player=False)
    alexa.launch()
    reach(alexa, "lying_together", "touch_offer")
    turn = alexa.intent("SettingIntent", {"setting": ("shorter", "shorter")})
    assert "quiet time lying together will be 4 minutes" in turn.speech and "sensate" not in turn.speech
    assert "about 4 minutes" in alexa.say("next").speech


@pytest.mark.parametrize("exercise_id", ["lying_together", "sensate_focus"])
def test_a_high_rating_before_a_partnered_exercise_pauses_and_asks(server, exercise_id):
    alexa = server.speaker()
    alexa.launch()
    reach(alexa, exercise_id, "rate_before")
    turn = rating(alexa, "9")
    following = CATALOG.exercises[exercise_id].following("rate_before")
    assert PHRASES.crisis_line("en-US") in turn.speech and "pause here" in turn.speech
    assert first_words(following.say) not in turn.speech and not turn.ends_session and GENTLE in turn.ssml
    declined = alexa.say("no")
    assert "grounding" in declined.speech and not declined.ends_session
    grounding = alexa.say("yes")
    assert first_words(CATALOG.exercises["grounding"].first.say) in grounding.speech


def test_a_high_rating_before_then_yes_goes_on_gently(server):
    alexa = server.speaker()
    alexa.launch()
    reach(alexa, "lying_together", "rate_before")
    rating(alexa, "10")
    turn = alexa.intent("KeepGoingIntent")  # "keep going": yes, go on
    assert PHRASES["go_on_gently"] in turn.speech and GENTLE in turn.ssml


@pytest.mark.parametrize("exercise_id", sorted(CATALOG.exercises))
def test_less_talking_gives_the_brief_wording_in_every_exercise(ready_server, exercise_id):
    exercise = CATALOG.exercises[exercise_id]
    assert exercise.first.brief, f"{exercise_id}: no brief wording"
    alexa = ready_speaker(ready_server, f"brief-{exercise_id}") if exercise.gate else \
        ready_server.speaker(user_id=f"amzn1.ask.account.BRIEF-{exercise_id}")
    alexa.launch()
    alexa.intent("SettingIntent", {"setting": ("less talking", "less_talking")})
    turn = open_exercise(alexa, exercise_id)
    assert first_words(exercise.first.brief, 6) in turn.speech


@pytest.mark.parametrize("exercise_id", sorted(CATALOG.exercises))
def test_every_step_of_every_exercise_has_brief_wording(exercise_id):
    missing = [s.id for s in CATALOG.exercises[exercise_id].steps if not s.end and not s.brief]
    assert not missing
