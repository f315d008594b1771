"""The console's routing (skill/console/nlu.py): what a speaker does with a line before the skill sees it."""
import pytest
from hypothesis import given, settings, strategies as st

from skill.console.nlu import CAPTURE_INTENT, CAPTURE_SLOT, Match, Router


@pytest.fixture(scope="module")
def router():
    return Router("en-US")


@pytest.mark.parametrize("text", [
    "open safe harbor", "Alexa, open Safe Harbor.", "launch safe harbor", "start safe harbor",
    "alexa open safe harbor", "ask safe harbor",
])
def test_launch(router, text):
    assert router.match(text) == Match("launch")


@pytest.mark.parametrize("text", ["quit", "exit", "bye", "Bye!"])
def test_console_words_end_the_session(router, text):
    assert router.match(text).kind == "session_end"


@pytest.mark.parametrize("text", ["ask safe harbor to help me ground", "Alexa, ask Safe Harbor to help me ground"])
def test_one_shot_hands_the_words_over_in_a_new_session(router, text):
    assert router.match(text) == Match("intent", CAPTURE_INTENT, {CAPTURE_SLOT: "help me ground"}, one_shot=True)


@pytest.mark.parametrize("text", ["I'm green but he's yellow", "red", "an eight", "blorp wizzle", "I'm not ok"])
def test_inside_a_session_every_line_goes_to_the_skill_as_words(router, text):
    m = router.match(text)
    assert (m.kind, m.intent, m.one_shot) == ("intent", CAPTURE_INTENT, False)
    assert m.slots[CAPTURE_SLOT]


@pytest.mark.parametrize("text, intent", [
    ("pause", "AMAZON.PauseIntent"), ("resume", "AMAZON.ResumeIntent"), ("carry on from where we stopped",
                                                                         "AMAZON.ResumeIntent"),
    ("next", "AMAZON.NextIntent"), ("go back", "AMAZON.PreviousIntent"), ("stop", "AMAZON.StopIntent"),
])
def test_outside_a_session_the_players_own_commands(router, text, intent):
    m = router.match(text, session_open=False)
    assert (m.intent, m.player_command) == (intent, True)


@pytest.mark.parametrize("text", ["I'm green", "what time is it"])
def test_outside_a_session_other_words_are_no_player_command(router, text):
    assert not router.match(text, session_open=False).player_command


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_a_well_formed_match(router, text):
    m = router.match(text)
    assert m.kind in ("launch", "intent", "session_end")
    if m.kind == "intent":
        assert m.intent
