"""Timed holds through AudioPlayer: real AudioPlayer / PlaybackController envelopes, no session."""
from __future__ import annotations

import pytest

from skill.audio import audio_manifest
from skill.alexa.audioplayer import parse_token
from skill.alexa.ssml import ssml_problems
from tests.conftest import AUDIO_BASE, SkillServer

EXERCISE = "lying_together"
HOLD_STEP = "quiet"
HOLD_SECONDS = 300


def walk_to_hold(alexa, exercise: str = EXERCISE):
    """Start an exercise and say next until the step whose response plays a hold."""
    turn = alexa.say(f"start:{exercise}")
    for _ in range(12):
        if turn.directives:
            return turn
        turn = alexa.say("next")
    raise AssertionError("no step played a hold")


def the_play(turn) -> dict:
    plays = [d for d in turn.directives if d["type"] == "AudioPlayer.Play"]
    assert len(plays) == 1, turn.directives
    return plays[0]


def stream_of(turn) -> dict:
    return the_play(turn)["audioItem"]["stream"]


def while_playing(alexa, intent: str, token: str, offset_ms: int = 5_000, activity: str = "PLAYING",
                  slots: dict | None = None):
    """What a person says while the hold plays: a new session, the player's token and offset in the context."""
    envelope = alexa.envelope(intent, slots, new_session=True)
    envelope["context"]["AudioPlayer"] = {"token": token, "offsetInMilliseconds": offset_ms,
                                          "playerActivity": activity}
    return alexa.post(envelope)


def assert_audio_only(turn):
    """The platform's rule for AudioPlayer / PlaybackController responses: no speech, no reprompt, no card."""
    assert turn.status == 200
    assert set(turn.response) <= {"directives"}, turn.response


def test_hold_speaks_guidance_then_plays_with_session_ended(server):
    alexa = server.speaker()
    turn = walk_to_hold(alexa)
    assert "quiet stretch" in turn.speech and not ssml_problems(turn.ssml)
    assert turn.ends_session is True and turn.response["shouldEndSession"] is True
    play = the_play(turn)
    assert play["playBehavior"] == "REPLACE_ALL"
    stream = play["audioItem"]["stream"]
    assert stream["url"] == f"{AUDIO_BASE}/{audio_manifest()['bed-60s.mp3']}"
    parts = parse_token(stream["token"])
    assert (parts.exercise, parts.step, parts.index, parts.total_seconds) == (EXERCISE, HOLD_STEP, 0, HOLD_SECONDS)
    # The token names exercise, step, run and segment: never an Alexa id.
    assert "amzn1" not in stream["token"] and alexa.user_id not in stream["token"]
    assert "card" not in turn.response


def test_enqueue_chain_across_a_whole_15_minute_hold(server):
    """NearlyFinished enqueues each next segment with expectedPreviousToken, through to the chime."""
    alexa = server.speaker()
    first = stream_of(walk_to_hold(alexa, "sensate_focus"))  # a stretch lasts 15 minutes by default
    token = first["token"]
    assert parse_token(token).total_seconds == 15 * 60
    manifest = audio_manifest()
    seen = [token]
    for _ in range(40):
        alexa.audio_event("AudioPlayer.PlaybackStarted", token, 0)
        turn = alexa.audio_event("AudioPlayer.PlaybackNearlyFinished", token, 55_000)
        assert_audio_only(turn)
        if not turn.directives:
            break
        play = the_play(turn)
        assert play["playBehavior"] == "ENQUEUE"
        stream = play["audioItem"]["stream"]
        assert stream["expectedPreviousToken"] == token and stream["offsetInMilliseconds"] == 0
        token = stream["token"]
        seen.append(token)
    indexes = [parse_token(t).index for t in seen]
    assert indexes == list(range(16)), "15 one-minute beds, then the chime"
    assert stream["url"] == f"{AUDIO_BASE}/{manifest['chime.mp3']}"
    # The chime finishing ends the hold: "next" goes on to the step after.
    assert_audio_only(alexa.audio_event("AudioPlayer.PlaybackFinished", token, 4_000, activity="FINISHED"))
    assert "bring the touch to a close" in alexa.say("next", new_session=True).speech


def test_pause_then_resume_at_the_saved_offset(server):
    alexa = server.speaker()
    token = stream_of(walk_to_hold(alexa))["token"]
    alexa.audio_event("AudioPlayer.PlaybackStarted", token, 0)
    # Two minutes in: segment 1 at 47 s (segment 0 is a full minute for a 300 s hold).
    nxt = the_play(alexa.audio_event("AudioPlayer.PlaybackNearlyFinished", token, 55_000))["audioItem"]["stream"]
    second = nxt["token"]
    alexa.audio_event("AudioPlayer.PlaybackStarted", second, 0)
    # "Alexa, pause" while playing: an IntentRequest with the player's token and offset in the context.
    turn = while_playing(alexa, "AMAZON.PauseIntent", second, 47_000)
    assert turn.status == 200 and turn.ssml is None
    assert [d["type"] for d in turn.directives] == ["AudioPlayer.Stop"]
    stopped = alexa.audio_event("AudioPlayer.PlaybackStopped", second, 47_000, activity="STOPPED")
    assert stopped.status == 200 and stopped.response == {}, "PlaybackStopped takes no response"
    # "Alexa, resume": plays on from that very offset, in that segment.
    turn = while_playing(alexa, "AMAZON.ResumeIntent", second, 47_000, activity="STOPPED")
    stream = stream_of(turn)
    assert parse_token(stream["token"]).index == 1 and stream["offsetInMilliseconds"] == 47_000
    assert parse_token(stream["token"]).run == parse_token(token).run
    assert "minutes" in turn.speech  # how much quiet is left


