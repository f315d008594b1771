"""The quick run (`python3 dev.py quick`, docs/testing.md) still reaches every module of the skill.

Which test files hold a quick test is asked of pytest itself (collection with the quick run's -m); then those
files are imported in a fresh interpreter, along with every skill module their tests import inside functions,
and every module under skill/ must be among what that imported.
"""
from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _dev_py():
    spec = importlib.util.spec_from_file_location("dev_py_quick", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def skill_modules() -> set[str]:
    """Every module of the skill package, by dotted name (packages by their __init__)."""
    names = set()
    for path in (ROOT / "skill").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def quick_test_files() -> list[str]:
    """The test files with at least one test in the quick run, as pytest collects it."""
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", "-p",
                          "no:cacheprovider", "-m", _dev_py().QUICK_MARKERS], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    return sorted({line.split("::")[0] for line in out.stdout.splitlines() if "::" in line})


def imported_inside(path: Path) -> set[str]:
    """The skill modules a test file names in any import statement, at top level or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("skill"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("skill"):
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)  # a submodule named in the list
    return names


def test_every_skill_module_is_imported_by_a_quick_test():
    files = quick_test_files()
    assert "tests/test_quick_run.py" in files and len(files) > 30, files
    extra = sorted(set().union(*(imported_inside(ROOT / f) for f in files)))
    script = ("import importlib, sys\n"
              f"for name in {[f[:-3].replace('/', '.') for f in files] + extra!r}:\n"
              "    try:\n        importlib.import_module(name)\n"
              "    except ModuleNotFoundError as exc:\n"
              "        if exc.name != name: raise  # a name imported from a module, not a module\n"
              "print('\\n'.join(m for m in sys.modules if m == 'skill' or m.startswith('skill.')))\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    missing = skill_modules() - set(out.stdout.split())
    assert not missing, f"no quick test imports these modules: {sorted(missing)}"
