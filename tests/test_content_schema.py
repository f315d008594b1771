"""Content validation: errors point at the file, the step and the field; what the engine assumes is checked at load."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skill.core.content import SCRIPTS_DIR, ContentError, load_catalog, load_exercise
from skill.core.languages import LANGUAGES

REPO = Path(__file__).resolve().parents[1]

GOOD = '''
id = "mini"
title = "mini"
kind = "solo"

[[steps]]
id = "one"
title = "One"
say = "First. [pause 2] Say next."

[[steps]]
id = "two"
title = "Two"
say = "Second. [pause 3] Are you okay?"
on = { yes = "done", no = "one" }

[[steps]]
id = "done"
title = "Done"
end = true
say = "This is the end."
'''

# name -> (text to replace, replacement, step named in the error, field named in the error)
BROKEN = {
    "pause-over-10s": ('"Second. [pause 3]', '"Second. [pause 12]', "two", "say"),
    "unknown-placeholder": ('"Second.', '"Second, {name}.', "two", "say"),
    "unknown-target-step": ('no = "one"', 'no = "nowhere"', "two", "on.no"),
    "missing-say": ('title = "Two"\nsay = "Second. [pause 3] Are you okay?"', 'title = "Two"', "two", "say"),
    "missing-title": ('id = "two"\ntitle = "Two"\n', 'id = "two"\n', "two", "title"),
    "title-with-markup": ('title = "Two"', 'title = "Two [pause 1]"', "two", "title"),
    "title-too-long": ('title = "Two"', 'title = "' + "a" * 41 + '"', "two", "title"),
    "duplicate-step-id": ('id = "done"', 'id = "one"', "one", "id"),
    "ssml-tags": ('"First. [pause 2]', '"First. <break time=\'2s\'/>', "one", "say"),
    "no-end-step": ('end = true\n', "", "done", "end"),
    "unknown-answer": ('no = "one"', 'maybe = "one"', "two", "on.maybe"),
    "hold-too-short": ('id = "one"\n', 'id = "one"\nhold = { seconds = 2 }\n', "one", "hold.seconds"),
}


def write(tmp_path: Path, text: str, name: str = "mini") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_small_exercise_loads(tmp_path):
    exercise = load_exercise(write(tmp_path, GOOD))
    assert [s.id for s in exercise.steps] == ["one", "two", "done"]
    assert exercise.step("two").on["yes"] == "done"


@pytest.mark.parametrize("case", BROKEN)
def test_errors_name_file_step_and_field(tmp_path, case):
    old, new, step, field = BROKEN[case]
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ContentError) as info:
        load_exercise(path)
    message = str(info.value)
    assert "mini.toml" in message, message
    assert f"'{step}'" in message, message
    assert f"'{field}'" in message, message


def test_file_level_errors_name_the_file(tmp_path):
    for text, field in [(GOOD.replace('id = "mini"', 'id = "other"'), "id"),
                        (GOOD + "\n[[steps]\n", "(file)"),
                        (GOOD.replace('title = "mini"\n', ""), "title")]:
        with pytest.raises(ContentError) as info:
            load_exercise(write(tmp_path, text))
        assert "mini.toml" in str(info.value) and f"'{field}'" in str(info.value)


# --------------------------------------------------------------------------- rules that span steps

# Each breaks one thing the engine assumes; the loader must refuse it, naming file, step and field.
BROKEN_GRAPH = {
    "unreachable-step": ('on = { yes = "done", no = "one" }', 'on = { yes = "done", no = "done", next = "done" }\n'
                         '[[steps]]\nid = "orphan"\ntitle = "T"\nsay = "Nobody comes here."', "orphan", "id"),
    "dead-end": ('on = { yes = "done", no = "one" }', 'on = { yes = "two", no = "two", next = "two" }', "one", "on"),
    "question-without-no": ('on = { yes = "done", no = "one" }', 'on = { yes = "done" }', "two", "on"),
    "ending-that-does-not-end": ('say = "This is the end."', 'say = "Goodbye."', "done", "say"),
    "today-in-gentle-without-no-clock-form": ('id = "one"\n', 'id = "one"\ngentle = "{today} Slowly."\n',
                                              "one", "gentle_without_clock"),
    "today-in-brief-without-no-clock-form": ('id = "one"\n', 'id = "one"\nbrief = "{today}"\n',
                                             "one", "brief_without_clock"),
    "today-in-a-reprompt": ('id = "one"\n', 'id = "one"\nreprompt = "{today}"\n', "one", "reprompt"),
}


@pytest.mark.parametrize("case", BROKEN_GRAPH)
def test_the_loader_refuses_what_the_engine_cannot_run(tmp_path, case):
    old, new, step, field = BROKEN_GRAPH[case]
    assert old in GOOD
    with pytest.raises(ContentError) as info:
        load_exercise(write(tmp_path, GOOD.replace(old, new, 1)))
    message = str(info.value)
    assert "mini.toml" in message and f"'{step}'" in message and f"'{field}'" in message, message


def test_a_no_clock_form_for_each_variant_is_used(tmp_path):
    text = GOOD.replace('id = "one"\n', 'id = "one"\ngentle = "{today} Slowly."\n'
                        'gentle_without_clock = "This is now. Slowly."\n', 1)
    step = load_exercise(write(tmp_path, text)).step("one")
    assert step.without_clock("gentle") == "This is now. Slowly." and step.without_clock("say") is None


def copy_scripts(tmp_path: Path) -> Path:
    folder = tmp_path / "scripts"
    shutil.copytree(SCRIPTS_DIR, folder)
    return folder


def test_the_grounding_exercise_is_found_by_its_role_not_its_name(tmp_path):
    folder = copy_scripts(tmp_path)
    text = (folder / "grounding.toml").read_text().replace('id = "grounding"', 'id = "come_back"', 1)
    (folder / "grounding.toml").unlink()
    (folder / "come_back.toml").write_text(text)
    for code in LANGUAGES:  # each language's file is named by the exercise's id too
        (folder / code / "grounding.toml").rename(folder / code / "come_back.toml")
    catalog = load_catalog(folder)
    assert catalog.grounding.id == "come_back"


def test_a_catalog_without_a_grounding_role_is_refused(tmp_path):
    folder = copy_scripts(tmp_path)
    path = folder / "grounding.toml"
    path.write_text(path.read_text().replace('role = "grounding"', "", 1))
    with pytest.raises(ContentError, match="'role'"):
        load_catalog(folder)


def test_a_partnered_exercise_explains_the_colours_once(tmp_path):
    folder = copy_scripts(tmp_path)
    path = folder / "lying_together.toml"
    text = path.read_text()
    explained = "Green means keep going. Yellow means slow down. Red means stop"
    assert explained in text
    path.write_text(text.replace('Find a way to lie down near each other', explained + ". Find a way to lie down near"
                                 " each other", 1))
    with pytest.raises(ContentError) as info:
        load_catalog(folder)
    assert "lying_together.toml" in str(info.value) and "'settle'" in str(info.value)


@pytest.mark.parametrize("command", [["content", "check"], ["model", "build"], ["model", "check"]])
def test_start_up_and_the_cli_refuse_broken_content_naming_file_step_and_field(tmp_path, command):
    """``python -m skill content check`` and ``model build`` load through the same loader as start-up."""
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "skill", repo / "skill", ignore=shutil.ignore_patterns("__pycache__", "files"))
    shutil.copytree(REPO / "interaction_models", repo / "interaction_models")
    (repo / "skill" / "audio" / "files").mkdir()
    for name in ("bed-60s.mp3", "chime.mp3"):
        shutil.copy(REPO / "skill" / "audio" / "files" / name, repo / "skill" / "audio" / "files" / name)
    path = repo / "skill" / "audio_scripts" / "grounding.toml"
    path.write_text(path.read_text().replace("Let's notice where you are.", "Let's notice {where}.", 1))
    done = subprocess.run([sys.executable, "-m", "skill", *command], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(repo)}, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "grounding.toml" in done.stderr and "'orient'" in done.stderr and "'say'" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_the_real_content_checks_clean():
    done = subprocess.run([sys.executable, "-m", "skill", "content", "check"], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "content ok" in done.stdout, done.stderr
