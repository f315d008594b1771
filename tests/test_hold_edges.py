"""Holds and the player, as a person meets them (issue 13, "Holds and the player"). All through POST /alexa.

A sensate focus stretch lasts 15 minutes by default: 15 one-minute beds (segments 0-14), then the chime (15).
"""
from __future__ import annotations

import re

import pytest

from skill.alexa.audioplayer import make_token, parse_token
from skill.core import load_catalog
from tests.test_holds import assert_audio_only, stream_of, the_play, walk_to_hold, while_playing

PHRASES = load_catalog().phrases
SOUND = re.compile(r"\bchime\b|\bsound will play\b|\bsoft sound\b", re.IGNORECASE)
FIRST_CLOSE = "to a close"  # the first_close step, in its plain or gentle wording


def spoken(markup: str) -> str:
    return " ".join(re.sub(r"\[(?:pause|breath) [\d.]+\]", " ", markup).split())


def segment(token: str, index: int) -> str:
    parts = parse_token(token)
    return make_token(parts.exercise, parts.step, parts.run, index, parts.total_seconds)


def chime_of(token: str) -> str:
    return segment(token, parse_token(token).total_seconds // 60)


def stretch(alexa) -> str:
    token = stream_of(walk_to_hold(alexa, "sensate_focus"))["token"]
    assert parse_token(token).total_seconds == 900
    return token


def after_the_chime(alexa, token: str):
    assert_audio_only(alexa.audio_event("AudioPlayer.PlaybackFinished", chime_of(token), 4_000, activity="FINISHED"))
    return alexa.say("next", new_session=True)


# --------------------------------------------------------------------------- resume


def test_resume_while_the_stretch_plays_goes_on_from_the_live_position(server):
    alexa = server.speaker()
    token = stretch(alexa)
    # 3½ minutes in, no stop report on record: only the request's context says where the player is.
    playing = segment(token, 3)
    turn = while_playing(alexa, "AMAZON.ResumeIntent", playing, 30_000)
    stream = stream_of(turn)
    assert (parse_token(stream["token"]).index, stream["offsetInMilliseconds"]) == (3, 30_000)
    assert parse_token(stream["token"]).run == parse_token(token).run
    assert "About 12 minutes of quiet remain" in turn.speech, turn.speech  # 900 s - 210 s, rounded


# --------------------------------------------------------------------------- asides


# "shorter" is no aside any more: it retimes the stretch from where it is (tests/test_hold_length.py). A length
# with no number is still one.
@pytest.mark.parametrize("intent,slots", [("WhatDoYouKeepIntent", None), ("AMAZON.HelpIntent", None),
                                          ("SetLengthIntent", {"minutes": None})],
                         ids=["what do you keep", "help", "set length"])
def test_an_aside_during_a_stretch_keeps_it_playing(server, intent, slots):
    alexa = server.speaker()
    token = stretch(alexa)
    turn = while_playing(alexa, intent, segment(token, 2), 20_000, slots=slots)
    assert turn.status == 200 and turn.speech
    assert not turn.directives, "no Stop, no restart: the stretch plays on"
    assert turn.ends_session, "the session closes, so the audio comes back at once"
    assert "The chime has sounded" not in turn.speech  # it has not: the stretch is still playing
    # The chime then comes, and "next" goes on as it would have.
    assert FIRST_CLOSE in after_the_chime(alexa, token).speech


# --------------------------------------------------------------------------- the player's buttons


@pytest.mark.parametrize("button", ["PlaybackController.NextCommandIssued",
                                    "PlaybackController.PreviousCommandIssued"])
def test_skip_buttons_during_a_stretch_neither_move_the_exercise_nor_leave_it_silent(server, button):
    alexa = server.speaker()
    token = stretch(alexa)
    for press in range(3):
        turn = alexa.audio_event(button, segment(token, 2), 10_000 + press * 1_000)
        assert_audio_only(turn)
        play = the_play(turn)  # the stretch carries on, from where the player is
        assert play["playBehavior"] == "REPLACE_ALL" and "Stop" not in str(turn.directives)
        stream = play["audioItem"]["stream"]
        assert (parse_token(stream["token"]).index, stream["offsetInMilliseconds"]) == (2, 10_000 + press * 1_000)
        assert parse_token(stream["token"]).step == parse_token(token).step
    assert FIRST_CLOSE in after_the_chime(alexa, token).speech  # still on the stretch: three presses moved nothing


# --------------------------------------------------------------------------- yellow


# Lying together's quiet is not a touch stretch: yellow there stops it and offers a step back. (These two tests
# used sensate focus's stretch, where yellow now gives one line of gentler touch guidance and the stretch plays
# on: issue 25, below.)
def quiet(alexa) -> str:
    token = stream_of(walk_to_hold(alexa, "lying_together"))["token"]
    assert parse_token(token).total_seconds == 300
    return token


def test_yellow_during_a_stretch_then_no_carries_the_stretch_on(server):
    alexa = server.speaker()
    token = quiet(alexa)
    turn = while_playing(alexa, "CheckInIntent", segment(token, 4), 25_000, slots={"color": ("yellow", "yellow")})
    assert [d["type"] for d in turn.directives] == ["AudioPlayer.Stop"]
    assert not turn.ends_session and "?" in turn.speech  # go back a step?
    turn = alexa.say("no")
    stream = stream_of(turn)
    assert (parse_token(stream["token"]).index, stream["offsetInMilliseconds"]) == (4, 25_000)
    assert spoken(PHRASES["hold_continue"]) in turn.speech and turn.ends_session
    assert "Welcome back" in after_the_chime(alexa, token).speech


def test_yellow_during_a_stretch_then_yes_goes_back_a_step(server):
    alexa = server.speaker()
    token = quiet(alexa)
    while_playing(alexa, "CheckInIntent", segment(token, 1), 5_000, slots={"color": ("yellow", "yellow")})
    turn = alexa.say("yes")
    assert not turn.directives and not SOUND.search(turn.speech)


@pytest.mark.parametrize("exercise", ["sensate_focus", "sensate_focus_hands"])
def test_yellow_during_a_touch_stretch_gives_gentler_guidance_and_the_stretch_plays_on(server, exercise):
    """Issue 25: one short line (slower, lighter, or let the touch rest), no Stop, no question; what follows is
    gentle."""
    alexa = server.speaker()
    if exercise == "sensate_focus_hands":  # a later stage: offered after stage one, twice
        for _ in range(2):
            token = stretch(alexa)
            after_the_chime(alexa, token)
            for _ in range(12):
                if alexa.say("next").ends_session and alexa.session_id is None:
                    break
        alexa.say("stop")
        turn = alexa.say(f"start:{exercise}", new_session=True)
        alexa.say("yes")
        turn = alexa.say("yes")
        for _ in range(12):
            if turn.directives:
                break
            turn = alexa.say("next")
        token = stream_of(turn)["token"]
    else:
        token = stretch(alexa)
    turn = while_playing(alexa, "CheckInIntent", segment(token, 4), 25_000, slots={"color": ("yellow", "yellow")})
    assert turn.status == 200 and turn.speech == spoken(PHRASES["yellow_touch"]), turn.speech
    assert not turn.directives, "no Stop: the stretch plays on from where it is"
    assert turn.ends_session and "?" not in turn.speech
    assert 'rate="80%"' in turn.ssml  # said at the gentle pace
    # The chime then comes, and what follows is the gentle wording.
    close = after_the_chime(alexa, token)
    assert FIRST_CLOSE in close.speech
    step = load_catalog().exercises[exercise].step("first_close")
    assert step.gentle and spoken(step.gentle).split(".")[0] in close.speech
# --------------------------------------------------------------------------- devices without AudioPlayer


def _without_device(alexa):
    """A Speaker whose requests carry no device object at all."""
    post = alexa.post

    def post_without_device(envelope, headers=None):
        if isinstance(envelope, dict):
            envelope["context"]["System"].pop("device", None)
        return post(envelope, headers)
    alexa.post = post_without_device
    return alexa


@pytest.mark.parametrize("device", ["no AudioPlayer interface", "no device object"])
@pytest.mark.parametrize("exercise", ["sensate_focus", "lying_together"])
def test_a_device_without_audio_player_never_hears_promised_sound(server, device, exercise):
    alexa = server.speaker(audio_player=False)
    if device == "no device object":
        _without_device(alexa)
    heard = []
    turn = alexa.say(f"start:{exercise}")
    for _ in range(16):
        heard += [turn.speech, turn.reprompt]
        assert not turn.directives
        if turn.ends_session and "tell Safe Harbor next" in turn.speech:
            heard += [t.speech + " " + t.reprompt for t in (alexa.say("help", new_session=True),
                                                            alexa.intent("WhatDoYouKeepIntent"))]
        if turn.ends_session and "This is the end" in turn.speech:
            break
        turn = alexa.say("next", new_session=turn.ends_session)
    said = " ".join(heard)
    assert "tell Safe Harbor next" in said, "the hold was reached"
    assert not SOUND.search(said), SOUND.search(said)


# --------------------------------------------------------------------------- what to say after the chime


def test_people_are_told_once_what_to_say_after_the_chime(server):
    alexa = server.speaker()
    turn = walk_to_hold(alexa, "sensate_focus")
    assert turn.speech.count("say: Alexa, next") == 1, turn.speech
    assert turn.speech.count("chime") == 2 and turn.speech.index("mark the end") < turn.speech.index("say: Alexa")
    quiet = server.speaker(audio_player=False, user_id="amzn1.ask.account.OTHERHOUSEHOLD")
    turn = quiet.say("start:lying_together")
    while not turn.ends_session:
        turn = quiet.say("next")
    assert turn.speech.count("tell Safe Harbor next") == 1 and not SOUND.search(turn.speech)


def test_a_step_that_promises_sound_is_refused_at_load(tmp_path):
    from skill.core.content import ContentError, load_exercise
    from tests.test_content_schema import GOOD, write

    text = GOOD.replace('"First. [pause 2] Say next."', '"First. A chime will mark the end. [pause 2] Say next."')
    with pytest.raises(ContentError, match=r"mini.toml.*'one'.*'say'.*chime"):
        load_exercise(write(tmp_path, text))
