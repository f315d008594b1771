"""What the voice adapter needs, built once per process and handed to every handler."""
from __future__ import annotations

from dataclasses import dataclass

from ..config import Settings
from ..flows import Engine
from ..store import Store
from ..timezone import TimeZoneLookup


@dataclass(frozen=True)
class Services:
    engine: Engine
    store: Store
    settings: Settings
    timezone: TimeZoneLookup
