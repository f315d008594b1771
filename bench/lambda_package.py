"""The Lambda deployment package's size: the project without extras and its dependencies, as a .zip package.

infra/template.yaml's ``SkillFunction`` (handler ``skill.alexa.lambda_function.handler``, python3.12, arm64) is
built by ``sam build``: the dependencies pip installs into the build folder, unpacked from wheels with no ``.pyc``,
plus the ``skill`` package. Here the same is done with ``pip install --target <tmp> --no-compile <project>`` on
a copy of ``pyproject.toml``, ``README.md`` and ``skill/`` (so pip's build leaves nothing in the repository),
for this machine's platform and Python (pure-Python wheels are the same on arm64; cryptography's differs a
little). Needs the network to PyPI; everything is built in a temporary folder that is removed afterwards.

Sizes are in bytes, the sum of the files' sizes; the report gives MiB (2**20 bytes). Target: the unzipped
package, every dependency included, within AWS Lambda's limit for a .zip deployment package, 250 MB unzipped
(https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), which Lambda enforces as
262,144,000 bytes (250 MiB).
"""
from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .load import REPO

LIMIT_BYTES = 262_144_000  # 250 MiB: Lambda's "Unzipped size must be smaller than 262144000 bytes"
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")  # the Python runtime's own boto3, with what it brings
SOURCES = ("pyproject.toml", "README.md", "skill")
# Imported from the package alone (no site-packages): the handler's module, then one utterance understood.
_CHECK = ("import sys; sys.path.insert(0, sys.argv[1]); import skill.alexa.lambda_function; "
          "from skill.understanding import reader_for; reader_for('en-US').understand('next')")


def build(target: Path, work: Path) -> None:
    """pip-installs the project (no extras) and its dependencies into ``target``; ``work`` holds the copy of
    the sources pip builds from. Raises RuntimeError with pip's last words if pip fails."""
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(REPO / name, source / name)
    out = subprocess.run([sys.executable, "-m", "pip", "install", "--target", str(target), "--no-compile",
                          "--no-input", "--disable-pip-version-check", "--quiet", str(source)],
                         capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        errors = [line for line in out.stderr.splitlines() if line.startswith("ERROR")] or [out.stderr.strip()]
        raise RuntimeError(f"pip install failed ({out.returncode}): {' '.join(errors)[-800:]}")


def tree_bytes(folder: Path) -> int:
    """Bytes: the sum of the sizes of the files under ``folder`` (links not followed)."""
    return sum(os.lstat(os.path.join(root, name)).st_size for root, _, files in os.walk(folder) for name in files)


def distribution_bytes(folder: Path) -> dict[str, int]:
    """Bytes per installed distribution in ``folder`` (its files as its RECORD lists them), largest first."""
    sizes = {}
    for dist in importlib.metadata.distributions(path=[str(folder)]):
        files = [Path(dist.locate_file(f)) for f in dist.files or ()]
        sizes[dist.metadata["Name"].lower()] = sum(p.stat().st_size for p in files if p.is_file())
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def zipped_bytes(folder: Path, archive: Path) -> int:
    """Bytes of ``folder`` zipped (deflate, zlib's default level), as the .zip Lambda receives."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = Path(root, name)
                z.write(path, path.relative_to(folder))
    return archive.stat().st_size


def import_problem(folder: Path) -> str | None:
    """None if the handler's module imports from ``folder`` alone and understands an utterance; else the error."""
    out = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", _CHECK, str(folder)], cwd=folder,
                         capture_output=True, text=True, timeout=120)
    return None if out.returncode == 0 else (out.stderr.strip().splitlines() or ["exit %d" % out.returncode])[-1]


def measure() -> dict:
    """Builds the package in a temporary folder and returns its sizes in bytes (``unzipped_bytes`` with every
    dependency, ``without_runtime_bytes`` without ``RUNTIME_PROVIDED``, ``zipped_bytes``), the size of each
    distribution, whether the package imports on its own, and ``met`` (unzipped within ``LIMIT_BYTES``)."""
    with tempfile.TemporaryDirectory(prefix="safe-harbor-package-") as tmp:
        work, target = Path(tmp), Path(tmp) / "package"
        build(target, work)
        unzipped = tree_bytes(target)
        by_dist = distribution_bytes(target)
        provided = sum(size for name, size in by_dist.items() if name in RUNTIME_PROVIDED)
        zipped = zipped_bytes(target, work / "package.zip")
        problem = import_problem(target)
    return {"unzipped_bytes": unzipped, "without_runtime_bytes": unzipped - provided, "zipped_bytes": zipped,
            "runtime_provided": list(RUNTIME_PROVIDED), "by_distribution_bytes": by_dist,
            "import_problem": problem, "limit_bytes": LIMIT_BYTES, "met": unzipped <= LIMIT_BYTES}
