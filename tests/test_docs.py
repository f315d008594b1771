"""The design documents keep up with the code: every field the content loader accepts is described in
docs/writing-content.md, the layers of docs/architecture.md are those tests/test_layers.py enforces, and the
worked example in docs/writing-content.md passes the loader.

Field names are not listed here by hand: the loader itself is asked which names it accepts.
"""
from __future__ import annotations

import ast
import dataclasses
import importlib.util
import re
from pathlib import Path

import pytest

from skill.core import content
from skill.core.content import SCRIPTS_DIR, ContentError, load_catalog, load_exercise
from skill.core.speech import Pace
from tests.support.languages import pseudo_content

REPO = Path(__file__).resolve().parents[1]
WRITING = (REPO / "docs" / "writing-content.md").read_text(encoding="utf-8")
ARCHITECTURE = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")

PROBE = '''
id = "probe"
title = "probe"
kind = "solo"
{top}

[[steps]]
id = "one"
title = "One"
say = "First. Say next."
{step}

[[steps]]
id = "done"
title = "Done"
end = true
say = "This is the end."
'''


def candidates() -> set[str]:
    """Every name that could be a field: the loader must spell out a name to accept it, so each one is a
    string in content.py (or, for text fields passed through, a field of Step)."""
    tree = ast.parse(Path(content.__file__).read_text(encoding="utf-8"))
    names = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    names |= {f.name for f in dataclasses.fields(content.Step)}
    return {n for n in names if re.fullmatch(r"[a-z][a-z_]*", n)}


def _load(tmp_path: Path, text: str) -> ContentError | None:
    path = tmp_path / "probe.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_exercise(path)
    except ContentError as exc:
        return exc
    return None


def accepted(tmp_path: Path, where: str) -> set[str]:
    """The names the loader accepts at the top level of an exercise (``top``) or in a step (``step``)."""
    base = {"top": {"id", "title", "kind", "steps"}, "step": {"id", "say"}}[where]
    out = set(base)
    for name in candidates() - base:
        error = _load(tmp_path, PROBE.format(**{"top": "", "step": "", where: f'{name} = "x"'}))
        if error is None or not str(error).endswith(f"field '{name}': unknown field"):
            out.add(name)
    return out


def accepted_hold_keys(tmp_path: Path) -> set[str]:
    out = set()
    for name in candidates():
        error = _load(tmp_path, PROBE.format(top="", step=f"hold = {{ {name} = 60 }}"))
        if error is None or "must be { seconds = N } or { setting = NAME }" not in str(error):
            out.add(name)
    return out


def described(name: str) -> bool:
    return f"`{name}`" in WRITING or re.search(rf"`[^`\n]*\b{re.escape(name)}\b[^`\n]*`", WRITING) is not None


def test_the_probe_finds_the_fields_it_should(tmp_path):
    # Guards the probing itself: a probe that found nothing would make the tests below pass vacuously.
    assert {"role", "offered_after", "synonyms"} <= accepted(tmp_path, "top")
    assert {"gentle", "brief", "hold", "checkin", "rating", "on", "brief_without_clock"} <= accepted(tmp_path, "step")
    assert accepted_hold_keys(tmp_path) == {"seconds", "setting"}


def test_every_exercise_field_the_loader_accepts_is_in_writing_content(tmp_path):
    fields = accepted(tmp_path, "top") | accepted(tmp_path, "step") | accepted_hold_keys(tmp_path)
    missing = sorted(name for name in fields if f"`{name}`" not in WRITING)
    assert not missing, f"docs/writing-content.md does not describe: {missing}"


def test_every_value_the_loader_knows_is_in_writing_content(tmp_path):
    # Settings shared in common/settings.toml are described here; one exercise's own setting is described in
    # its own file, so a new exercise needs no edit of this page.
    # offered_after must be exactly { exercise, times }: prove the loader takes that shape.
    assert _load(tmp_path, PROBE.format(top='offered_after = { exercise = "probe", times = 1 }', step="")) is None
    values = {"exercise", "times", *content.ANSWERS, *content.MOVES, *content.RATINGS, *content.KINDS,
              *load_catalog().roles, *load_catalog().shared}
    missing = sorted(v for v in values if f"`{v}`" not in WRITING and f'`"{v}"`' not in WRITING)
    assert not missing, f"docs/writing-content.md does not describe: {missing}"
    for name, setting in load_catalog().shared.items():
        row = next((line for line in WRITING.splitlines() if line.strip().startswith(f"| `{name}` |")), "")
        assert f"{setting.low} to {setting.high}" in row and f"| {setting.default} |" in row, name


