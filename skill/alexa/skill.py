"""Build the Alexa skill once per process from the settings: content, engine, store, turn runner, adapter."""
from __future__ import annotations

from ..config import Settings
from ..core import Catalog, Engine, TurnRunner, load_catalog
from ..store import Store, open_store
from .adapter import AlexaSkill, Services
from .reminders_api import RemindersAPI
from .settings_api import TimeZoneLookup
from .ssml import SSMLRenderer


def build_services(settings: Settings, store: Store | None = None, catalog: Catalog | None = None) -> Services:
    """Load and check the content (ContentError names the file, step and field), open the store.
    ``catalog``: content already loaded (the studio's try-it passes the folder it reviews); default: the skill's."""
    catalog = catalog or load_catalog()
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
