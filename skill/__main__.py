"""Command line: ``python -m skill serve|chat|studio|content|store|audio|model``."""
from __future__ import annotations

import argparse
import errno
import ipaddress
import json
import signal
import sys
from pathlib import Path

LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _settings(dev: bool, local_audio: str | None = None):
    """The settings from the environment; in dev mode, hold audio defaults to this service's own /audio."""
    from dataclasses import replace

    from .config import ConfigError, Settings

    try:
        settings = Settings.from_env(dev=dev)
    except ConfigError as exc:
        sys.exit(f"safe-harbor: {exc}")
    if dev and not settings.audio_base_url and local_audio:
        settings = replace(settings, audio_base_url=local_audio)
    return settings


def _app(settings, quiet: bool = False):
    from .audio import FILES_DIR
    from .alexa.skill import build
    from .alexa.web import create_app
    from .core import ContentError
    from .logs import configure_logging, silence_logging

    silence_logging() if quiet else configure_logging()
    try:
        skill, _services = build(settings)
    except (ContentError, ValueError) as exc:
        sys.exit(f"safe-harbor: {exc}")
    return create_app(settings, skill, audio_dir=FILES_DIR)


def settle_memory() -> None:
    """After start-up: move everything loaded so far (modules, content, the skill) out of the garbage
    collector's reach, so full collections during turns walk only what turns make (20-30 ms pauses before)."""
    import gc

    gc.collect()
    gc.freeze()


