"""Words that are true (issue 13; docs/writing-content.md, "Every sentence must be true where it is spoken").

The checks in skill/core/checks.py (``UNTRUE``) run on every text as the content loads: each kind of untrue
sentence is refused at load, naming the file, step and field; the content that ships says none of them; and
``python -m skill content check`` refuses a file that does.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skill.core.content import SCRIPTS_DIR, ContentError, load_catalog, load_exercise
from tests.test_content_rules import TEXTS
from tests.test_content_schema import GOOD, write

REPO = Path(__file__).resolve().parents[1]

# kind -> sentences of that kind (each must be refused) and near misses that are true (each must load)
KINDS = {
    "asserts safety": (
        ["In this moment, you are safe.", "You're safe now.", "You are both safe here.", "Nothing can hurt you."],
        ["Welcome to Safe Harbor.", "Short exercises for safety and closeness.", "Are you safe right now?"],
    ),
    "promises privacy": (
        ["I won't record what you say.", "I don't record any of this.", "Alexa will not hear this part.",
         "Nobody else can hear you.", "This stays between us.", "This is confidential.", "You're not being recorded."],
        ["Say it to each other. There's no need to tell me.", "I keep only what's needed to pick up where you left off.",
         "Touch stays away from private areas."],
    ),
    "names betrayal": (
        ["A therapist who works with couples after betrayal can help.", "Whatever the affair was, breathe.",
         "Even after cheating, notice your hands.", "No porn talk here."],
        ["A couples therapist can help.", "Notice temperature, pressure and texture."],
    ),
    "assumes why they came": (
        ["After what happened, this is hard.", "You're rebuilding trust, one step at a time.",
         "You are healing from a lot."],
        ["It's okay that this was a lot.", "Thank you both, for your care and your attention."],
    ),
}
UNTRUE = [(kind, s) for kind, (bad, _good) in KINDS.items() for s in bad]
TRUE = [(kind, s) for kind, (_bad, good) in KINDS.items() for s in good]


@pytest.mark.parametrize("kind,sentence", UNTRUE, ids=[s for _k, s in UNTRUE])
@pytest.mark.parametrize("field", ["say", "help", "reprompt"])
def test_each_kind_of_untruth_is_refused_at_load_naming_file_step_and_field(tmp_path, kind, sentence, field):
    text = GOOD.replace('id = "one"\ntitle = "One"\nsay = "First. [pause 2] Say next."',
                        f'id = "one"\ntitle = "One"\nsay = "First. [pause 2] Say next."\n{field} = "{sentence}"'
                        if field != "say" else f'id = "one"\ntitle = "One"\nsay = "{sentence} [pause 2] Say next."')
    with pytest.raises(ContentError) as info:
        load_exercise(write(tmp_path, text))
    message = str(info.value)
    assert "mini.toml" in message and "'one'" in message and f"'{field}'" in message, message


@pytest.mark.parametrize("kind,sentence", TRUE, ids=[s for _k, s in TRUE])
def test_true_sentences_near_those_kinds_load(tmp_path, kind, sentence):
    text = GOOD.replace('"First. [pause 2] Say next."', f'"{sentence} [pause 2] Say next."')
    assert load_exercise(write(tmp_path, text)).step("one").say.startswith(sentence)


@pytest.mark.parametrize("where,text", TEXTS, ids=[w for w, _ in TEXTS])
def test_the_shipped_words_hold_none_of_them(where, text):
    from skill.core.checks import check_words

    check_words(text, "content", None, where)  # raises ContentError naming the kind and the words


def test_a_phrase_that_promises_privacy_is_refused(tmp_path):
    folder = tmp_path / "scripts"
    shutil.copytree(SCRIPTS_DIR, folder)
    phrases = folder / "common" / "phrases.toml"
    phrases.write_text(phrases.read_text().replace('red_stop = "We\'ve stopped, and that\'s completely okay."',
                                                   'red_stop = "We\'ve stopped. Nobody heard any of this."'))
    with pytest.raises(ContentError, match="red_stop"):
        load_catalog(folder)


def test_content_check_refuses_an_untrue_file(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "skill", repo / "skill", ignore=shutil.ignore_patterns("__pycache__"))
    grounding = repo / "skill" / "audio_scripts" / "grounding.toml"
    grounding.write_text(grounding.read_text().replace("Your breath and your body are here, now.",
                                                       "In this moment, you are safe.", 1))
    result = subprocess.run([sys.executable, "-m", "skill", "content", "check"], cwd=repo, capture_output=True,
                            text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode != 0
    assert "grounding.toml" in result.stderr + result.stdout and "orient" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_the_issue_s_sentences_are_gone():
    catalog = load_catalog()
    spoken = " ".join(text for _where, text in TEXTS)
    for sentence in ("you are safe", "I won't record what you say", "after betrayal"):
        assert sentence.lower() not in spoken.lower()
    assert catalog.exercises["grounding"].step("orient").say
