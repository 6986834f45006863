"""Service tests run on SQLite and PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from attunement.services import ServiceContext
from tests.services.world import FakeClock, World, build_world, make_context


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ctx(engine: Engine, clock: FakeClock) -> ServiceContext:
    return make_context(engine, clock)


@pytest.fixture
def world(ctx: ServiceContext) -> World:
    return build_world(ctx)
