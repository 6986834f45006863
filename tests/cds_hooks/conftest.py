"""Fixtures for the CDS Hooks tests: EHR keys, trust and clock (``tests.support.interop``)."""

from tests.support.interop import clock, ehr_keys, trust

__all__ = ["clock", "ehr_keys", "trust"]
