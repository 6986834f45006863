"""Upgrading a database that already holds records keeps every record (both backends)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from attunement.store import make_engine, migrate

NOW = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)


def test_upgrade_from_the_first_revision_keeps_existing_records(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    migrate(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, display_name, role, active, synthetic, "
                "created_at) VALUES (1, 'dr_a', 'Dr A', 'clinician', true, false, :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO patients (id, display_name, preferred_language, clinician_id, "
                "profile, synthetic, created_at) VALUES (1, 'P', 'en', 1, '{}', false, :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO episodes (id, patient_id, clinician_id, started_on, "
                "outcome_instrument) VALUES (1, 1, 1, :day, 'phq9')"
            ),
            {"day": NOW.date()},
        )
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM users")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM patients")).scalar() == 1
        assert connection.execute(text("SELECT clinician_id FROM episodes")).scalar() == 1
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_a_failing_sqlite_migration_leaves_nothing_half_applied(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine, "0001")
    with engine.begin() as connection:  # a table in the way of revision 0002
        connection.execute(text("CREATE TABLE api_tokens (x INTEGER)"))
    with pytest.raises(Exception, match="api_tokens"):
        migrate(engine)
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert version == "0001"
    assert "audit_log" not in tables
