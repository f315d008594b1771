"""A length said during a quiet stretch counts from where the stretch is (issue 25, item 2). All through POST /alexa.

Lying together's quiet stretch lasts 5 minutes by default: five one-minute beds (segments 0-4), then the chime (5).
A person speaking while it plays opens a new session whose context carries the player's token and offset.
"""
from __future__ import annotations

import re

import pytest

from skill.alexa.audioplayer import make_token, parse_token
from skill.audio import audio_manifest
from skill.core import load_catalog
from skill.core.holds import elapsed_ms, remaining_seconds
from tests.test_holds import assert_audio_only, stream_of, the_play, walk_to_hold, while_playing

PHRASES = load_catalog().phrases


def spoken(markup: str) -> str:
    return " ".join(re.sub(r"\[(?:pause|breath) [\d.]+\]", " ", markup).split())


def quiet(alexa) -> str:
    token = stream_of(walk_to_hold(alexa, "lying_together"))["token"]
    assert parse_token(token).total_seconds == 300
    return token


def at(token: str, index: int) -> str:
    parts = parse_token(token)
    return make_token(parts.exercise, parts.step, parts.run, index, parts.total_seconds)


def set_length_slot(minutes: str) -> dict:
    return {"minutes": {"name": "minutes", "value": minutes, "confirmationStatus": "NONE"}}


def say_during(alexa, what: str, token: str, offset_ms: int):
    """"shorter", "longer", or a number of minutes, said while segment ``token`` is at ``offset_ms``."""
    if what in ("shorter", "longer"):
        return while_playing(alexa, "SettingIntent", token, offset_ms, slots={"setting": (what, what)})
    envelope = alexa.envelope("SetLengthIntent", new_session=True)
    envelope["request"]["intent"]["slots"] = set_length_slot(what)
    envelope["context"]["AudioPlayer"] = {"token": token, "offsetInMilliseconds": offset_ms,
                                          "playerActivity": "PLAYING"}
    return alexa.post(envelope)


def left_after(stream: dict) -> int:
    parts = parse_token(stream["token"])
    return remaining_seconds(parts.total_seconds, parts.index, stream["offsetInMilliseconds"])


@pytest.mark.parametrize("what,total,left,words", [("shorter", 240, 120, "About 2 minutes more"),
                                                   ("3", 180, 60, "About one minute more"),
                                                   ("longer", 360, 240, "About 4 minutes more")],
                         ids=["shorter", "make it three minutes", "longer"])
def test_a_length_said_two_minutes_in_counts_from_the_live_position(server, what, total, left, words):
    alexa = server.speaker()
    token = quiet(alexa)
    turn = say_during(alexa, what, at(token, 2), 0)  # 2 minutes into the 5-minute stretch
    assert turn.status == 200 and words in turn.speech, turn.speech
    play = the_play(turn)
    assert play["playBehavior"] == "REPLACE_ALL" and "AudioPlayer.Stop" not in str(turn.directives)
    stream = play["audioItem"]["stream"]
    parts = parse_token(stream["token"])
    # The same stretch (same run), with the new length, from where the player was: no restart.
    assert (parts.step, parts.run, parts.total_seconds) == ("quiet", parse_token(token).run, total)
    assert elapsed_ms(parts.total_seconds, parts.index, stream["offsetInMilliseconds"]) == 120_000
    assert (parts.index, stream["offsetInMilliseconds"]) == (2, 0)
    assert left_after(stream) == left
    assert turn.ends_session and "card" not in turn.response
    # The chain carries on to the new end: NearlyFinished enqueues from the new token alone.
    seen, current = [], stream["token"]
    for _ in range(10):
        nxt = alexa.audio_event("AudioPlayer.PlaybackNearlyFinished", current, 55_000)
        assert_audio_only(nxt)
        if not nxt.directives:
            break
        current = stream_of(nxt)["token"]
        seen.append(parse_token(current).index)
    assert seen[-1] == total // 60, "the chime comes at the new end"


def test_a_live_offset_inside_a_bed_is_kept(server):
    alexa = server.speaker()
    token = quiet(alexa)
    turn = say_during(alexa, "shorter", at(token, 1), 37_500)  # 1 min 37.5 s in
    stream = stream_of(turn)
    assert (parse_token(stream["token"]).index, stream["offsetInMilliseconds"]) == (1, 37_500)
    assert left_after(stream) == 240 - 97  # rounded up to whole seconds: 142.5 s -> 143 s
    assert "About 2 minutes more" in turn.speech


def test_a_length_already_past_ends_the_stretch_with_its_chime(server):
    alexa = server.speaker()
    token = quiet(alexa)
    turn = say_during(alexa, "3", at(token, 3), 30_000)  # 3½ minutes in: three minutes are already past
    play = the_play(turn)
    stream = play["audioItem"]["stream"]
    parts = parse_token(stream["token"])
    assert parts.index == parts.total_seconds // 60 == 3, "only the chime plays"
    assert stream["url"].endswith(audio_manifest()["chime.mp3"]) and stream["offsetInMilliseconds"] == 0
    assert spoken(PHRASES["hold_length_over"]).replace("{wake}", "Alexa") in turn.speech
    # The chime's end finishes the stretch, and "next" goes on to what follows it.
    assert_audio_only(alexa.audio_event("AudioPlayer.PlaybackFinished", stream["token"], 4_000,
                                        activity="FINISHED"))
    assert "Welcome back" in alexa.say("next", new_session=True).speech


