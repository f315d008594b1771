"""One benchmark target as a process: ``python -m bench.server --target skill|baseline --port P --ca DIR``.

Production form: ``Settings.from_env(dev=False)`` (SKILL_ID, SKILL_HASH_SECRET and SKILL_STORE come from
the environment), waitress, every request verified. The verifier is the test CA's (as
``skill.alexa.localca.TestAlexaCA.make_verifier`` builds it), trusting the root and serving the
chain that the driver wrote to DIR, because the driver signs with keys made in its own process.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cryptography import x509

from skill.alexa.verify import CertificateFetcher, RequestVerifier
from skill.alexa.localca import SKILL_ID


def shared_verifier(ca_dir: Path) -> RequestVerifier:
    root = x509.load_pem_x509_certificate((ca_dir / "root.pem").read_bytes())
    chain_pem = (ca_dir / "chain.pem").read_bytes()
    fetcher = CertificateFetcher(fetch=lambda url: chain_pem, ttl_seconds=3600.0, clock=time.time)
    return RequestVerifier([SKILL_ID], fetcher=fetcher, trust_roots=[root], clock=time.time)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server")
    parser.add_argument("--target", choices=["skill", "baseline", "baseline-sqlite"], required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--ca", type=Path, required=True, help="folder with root.pem and chain.pem")
    args = parser.parse_args(argv)

    from waitress import serve

    from skill.config import Settings
    from skill.alexa.web import create_app
    from skill.alexa.skill import build
    from skill.logs import configure_logging

    configure_logging()  # as `python -m skill serve` does; only the skill logs turns
    settings = Settings.from_env(dev=False)
    if args.target == "skill":
        from skill.audio import FILES_DIR

        skill, _services = build(settings)
        app = create_app(settings, skill, verifier=shared_verifier(args.ca), audio_dir=FILES_DIR)
        from skill.__main__ import settle_memory

        settle_memory()  # as `python -m skill serve` does
    elif args.target == "baseline-sqlite":
        from .baseline import build_baseline, create_baseline_app

        path = Path(settings.store_url.removeprefix("sqlite:///"))
        app = create_baseline_app(shared_verifier(args.ca), build_baseline(state=path))
    else:
        from .baseline import create_baseline_app

        app = create_baseline_app(shared_verifier(args.ca))
    serve(app, host="127.0.0.1", port=args.port, threads=args.threads, ident=f"bench-{args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
