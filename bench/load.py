"""Load for the benchmark: target processes, simulated people over keep-alive HTTP, and the numbers.

A person is a ``bench.person.Person`` (the product's Alexa request builder, signed by the local CA, session
attributes carried back as Alexa does) whose client is a keep-alive ``http.client`` connection. Only the HTTP exchange is timed; building
and signing the request happen before the clock starts.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from skill.alexa.localca import SKILL_ID, alexa_ca, encode, launch_request
from skill.core.identity import request_digest

from .person import SCRIPT, Person  # noqa: F401  (SCRIPT: the sessions' script, for reports)

REPO = Path(__file__).resolve().parents[1]
HASH_SECRET = "bench-hash-secret-0123456789abcdef"
START_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 10.0

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- target processes


@dataclass
class Target:
    """One server process: ``bench.server`` for the skill (on some store) or for the baseline."""

    name: str
    kind: str  # "skill" | "baseline" | "baseline-sqlite" (bench.server --target)
    env: dict[str, str]
    ca_dir: Path
    log_path: Path
    threads: int = 8
    port: int = 0
    proc: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> float:
        """Start the process; with ``wait``, return seconds until /healthz answers."""
        self.port = free_port()
        env = {**os.environ, **self.env, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("AWS_PROFILE", None)
        self._log = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.server", "--target", self.kind, "--port", str(self.port),
             "--threads", str(self.threads), "--ca", str(self.ca_dir)],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log)
        if wait:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not self._healthy():
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: {self.tail()}")
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{self.name} did not answer within {START_TIMEOUT_S} s: {self.tail()}")
                time.sleep(0.05)
        return time.perf_counter() - t0

    def _healthy(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # waitress shuts down cleanly on KeyboardInterrupt
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None

    def tail(self) -> str:
        try:
            return self.log_path.read_bytes()[-1500:].decode("utf-8", "replace")
        except OSError:
            return ""


# --------------------------------------------------------------------------- a keep-alive client


class _Reply:
    def __init__(self, status: int, raw: bytes):
        self.status_code, self._raw = status, raw

    def get_data(self) -> bytes:
        return self._raw


_REQUEST_ID = re.compile(rb'"requestId": "([^"]+)"')


class HttpClient:
    """What a ``Person`` needs of a Flask test client (``post``), over one keep-alive connection.

    Each POST's wall time (send to last byte read) goes to ``record(target, seconds, status, kind)``.
    """

    def __init__(self, port: int, target: str, record: Callable[..., None]):
        self.port, self.target, self.record = port, target, record
        self.conn: http.client.HTTPConnection | None = None
        self.kind = "?"  # what the person is saying now, set by the person before each turn
        self.session_of: dict[str, str] = {}  # request id -> session id, to count per session
        self.person: Person | None = None

    def post(self, path: str, data: bytes, headers: dict[str, str], content_type: str) -> _Reply:
        headers = {**headers, "Content-Type": content_type, "Content-Length": str(len(data))}
        match = _REQUEST_ID.search(data)
        session_id = self.person.conversation.session_id if self.person is not None else None
        if match and session_id:
            self.session_of[match.group(1).decode()] = session_id
        for attempt in (1, 2):  # a keep-alive connection the server closed: reconnect once, untimed
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
                self.conn.connect()
            t0 = time.perf_counter()
            try:
                self.conn.request("POST", path, body=data, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    self.record(self.target, time.perf_counter() - t0, 0, self.kind)
                    return _Reply(599, b"")
                continue
            elapsed = time.perf_counter() - t0
            if resp.will_close:
                self.close()
            self.record(self.target, elapsed, resp.status, self.kind)
            return _Reply(resp.status, raw)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --------------------------------------------------------------------------- the load, round-robin


@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    busy_seconds: float = 0.0  # wall time during which this target was under load
    cpu_seconds: float = 0.0  # CPU time its server process spent meanwhile (user + system; nan if unknown)


class Load:
    """``concurrency`` people per target, driven in short rounds that visit the targets in turn."""

    def __init__(self, targets: list[Target], concurrency: int, api_endpoint: str):
        self.targets = targets
        self.concurrency = concurrency
        self.samples = {t.name: Samples() for t in targets}
        self.recording = False
        self.people = {
            t.name: [self._person(i + 1, HttpClient(t.port, t.name, self._record), api_endpoint)
                     for i in range(concurrency)]
            for t in targets
        }

    @staticmethod
    def _person(number: int, client: HttpClient, api_endpoint: str) -> Person:
        person = Person(number, client, api_endpoint)
        client.person = person
        return person

    def _record(self, target: str, seconds: float, status: int, kind: str) -> None:
        if not self.recording:
            return
        s = self.samples[target]
        if status != 200:
            s.errors += 1
            return
        s.latencies.append(seconds)  # list.append is atomic under the GIL
        s.by_kind.setdefault(kind, []).append(seconds)

    def _drive(self, target: Target, seconds: float) -> float:
        stop_at = time.perf_counter() + seconds

        def person_loop(person: Person) -> None:
            while time.perf_counter() < stop_at:
                person.turn()

        threads = [threading.Thread(target=person_loop, args=(p,), daemon=True) for p in self.people[target.name]]
        t0 = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=seconds + 4 * REQUEST_TIMEOUT_S)
        return time.perf_counter() - t0

    def warm_up(self, seconds: float) -> None:
        self.recording = False
        for target in self.targets:
            self._drive(target, seconds)

    def run(self, seconds_per_target: float, round_seconds: float, progress: Callable[[str], None]) -> None:
        rounds = max(1, round(seconds_per_target / round_seconds))
        per_round = seconds_per_target / rounds
        self.recording = True
        for r in range(rounds):
            order = self.targets[r % len(self.targets):] + self.targets[:r % len(self.targets)]
            for target in order:
                cpu = process_cpu_seconds(target.proc)
                self.samples[target.name].busy_seconds += self._drive(target, per_round)
                self.samples[target.name].cpu_seconds += process_cpu_seconds(target.proc) - cpu
            if (r + 1) % max(1, rounds // 5) == 0:
                progress(f"  round {r + 1}/{rounds}")
        self.recording = False

    def close(self) -> None:
        for people in self.people.values():
            for person in people:
                person.client.close()

    def session_map(self, target: str) -> dict[str, str]:
        merged: dict[str, str] = {}
        for person in self.people[target]:
            merged.update(person.client.session_of)
        return merged


def process_cpu_seconds(proc: subprocess.Popen | None) -> float:
    """CPU time (user + system, seconds) a running process has used so far, from /proc (Linux), at the
    kernel's clock-tick resolution (10 ms); nan where /proc is not there."""
    try:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    except (AttributeError, OSError, IndexError, ValueError):
        return float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(s: Samples) -> dict:
    ms = [x * 1000 for x in s.latencies]
    return {
        "requests": len(ms), "errors": s.errors,
        "p50_ms": percentile(ms, 0.50), "p90_ms": percentile(ms, 0.90), "p99_ms": percentile(ms, 0.99),
        "mean_ms": statistics.fmean(ms) if ms else float("nan"),
        "rps": len(ms) / s.busy_seconds if s.busy_seconds else float("nan"),
        "cpu_ms_per_request": 1000 * s.cpu_seconds / len(ms) if ms else float("nan"),
        "by_kind_p50_ms": {k: percentile([x * 1000 for x in v], 0.5) for k, v in sorted(s.by_kind.items())},
        "by_kind_p99_ms": {k: percentile([x * 1000 for x in v], 0.99) for k, v in sorted(s.by_kind.items())},
    }


