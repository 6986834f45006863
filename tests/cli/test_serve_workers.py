"""``attune serve --workers``: refused on SQLite before anything starts; the worker factory.

The two-process behaviour itself is proved with real servers in
tests/http/api/test_two_processes.py; here are the refusals and the factory each worker calls.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.support.postgres import PostgresServer
from typer.testing import CliRunner

from attunement.cli import app
from attunement.errors import ConfigurationError
from attunement.http import create_app_from_env
from attunement.store import make_engine

runner = CliRunner()


def test_several_workers_on_sqlite_are_refused_naming_the_flag_and_postgresql(
    tmp_path: Path,
) -> None:
    database = tmp_path / "clinic.sqlite3"
    result = runner.invoke(
        app,
        ["serve", "--workers", "2", "--db", f"sqlite:///{database}"],
        env={"ATTUNE_MODE": "dev", "ATTUNE_DATA_DIR": str(tmp_path)},
    )
    assert result.exit_code == 2
    assert "--workers" in result.output
    assert "2" in result.output
    assert "PostgreSQL" in result.output
    assert "Traceback" not in result.output
    assert not database.exists()  # refused before the database was created or migrated


@pytest.mark.parametrize("workers", ["0", "65", "two"])
def test_a_worker_count_out_of_range_is_refused(workers: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["serve", "--workers", workers],
        env={"ATTUNE_MODE": "dev", "ATTUNE_DATA_DIR": str(tmp_path)},
    )
    assert result.exit_code == 2
    assert "--workers" in result.output


def test_the_worker_factory_builds_the_app_from_the_environment(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTUNE_MODE", "dev")
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ATTUNE_DATABASE_URL", database_url)
    monkeypatch.setenv("ATTUNE_SECRET_KEY", "nYc4Lk0sA7uQ2pXw9EbT5rVz3HmG8dJf1KqW6oNe")
    monkeypatch.setenv("ATTUNE_INSECURE_COOKIES", "true")
    application = create_app_from_env()
    assert application.state.secure_cookies is False
    assert application.state.settings.database_url == database_url
    with TestClient(application, base_url="http://127.0.0.1") as client:
        assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_the_worker_factory_refuses_insecure_cookies_in_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTUNE_MODE", "production")
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ATTUNE_INSECURE_COOKIES", "true")
    with pytest.raises(ConfigurationError, match="secure cookies"):
        create_app_from_env()


def test_app_servers_starting_at_once_on_postgresql_migrate_once(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    """Several machines' ``attune serve`` migrate at start: concurrent upgrades of an empty
    PostgreSQL database all succeed (one migrates, the others wait and find it at head)."""
    name = f"attune_race_{uuid.uuid4().hex[:10]}"
    postgres_server.create_database(name)
    url = postgres_server.url_for(name)
    env = os.environ | {"ATTUNE_MODE": "dev", "ATTUNE_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "attunement", "db", "upgrade", "--db", url]
    try:
        upgrades = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for _ in range(3)
        ]
        outputs = [upgrade.communicate(timeout=180)[0].decode() for upgrade in upgrades]
        assert [upgrade.returncode for upgrade in upgrades] == [0, 0, 0], outputs
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                versions = connection.execute(text("SELECT version_num FROM alembic_version"))
                assert len(versions.all()) == 1
        finally:
            engine.dispose()
    finally:
        postgres_server.drop_database(name)
