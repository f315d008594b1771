from tests.support.alexa import Speaker


def test_launch_then_ground(server):
    alexa = server.speaker()
    turn = alexa.launch()
    assert turn.status == 200 and "Welcome to Safe Harbor" in turn.speech and not turn.ends_session
    turn = alexa.say("ground")
    assert "I'm here with you" in turn.speech
    turn = alexa.say("next")
    assert "zero to ten" in turn.speech


def test_verified_launch(verified_server):
    alexa = verified_server.speaker()
    assert alexa.launch().status == 200
