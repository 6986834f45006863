"""Durability is a stated choice: SQLite synchronous=FULL by default, NORMAL by setting.

SQLite's documentation (PRAGMA synchronous): "WAL mode is always consistent with
synchronous=NORMAL, but WAL mode does lose durability. A transaction committed in WAL mode
with synchronous=NORMAL might roll back following a power loss or system crash."
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from attunement.cli._context import open_database
from attunement.errors import ConfigurationError
from attunement.settings import load_settings
from attunement.store import make_engine

_LEVELS = {1: "NORMAL", 2: "FULL"}


def _synchronous(engine: Engine) -> str:
    with engine.connect() as connection:
        level = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    return _LEVELS[int(level or 0)]


def test_sqlite_commits_are_synced_in_full_by_default(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    assert _synchronous(engine) == "FULL"
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


@pytest.mark.parametrize(("setting", "expected"), [("normal", "NORMAL"), ("FULL", "FULL")])
def test_the_setting_chooses_the_level_for_the_app_and_the_cli(
    tmp_path: Path, setting: str, expected: str
) -> None:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}", sqlite_synchronous=setting
    )
    engine = open_database(settings)
    assert _synchronous(engine) == expected
    engine.dispose()


def test_an_unknown_level_names_the_setting() -> None:
    with pytest.raises(ConfigurationError, match="ATTUNE_SQLITE_SYNCHRONOUS"):
        load_settings(sqlite_synchronous="OFF")


def test_database_errors_never_quote_the_statements_values(engine: Engine) -> None:
    marker = "Synthetic Marker Name 7f3a"
    with pytest.raises(DBAPIError) as failed, engine.begin() as connection:
        connection.execute(
            text("INSERT INTO no_such_table (name) VALUES (:name)"), {"name": marker}
        )
    assert marker not in str(failed.value)
    assert "hidden" in str(failed.value)
