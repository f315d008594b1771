"""Content that needs no code: a new exercise with its own length setting and alternate, loaded from a content
folder and played through the engine; settings and placeholders checked at load with file, step and field."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from skill.core import ContentError, Context, Engine, Ev, Event, State, load_catalog
from skill.core.engine.text import spoken_minutes
from tests.support.languages import pseudo_content

ROOT = Path(__file__).resolve().parents[1]

# Non-sexual closeness first: a long hug with shared breathing, with its own adjustable length.
HUG = '''
id = "long_hug"
title = "long hug"
kind = "partnered"
synonyms = ["hug", "a long hug"]

[settings.hug_minutes]
default = 3
low = 1
high = 10
notch = 1
said = "Okay. The hug will be {minutes}."
range = "The hug can be from {low} to {high} minutes."

[alternates.hug_lead]
variants = ["This time, the taller one opens their arms.", "This time, the other one opens their arms."]

[[steps]]
id = "welcome"
title = "Welcome"
say = """
A long hug, breathing together. [pause 1]
Either of you can say a colour at any moment. Green means keep going. Yellow means slow down. Red means stop. [pause 1]
When you're both ready, say next.
"""

[[steps]]
id = "hug"
title = "Hug"
say = "{hug_lead} Hold each other, and let your breathing slow together. To pause, say: {wake}, pause."
hold = { setting = "hug_minutes" }

[[steps]]
id = "close"
title = "Close"
end = true
say = "Let the hug soften. This is the end of the long hug. Thank you both."
'''


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    out = pseudo_content(tmp_path, ())  # English only: a new exercise is written in English first
    (out / "long_hug.toml").write_text(HUG, encoding="utf-8")
    return out


def test_a_new_exercise_with_its_own_setting_plays_with_no_code(folder: Path):
    engine = Engine(load_catalog(folder))
    ctx = Context(audio_player=True, wake_word="Hey Mycroft")
    first = engine.handle(State(welcomed=True), Event(Ev.START, "long_hug"), ctx)
    assert "A long hug, breathing together." in first.reply.speech
    hug = engine.handle(first.state, Event(Ev.NEXT), ctx)
    assert hug.reply.play is not None and hug.reply.play.seconds == 3 * 60  # the file's own default
    assert "the taller one opens their arms" in hug.reply.speech and "say: Hey Mycroft, pause." in hug.reply.speech
    assert "{" not in hug.reply.speech
    # "longer" at the menu is said in the file's own words, and the next hug is a minute longer.
    longer = engine.handle(State(welcomed=True), Event(Ev.START, "long_hug"), ctx)
    longer = engine.handle(longer.state, Event(Ev.SETTING, "longer"), ctx)
    assert "Okay. The hug will be 4 minutes." in longer.reply.speech
    assert engine.handle(longer.state, Event(Ev.NEXT), ctx).reply.play.seconds == 4 * 60
    wrong = engine.handle(longer.state, Event(Ev.SET_LENGTH, "45"), ctx)
    assert "The hug can be from 1 to 10 minutes." in wrong.reply.speech and wrong.state == longer.state
    # Finished once, the alternate takes its next variant.
    done = engine.handle(hug.state, Event(Ev.NEXT), ctx)
    assert "This is the end of the long hug." in done.reply.speech and done.state.completed["long_hug"] == 1
    again = engine.handle(engine.handle(done.state, Event(Ev.START, "long_hug"), ctx).state, Event(Ev.NEXT), ctx)
    assert "the other one opens their arms" in again.reply.speech
    assert spoken_minutes(180) == "3 minutes"


def test_the_engine_never_changes_the_state_it_is_given_and_says_when_a_turn_stops(folder: Path):
    engine = Engine(load_catalog(folder))
    ctx = Context()
    start = engine.handle(State(welcomed=True), Event(Ev.START, "long_hug"), ctx).state
    frozen = start.to_dict()
    for event, stops in ((Event(Ev.CHECKIN, "red"), True), (Event(Ev.STOP), True), (Event(Ev.PAUSE), True),
                         (Event(Ev.DISTRESS), True), (Event(Ev.CANCEL), True), (Event(Ev.NEXT), False),
                         (Event(Ev.CHECKIN, "green"), False), (Event(Ev.HELP), False)):
        assert engine.handle(start, event, ctx).stop is stops, event
        assert start.to_dict() == frozen  # the input is untouched, so a trial run needs no copy


def test_a_setting_declared_twice_must_agree(folder: Path):
    text = HUG.replace('id = "long_hug"', 'id = "other_hug"').replace("default = 3", "default = 4")
    (folder / "other_hug.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=r"other_hug\.toml: field 'settings\.hug_minutes': differs"):
        load_catalog(folder)


@pytest.mark.parametrize("old, new, where", [
    ("{hug_lead} Hold", "{hug_leed} Hold", "long_hug.toml: step 'hug': field 'say': unknown placeholder {hug_leed}"),
    ('setting = "hug_minutes"', 'setting = "hugs_minutes"', "long_hug.toml: step 'hug': field 'hold.setting'"),
    ("{minutes}.", "{low}.", "long_hug.toml: field 'settings.hug_minutes.said': unknown placeholder {low}"),
])
def test_content_errors_name_file_step_and_field(folder: Path, old: str, new: str, where: str):
    (folder / "long_hug.toml").write_text(HUG.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_catalog(folder)
    assert str(caught.value).startswith(where)


def test_content_check_accepts_the_new_exercise(folder: Path):
    done = subprocess.run([sys.executable, "-m", "skill", "content", "check", "--content", str(folder)],
                          check=False, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_an_alternate_is_for_a_step_s_wordings_not_its_help(folder: Path):
    text = HUG.replace('hold = { setting = "hug_minutes" }', 'help = "{hug_lead}"\nhold = { setting = "hug_minutes" }')
    (folder / "long_hug.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=r"step 'hug': field 'help': unknown placeholder \{hug_lead\}"):
        load_catalog(folder)