def test_resume_in_a_new_session_after_a_server_restart(server):
    alexa = server.speaker()
    token = stream_of(walk_to_hold(alexa))["token"]
    alexa.audio_event("AudioPlayer.PlaybackStopped", token, 30_000, activity="STOPPED")
    restarted = server.restart()
    later = restarted.speaker()
    turn = later.launch()
    assert "pick it up" in turn.speech and "You paused an exercise" in turn.speech
    turn = later.say("yes")
    stream = stream_of(turn)
    assert parse_token(stream["token"]).index == 0 and stream["offsetInMilliseconds"] == 30_000
    assert turn.ends_session


def test_next_after_the_chime_goes_on_to_the_step_after(server):
    alexa = server.speaker()
    token = stream_of(walk_to_hold(alexa))["token"]
    parts = parse_token(token)
    chime = token.replace(f"|{parts.run}|0|", f"|{parts.run}|5|")
    # A bed finishing is routine; the chime finishing ends the hold.
    assert_audio_only(alexa.audio_event("AudioPlayer.PlaybackFinished", token, 60_000, activity="FINISHED"))
    assert_audio_only(alexa.audio_event("AudioPlayer.PlaybackFinished", chime, 4_000, activity="FINISHED"))
    # "Alexa, resume" now has nothing left to play; "Alexa, next" moves on.
    turn = alexa.intent("AMAZON.ResumeIntent", new_session=True)
    assert "complete" in turn.speech and not turn.directives
    turn = alexa.say("next")
    assert "Welcome back" in turn.speech and not turn.ends_session


def test_red_during_a_hold_stops_the_audio_and_does_what_red_does(server):
    alexa = server.speaker()
    token = stream_of(walk_to_hold(alexa))["token"]
    turn = while_playing(alexa, "CheckInIntent", token, 12_000, slots={"color": ("red", "red")})
    assert [d["type"] for d in turn.directives] == ["AudioPlayer.Stop"]
    assert "stopped" in turn.speech
    turn = alexa.say("no")
    assert turn.ends_session
    assert "pick it up" not in alexa.launch().speech  # red never presses to resume


def test_playback_failure_is_said_gently_on_the_next_spoken_turn(server):
    alexa = server.speaker()
    token = stream_of(walk_to_hold(alexa))["token"]
    failed = alexa.audio_event("AudioPlayer.PlaybackFailed", token, 0,
                               error={"type": "MEDIA_ERROR_SERVICE_UNAVAILABLE", "message": "x"},
                               currentPlaybackState={"token": token, "offsetInMilliseconds": 0,
                                                     "playerActivity": "STOPPED"})
    assert_audio_only(failed)
    turn = alexa.launch()
    assert "didn't play" in turn.speech and not turn.ends_session
    turn = alexa.say("yes")
    stream = stream_of(turn)
    assert parse_token(stream["token"]).step == HOLD_STEP and stream["offsetInMilliseconds"] == 0


def test_device_without_audio_player_hears_how_long_and_goes_on_with_next(server):
    alexa = server.speaker(audio_player=False)
    turn = alexa.say(f"start:{EXERCISE}")
    for _ in range(12):
        if "quiet stretch together" in turn.speech:
            break
        turn = alexa.say("next")
    assert not turn.directives, "never play silence that people cannot control"
    assert "5 minutes" in turn.speech and "tell Safe Harbor next" in turn.speech
    turn = alexa.say("next", new_session=True)
    assert "Welcome back" in turn.speech


@pytest.mark.parametrize("request_type", ["PlaybackController.PlayCommandIssued",
                                          "PlaybackController.PauseCommandIssued",
                                          "PlaybackController.NextCommandIssued",
                                          "PlaybackController.PreviousCommandIssued"])
def test_playback_controller_buttons_answer_with_directives_only(server, request_type):
    alexa = server.speaker()
    token = stream_of(walk_to_hold(alexa))["token"]
    turn = alexa.audio_event(request_type, token, 20_000)
    assert_audio_only(turn)


def test_loop_and_shuffle_are_declined_in_one_sentence_and_the_audio_goes_on(server):
    alexa = server.speaker()
    token = stream_of(walk_to_hold(alexa))["token"]
    for intent in ("AMAZON.LoopOnIntent", "AMAZON.ShuffleOnIntent"):
        turn = while_playing(alexa, intent, token)
        assert "isn't available" in turn.speech and not turn.directives