def cmd_serve(args) -> int:
    if args.dev and not is_loopback(args.host):
        sys.exit(f"safe-harbor: --dev turns request verification off, so it only binds to loopback, not {args.host}.")
    settings = _settings(args.dev, f"http://{args.host}:{args.port}/audio")
    app = _app(settings)
    from waitress.server import create_server

    from .alexa.web import SERVER_SETTINGS

    mode = "DEV MODE: signature and timestamp checks are OFF" if args.dev else "verifying every request"
    try:
        server = create_server(app, host=args.host, port=args.port, threads=args.threads, **SERVER_SETTINGS)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            sys.exit(f"safe-harbor: port {args.port} on {args.host} is already in use (is Safe Harbor already "
                     "running?); stop the other server or choose another port with --port.")
        sys.exit(f"safe-harbor: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    # A JSON line like every other line on stderr.
    print(json.dumps({"level": "warning" if args.dev else "info", "logger": "skill", "event": "serving",
                      "url": f"http://{args.host}:{args.port}/alexa", "mode": mode}), file=sys.stderr, flush=True)
    settle_memory()
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop ends it as Ctrl-C does
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # the server closes its sockets and the process exits with 0


def cmd_chat(args) -> int:
    from .console.chat import run

    settings = _settings(True, "http://127.0.0.1:8080/audio")  # the console plays holds itself
    app = _app(settings, quiet=True)  # log lines would land between the console's answers
    run(app, next(iter(settings.skill_ids)), args.locale, sys.stdin, sys.stdout,
        audio_player=not args.no_audio_player, time_zone=args.time_zone, voice=args.voice)
    return 0


NO_SCIKIT_LEARN = ("`model build` trains the understanding layer's classifier with scikit-learn, which is not "
                   "installed here: `python3 dev.py run` installs only what running needs. `python3 dev.py test` "
                   "(or `pip install -e \".[test]\"`) installs the test tools, scikit-learn among them. "
                   "`model check` needs none of them.")


def classifier_tools_installed() -> bool:
    """scikit-learn, which `model build` trains the classifier with (the `test` extra), can be imported."""
    try:
        import sklearn  # noqa: F401  (build imports it anyway)
    except ImportError:
        return False
    return True


def cmd_model(action: str, repo_root: Path | None = None) -> int:
    """``model build|check``: check the content, then write (build) or compare with a fresh build (check) what
    each platform is generated from the intent catalogue: Alexa's interaction models, OVOS's intent and
    entity files, then the understanding layer's classifier (skill/understanding/build.py). Returns 0 when written or current, 1 on drift or a source that does not load (the
    message, on stderr, names the file)."""
    from .alexa import interaction_model as alexa
    from .openvoiceos import resources as ovos  # needs no OVOS package: plain files
    from .understanding import build as classifier  # build needs scikit-learn (the test extra); check does not

    if action == "build" and not classifier_tools_installed():
        print(f"error: {NO_SCIKIT_LEARN}", file=sys.stderr)
        return 1  # before writing anything, so the generated files stay one set
    root = Path(repo_root) if repo_root else alexa.REPO_ROOT
    try:
        for warning in alexa.check_content(root):
            print(f"warning: {warning}", file=sys.stderr)
    except alexa.SOURCE_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    code = 0
    for label, write, check, errors in (
            ("interaction models", alexa.write_models, alexa.check_models, alexa.SOURCE_ERRORS),
            ("OVOS intent files", ovos.write_files, ovos.check_files, ovos.SOURCE_ERRORS),
            ("classifier models", classifier.write_files, classifier.check_files, classifier.SOURCE_ERRORS)):
        try:
            if action == "build":
                print(f"wrote {len(write(root))} {label} from the catalogue")
                continue
            drift = check(root)
        except errors as exc:
            print(f"error: {label}: {exc}", file=sys.stderr)
            return 1
        for line in drift:
            print(line)
        print(f"{label}: {'out of date' if drift else 'match the source'}")
        code = max(code, 1 if drift else 0)
    return code


def _locales() -> list[str]:
    """The locales with a generated interaction model (interaction_models/interactionModels/custom)."""
    from .alexa.interaction_model import CUSTOM_SUBDIR, MODELS_DIR

    return sorted(path.stem for path in (MODELS_DIR / CUSTOM_SUBDIR).glob("*.json"))


def _time_zone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(f"{name!r} is not a time zone name such as Europe/London") from None
    return name


def cmd_studio(args) -> int:
    from pathlib import Path

    from .studio.server import serve

    content = Path(args.content) if args.content else None
    if content is not None and not content.is_dir():
        sys.exit(f"safe-harbor: {content} is not a folder")
    return serve(args.port, content) if content else serve(args.port)


def cmd_store(args) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from .store import open_store
    from .store.dynamodb import DynamoDBStore, create_table

    try:
        store = open_store(args.url)
    except ValueError as exc:
        sys.exit(f"safe-harbor: {exc}")
    if not isinstance(store, DynamoDBStore):
        print("The SQLite store creates its file on first use; nothing to do.")
        return 0
    try:
        create_table(store.table_name)
    except (BotoCoreError, ClientError) as exc:
        sys.exit(f"safe-harbor: could not create the table: {type(exc).__name__}: {exc}")
    print(f"Table {store.table_name} is ready (key pk, TTL on ttl).")
    return 0


def cmd_client(args) -> int:
    """``client check FILE``: load a client version file against the content as start-up does (exit 1 naming the
    field); ``client account-key``: the keyed hash of the account id read from stdin, for SKILL_CLIENT_ACCOUNT;
    ``client pair``: the same key from a pairing code read from stdin, looked up (and used up) in SKILL_STORE."""
    from pathlib import Path

    from .core import ContentError, client, load_catalog
    from .core.content import SCRIPTS_DIR

    if args.action == "pair":
        return _pair(args.dev)
    if args.action == "account-key":
        from .core.identity import person_key

        settings = _settings(args.dev)
        user_id = sys.stdin.readline().strip()  # stdin, not an argument: the raw id stays out of shell history
        if not user_id:
            print("safe-harbor: give the account's user id on stdin", file=sys.stderr)
            return 1
        print(person_key(settings.hash_secret, user_id))
        return 0
    try:
        catalog = load_catalog(Path(args.content) if args.content else SCRIPTS_DIR)
        version = client.load(Path(args.file), catalog)
    except ContentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    holds = ", ".join(f"{name} {minutes} min" for name, minutes in version.holds.items()) or "as the content has them"
    print(f"{args.file}: signed off; exercises: {', '.join(version.exercises)}; holds: {holds}; "
          f"less talking: {'yes' if version.less_talking else 'no'}; note: {'yes' if version.note else 'no'}")
    return 0


def _pair(dev: bool) -> int:
    """``client pair``: the pairing code on stdin (never an argument, never printed back) -> the account's keyed
    hash on stdout; one line on stderr and exit 1 for a wrong, used or expired code, or a store out of reach."""
    import os

    from .config import ConfigError, hash_secret
    from .core.pairing import PairingError, redeem
    from .store.base import StoreError
    from .store.factory import open_store

    try:
        secret = hash_secret(os.environ, dev)
        store = open_store()
    except (ConfigError, ValueError) as exc:
        print(f"safe-harbor: {exc}", file=sys.stderr)
        return 1
    if not os.environ.get("SKILL_STORE"):  # a deployer who forgot it would be told a good code is not valid
        print("safe-harbor: SKILL_STORE is not set, so this reads the local default store; set it to the "
              "service's store", file=sys.stderr)
    if sys.stdin.isatty():
        print("Pairing code (the digits the client's device said): ", end="", file=sys.stderr, flush=True)
    try:
        account = redeem(store, secret, sys.stdin.readline())
    except PairingError as exc:
        print(f"safe-harbor: {exc}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"safe-harbor: the store could not be reached ({type(exc).__name__}); the code is still valid "
              "until it expires: try again", file=sys.stderr)
        return 1
    finally:
        close = getattr(store, "close", None)
        if close:
            close()
    print(account)
    return 0


def cmd_content(args) -> int:
    """Load and check every exercise file and the common phrases, as start-up does, each file on its own so
    that every broken file is named; then warn about exercises (and the shared phrases)
    changed since their sign-off in the studio.
    Exit 1 on an error; warnings alone exit 0."""
    from pathlib import Path

    from .core import ContentError, load_catalog
    from .core.content import SCRIPTS_DIR, load_exercise
    from .studio import approvals, review

    folder = Path(args.content) if args.content else SCRIPTS_DIR
    errors = []
    for path in sorted(folder.glob("*.toml")):
        try:
            load_exercise(path)
        except ContentError as exc:
            errors.append(str(exc))
    catalog = None
    if not errors:
        try:
            catalog = load_catalog(folder)  # the phrases and the rules that span files
        except ContentError as exc:
            errors.append(str(exc))
    for line in errors:
        print(f"error: {line}", file=sys.stderr)
    if catalog is None:
        return 1
    languages = ", ".join(["en", *sorted(catalog.translations)])
    print(f"content ok: {len(catalog.exercises)} exercises ({', '.join(sorted(catalog.exercises))}) and the "
          f"common phrases, in every language present ({languages})")
    own_phrases = {code: review.shared_hash(folder, code) for code in catalog.translations}
    for line in approvals.warnings(folder, review.shared_hash(folder), own_phrases):
        print(f"warning: {line}")
    unapproved = approvals.unapproved(folder, phrases=True)
    if unapproved:
        print(f"not yet approved in the studio: {', '.join(unapproved)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Subcommands that own their flags.
    if argv[:2] == ["audio", "build"]:
        from .audio.build import main as build_main
        return build_main(argv[2:])
    if argv[:2] == ["audio", "publish"]:
        from .audio.publish import main as publish_main
        return publish_main(argv[2:])
    parser = argparse.ArgumentParser(prog="python -m skill", description="Safe Harbor skill backend.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web service (POST /alexa, GET /healthz)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--threads", type=int, default=8)
    serve.add_argument("--dev", action="store_true", help="no signature/timestamp checks; loopback only")
    serve.set_defaults(run=cmd_serve)
    chat = sub.add_parser("chat", help="a local text console that plays the skill as a speaker would")
    locales = _locales()
    chat.add_argument("--locale", default="en-US", choices=locales, metavar="LOCALE",
                      help=f"the speaker's locale, one of: {', '.join(locales)} (default en-US)")
    chat.add_argument("--no-audio-player", action="store_true", help="act as a device without AudioPlayer")
    chat.add_argument("--time-zone", type=_time_zone, metavar="ZONE",
                      help="the device's time zone, e.g. Europe/London, so the skill can name the day "
                           "(default: none known, as when Alexa's Settings API does not answer)")
    chat.add_argument("--voice", metavar="NAME",
                      help='start as a recognised voice profile called NAME (change with "/voice NAME")')
    chat.set_defaults(run=cmd_chat)
    studio = sub.add_parser("studio", help="the review studio: see, hear, try and sign off every exercise")
    studio.add_argument("--port", type=int, default=8090, help="port on 127.0.0.1 (0: any free port)")
    studio.add_argument("--content", default=None, help="a content folder to review (default: the skill's own)")
    studio.set_defaults(run=cmd_studio)
    store = sub.add_parser("store", help="state store tasks")
    store.add_argument("action", choices=["create"], help="create the DynamoDB table (with TTL)")
    store.add_argument("--url", default=None, help="store URL; default SKILL_STORE")
    store.set_defaults(run=cmd_store)
    content = sub.add_parser("content", help="content check: load and check every exercise file; warn about "
                                             "exercises changed since their sign-off")
    content.add_argument("action", choices=["check"])
    content.add_argument("--content", default=None, help="the content folder (default: the skill's own)")
    content.set_defaults(run=cmd_content)
    client = sub.add_parser("client", help="a client's own version: check FILE | account-key | pair "
                            "(docs/deploy-webservice.md)")
    client_sub = client.add_subparsers(dest="action", required=True, metavar="{check,account-key,pair}")
    check = client_sub.add_parser("check", help="check a client version file against the content, as start-up does")
    check.add_argument("file")
    check.add_argument("--content", default=None, help="the content folder (default: the skill's own)")
    key = client_sub.add_parser("account-key", help="print the keyed hash of the account id read from stdin "
                                "(SKILL_HASH_SECRET as the service has it), for SKILL_CLIENT_ACCOUNT")
    key.add_argument("--dev", action="store_true", help="with the development key, as `serve --dev` uses")
    pair = client_sub.add_parser("pair", help="print the keyed hash of the account whose pairing code is read "
                                 "from stdin (the service's SKILL_HASH_SECRET and SKILL_STORE), for "
                                 "SKILL_CLIENT_ACCOUNT; the code is used up")
    pair.add_argument("--dev", action="store_true", help="with the development key, as `serve --dev` uses")
    client.set_defaults(run=cmd_client)
    audio = sub.add_parser("audio", help="hold audio: build | publish")
    audio_sub = audio.add_subparsers(dest="action", required=True, metavar="{build,publish}")
    audio_sub.add_parser("build", help="render the hold audio files (see: audio build --help)", add_help=False)
    audio_sub.add_parser("publish", help="upload them to S3: audio publish --bucket NAME (see: audio publish --help)",
                         add_help=False)
    model = sub.add_parser("model", help="the interaction models (Alexa, OVOS) of every locale: build | check")
    model_sub = model.add_subparsers(dest="action", required=True, metavar="{build,check}")
    model_sub.add_parser("build", help="check the content, then write the Alexa models and the OVOS intent files "
                         "of every locale from the intent catalogue").set_defaults(run=lambda a: cmd_model("build"))
    model_sub.add_parser("check", help="check the content, then exit 1 and list any drift of those files from "
                         "the source").set_defaults(run=lambda a: cmd_model("check"))
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.error(f"{args.command} needs a subcommand: see --help")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
