"""Pairing by a spoken code: how a deployer learns which account a client's own version is for, without the
skill ever logging or keeping an id (docs/deploy-webservice.md, "A client's own version").

The client asks their own device for a pairing code; the skill says a one-time code of ``DIGITS`` digits, valid
for ``VALID_S`` seconds. The deployer types it into ``python -m skill client pair``, which reads the same store
with the same key and prints the account's keyed hash for ``SKILL_CLIENT_ACCOUNT``, using the code up.

What the store holds, both records expiring with the code (the store's own expiry: DynamoDB's TTL attribute):

- under the keyed hash of the code: ``{"account": <the account's keyed hash>}`` (``identity.person_key``);
- under a keyed hash of the account: ``{"code": <the keyed hash of the code>}``, so that a new request replaces
  the old code (the old one is deleted).

Nothing else: no raw id, no code, no time of asking. A code is used once (the CLI deletes it), never listed,
and the CLI is the deployer's, run where the store and the key are.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from .identity import keyed_hash
from ..store.base import Store, StoreError, VersionConflict, now

DIGITS = 6
VALID_S = 30 * 60  # how long a code can be used
BUDGET_S = 2.0  # all store work of issuing one code
ATTEMPTS = 3  # a fresh code when one is, by chance, another account's at that moment


def code_key(secret: bytes, code: str) -> str:
    """The store key of ``code`` (its keyed hash, 64 hex characters)."""
    return keyed_hash(secret, "pairing-code:" + code)


def account_pointer(secret: bytes, account: str) -> str:
    """The store key of the record naming an account's current code (a keyed hash of its keyed hash)."""
    return keyed_hash(secret, "pairing-for:" + account)


def normalize(typed: str) -> str | None:
    """A code as typed ("481 592", "481-592") as its digits, or None when it is not ``DIGITS`` digits."""
    digits = "".join(ch for ch in typed if not ch.isspace() and ch != "-")
    return digits if len(digits) == DIGITS and digits.isascii() and digits.isdigit() else None


@dataclass(frozen=True)
class Pairing:
    """The port the turn gives the engine (``Context.pairing``) on a platform where a client's version is named by
    account (Alexa): ``issue`` makes the account's code in ``store``, keyed with ``secret``."""

    store: Store
    secret: bytes

    def issue(self, account: str) -> str | None:
        """A new code for the account whose keyed hash is ``account``, replacing any earlier one; None when the
        store could not be reached in time (the turn then says so calmly)."""
        deadline = time.monotonic() + BUDGET_S
        expires = now() + VALID_S
        pointer = account_pointer(self.secret, account)
        try:
            old = self.store.load(pointer, deadline=deadline)
            for _ in range(ATTEMPTS):
                code = f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"
                key = code_key(self.secret, code)
                try:
                    self.store.save(key, {"account": account}, 0, expires, deadline=deadline)
                    break
                except VersionConflict:
                    continue  # another account's live code: draw again
            else:
                return None
            previous = old.data.get("code") if old else None
            if isinstance(previous, str) and previous != key:
                self.store.delete(previous, deadline=deadline)
            try:
                self.store.save(pointer, {"code": key}, old.version if old else 0, expires, deadline=deadline)
            except (VersionConflict, StoreError):
                # A code that no pointer names could outlive "delete my data": take it back (the same account
                # asking twice at once, or the store failing here), and say no code could be made.
                try:
                    self.store.delete(key, deadline=deadline)
                except StoreError:
                    pass  # it expires within 30 minutes on its own
                return None
        except StoreError:
            return None
        return code


_NOT_LIVE = (f"that code is not valid: it may have expired (after {VALID_S // 60} minutes), been used, or been "
             "replaced by a newer one; ask the client for a new code")


class PairingError(Exception):
    """The code cannot be used: not a code, unknown, used or expired (the message says which, in one line)."""


def redeem(store: Store, secret: bytes, typed: str) -> str:
    """The keyed hash of the account whose code ``typed`` is, using the code up (its records are deleted).
    PairingError for a code that is not ``DIGITS`` digits or not live (never used, used, expired or replaced);
    StoreError when the store cannot be reached."""
    code = normalize(typed)
    if code is None:
        raise PairingError(f"a pairing code is {DIGITS} digits")
    key = code_key(secret, code)
    deadline = time.monotonic() + 10  # a person at a terminal can wait longer than a turn
    record = store.load(key, deadline=deadline)
    account = record.data.get("account") if record else None
    if record is None or not isinstance(account, str):
        raise PairingError(_NOT_LIVE)
    try:  # used up first, on the version read: of two uses at once, one wins
        store.save(key, {}, record.version, now(), deadline=deadline)
    except VersionConflict:
        raise PairingError(_NOT_LIVE) from None
    try:  # the code is used up already (its record expires now): tidying up may fail without undoing that
        store.delete(key, deadline=deadline)
        pointer = account_pointer(secret, account)
        held = store.load(pointer, deadline=deadline)
        if held is not None and held.data.get("code") == key:
            store.delete(pointer, deadline=deadline)
    except StoreError:
        pass  # the pointer expires within 30 minutes on its own
    return account


def forget(store: Store, secret: bytes, account: str) -> None:
    """Delete the account's live code, if any, and the record naming it (the skill was disabled). Raises the
    store's StoreError when it cannot be reached."""
    deadline = time.monotonic() + BUDGET_S
    pointer = account_pointer(secret, account)
    held = store.load(pointer, deadline=deadline)
    code = held.data.get("code") if held else None
    if isinstance(code, str):
        store.delete(code, deadline=deadline)
    if held is not None:
        store.delete(pointer, deadline=deadline)
