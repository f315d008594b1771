"""CI keeps the tests' artifacts: .ci/keep-artifacts copies test-artifacts/ (the studio's screenshots) to
CI_ARTIFACTS_DIR and says where they are and how many, and .ci/run calls it after the tests, pass or fail."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KEEP = REPO / ".ci" / "keep-artifacts"


def _keep(cwd: Path, artifacts_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI_ARTIFACTS_DIR"}
    if artifacts_dir is not None:
        env["CI_ARTIFACTS_DIR"] = str(artifacts_dir)
    return subprocess.run(["bash", str(KEEP)], cwd=cwd, env=env, capture_output=True, text=True, timeout=30)


def _screenshots(root: Path) -> None:
    (root / "test-artifacts" / "studio").mkdir(parents=True)
    for name in ("phrases.png", "client.png", "home.png"):
        (root / "test-artifacts" / "studio" / name).write_bytes(b"\x89PNG")
    (root / "test-artifacts" / "notes.txt").write_text("x")


def test_copied_to_the_ci_folder_with_where_and_how_many(tmp_path):
    _screenshots(tmp_path)
    out = tmp_path / "collected" / "artifacts"
    run = _keep(tmp_path, out)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (out / "studio").iterdir()) == ["client.png", "home.png", "phrases.png"]
    assert (out / "notes.txt").read_text() == "x"
    assert f"test artifacts: {out.resolve()}" in run.stdout
    assert "screenshots: 3 " in run.stdout


def test_unset_means_the_repository_folder_in_place(tmp_path):
    _screenshots(tmp_path)
    run = _keep(tmp_path)
    assert run.returncode == 0, run.stderr
    assert f"test artifacts: {(tmp_path / 'test-artifacts').resolve()}" in run.stdout
    assert "screenshots: 3 " in run.stdout


def test_nothing_written_and_a_folder_it_cannot_make_never_fail_the_run(tmp_path):
    run = _keep(tmp_path, tmp_path / "out")
    assert run.returncode == 0 and "none" in run.stdout
    _screenshots(tmp_path)
    (tmp_path / "blocked").write_text("a file, not a folder")
    run = _keep(tmp_path, tmp_path / "blocked" / "out")
    assert run.returncode == 0
    assert "could not copy" in run.stderr
    assert "screenshots: 3 " in run.stdout  # still says where they are: in place


def test_ci_run_keeps_them_after_the_tests_and_keeps_the_tests_exit_code():
    lines = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()]
    wait = lines.index('wait "$!" || status=$?')
    after = [line for line in lines[wait + 1:] if line and not line.startswith("#")]
    assert after == [".ci/keep-artifacts || true", 'exit "$status"']
    assert os.access(KEEP, os.X_OK)
