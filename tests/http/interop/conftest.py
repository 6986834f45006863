"""Fixtures for the FHIR and CDS Hooks route tests (defined in ``tests.support.interop``)."""

from tests.support.interop import clock, ehr_keys, trust

__all__ = ["clock", "ehr_keys", "trust"]
