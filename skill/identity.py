"""Storage keys: a keyed hash (HMAC-SHA256) of the Alexa person or user id, never the raw id."""
from __future__ import annotations

import hashlib
import hmac


def person_key(secret: bytes, user_id: str | None, person_id: str | None = None) -> str | None:
    """The voice profile when Alexa recognised one, else the account user; None when neither is known."""
    if person_id:
        subject = "person:" + person_id
    elif user_id:
        subject = "user:" + user_id
    else:
        return None
    return hmac.new(secret, subject.encode("utf-8"), hashlib.sha256).hexdigest()