# --------------------------------------------------------------------------- the skill's turn log


def store_operations(log_path: Path, session_of: dict[str, str]) -> dict:
    """Reads and writes per turn (by kind) and per session, from the JSON turn lines on stderr.

    ``session_of``: Alexa request id -> session id. A turn line names its request by a keyed digest of the id
    (skill.core.identity.request_digest, for_log), which the bench can compute: it started the skill with
    HASH_SECRET."""
    session_by_digest = {request_digest(HASH_SECRET.encode(), rid, for_log=True): session
                         for rid, session in session_of.items()}
    turns = []
    for line in log_path.read_text("utf-8", "replace").splitlines():
        if '"event":"turn"' not in line:  # every line is JSON; the turn lines carry this event
            continue
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("event") == "turn":
            turns.append(data)
    if not turns:
        return {"turns": 0}
    by_kind: dict[str, dict] = {}
    sessions: dict[str, dict[str, int]] = {}
    inside_ms = []
    for t in turns:
        store = t.get("store") or {}
        kind = t.get("intent") or t.get("type") or "?"
        entry = by_kind.setdefault(kind, {"turns": 0, "reads": 0, "writes": 0, "max_writes": 0,
                                          "writing_turns": 0})
        entry["turns"] += 1
        entry["reads"] += store.get("reads", 0)
        entry["writes"] += store.get("writes", 0)
        entry["max_writes"] = max(entry["max_writes"], store.get("writes", 0))
        entry["writing_turns"] += 1 if store.get("writes", 0) else 0
        if "latency_ms" in t:
            inside_ms.append(t["latency_ms"])
        session = session_by_digest.get(t.get("request"))
        if session is not None:
            per = sessions.setdefault(session, {"reads": 0, "writes": 0, "turns": 0})
            per["reads"] += store.get("reads", 0)
            per["writes"] += store.get("writes", 0)
            per["turns"] += 1
    reads = sum(e["reads"] for e in by_kind.values())
    writes = sum(e["writes"] for e in by_kind.values())
    session_reads = [s["reads"] for s in sessions.values()]
    return {
        "turns": len(turns),
        "reads_per_turn": reads / len(turns),
        "writes_per_turn": writes / len(turns),
        "max_writes_in_a_turn": max(e["max_writes"] for e in by_kind.values()),
        "failed_turns": sum(1 for t in turns if (t.get("store") or {}).get("failed")),
        "sessions": len(sessions),
        "reads_per_session": statistics.fmean(session_reads) if session_reads else float("nan"),
        "max_reads_in_a_session": max(session_reads) if session_reads else None,
        "writes_per_session": statistics.fmean(s["writes"] for s in sessions.values()) if sessions else float("nan"),
        "by_kind": by_kind,
        "in_skill_p50_ms": percentile(inside_ms, 0.5),
        "in_skill_p99_ms": percentile(inside_ms, 0.99),
    }


