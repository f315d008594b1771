#!/usr/bin/env python3
"""Safe Harbor developer bootstrap. Standard library only; needs nothing but Python 3.11+.

    python3 dev.py run [ARGS]     set up, then run the skill locally: python -m skill serve --dev
                                  (http://127.0.0.1:8080, embedded SQLite store); ARGS go to `serve`
    python3 dev.py chat [ARGS]    set up, then talk to the skill in a text console: python -m skill chat
    python3 dev.py studio [ARGS]  set up, then open the review studio: python -m skill studio (http://127.0.0.1:8090)
    python3 dev.py test [ARGS]    set up, then run the whole test suite: python -m pytest -n auto ARGS
    python3 dev.py quick [ARGS]   the same without the slow, browser and OVOS tests (docs/testing.md)
    python3 dev.py bench [ARGS]   set up, then run the benchmarks: python -m bench ARGS (see bench/README.md)

"Set up" means: create .venv in the repository if it is missing (python -m venv), and install the project into it
with what the command needs. `run`, `chat` and `studio` need only the project: `pip install -e .`. `test`, `quick`,
`bench` and `setup` (what CI calls) also need the test tools and the pinned OpenVoiceOS packages the OVOS skill's tests run
on: `pip install -e ".[test,ovos]"`. A stamp file inside .venv remembers the pyproject.toml it installed from and
which extras it installed, so `run` after `test` installs nothing, `test` after `run` adds the extras, and any
change to pyproject.toml reinstalls (keeping the extras already there). Every command runs from the repository root.
"""
# Keep this file parseable by old Pythons (even 2.7), so that they reach the version check in main().
from __future__ import print_function

import hashlib
import os
import shutil
import subprocess
import sys

MIN_PYTHON = (3, 11)
ROOT = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(ROOT, ".venv")
WINDOWS = os.name == "nt"
VENV_PYTHON = os.path.join(VENV, "Scripts", "python.exe") if WINDOWS else os.path.join(VENV, "bin", "python")
PYPROJECT = os.path.join(ROOT, "pyproject.toml")
STAMP = os.path.join(VENV, ".safe-harbor-installed")
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", "8080"
PYTEST_NO_TESTS = 5
# The quick run: every module, none of the tests marked (by tests/conftest.py) as slow, browser or ovos.
QUICK_MARKERS = "not slow and not browser and not ovos"
# The extras each command installs along with the project. Running needs none; the tests (and the benchmarks, which
# use moto) need the test tools and the OVOS packages. tests/test_dev_extras.py holds run/chat/studio to no extras.
RUN_EXTRAS = ()
TEST_EXTRAS = ("test", "ovos")
COMMAND_EXTRAS = {"run": RUN_EXTRAS, "chat": RUN_EXTRAS, "studio": RUN_EXTRAS,
                  "test": TEST_EXTRAS, "quick": TEST_EXTRAS, "bench": TEST_EXTRAS, "setup": TEST_EXTRAS}
EXTRA_ORDER = ("test", "ovos")  # how extras are written in a pip requirement and in the stamp

USAGE = """usage: python3 dev.py {run,chat,studio,test,quick,bench,setup} [ARGS...]

  run    run the skill locally on http://127.0.0.1:8080 (dev mode, SQLite store); ARGS go to `python -m skill serve`
  chat   a text console that plays the skill as a speaker would; ARGS go to `python -m skill chat`
  studio the review studio on http://127.0.0.1:8090: see, hear, try and sign off every exercise;
         ARGS go to `python -m skill studio` (e.g. --port 8091)
  test   the whole test suite, on every core (pytest -n auto); ARGS go to pytest (e.g. -x, -k store, -n 0)
  quick  the quick run: the suite without the tests marked slow, browser or ovos (a few minutes; docs/testing.md)
  bench  the benchmarks; ARGS go to `python -m bench` (see bench/README.md)
  setup  only create .venv and install the project with its test and OVOS tools (what CI calls first)

Each command first creates .venv if missing and installs into it what it needs: run, chat and studio the project
alone (pip install -e .); test, quick, bench and setup also its test and OVOS extras (pip install -e ".[test,ovos]").
It installs again only when pyproject.toml changed or the command needs extras not installed yet."""


def say(message):
    sys.stderr.write("dev.py: " + message + "\n")
    sys.stderr.flush()


