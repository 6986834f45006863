"""Fixtures for the interop tests (helpers live in ``tests.interop.support``)."""

from __future__ import annotations

import pytest
from tests.interop.support import EhrKeys, FakeClock, a_clock, a_trust

from attunement.cds_hooks import CdsClientTrust


@pytest.fixture(scope="session")
def ehr_keys() -> EhrKeys:
    return EhrKeys()


@pytest.fixture
def trust(ehr_keys: EhrKeys) -> CdsClientTrust:
    return a_trust(ehr_keys)


@pytest.fixture
def clock() -> FakeClock:
    return a_clock()
