"""The connection pool of an app process is sized by its settings (issue 13)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import text
from sqlalchemy.pool import QueuePool

from attunement.settings import DEFAULT_DB_MAX_OVERFLOW, DEFAULT_DB_POOL_SIZE, load_settings


def test_the_default_pool_holds_one_connection_per_request_thread(database_url: str) -> None:
    engine = load_settings(database_url=database_url).database_engine()
    try:
        assert isinstance(engine.pool, QueuePool)
        assert engine.pool.size() == DEFAULT_DB_POOL_SIZE
        assert DEFAULT_DB_POOL_SIZE + DEFAULT_DB_MAX_OVERFLOW == 40  # anyio's request threads
    finally:
        engine.dispose()


def test_pool_settings_let_that_many_requests_hold_a_connection_at_once(
    database_url: str,
) -> None:
    settings = load_settings(database_url=database_url, db_pool_size=3, db_max_overflow=2)
    engine = settings.database_engine()
    together = Barrier(5, timeout=20)  # all five hold a connection at the same time

    def hold() -> int:
        with engine.connect() as connection:
            together.wait()
            return int(connection.execute(text("SELECT 1")).scalar_one())

    try:
        assert isinstance(engine.pool, QueuePool)
        assert engine.pool.size() == 3
        with ThreadPoolExecutor(5) as threads:
            assert list(threads.map(lambda _: hold(), range(5))) == [1] * 5
        assert engine.pool.checkedin() == 3  # the two beyond the pool were closed again
    finally:
        engine.dispose()
