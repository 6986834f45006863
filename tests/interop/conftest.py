"""Fixtures for the interop tests (helpers live in ``tests.interop.support``)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from tests.interop.support import EhrKeys, a_trust

from attunement.interop.cds_hooks import CdsClientTrust
from attunement.services import ServiceContext


@pytest.fixture(scope="session")
def ehr_keys() -> EhrKeys:
    return EhrKeys()


@pytest.fixture
def trust(ehr_keys: EhrKeys) -> CdsClientTrust:
    return a_trust(ehr_keys)


@pytest.fixture
def ctx(app: FastAPI) -> ServiceContext:
    """The context of the module's ``app`` (``world`` seeds its database through it)."""
    context: ServiceContext = app.state.context
    return context