# --------------------------------------------------------------------------- cold start


def first_answer_seconds(target: Target) -> float:
    """Process start to the first 200 for a signed LaunchRequest."""
    body = encode(launch_request(SKILL_ID))
    headers = {**alexa_ca().signed_headers(body), "Content-Type": "application/json"}
    t0 = time.perf_counter()
    target.start(wait=False)
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while time.monotonic() < deadline:
            if target.proc.poll() is not None:
                raise RuntimeError(f"{target.name} exited: {target.tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=REQUEST_TIMEOUT_S)
                conn.request("POST", "/alexa", body=body, headers=headers)
                status = conn.getresponse().status
                conn.close()
            except OSError:
                time.sleep(0.005)
                continue
            if status != 200:
                raise RuntimeError(f"{target.name} answered {status} on its first request")
            return time.perf_counter() - t0
        raise RuntimeError(f"{target.name} did not answer within {START_TIMEOUT_S} s")
    finally:
        target.stop()


# --------------------------------------------------------------------------- verification, in-process


def verification_cost(n: int, repeats: int = 5) -> dict:
    """Seconds per ``RequestVerifier.verify`` with a warm certificate cache, vs the same with checks off."""
    from skill.alexa.verify import RequestVerifier

    ca = alexa_ca()
    bodies = [encode(launch_request(SKILL_ID)) for _ in range(n)]
    signed = [(ca.signed_headers(b), b) for b in bodies]
    full = ca.make_verifier(SKILL_ID)
    off = RequestVerifier([SKILL_ID], check_signature=False, check_timestamp=False)
    full.verify(*signed[0])  # warm: fetch and walk the chain once
    results = {"full": [], "off": []}
    for _ in range(repeats):  # interleaved, so noise hits both
        for name, verifier in (("full", full), ("off", off)):
            t0 = time.perf_counter()
            for headers, body in signed:
                verifier.verify(headers, body)
            results[name].append((time.perf_counter() - t0) / n)
    full_us = statistics.median(results["full"]) * 1e6
    off_us = statistics.median(results["off"]) * 1e6
    return {"requests": n, "repeats": repeats, "verify_us": full_us, "checks_off_us": off_us,
            "verification_cost_us": full_us - off_us, "chain_fetches": ca.fetch_calls}


# --------------------------------------------------------------------------- stand-in for the Settings API


class _TimeZoneHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server naming)
        body = b'"Europe/Berlin"'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class TimeZoneStub:
    """The Alexa Settings API's time zone answer on loopback, so no turn leaves the machine."""

    def __enter__(self) -> str:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _TimeZoneHandler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
