"""The device's local time, from the Alexa Settings API, with a short timeout and a cache.

GET {apiEndpoint}/v2/devices/{deviceId}/settings/System.timeZone (no permission needed).
The timeout bounds the whole exchange (deadline_fetch), so a trickling endpoint cannot stretch a turn.
When the zone cannot be had in time, the answer is None and the content falls back to
wording that cannot name a wrong day.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.parse
import urllib.request
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .deadline_fetch import lazy_fetch

MISS = ""  # cached "unknown", so a slow API costs one timeout, not one per turn
MAX_ANSWER_BYTES = 4096  # a zone name is a few dozen bytes


class TimeZoneLookup:
    def __init__(self, timeout: float = 0.8, ttl_seconds: float = 3600.0, miss_ttl_seconds: float = 120.0,
                 max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic,
                 opener: Callable[..., bytes] | None = None):
        """``opener(request, timeout)`` returns the answer's body within ``timeout`` seconds for the whole
        exchange, or raises; the default is deadline_fetch over urllib."""
        self.timeout = timeout
        self.ttl = ttl_seconds
        self.miss_ttl = miss_ttl_seconds
        self.max_entries = max_entries
        self.clock = clock
        self.opener = opener or lazy_fetch(MAX_ANSWER_BYTES)
        self._cache: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def zone_name(self, api_endpoint: str | None, device_id: str | None, token: str | None) -> str | None:
        if not (api_endpoint and device_id and token):
            return None
        key = hashlib.sha256(device_id.encode()).hexdigest()  # no raw device id kept in memory
        now = self.clock()
        with self._lock:
            hit = self._cache.get(key)
            if hit and hit[0] > now:
                return hit[1] or None
        name = self._fetch(api_endpoint, device_id, token)
        with self._lock:
            self._cache[key] = (now + (self.ttl if name else self.miss_ttl), name or MISS)
            self._cache.move_to_end(key)
            while len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)
        return name

    def _fetch(self, api_endpoint: str, device_id: str, token: str) -> str | None:
        url = (f"{api_endpoint.rstrip('/')}/v2/devices/{urllib.parse.quote(device_id, safe='')}"
               "/settings/System.timeZone")
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}",
                                                       "Accept": "application/json"})
        try:
            name = json.loads(self.opener(request, timeout=self.timeout))
        except Exception:  # any failure means "unknown": never let a clock lookup break a turn
            return None
        return name if isinstance(name, str) and name else None

    def local_now(self, api_endpoint: str | None, device_id: str | None, token: str | None,
                  utc_now: datetime | None = None) -> datetime | None:
        name = self.zone_name(api_endpoint, device_id, token)
        if not name:
            return None
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return None
        return (utc_now or datetime.now(timezone.utc)).astimezone(zone)
