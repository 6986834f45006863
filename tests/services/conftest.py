"""Service tests run on SQLite and PostgreSQL (``engine``); ``clock``, ``ctx`` and
``world`` come from the top ``tests/conftest.py``; ``smtp`` is a real SMTP server on
loopback shared by the delivery tests of a module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.smtp import SmtpSink, smtp_server


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[SmtpSink, int]]:
    """A real SMTP server on loopback (aiosmtpd) for the module's delivery tests."""
    with smtp_server() as server:
        yield server
