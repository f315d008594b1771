"""Settings from the environment (docs/architecture.md, "Contracts other tools rely on")."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

DEV_HASH_SECRET = b"safe-harbor-local-dev-only"
DEV_SKILL_ID = "amzn1.ask.skill.safe-harbor-local"
DEFAULT_RECORD_DAYS = 90


class ConfigError(RuntimeError):
    """The service cannot start safely; the message says what to set."""


@dataclass(frozen=True)
class Settings:
    skill_ids: frozenset[str]
    hash_secret: bytes
    store_url: str | None
    audio_base_url: str | None
    record_days: int
    dev: bool
    # A client's own version (skill/core/client.py): the file, and the keyed hash of the account it is for.
    client_version: str | None = None
    client_account: str | None = None

    @classmethod
    def from_env(cls, dev: bool = False, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        ids = frozenset(s.strip() for s in env.get("SKILL_ID", "").split(",") if s.strip())
        if not ids:
            if not dev:
                raise ConfigError("SKILL_ID is not set: give the Alexa skill id this service answers for.")
            ids = frozenset({DEV_SKILL_ID})
        secret = hash_secret(env, dev)
        try:
            days = int(env.get("SKILL_RECORD_DAYS", DEFAULT_RECORD_DAYS))
        except ValueError:
            raise ConfigError("SKILL_RECORD_DAYS must be a whole number of days.") from None
        if days < 1:
            raise ConfigError("SKILL_RECORD_DAYS must be at least 1.")
        version, account = client_version(env)
        audio = env.get("SKILL_AUDIO_BASE_URL") or None
        if audio and not audio.startswith("https://") and not dev:
            raise ConfigError("SKILL_AUDIO_BASE_URL must be an https:// URL: Alexa plays audio only over HTTPS.")
        return cls(skill_ids=ids, hash_secret=secret, store_url=env.get("SKILL_STORE") or None,
                   audio_base_url=audio.rstrip("/") if audio else None, record_days=days, dev=dev,
                   client_version=version, client_account=account)


def hash_secret(env: dict[str, str] | os._Environ, dev: bool = False) -> bytes:
    """The key of the keyed hashes: ``SKILL_HASH_SECRET``, else the SSM parameter ``SKILL_HASH_SECRET_PARAMETER``
    names; in ``dev`` mode without either, the development key. ConfigError when missing or too short."""
    secret = env.get("SKILL_HASH_SECRET", "").encode()
    if not secret and env.get("SKILL_HASH_SECRET_PARAMETER"):
        secret = read_ssm_secret(env["SKILL_HASH_SECRET_PARAMETER"])
    if not secret:
        if not dev:
            raise ConfigError("SKILL_HASH_SECRET is not set: production refuses to start without the key "
                              "that hashes Alexa ids (or set SKILL_HASH_SECRET_PARAMETER to an SSM parameter).")
        return DEV_HASH_SECRET
    if len(secret) < 16:
        raise ConfigError("SKILL_HASH_SECRET is too short: use at least 16 characters (32 random bytes is good).")
    return secret


ACCOUNT_KEY = re.compile(r"[0-9a-f]{64}")


def client_version(env: dict[str, str] | os._Environ) -> tuple[str | None, str | None]:
    """``SKILL_CLIENT_VERSION`` (the path of a client version file) and ``SKILL_CLIENT_ACCOUNT`` (the keyed hash
    of the account it is for, 64 hex characters, as ``python -m skill client account-key`` prints it): both, or
    neither. ConfigError otherwise, and for anything but a keyed hash as the account (a raw id never goes here)."""
    path, account = env.get("SKILL_CLIENT_VERSION") or None, env.get("SKILL_CLIENT_ACCOUNT") or None
    if bool(path) != bool(account):
        raise ConfigError("SKILL_CLIENT_VERSION and SKILL_CLIENT_ACCOUNT go together: the version file, and the "
                          "keyed hash of the account it is for (docs/deploy-webservice.md).")
    if account and not ACCOUNT_KEY.fullmatch(account):
        raise ConfigError("SKILL_CLIENT_ACCOUNT must be the account's keyed hash (64 hex characters) that "
                          "`python -m skill client account-key` prints, never the account id itself.")
    return path, account


def read_ssm_secret(name: str) -> bytes:
    """The hashing key from SSM Parameter Store (SecureString), read once at start-up."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client("ssm", config=Config(connect_timeout=2, read_timeout=2, retries={"total_max_attempts": 2}))
    try:
        value = client.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except (BotoCoreError, ClientError) as exc:
        raise ConfigError(f"could not read the hashing key from SSM parameter {name}: {type(exc).__name__}") from None
    return value.encode()