def test_every_placeholder_and_markup_rule_is_in_writing_content():
    for name in content.STEP_PLACEHOLDERS:
        assert f"`{{{name}}}`" in WRITING, name
    used = set(re.findall(r"\{(\w+)\}", (SCRIPTS_DIR / content.PHRASES_FILE).read_text(encoding="utf-8")))
    for name in used:
        assert f"`{{{name}}}`" in WRITING, name
    assert "`[pause N]`" in WRITING and f"at most {content.MAX_PAUSE_SECONDS:g}" in WRITING
    assert f"from {content.MIN_HOLD_SECONDS} to {content.MAX_HOLD_SECONDS}" in WRITING


def test_every_phrases_field_is_in_writing_content():
    names = {*content.PHRASE_KEYS, *content.PARTS_OF_DAY, *content.PACES, "default",
             *(f.name for f in dataclasses.fields(Pace))}
    tables = {"[phrases]", "[today]", "[crisis_lines]", "[emergency_lines]", "[pacing.normal]", "[pacing.gentle]"}
    missing = sorted(n for n in names if not described(n)) + sorted(t for t in tables if f"`{t}`" not in WRITING)
    assert not missing, f"docs/writing-content.md does not describe: {missing}"


def test_the_worked_example_passes_the_loader(tmp_path):
    block = WRITING.split("## A worked example", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    folder = pseudo_content(tmp_path, ())  # English only: the example is written in English first
    exercise_id = re.search(r'^id = "(\w+)"', block, re.MULTILINE).group(1)
    (folder / f"{exercise_id}.toml").write_text(block, encoding="utf-8")
    catalog = load_catalog(folder)
    assert exercise_id in catalog.exercises and len(catalog.exercises) == len(list(SCRIPTS_DIR.glob("*.toml"))) + 1


def _layers() -> list[set[str]]:
    spec = importlib.util.spec_from_file_location("layers_under_test", REPO / "tests" / "test_layers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LAYERS


def test_architecture_describes_the_layers_that_test_layers_enforces():
    section = ARCHITECTURE.split("## Layers", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in section.splitlines() if re.match(r"\| \d+ \|", line)]
    documented = [set(re.findall(r"`(\w+)`", row[2])) for row in rows]
    assert documented == _layers()
    for layer in _layers():
        for package in layer:
            where = "skill/__main__.py" if package == "__main__" else None
            assert (where or f"skill/{package}") in ARCHITECTURE, f"docs/architecture.md does not place {package}"


@pytest.mark.parametrize("heading", ["## Layers", "## The path of one turn", "## State", "## Merge rules",
                                     "## Errors", "## Contracts other tools rely on", "## Where each concern lives"])
def test_architecture_keeps_the_sections_others_point_to(heading):
    assert re.search(rf"^{re.escape(heading)}$", ARCHITECTURE, re.MULTILINE), heading


def test_code_and_tests_point_to_the_documents_in_the_repository():
    old = re.compile(r"\b(PLATFORM|CONTENT|ARCHITECTURE)\.md\b|shared/")
    offenders = [str(p.relative_to(REPO)) for folder in ("skill", "tests") for p in (REPO / folder).rglob("*")
                 if p.is_file() and p.suffix in (".py", ".toml", ".json", ".md") and p.name != "test_docs.py"
                 and old.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert not offenders, f"point these to docs/ instead: {offenders}"
    for path in re.findall(r"docs/[\w-]+\.md", "\n".join(
            p.read_text(encoding="utf-8") for p in (REPO / "skill").rglob("*.py"))):
        assert (REPO / path).is_file(), path


def test_the_quick_start_is_two_commands_that_dev_py_knows():
    """README's quick start: one command sets up and runs the skill, one sets up and runs the whole suite."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]
    assert commands == ["python3 dev.py run", "python3 dev.py test"]
    dev = (REPO / "dev.py").read_text(encoding="utf-8")
    assert all(f'"{c.split()[-1]}"' in dev for c in commands)
