"""Write the OpenVoiceOS golden transcripts in other languages (tests/golden/ovos/<locale>.txt) from the skill as it
is now, each path on a fresh device over OVOS's own bus (tests/support/ovos_golden.py).

    .venv/bin/python -m tests.golden.make_ovos

Run it after an intended change to content, catalogue or adapter, read the diff (git diff tests/golden), and commit
the files with the change. tests/test_openvoiceos_languages.py fails while they differ.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from tests.support.ovos import Device
from tests.support.ovos_golden import PATHS, golden_file, header, replay, section


def main() -> None:
    for locale, (zone, paths) in PATHS.items():
        parts = [header(locale)]
        for name, utterances in paths.items():
            with tempfile.TemporaryDirectory() as tmp:
                device = Device(Path(tmp), lang=locale, zone=zone)
                try:
                    parts.append(section(locale, name, replay(device, utterances)) + "\n")
                finally:
                    device.shutdown()
        golden_file(locale).parent.mkdir(exist_ok=True)
        golden_file(locale).write_text("\n".join(parts), encoding="utf-8")
        print(f"{golden_file(locale)}: {sum(len(u) for u in paths.values())} turns")


if __name__ == "__main__":
    main()
