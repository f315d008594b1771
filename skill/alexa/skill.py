"""Build the Alexa skill once per process from the settings: content, engine, store, turn runner, adapter."""
from __future__ import annotations

from pathlib import Path

from ..config import Settings
from ..core import Catalog, Engine, TurnRunner, client, load_catalog
from ..store import Store, open_store
from .adapter import AlexaSkill, Services
from .reminders_api import RemindersAPI
from .settings_api import TimeZoneLookup
from .ssml import SSMLRenderer


def build_services(settings: Settings, store: Store | None = None, catalog: Catalog | None = None) -> Services:
    """Load and check the content and, when the settings name one, the client version for its account
    (ContentError names the file, step and field); open the store. ``catalog``: content already loaded (the
    studio's try-it passes the folder it reviews); default: the skill's."""
    catalog = catalog or load_catalog()
    if settings.client_version and settings.client_account:
        version = client.load(Path(settings.client_version), catalog)
        catalog = client.with_client(catalog, settings.client_account, version)
    runner = TurnRunner(Engine(catalog), store or open_store(settings.store_url), settings.hash_secret,
                        settings.record_days)
    timezone = TimeZoneLookup()
    return Services(runner=runner, settings=settings, timezone=timezone, ssml=SSMLRenderer(catalog.pacing),
                    reminders=RemindersAPI(timezone))


def build(settings: Settings, store: Store | None = None,
          catalog: Catalog | None = None) -> tuple[AlexaSkill, Services]:
    """The skill (request JSON in, response JSON out) and the services behind it (``catalog``: see
    build_services)."""
    services = build_services(settings, store, catalog)
    return AlexaSkill(services), services
