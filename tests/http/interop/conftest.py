"""Fixtures for the FHIR and CDS Hooks route tests (defined in ``tests.support.interop``)."""

import pytest
from fastapi import FastAPI
from tests.support.interop import clock, ehr_keys, trust

from attunement.services import ServiceContext

__all__ = ["clock", "ctx", "ehr_keys", "trust"]


@pytest.fixture
def ctx(app: FastAPI) -> ServiceContext:
    """The context of the module's ``app`` (``world`` seeds its database through it)."""
    context: ServiceContext = app.state.context
    return context
