"""A pooled PostgreSQL connection is pinged only after it sat idle (issue 13).

SQLAlchemy's ``pool_pre_ping`` pinged at every checkout: a round trip before every read
and write. Now a connection returned to the pool at least ``ping_after_idle`` seconds ago
is pinged, and replaced when its server side is gone; one in use a moment ago is not.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from attunement.store import make_engine

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def _pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _end_backend(url: str, pid: int) -> None:
    """End the server process of a pooled connection, as a restart or an idle timeout does."""
    admin = create_engine(url)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            connection.commit()
            for _ in range(100):  # until the server process is gone
                gone = connection.execute(
                    text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": pid},
                ).scalar_one()
                if gone:
                    return
                time.sleep(0.05)
        raise AssertionError(f"backend {pid} did not end")
    finally:
        admin.dispose()


def test_a_connection_that_sat_idle_is_pinged_and_replaced_when_its_server_is_gone(
    database_url: str,
) -> None:
    engine = make_engine(database_url, pool_size=1, max_overflow=0, ping_after_idle=0.0)
    try:
        first = _pid(engine)
        _end_backend(database_url, first)
        second = _pid(engine)  # no error: the ping found it gone and the pool replaced it
        assert second != first
    finally:
        engine.dispose()


def test_a_connection_in_use_a_moment_ago_is_not_pinged(database_url: str) -> None:
    """The trade: without a ping the first statement on a connection whose server went away
    a moment ago fails cleanly, and the pool replaces its connections for the next one."""
    engine = make_engine(database_url, pool_size=1, max_overflow=0, ping_after_idle=3600.0)
    try:
        first = _pid(engine)
        _end_backend(database_url, first)
        with pytest.raises(OperationalError):
            _pid(engine)
        assert _pid(engine) != first
    finally:
        engine.dispose()