def test_cancel_during_a_hold_ends_the_exercise(server):
    alexa = server.speaker()
    token = stream_of(walk_to_hold(alexa))["token"]
    turn = while_playing(alexa, "AMAZON.CancelIntent", token)
    assert [d["type"] for d in turn.directives] == ["AudioPlayer.Stop"] and turn.ends_session
    assert "pick it up" not in alexa.launch().speech


def test_next_during_a_hold_moves_on_and_stops_the_audio(server):
    alexa = server.speaker()
    token = stream_of(walk_to_hold(alexa))["token"]
    turn = while_playing(alexa, "AMAZON.NextIntent", token)
    assert "Welcome back" in turn.speech and [d["type"] for d in turn.directives] == ["AudioPlayer.Stop"]
    # "start over" from there begins the exercise again.
    assert "Welcome to lying together" in alexa.say("start over").speech


def test_a_stale_token_from_an_earlier_run_changes_nothing(server):
    alexa = server.speaker()
    old = stream_of(walk_to_hold(alexa))["token"]
    alexa.say("repeat", new_session=True)  # replays the step: a new run
    new = stream_of(alexa.say("repeat", new_session=True))["token"]
    assert parse_token(new).run != parse_token(old).run
    alexa.audio_event("AudioPlayer.PlaybackStopped", old, 50_000, activity="STOPPED")
    turn = alexa.intent("AMAZON.ResumeIntent", new_session=True)
    assert stream_of(turn)["offsetInMilliseconds"] == 0 and stream_of(turn)["token"] == new


def test_audio_reports_reach_the_hold_of_a_recognised_voice(server):
    """AudioPlayer requests name no voice: a profile's hold is found through the account's list of profiles."""
    alexa = server.speaker(person_id="amzn1.ask.person.AFAKEPERSONID")
    token = stream_of(walk_to_hold(alexa))["token"]
    alexa.person_id = None  # audio reports carry the account only
    stopped = alexa.audio_event("AudioPlayer.PlaybackStopped", token, 42_000, activity="STOPPED")
    assert stopped.status == 200 and stopped.response == {}
    alexa.person_id = "amzn1.ask.person.AFAKEPERSONID"
    stream = stream_of(alexa.intent("AMAZON.ResumeIntent", new_session=True))
    assert stream["offsetInMilliseconds"] == 42_000 and stream["token"] == token


def test_serve_plays_the_hold_audio_by_its_published_name_with_range_requests(tmp_path):
    from skill.audio import FILES_DIR
    from skill.alexa.web import create_app
    from tests.conftest import settings_for

    server = SkillServer(tmp_path / "s.db")
    client = create_app(settings_for(tmp_path / "s.db"), server.skill, audio_dir=FILES_DIR).test_client()
    published = audio_manifest()["bed-60s.mp3"]
    whole = client.get(f"/audio/{published}")
    assert whole.status_code == 200 and whole.mimetype == "audio/mpeg"
    assert whole.data == (FILES_DIR / "bed-60s.mp3").read_bytes()
    part = client.get(f"/audio/{published}", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == whole.data[100:200]
    assert client.get("/audio/../config.py").status_code == 404
    assert client.get("/audio/other.mp3").status_code == 404


class WriteInBetween:
    """A store that lets another request save between this turn's read and its write (a real race)."""

    def __init__(self, store):
        self.store, self.before_next_save = store, None

    def save(self, *args, **kw):
        hook, self.before_next_save = self.before_next_save, None
        if hook:
            hook()
        return self.store.save(*args, **kw)

    def __getattr__(self, name):
        return getattr(self.store, name)


def test_red_during_a_hold_wins_over_the_playback_report_racing_it(tmp_path):
    first = SkillServer(tmp_path / "s.db")
    racing = WriteInBetween(first.services.store)
    server = first.restart(store=racing)
    alexa = server.speaker()
    token = stream_of(walk_to_hold(alexa))["token"]
    reporter = server.speaker()  # the device's audio player, reporting while red is being handled
    racing.before_next_save = lambda: reporter.audio_event("AudioPlayer.PlaybackStopped", token, 9_000,
                                                           activity="STOPPED")
    turn = while_playing(alexa, "CheckInIntent", token, 9_000, slots={"color": ("red", "red")})
    assert "stopped" in turn.speech
    assert "pick it up" not in alexa.launch().speech  # red stayed red


def test_player_buttons_act_on_the_hold_of_a_recognised_voice(server):
    alexa = server.speaker(person_id="amzn1.ask.person.AFAKEPERSONID")
    token = stream_of(walk_to_hold(alexa))["token"]
    alexa.person_id = None  # buttons carry the account only
    alexa.audio_event("AudioPlayer.PlaybackStopped", token, 20_000, activity="STOPPED")
    turn = alexa.audio_event("PlaybackController.PlayCommandIssued", token, 20_000, activity="STOPPED")
    assert_audio_only(turn)
    stream = stream_of(turn)
    assert stream["token"] == token and stream["offsetInMilliseconds"] == 20_000
