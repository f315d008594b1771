"""Who a turn is for, as keyed hashes (HMAC-SHA256) of the platform's ids: never the raw ids."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache


def keyed_hash(secret: bytes, subject: str, chars: int = 64) -> str:
    """HMAC-SHA256 of ``subject`` (UTF-8) keyed with ``secret``, as its first ``chars`` hex characters (1-64).

    The one keyed hash of the skill: every subject starts with a label of its own ("user:", "request:", ...),
    so equal raw values under different labels never give equal hashes."""
    mac = _keyed(secret).copy()
    mac.update(subject.encode("utf-8"))
    return mac.hexdigest()[:chars]


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
    account = person_key(secret, user_id)
    speaker = person_key(secret, user_id, person_id) if person_id else account
    return Identity(speaker=speaker, account=account, recognised=bool(person_id))


def session_tag(secret: bytes, owner: str, session_id: str) -> str:
    """A keyed tag binding a session to the record it carries, so a forged session attribute cannot point a
    turn at someone else's record (32 hex characters)."""
    return keyed_hash(secret, f"owner:{owner}:{session_id}", 32)


def request_digest(secret: bytes, request_id: str | None, for_log: bool = False) -> str | None:
    """A short keyed digest (16 hex characters) of the platform's request id, the same for a retry of the
    request; None when there is no id.

    The record keeps the plain digest to know a retry (skill.core.merge); log lines carry the ``for_log``
    one, so that lines of one request (and its retries) can be found together without Alexa's id, and a
    log line cannot be matched to the stored record whose ``seen`` list holds the other."""
    if not request_id:
        return None
    return keyed_hash(secret, f"{'log:' if for_log else ''}request:{request_id}", 16)
