"""Settings refuse what is unsafe and name the setting when they do."""

from __future__ import annotations

from pathlib import Path

import pytest

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
