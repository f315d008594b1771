"""The quick start's `run` installs what running needs and no more (issue 25, item 1).

dev.py installs the project alone for `run`, `chat` and `studio`, and adds the `test` and `ovos` extras for `test`,
`bench` and `setup` (what CI calls). These tests hold dev.py to that, check its stamp (what is installed, so `run`
after `test` installs nothing and `test` after `run` adds the extras), and check that the run path itself (serve,
chat, studio, model check) imports no package that only the extras bring, even when they are installed here.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN_COMMANDS = ("run", "chat", "studio")
TEST_COMMANDS = ("test", "quick", "bench", "setup")
# Top-level modules that only the `test` and `ovos` extras bring (and what they pull in: scikit-learn's numpy and
# scipy, cfn-lint's sympy). None may be imported by the run path.
EXTRAS_ONLY = ("pytest", "_pytest", "hypothesis", "moto", "playwright", "axe_playwright_python", "cfnlint",
               "samtranslator", "ovoscope", "ovos", "padacioso", "sklearn", "scipy", "numpy", "sympy", "joblib")


def load_dev():
    spec = importlib.util.spec_from_file_location("dev_py_under_test", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def dev():
    return load_dev()


def test_run_chat_and_studio_install_no_extras(dev):
    for command in RUN_COMMANDS:
        assert dev.COMMAND_EXTRAS[command] == (), command
        assert dev.requirement(dev.COMMAND_EXTRAS[command]) == "."


def test_test_bench_and_setup_install_the_test_and_ovos_extras(dev):
    for command in TEST_COMMANDS:
        assert dev.COMMAND_EXTRAS[command] == ("test", "ovos"), command
        assert dev.requirement(dev.COMMAND_EXTRAS[command]) == ".[test,ovos]"
    assert set(dev.COMMAND_EXTRAS) == set(dev.COMMANDS)


def test_the_extras_dev_py_names_are_the_ones_pyproject_declares(dev):
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert set(dev.TEST_EXTRAS) <= set(declared)


def test_no_test_or_ovos_package_is_a_run_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    name = lambda req: req.split(";")[0].split("[")[0].split("=")[0].split("<")[0].split(">")[0].strip().lower()
    run_deps = {name(r) for r in project["dependencies"]}
    extras = {name(r) for reqs in project["optional-dependencies"].values() for r in reqs}
    assert not run_deps & extras


def test_main_sets_up_each_command_with_its_extras(dev, monkeypatch):
    asked = []
    monkeypatch.setattr(dev, "setup", lambda needed: asked.append(needed))
    monkeypatch.setattr(dev, "COMMANDS", {command: (lambda extra: 0) for command in dev.COMMANDS})
    for command in RUN_COMMANDS + TEST_COMMANDS:
        assert dev.main([command]) == 0
    assert asked == [()] * len(RUN_COMMANDS) + [("test", "ovos")] * len(TEST_COMMANDS)


class FakeVenv:
    """dev.setup against a stamp in tmp_path and a pip that only records what it was asked to install."""

    def __init__(self, dev, tmp_path, monkeypatch):
        self.dev, self.installs = dev, []
        self.pyproject = tmp_path / "pyproject.toml"
        self.pyproject.write_bytes((ROOT / "pyproject.toml").read_bytes())
        monkeypatch.setattr(dev, "PYPROJECT", str(self.pyproject))
        monkeypatch.setattr(dev, "STAMP", str(tmp_path / ".safe-harbor-installed"))
        monkeypatch.setattr(dev, "venv_python_ok", lambda: True)
        monkeypatch.setattr(dev, "create_venv", lambda: pytest.fail("the venv exists"))
        monkeypatch.setattr(dev.subprocess, "call", self.pip)

    def pip(self, command, cwd=None, stdout=None):
        assert command[1:5] == ["-m", "pip", "install", "--disable-pip-version-check"], command
        self.installs.append(command[-1])
        return 0

    def command(self, name):
        self.dev.setup(self.dev.COMMAND_EXTRAS[name])
        installs, self.installs = self.installs, []
        return installs


def test_run_then_test_then_run_installs_only_what_is_missing(dev, tmp_path, monkeypatch):
    venv = FakeVenv(dev, tmp_path, monkeypatch)
    assert venv.command("run") == ["."]
    assert venv.command("run") == []
    assert venv.command("chat") == []
    assert venv.command("test") == [".[test,ovos]"]  # adds the extras
    assert venv.command("run") == []  # after test: nothing uninstalled, nothing reinstalled
    assert venv.command("studio") == []
    assert venv.command("bench") == []


def test_test_first_then_run_installs_nothing(dev, tmp_path, monkeypatch):
    venv = FakeVenv(dev, tmp_path, monkeypatch)
    assert venv.command("setup") == [".[test,ovos]"]
    assert venv.command("run") == []
    assert venv.command("test") == []


def test_a_changed_pyproject_reinstalls_keeping_the_extras_installed(dev, tmp_path, monkeypatch):
    venv = FakeVenv(dev, tmp_path, monkeypatch)
    assert venv.command("run") == ["."]
    venv.pyproject.write_text(venv.pyproject.read_text() + "\n# changed\n")
    assert venv.command("run") == ["."]
    assert venv.command("test") == [".[test,ovos]"]
    venv.pyproject.write_text(venv.pyproject.read_text() + "\n# changed again\n")
    assert venv.command("run") == [".[test,ovos]"]  # the extras there are brought up to date too
    assert venv.command("test") == []


def test_a_stamp_from_the_older_dev_py_counts_as_the_test_and_ovos_extras(dev, tmp_path, monkeypatch):
    venv = FakeVenv(dev, tmp_path, monkeypatch)
    Path(dev.STAMP).write_text(dev.legacy_digest() + "\n")
    assert venv.command("run") == []
    assert venv.command("test") == []


def test_a_failed_install_leaves_the_stamp_as_it_was(dev, tmp_path, monkeypatch):
    venv = FakeVenv(dev, tmp_path, monkeypatch)
    assert venv.command("run") == ["."]
    before = Path(dev.STAMP).read_text()
    monkeypatch.setattr(dev.subprocess, "call", lambda command, cwd=None, stdout=None: 1)
    with pytest.raises(SystemExit):
        dev.setup(dev.COMMAND_EXTRAS["test"])
    assert Path(dev.STAMP).read_text() == before


# --------------------------------------------------------------------------- the run path's imports

GUARD = textwrap.dedent("""
    import importlib.abc, sys

    BANNED = %r
    tried = []

    class Guard(importlib.abc.MetaPathFinder):
        # Refuses (and records) any import of a package only the test and ovos extras bring.
        def find_spec(self, name, path=None, target=None):
            top = name.split(".")[0]
            if top in BANNED or top.startswith("ovos_"):
                tried.append(name)
                raise ImportError(f"{name} comes only with the test/ovos extras")
            return None

    sys.meta_path.insert(0, Guard())

    def report(code):
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in BANNED or m.startswith("ovos_"))
        print("TRIED", sorted(set(tried)))
        print("LOADED", loaded)
        sys.stdout.flush()
        return code
