"""The installed package carries every data file the skill reads: a Lambda build (SAM's `pip install` of the
project, bench/lambda_package.py) and any non-editable install get what an editable checkout has. The tests run
from an editable install, which reads the source tree, so only a real wheel shows a file left out of
`[tool.setuptools.package-data]` (Spanish content or the Echo Show's APL document once were)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory) -> set[str]:
    """The file names inside a wheel built (no dependencies, no network) from a copy of the tracked tree, so the
    build leaves nothing behind in the checkout."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    source = tmp_path_factory.mktemp("source")
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-q", "-w", str(out), str(source)], check=True, capture_output=True)
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_every_tracked_file_of_the_skill_is_in_the_wheel(wheel_files):
    tracked = subprocess.run(["git", "ls-files", "skill"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    missing = sorted(name for name in tracked if name not in wheel_files)
    assert not missing, f"left out of the wheel (pyproject.toml [tool.setuptools.package-data]): {missing[:10]}"


def test_the_wheel_holds_each_language_and_the_screen(wheel_files):
    for name in ("skill/audio_scripts/fr/grounding.toml", "skill/audio_scripts/de/common/phrases.toml",
                 "skill/alexa/apl/screen.json", "skill/understanding/models/es.json",
                 "skill/openvoiceos/locale/es-es/stop.intent"):
        assert name in wheel_files, name
    assert not any("__pycache__" in name or name.startswith("tests/") for name in wheel_files)
