"""The CLI's edge: build Settings once, open the database, migrate.

Imports of the stack (settings, the store and SQLAlchemy, the instruments) are inside the
functions: ``attune --help`` and the commands that need no database start without them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from attunement._data_dir import ENV_PREFIX, data_dir_from_environment, setting_from_environment
from attunement.errors import ConfigurationError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from attunement.settings import Settings

__all__ = [
    "caseness_from_cli",
    "install_clinic_definitions_from_cli",
    "open_database",
    "settings_from_cli",
]


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


def install_clinic_definitions_from_cli() -> None:
    """Install the clinic's instrument definitions without building the whole Settings.

    For the light commands that need only the data directory (``instruments list``/``show``,
    ``score``): the same folder Settings would give (:mod:`attunement._data_dir`), without
    the 0.1 s that importing pydantic-settings costs at start-up.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.instruments import clinic_definitions, install_clinic_definitions

    install_clinic_definitions(clinic_definitions(data_dir_from_environment(os.environ)))


def caseness_from_cli() -> str:
    """``ATTUNE_CASENESS_CONVENTION`` as Settings would read and check it (default
    ``published``), with the clinic's instrument definitions installed, for an episode's
    status from a file: no database, so no Settings and no pydantic-settings at start-up."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.monitoring import PUBLISHED, caseness_convention_problem

    variable = f"{ENV_PREFIX}CASENESS_CONVENTION"
    value = setting_from_environment(os.environ, variable)
    if value is None:  # Settings' default
        value = PUBLISHED
    problem = caseness_convention_problem(value)
    if problem is not None:
        raise ConfigurationError(variable, problem)
    install_clinic_definitions_from_cli()
    return value


def clinic_language_from_cli() -> str:
    """``ATTUNE_CLINIC_LANGUAGE`` as Settings would read and check it (default ``en``), for a
    command that needs no database: no Settings and no pydantic-settings at start-up."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.profile import canonical_language_tag, clinic_language_problem

    variable = f"{ENV_PREFIX}CLINIC_LANGUAGE"
    value = setting_from_environment(os.environ, variable) or "en"  # Settings' default
    problem = clinic_language_problem(value)
    if problem is not None:
        raise ConfigurationError(variable, problem)
    return str(canonical_language_tag(value.strip()))


def open_database(settings: Settings, *, upgrade: bool = True) -> Engine:
    """An engine on the configured database, migrated to the newest schema."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.store import migrate

    if settings.database_url is None:
        settings.ensure_data_dir()
    engine = settings.database_engine()
    if upgrade:
        migrate(engine)
    return engine