""") % (EXTRAS_ONLY,)


def run_guarded(tmp_path, body: str, stdin: str = "") -> subprocess.CompletedProcess:
    from tests.test_cli import cli_env

    script = GUARD + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=cli_env(tmp_path), input=stdin,
                          capture_output=True, text=True, timeout=180)


def assert_clean(result):
    assert result.returncode == 0, result.stderr[-3000:]
    assert "TRIED []" in result.stdout, result.stdout[-2000:]
    assert "LOADED []" in result.stdout, result.stdout[-2000:]


def test_serve_chat_and_studio_import_no_test_or_ovos_package(tmp_path):
    result = run_guarded(tmp_path, """
        import skill.__main__ as cli, skill.alexa.web, skill.console.chat, skill.studio.server

        app = cli._app(cli._settings(True, "http://127.0.0.1:8080/audio"), quiet=True)  # what `serve --dev` serves
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        studio = skill.studio.server.create_app().test_client()
        assert studio.get("/", headers={"Host": "127.0.0.1:8090"}).status_code == 200
        sys.exit(report(0))
    """)
    assert_clean(result)


def test_the_chat_console_runs_with_no_test_or_ovos_package(tmp_path):
    result = run_guarded(tmp_path, """
        import io
        from skill.__main__ import main

        out = io.StringIO()
        sys.stdout, real = out, sys.stdout
        code = main(["chat"])
        sys.stdout = real
        assert "alexa>" in out.getvalue(), out.getvalue()
        sys.exit(report(code))
    """, stdin="open safe harbor\nhelp me ground\nnext\nyellow\nquit\n")
    assert_clean(result)


def test_model_check_works_without_scikit_learn(tmp_path):
    result = run_guarded(tmp_path, """
        from skill.__main__ import main

        sys.exit(report(main(["model", "check"])))
    """)
    assert_clean(result)
    assert "classifier models: match the source" in result.stdout


def test_model_build_without_scikit_learn_says_how_to_get_it_and_writes_nothing(tmp_path):
    models = ROOT / "skill" / "understanding" / "models"
    before = {path: path.read_bytes() for path in models.glob("*.json")}
    result = run_guarded(tmp_path, """
        from skill.__main__ import main

        sys.exit(main(["model", "build"]))
    """)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "scikit-learn" in result.stderr
    assert "python3 dev.py test" in result.stderr and 'pip install -e ".[test]"' in result.stderr
    assert "wrote" not in result.stdout
    assert {path: path.read_bytes() for path in models.glob("*.json")} == before


def test_test_runs_on_every_core_unless_told_and_quick_leaves_out_the_marked_tests(dev, monkeypatch):
    ran = []
    monkeypatch.setattr(dev, "run_in_venv", lambda args: ran.append(args) or 0)
    assert dev.cmd_test(["-x"]) == 0 and dev.cmd_test(["-n", "0"]) == 0 and dev.cmd_test(["-p", "no:xdist"]) == 0
    assert ran == [["-m", "pytest", "-n", "auto", "-x"], ["-m", "pytest", "-n", "0"], ["-m", "pytest", "-p", "no:xdist"]]
    ran.clear()
    assert dev.cmd_quick(["-k", "store"]) == 0
    assert ran == [["-m", "pytest", "-n", "auto", "-m", "not slow and not browser and not ovos", "-k", "store"]]
    monkeypatch.setattr(dev, "run_in_venv", lambda args: dev.PYTEST_NO_TESTS)
    assert dev.cmd_quick([]) == 1  # no tests collected is a failure
