"""Write the golden transcripts (tests/golden/<exercise>.txt) from the engine as it is now.

    .venv/bin/python -m tests.golden.make

Run it after an intended change to content or engine behaviour, read the diff (git diff tests/golden),
and commit the files with the change. tests/test_golden.py fails while they differ.
"""
from __future__ import annotations

from skill.core import Engine, load_catalog
from tests.support.golden import GOLDEN_DIR, transcripts


def main() -> None:
    GOLDEN_DIR.mkdir(exist_ok=True)
    wanted = transcripts(Engine(load_catalog()))
    for stale in GOLDEN_DIR.glob("*.txt"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (GOLDEN_DIR / name).write_text(text, encoding="utf-8")
        print(f"{GOLDEN_DIR / name}: {text.count(chr(10) + '> ')} turns")


if __name__ == "__main__":
    main()
