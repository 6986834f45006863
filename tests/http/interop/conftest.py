"""Fixtures for the FHIR and CDS Hooks route tests: EHR keys and trust
(``tests.support.interop``); the clock and ``world`` are the top conftest's, seeded through
the module's app."""

import pytest
from fastapi import FastAPI
from tests.support.interop import ehr_keys, trust

from attunement.services import ServiceContext

__all__ = ["ctx", "ehr_keys", "trust"]


@pytest.fixture
def ctx(app: FastAPI) -> ServiceContext:
    """The context of the module's ``app`` (``world`` seeds its database through it)."""
    context: ServiceContext = app.state.context
    return context
