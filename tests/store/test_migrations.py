"""The migrated schema is the ORM's schema, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from attunement.store import Base, is_name_search_table, make_engine, migrate

EXPECTED_TABLES = {
    "users",
    "patients",
    "episodes",
    "sessions",
    "administrations",
    "scores",
    "etr_models",
}


def test_upgrade_on_empty_database_creates_every_table(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert EXPECTED_TABLES <= tables
    assert "alembic_version" in tables


def test_migrated_schema_matches_orm_metadata(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    migrate(engine)
    with engine.connect() as connection:
        opts = {
            "compare_type": True,
            # SQLite's FTS5 name-search tables: made by migration 0029, not by the ORM
            "include_name": lambda name, kind, _parents: (
                kind != "table" or not is_name_search_table(str(name))
            ),
        }
        context = MigrationContext.configure(connection, opts=opts)
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_upgrade_twice_is_harmless(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    migrate(engine)
    migrate(engine)
    assert EXPECTED_TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_sqlite_runs_with_foreign_keys_and_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_the_etr_models_migration_downgrades_and_upgrades_again(empty_database_url: str) -> None:
    from alembic import command

    from attunement.store import alembic_config

    engine = make_engine(empty_database_url)
    migrate(engine)
    unique = inspect(engine).get_unique_constraints("etr_models")
    assert [c["column_names"] for c in unique] == [["instrument", "sequence"]]
    command.downgrade(alembic_config(engine), "0002")
    assert "etr_models" not in set(inspect(engine).get_table_names())
    migrate(engine)
    assert "etr_models" in set(inspect(engine).get_table_names())
    engine.dispose()