def fail(message, code=1):
    say(message)
    sys.exit(code)


def check_python():
    if sys.version_info[:2] < MIN_PYTHON:
        fail("Safe Harbor needs Python %d.%d or newer; this is %s (%s).\n"
             "        Install a newer Python (https://www.python.org/downloads/) and run this script with it, "
             "e.g. python3.12 dev.py ..." % (MIN_PYTHON + (sys.version.split()[0], sys.executable)))


def pyproject_digest():
    with open(PYPROJECT, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def legacy_digest():
    """The stamp older dev.py versions wrote after installing `.[test,ovos]` (one line, a digest)."""
    with open(PYPROJECT, "rb") as fh:
        return hashlib.sha256(fh.read() + b"\nextras=test,ovos").hexdigest()


def ordered(extras):
    """Extras as a tuple in a stable order (the known ones first, then any other alphabetically)."""
    extras = set(extras)
    return tuple(e for e in EXTRA_ORDER if e in extras) + tuple(sorted(extras - set(EXTRA_ORDER)))


def requirement(extras):
    """What pip installs: `.` alone, or `.[test,ovos]`."""
    return ".[%s]" % ",".join(ordered(extras)) if extras else "."


def read_stamp():
    """(pyproject digest, extras installed) from the stamp in .venv, or (None, ()) when there is none."""
    try:
        with open(STAMP, encoding="utf-8") as fh:
            lines = fh.read().split()
    except OSError:
        return None, ()
    fields = dict(line.split("=", 1) for line in lines if "=" in line)
    if "pyproject" in fields:
        return fields["pyproject"], ordered(e for e in fields.get("extras", "").split(",") if e)
    if lines and lines[0] == legacy_digest():  # a .venv set up by an older dev.py: it holds .[test,ovos]
        return pyproject_digest(), TEST_EXTRAS
    return None, ()


def write_stamp(digest, extras):
    with open(STAMP, "w", encoding="utf-8") as fh:
        fh.write("pyproject=%s\nextras=%s\n" % (digest, ",".join(ordered(extras))))


def plan_install(stamp, digest, needed):
    """The extras to install now (a tuple; None when nothing needs installing), given the stamp (digest, extras),
    pyproject.toml's digest today and the extras the command needs. Extras already installed stay installed: a
    changed pyproject.toml reinstalls them too, so .venv stays one coherent set."""
    stamped_digest, installed = stamp
    if stamped_digest == digest:
        if set(needed) <= set(installed):
            return None
        return ordered(set(installed) | set(needed))
    return ordered((set(installed) if stamped_digest is not None else set()) | set(needed))


def create_venv():
    fresh = not os.path.isdir(VENV)
    if fresh:
        say("creating the virtual environment in .venv (once) ...")
    else:
        say(".venv's Python is missing, broken or older than %d.%d; recreating .venv ..." % MIN_PYTHON)
    command = [sys.executable, "-m", "venv"] + ([] if fresh else ["--clear"]) + [VENV]
    if subprocess.call(command) != 0 or not os.path.exists(VENV_PYTHON):
        if fresh and os.path.isdir(VENV):
            shutil.rmtree(VENV, ignore_errors=True)  # leave no half-made venv behind
        hint = ""
        if sys.platform.startswith("linux"):
            hint = ("\n        On Debian or Ubuntu the venv module is a separate package: "
                    "sudo apt install python3-venv (or python3.X-venv for your version).")
        fail("could not create .venv with %s -m venv.%s" % (sys.executable, hint))


def venv_python_ok():
    """The venv's interpreter exists, starts, and is new enough (an old .venv may predate 3.11)."""
    if not os.path.exists(VENV_PYTHON):
        return False
    try:
        out = subprocess.run([VENV_PYTHON, "-c", "import sys; print(sys.version_info >= %r)" % (MIN_PYTHON,)],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip() == "True"


def setup(needed=TEST_EXTRAS):
    """Make sure .venv exists and holds the project as pyproject.toml describes it now, with the extras needed."""
    if not venv_python_ok():
        create_venv()
        stamp = (None, ())  # a new or recreated .venv holds nothing yet
    else:
        stamp = read_stamp()
    digest = pyproject_digest()
    extras = plan_install(stamp, digest, needed)
    if extras is None:
        return
    target = requirement(extras)
    if not extras:
        message = "installing the project into .venv"
    elif stamp[0] == digest:
        message = "adding the test and OVOS tools to .venv"
    else:
        message = "installing the project and its test and OVOS tools into .venv"
    say('%s: pip install -e "%s" ...' % (message, target))
    # pip reports on stderr: this command's own output (usage, the skill's) stays first and clean on stdout.
    sys.stdout.flush()
    code = subprocess.call([VENV_PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-e", target],
                           cwd=ROOT, stdout=sys.stderr)
    if code != 0:
        fail("pip install failed (exit %d); see pip's output above. Check your network or proxy and retry." % code,
             code)
    write_stamp(digest, extras)


def run_in_venv(args):
    """Run the venv's Python with args and return its exit code."""
    try:
        return subprocess.call([VENV_PYTHON] + args, cwd=ROOT)
    except KeyboardInterrupt:
        return 130


def exec_in_venv(args):
    """Replace this process with the venv's Python (so Ctrl+C and signals reach it directly)."""
    sys.stdout.flush()
    sys.stderr.flush()
    if WINDOWS:  # os.exec* on Windows starts a new process and returns to the shell early; wait instead
        sys.exit(run_in_venv(args))
    os.chdir(ROOT)
    os.execv(VENV_PYTHON, [VENV_PYTHON] + args)


def option_value(args, name, default):
    """The last value given for --name in args (either `--name V` or `--name=V`), else default."""
    value = default
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(name + "="):
            value = arg.split("=", 1)[1]
    return value


def port_in_use(host, port):
    """True when something already listens on host:port (a second `dev.py run`, say)."""
    import socket

    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except (OSError, ValueError):
        return False


def cmd_run(extra):
    if "-h" in extra or "--help" in extra:
        exec_in_venv(["-m", "skill", "serve", "--help"])
    host = option_value(extra, "--host", DEFAULT_HOST)
    port = option_value(extra, "--port", DEFAULT_PORT)
    if port_in_use(host, port):
        fail("port %s on %s is already in use (is Safe Harbor already running?); stop it, or pass --port N." %
             (port, host))
    print("Safe Harbor: starting on http://%s:%s (Ctrl+C stops it). Try `python3 dev.py chat` in another "
          "terminal, or: curl http://%s:%s/healthz" % (host, port, host, port), flush=True)
    exec_in_venv(["-m", "skill", "serve", "--dev", "--host", DEFAULT_HOST, "--port", DEFAULT_PORT] + extra)


def cmd_chat(extra):
    exec_in_venv(["-m", "skill", "chat"] + extra)


def cmd_studio(extra):
    exec_in_venv(["-m", "skill", "studio"] + extra)


def workers(extra):
    """pytest-xdist's `-n auto` (a worker per core), unless ARGS choose the workers or turn xdist off."""
    for arg in extra:
        if arg.startswith(("-n", "--numprocesses", "--dist")) or arg in ("no:xdist", "-pno:xdist"):
            return []
    return ["-n", "auto"]


def cmd_test(extra):
    code = run_in_venv(["-m", "pytest"] + workers(extra) + extra)
    if code == PYTEST_NO_TESTS:
        say("pytest collected no tests (exit 5): counted as a failure. Check the test paths and -k/-m filters.")
        return 1
    return code


def cmd_quick(extra):
    return cmd_test(["-m", QUICK_MARKERS] + extra)


def cmd_bench(extra):
    if not os.path.isdir(os.path.join(ROOT, "bench")):
        fail("no bench/ folder in this checkout.")
    exec_in_venv(["-m", "bench"] + extra)


def cmd_setup(extra):
    return 0  # main() has already set up .venv


COMMANDS = {"run": cmd_run, "chat": cmd_chat, "studio": cmd_studio, "test": cmd_test, "quick": cmd_quick,
            "bench": cmd_bench, "setup": cmd_setup}


def main(argv):
    check_python()
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if argv else 2
    command, extra = argv[0], argv[1:]
    if command not in COMMANDS:
        print(USAGE, file=sys.stderr)
        fail("unknown command %r." % command, 2)
    if extra[:1] == ["--"]:
        extra = extra[1:]
    setup(COMMAND_EXTRAS[command])
    return COMMANDS[command](extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
