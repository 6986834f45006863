"""API tests: the app on a fresh database per test (SQLite and PostgreSQL), HTTPS client.

Each test builds its app with ``create_app``; it is served through an app built before from
the same settings, its routes already prepared (:mod:`tests.support.app_reuse`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from attunement.http import create_app
from attunement.services import ServiceContext, login_for_token
from attunement.settings import Settings
from tests.services.world import PASSWORD, FakeClock, fast_passwords
from tests.support.app_reuse import AppReuse

#: Random-looking, so production mode accepts it (secret strength is checked there).
SECRET = "nYc4Lk0sA7uQ2pXw9EbT5rVz3HmG8dJf1KqW6oNe"


def app_settings(mode: str = "dev") -> Settings:
    return Settings(mode=mode, secret_key=SECRET)  # type: ignore[arg-type]


@pytest.fixture
def app(app_reuse: AppReuse, engine: Engine, clock: FakeClock) -> Iterator[FastAPI]:
    fresh = create_app(app_settings(), engine=engine, clock=clock, passwords=fast_passwords())
    with app_reuse.serving(fresh) as app:
        yield app


@pytest.fixture
def ctx(app: FastAPI) -> ServiceContext:
    """The app's own context (``world`` seeds the app's database through it)."""
    context: ServiceContext = app.state.context
    return context


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        yield c


def bearer(ctx: ServiceContext, username: str) -> dict[str, str]:
    token = login_for_token(ctx, username=username, password=PASSWORD).access_token
    return {"Authorization": f"Bearer {token}"}
