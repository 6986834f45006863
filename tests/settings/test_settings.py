"""Settings refuse what is unsafe and name the setting when they do."""

from __future__ import annotations

from pathlib import Path

import pytest

from attunement._data_dir import data_dir_from_environment
from attunement.errors import ConfigurationError
from attunement.settings import load_settings


def test_default_database_is_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'attunement.sqlite3'}"


def test_postgresql_url_gets_the_psycopg_driver() -> None:
    settings = load_settings(database_url="postgresql://u:p@h/db")
    assert settings.effective_database_url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize("secret", [None, "changethis", "secret", "short"])
def test_production_refuses_missing_default_or_short_secret(secret: str | None) -> None:
    settings = load_settings(mode="production", secret_key=secret)
    with pytest.raises(ConfigurationError, match="ATTUNE_SECRET_KEY"):
        settings.signing_key()


def test_demo_mode_accepts_no_secret_with_a_random_one() -> None:
    settings = load_settings(mode="demo")
    assert len(settings.signing_key()) >= 32


def test_strong_secret_is_used_in_production() -> None:
    key = "p7Yq2vN9xL4mR8sT1wZ6Hk3Bc5Df0Gj"
    assert load_settings(mode="production", secret_key=key).signing_key() == key


def test_unknown_mode_names_the_setting() -> None:
    with pytest.raises(ConfigurationError, match="ATTUNE_MODE"):
        load_settings(mode="staging")


@pytest.mark.parametrize("secret", ["password12345678", "attunement-secret-0123456789", "ab" * 20])
def test_production_refuses_a_long_but_guessable_secret(secret: str) -> None:
    settings = load_settings(mode="production", secret_key=secret)
    with pytest.raises(ConfigurationError, match="guessable"):
        settings.signing_key()


def test_trusted_proxies_are_addresses_or_networks_and_none_by_default() -> None:
    assert load_settings().trusted_proxy_list == []
    listed = load_settings(trusted_proxies=" 10.0.0.5, 10.1.0.0/16 ,::1")
    assert listed.trusted_proxy_list == ["10.0.0.5", "10.1.0.0/16", "::1"]
    with pytest.raises(ConfigurationError, match="ATTUNE_TRUSTED_PROXIES"):
        load_settings(trusted_proxies="10.0.0.5,proxy.local")


def test_each_database_has_its_own_default_anchor_directory(tmp_path: Path) -> None:
    one = load_settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}")
    two = load_settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}")
    assert one.effective_audit_anchor_dir != two.effective_audit_anchor_dir
    assert one.effective_audit_anchor_dir.parent == tmp_path / "audit-anchors"
    chosen = load_settings(audit_anchor_dir=tmp_path / "ship-me")
    assert chosen.effective_audit_anchor_dir == tmp_path / "ship-me"


@pytest.mark.parametrize("name", ["ATTUNE_DATA_DIR", "attune_data_dir"])
def test_light_commands_read_the_same_data_dir_as_settings(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    for variable in [v for v in os.environ if v.upper() == "ATTUNE_DATA_DIR"]:
        monkeypatch.delenv(variable)
    assert data_dir_from_environment(os.environ) == load_settings().data_dir
    monkeypatch.setenv(name, str(tmp_path / "clinic"))
    assert data_dir_from_environment(os.environ) == load_settings().data_dir == tmp_path / "clinic"


def test_job_retention_is_a_month_by_default_and_never_under_eight_days() -> None:
    assert load_settings().job_retention_days == 30
    assert load_settings(job_retention_days=8).job_retention_days == 8
    with pytest.raises(ConfigurationError, match=r"ATTUNE_JOB_RETENTION_DAYS.*8"):
        load_settings(job_retention_days=7)
