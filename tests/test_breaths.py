"""Paced breaths stay within a comfortable range at every pace (issue 25, item 3): the gentle pace after yellow
slows the talking and lengthens the rests, never a breath. Content checks at load, the speech plan, and what a
speaker hears through POST /alexa."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skill.core.checks import BREATH_CUE, step_texts
from skill.core.content import BREATH_SECONDS, SCRIPTS_DIR, ContentError, load_catalog
from skill.core.speech import SENTENCE_END, Breath, Pause, plan
from tests.test_exercise_paths import reach

REPO = Path(__file__).resolve().parents[1]
CATALOG = load_catalog()
LOW, HIGH = BREATH_SECONDS
BREAK = re.compile(r'<break time="(\d+)ms"/>')


def test_the_documented_range_is_four_to_six_seconds():
    assert (LOW, HIGH) == (4.0, 6.0)
    writing = " ".join((REPO / "docs" / "writing-content.md").read_text(encoding="utf-8").split())
    assert "`[breath N]`" in writing and "4 to 6 seconds" in writing
    assert "Lehrer & Gevirtz 2014" in writing and "Russo, Santarelli & O'Rourke 2017" in writing


@pytest.mark.parametrize("pace_name", sorted(CATALOG.pacing))
def test_no_paced_breath_in_any_wording_of_any_exercise_leaves_the_range_at_any_pace(pace_name):
    pace = CATALOG.pacing[pace_name]
    breaths = 0
    for exercise in CATALOG.exercises.values():
        for step in exercise.steps:
            for field, text in step_texts(step).items():
                for part in plan(text, pace):
                    if isinstance(part, Breath):
                        breaths += 1
                        assert LOW * 1000 <= part.ms <= HIGH * 1000, (exercise.id, step.id, field, part)
    assert breaths > 40  # lying together and grounding breathe in every wording


def test_every_cued_breath_is_written_as_a_breath_not_a_rest():
    for exercise in CATALOG.exercises.values():
        for step in exercise.steps:
            for field, text in step_texts(step).items():
                parts = re.split(r"\[(pause|breath) [\d.]+\]", " ".join(text.split()))
                for i in range(1, len(parts) - 1, 2):
                    if parts[i] != "pause":
                        continue
                    sentences = [s for s in SENTENCE_END.split(parts[i - 1].strip()) if s]
                    assert not (sentences and BREATH_CUE.match(sentences[-1])), (exercise.id, step.id, field)


def test_the_gentle_pace_lengthens_rests_and_keeps_breaths():
    normal, gentle = CATALOG.pacing["normal"], CATALOG.pacing["gentle"]
    assert gentle.pause_factor > 1 and gentle.rate < normal.rate
    text = "Now, slowly. [pause 4] In. [breath 5] And out. [breath 5]"
    assert [p.ms for p in plan(text, gentle) if isinstance(p, Pause) and not isinstance(p, Breath)
            and p.ms != gentle.sentence_gap_ms] == [round(4000 * gentle.pause_factor)]
    assert [p.ms for p in plan(text, gentle) if isinstance(p, Breath)] == [5000, 5000]


# --------------------------------------------------------------------------- the check at load


def content_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "scripts"
    shutil.copytree(SCRIPTS_DIR, folder)
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("file,old,new,step,field,says", [
    ("lying_together.toml", "In. [breath 4] And out. [breath 5]", "In. [breath 4] And out. [breath 7.5]",
     "breath_first", "gentle", "7.5 s"),
    ("grounding.toml", "And a long breath out. [breath 6]", "And a long breath out. [pause 10]",
     "breathe", "gentle", "cues a breath"),
    ("lying_together.toml", "Breathing in. [breath 5]", "Breathing in. [pause 5]", "breath_first", "say",
     "cues a breath"),
    ("grounding.toml", "In. [breath 4] And out. [breath 6]", "In. [breath 2] And out. [breath 6]",
     "breathe", "brief", "2 s"),
], ids=["gentle breath too long", "gentle long out-breath as a rest", "breath as a rest", "breath too short"])
def test_a_breath_outside_the_range_or_written_as_a_rest_is_refused_at_load(tmp_path, file, old, new, step, field,
                                                                           says):
    folder = content_copy(tmp_path)
    edit(folder, file, old, new)
    with pytest.raises(ContentError) as info:
        load_catalog(folder)
    message = str(info.value)
    assert file in message and f"'{step}'" in message and f"'{field}'" in message and says in message, message


def test_a_slower_gentle_pace_still_never_stretches_a_breath(tmp_path):
    folder = content_copy(tmp_path)
    edit(folder, "common/phrases.toml", "pause_factor = 1.5", "pause_factor = 3.0")
    catalog = load_catalog(folder)  # loads: breaths keep their length whatever the pace does to rests
    assert catalog.pacing["gentle"].pause_factor == 3.0


def test_content_check_names_the_file_step_and_field(tmp_path):
    folder = content_copy(tmp_path)
    edit(folder, "lying_together.toml", "In. [breath 4] And out. [breath 5]", "In. [breath 4] And out. [breath 8]")
    result = subprocess.run([sys.executable, "-m", "skill", "content", "check", "--content", str(folder)],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode != 0
    assert "lying_together.toml" in result.stderr + result.stdout and "'breath_first'" in result.stderr + result.stdout


# --------------------------------------------------------------------------- what a speaker hears


def test_after_yellow_the_breaths_stay_five_seconds_and_the_rests_grow(server):
    """Lying together's "breathe together, no one leading" has no gentle wording: after yellow its own words are
    spoken at the gentle pace. Before, that made "In. (7.5 s) And out. (7.5 s)"."""
    alexa = server.speaker()
    normal = reach(alexa, "lying_together", "breath_both")
    assert '<break time="5000ms"/>' in normal.ssml
    alexa.say("yellow")
    alexa.say("no")  # stay on this step
    turn = alexa.say("repeat")
    gentle = CATALOG.pacing["gentle"]
    assert f'rate="{round(gentle.rate * 100)}%"' in turn.ssml and "In." in turn.speech
    breaks = [int(ms) for ms in BREAK.findall(turn.ssml)]
    assert '<break time="5000ms"/>' in turn.ssml  # "In." and "And out." as written
    assert not [ms for ms in breaks if 6000 < ms < round(6000 * gentle.pause_factor)], breaks
    assert round(6000 * gentle.pause_factor) in breaks  # the rest after "Notice any warmth" grew by the factor
    assert "7500ms" not in turn.ssml
