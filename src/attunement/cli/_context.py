"""The CLI's edge: build Settings once, open the database, migrate.

Imports of the stack (settings, the store and SQLAlchemy, the instruments) are inside the
functions: ``attune --help`` and the commands that need no database start without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from attunement.settings import Settings

__all__ = ["open_database", "settings_from_cli"]


def settings_from_cli(**overrides: object) -> Settings:
    """Settings from the environment, with flags given on the command line on top.

    Also installs the clinic's instrument definitions (imported item text and scoring keys
    in the data directory), so every command scores as the app does.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.instruments import clinic_definitions, install_clinic_definitions
    from attunement.settings import load_settings

    settings = load_settings(**overrides)
    install_clinic_definitions(clinic_definitions(settings.data_dir))
    return settings


def open_database(settings: Settings, *, upgrade: bool = True) -> Engine:
    """An engine on the configured database, migrated to the newest schema."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.store import make_engine, migrate

    if settings.database_url is None:
        settings.ensure_data_dir()
    engine = make_engine(
        settings.effective_database_url, sqlite_synchronous=settings.sqlite_synchronous
    )
    if upgrade:
        migrate(engine)
    return engine
