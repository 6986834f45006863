"""Fixtures for the FHIR and CDS Hooks route tests: EHR keys and trust
(``tests.support.interop``); the clock and ``world`` are the top conftest's, seeded through
the module's app."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from tests.services.world import FakeClock
from tests.support.app_reuse import AppReuse
from tests.support.interop import EhrKeys, app_trusting_the_ehr, ehr_keys, trust

from attunement.services import ServiceContext

__all__ = ["app", "ctx", "ehr_keys", "trust"]

BASE = "https://testserver"


@pytest.fixture
def app(
    engine: Engine, clock: FakeClock, ehr_keys: EhrKeys, tmp_path: Path, app_reuse: AppReuse
) -> Iterator[FastAPI]:
    """The app trusting the test EHR, served through an app built before with the same
    settings (:mod:`tests.support.app_reuse`); a module may define its own."""
    fresh: FastAPI = app_trusting_the_ehr(engine, clock, ehr_keys, tmp_path, base=BASE)
    with app_reuse.serving(fresh) as app:
        yield app


@pytest.fixture
def ctx(app: FastAPI) -> ServiceContext:
    """The context of the module's ``app`` (``world`` seeds its database through it)."""
    context: ServiceContext = app.state.context
    return context