def test_shorter_at_the_shortest_keeps_playing_and_says_the_range(server):
    alexa = server.speaker()
    token = quiet(alexa)
    for _ in range(3):  # 5 -> 4 -> 3 -> 2 minutes, the shortest the quiet can be
        turn = say_during(alexa, "shorter", at(token, 0), 10_000)
        token = stream_of(turn)["token"]
    assert parse_token(token).total_seconds == 120
    turn = say_during(alexa, "shorter", at(token, 0), 20_000)
    assert not turn.directives, "nothing changes: the stretch plays on"
    assert "from 2 to 12 minutes" in turn.speech and "About 2 minutes more" in turn.speech, turn.speech


def test_a_length_out_of_range_during_the_stretch_changes_nothing(server):
    alexa = server.speaker()
    token = quiet(alexa)
    turn = say_during(alexa, "45", at(token, 2), 0)
    assert not turn.directives and "from 2 to 12 minutes" in turn.speech


def test_the_new_length_is_kept_for_the_next_stretch(server):
    alexa = server.speaker()
    token = quiet(alexa)
    say_during(alexa, "3", at(token, 1), 0)
    again = alexa.say("start over", new_session=True)
    assert again.status == 200
    turn = walk_to_hold(alexa, "lying_together")
    assert parse_token(stream_of(turn)["token"]).total_seconds == 180


def test_shorter_during_a_sensate_focus_stretch_counts_from_where_it_is(server):
    alexa = server.speaker()
    token = stream_of(walk_to_hold(alexa, "sensate_focus"))["token"]  # 15 minutes, notch 5
    turn = say_during(alexa, "shorter", at(token, 2), 20_000)
    stream = stream_of(turn)
    assert parse_token(stream["token"]).total_seconds == 600
    assert (parse_token(stream["token"]).index, stream["offsetInMilliseconds"]) == (2, 20_000)
    assert left_after(stream) == 600 - 140 and "About 8 minutes more" in turn.speech


# --------------------------------------------------------------------------- the console's player


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("line,total,left", [("shorter", 240, "2:00"), ("make it three minutes", 180, "1:00")])
def test_the_console_player_goes_on_from_where_it_is_with_the_new_length(server, line, total, left):
    import io

    from skill.alexa.envelopes import Conversation
    from skill.alexa.localca import SKILL_ID
    from skill.console.chat import Console
    from skill.console.nlu import Router

    def post(envelope: dict) -> dict:
        return server.client.post("/alexa", json=envelope).get_json()

    out, clock = io.StringIO(), Clock()
    console = Console(post, Router("en-US"), Conversation(SKILL_ID, "en-US", True), out)
    console.player.clock = clock
    for typed in ["open safe harbor", "start lying together"] + ["next"] * 8:
        console.say(typed)
        if console.player.playing:
            break
    assert console.player.playing and parse_token(console.player.stream["token"]).total_seconds == 300
    for _ in range(2):  # two minutes of the quiet play
        clock.now += 60
        console.player.tick()
    assert console.player.left() == "3:00"
    console.say(line)
    parts = parse_token(console.player.stream["token"])
    assert (parts.total_seconds, parts.index, console.player.stream["offsetInMilliseconds"]) == (total, 2, 0)
    assert console.player.left() == left
    assert "more" in out.getvalue()


# --------------------------------------------------------------------------- the engine alone


def test_the_engine_retimes_the_playing_hold_from_its_live_position():
    from skill.core import Engine, Progress, State
    from skill.core.events import Context, Ev, Event, HoldPosition

    engine = Engine(load_catalog())
    state = State(progress=Progress(exercise="lying_together", step="quiet", run="r1"))
    playing = HoldPosition("lying_together", "quiet", "r1", 150_000)
    ctx = Context(new_session=True, audio_player=True, playing=playing)
    out = engine.handle(state, Event(Ev.SETTING, "shorter"), ctx)
    assert out.reply.play is not None and (out.reply.play.seconds, out.reply.play.elapsed_ms) == (240, 150_000)
    assert out.reply.speech == "Okay. About 2 minutes more." and out.state.settings["quiet_minutes"] == 4
    assert out.state.progress.hold_ms == 150_000 and not out.reply.stop_audio
    past = engine.handle(out.state, Event(Ev.SET_LENGTH, "2"), ctx)
    assert (past.reply.play.seconds, past.reply.play.elapsed_ms) == (120, 120_000)  # the chime, nothing before
    assert past.reply.speech.startswith("Okay. We'll close the quiet stretch here.")
    other = HoldPosition("lying_together", "quiet", "r0", 150_000)  # an earlier run's audio: only the setting
    aside = engine.handle(State(progress=Progress(exercise="lying_together", step="quiet", run="r1")),
                          Event(Ev.SETTING, "shorter"), Context(new_session=True, audio_player=True, playing=other))
    assert aside.reply.play is None
