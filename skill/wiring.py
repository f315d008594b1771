"""Build the skill once per process from the settings: content, engine, store, adapter."""
from __future__ import annotations

from ask_sdk_core.skill import CustomSkill

from .config import Settings
from .logs import configure_logging  # noqa: F401  (the entry points' one place to ask)
from .flows import Engine, load_catalog
from .intents import Services, build_skill
from .store import Store, open_store
from .timezone import TimeZoneLookup


def build_services(settings: Settings, store: Store | None = None) -> Services:
    return Services(engine=Engine(load_catalog()), store=store or open_store(settings.store_url),
                    settings=settings, timezone=TimeZoneLookup())


def build(settings: Settings, store: Store | None = None) -> tuple[CustomSkill, Services]:
    services = build_services(settings, store)
    return build_skill(services), services
