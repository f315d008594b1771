"""``python -m bench.profile [--sessions N] [--top K]``: where a turn's time goes, in one process.

The same signed sessions as the load (bench.load.SCRIPT), through Flask's test client into the
verifying app, for the baseline and for the skill on SQLite, under cProfile. No HTTP server, no
threads: this isolates the CPU a turn costs from the network and the scheduler. Prints per-turn
wall time by turn kind (unprofiled), then the top functions of the profiled skill run.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

from .load import HASH_SECRET
from .person import SCRIPT, Person


class _TimedClient:
    """Wraps Flask's test client to time each POST by the kind of turn being said."""

    def __init__(self, client, profiler: cProfile.Profile | None = None):
        self.client, self.kind, self.times, self.profiler = client, "?", {}, profiler

    def post(self, *a, **kw):
        if self.profiler:
            self.profiler.enable()  # the request only: not the client's building and signing
        t0 = time.perf_counter()
        reply = self.client.post(*a, **kw)
        if self.profiler:
            self.profiler.disable()
        self.times.setdefault(self.kind, []).append(time.perf_counter() - t0)
        return reply


def _app(kind: str, db: Path, api_endpoint: str):
    from skill.config import Settings
    from skill.alexa.web import create_app
    from skill.alexa.skill import build
    from skill.alexa.localca import SKILL_ID, alexa_ca

    from .baseline import create_baseline_app

    settings = Settings.from_env(dev=False, env={"SKILL_ID": SKILL_ID, "SKILL_HASH_SECRET": HASH_SECRET,
                                                 "SKILL_STORE": f"sqlite:///{db}"})
    verifier = alexa_ca().make_verifier(SKILL_ID)
    if kind == "skill":
        skill, services = build(settings)
        return create_app(settings, skill, verifier=verifier), services
    return create_baseline_app(verifier), None


def run_sessions(kind: str, sessions: int, people: int, db: Path, api_endpoint: str,
                 profiler: cProfile.Profile | None = None) -> dict[str, list[float]]:
    app, _services = _app(kind, db, api_endpoint)
    client = _TimedClient(app.test_client(), profiler)
    people_ = [Person(i, client, api_endpoint, prefix="PROF") for i in range(people)]
    for n in range(sessions):
        person = people_[n % people]
        for _ in SCRIPT:
            person.turn()
    return client.times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    from .load import TimeZoneStub

    work = Path(tempfile.mkdtemp(prefix="safe-harbor-profile-"))
    with TimeZoneStub() as api:
        times = {}
        for kind in ("baseline", "skill", "baseline", "skill"):  # twice each, the second run counts (warm)
            times[kind] = run_sessions(kind, args.sessions, args.people, work / f"{kind}-{time.time()}.sqlite3", api)
        print("median ms per turn, in-process (verification on, no HTTP server):")
        kinds = list(times["skill"])
        print(f"  {'':10}" + "".join(f"{k:>9}" for k in kinds) + f"{'all':>9}")
        for kind in ("baseline", "skill"):
            every = [x for v in times[kind].values() for x in v]
            print(f"  {kind:10}" + "".join(f"{statistics.median(times[kind][k]) * 1000:>9.2f}" for k in kinds)
                  + f"{statistics.median(every) * 1000:>9.2f}")
        profiler = cProfile.Profile()
        run_sessions("skill", args.sessions, args.people, work / "profiled.sqlite3", api, profiler)
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
        print(f"\n--- skill, by {order} ---")
        print("\n".join(out.getvalue().splitlines()[4:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
