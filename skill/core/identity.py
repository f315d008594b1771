"""Who a turn is for, as keyed hashes (HMAC-SHA256) of the platform's ids: never the raw ids."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache


def keyed_hash(secret: bytes, message: str) -> str:
    """HMAC-SHA256 of ``message`` under ``secret``, as 64 hex characters."""
    mac = _keyed(secret).copy()
    mac.update(message.encode("utf-8"))
    return mac.hexdigest()


@lru_cache(maxsize=4)
def _keyed(secret: bytes) -> hmac.HMAC:
    # Keyed once, copied per message. Not hmac.digest(): its one-shot form lets go of the interpreter lock
    # on every call, and under a threaded server winning it back can wait a whole switch interval (5 ms).
    return hmac.new(secret, digestmod=hashlib.sha256)


def person_key(secret: bytes, user_id: str | None, person_id: str | None = None) -> str | None:
    """The storage key (64 hex characters) of the voice profile when one was recognised, else of the account
    user; None when neither is known."""
    if person_id:
        subject = "person:" + person_id
    elif user_id:
        subject = "user:" + user_id
    else:
        return None
    return keyed_hash(secret, subject)


@dataclass(frozen=True)
class Identity:
    """``speaker``: the key of whoever is speaking (voice profile if recognised, else the account);
    ``account``: the key of the account; ``recognised``: a voice profile was recognised."""

    speaker: str | None
    account: str | None
    recognised: bool = False


def identity_for(secret: bytes, user_id: str | None, person_id: str | None = None) -> Identity:
    """The Identity of a request from account ``user_id``, spoken by voice profile ``person_id`` if any."""
    return Identity(speaker=person_key(secret, user_id, person_id), account=person_key(secret, user_id),
                    recognised=bool(person_id))


def session_tag(secret: bytes, owner: str, session_id: str) -> str:
    """A keyed tag binding a session to the record it carries, so a forged session attribute cannot point a
    turn at someone else's record (32 hex characters)."""
    return keyed_hash(secret, f"owner:{owner}:{session_id}")[:32]
