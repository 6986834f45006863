"""Stored moments are UTC and come back timezone-aware, on SQLite and PostgreSQL alike.

SQLite keeps no offset and PostgreSQL answers in the connection's time zone; the column
type (``store._types.UtcDateTime``) makes both read back as aware UTC, so no use case
converts by hand, and it refuses a naive value, whose zone would be a guess.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from attunement.store import LoginThrottle

BERLIN_WINTER = dt.timezone(dt.timedelta(hours=1))


def test_a_moment_in_any_zone_reads_back_as_the_same_instant_in_utc(engine: Engine) -> None:
    given = dt.datetime(2026, 12, 6, 9, 30, 15, 123456, tzinfo=BERLIN_WINTER)
    with Session(engine) as session, session.begin():
        session.add(LoginThrottle(key="user:ana", failures=1, window_started_at=given))
    with Session(engine) as session:
        stored = session.scalars(select(LoginThrottle.window_started_at)).one()
    assert stored == given
    assert stored.tzinfo == dt.UTC
    assert stored.hour == 8


def test_a_comparison_in_sql_uses_the_utc_instant(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.add(
            LoginThrottle(
                key="user:ana",
                failures=1,
                window_started_at=dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC),
                locked_until=dt.datetime(2026, 12, 6, 10, 0, tzinfo=BERLIN_WINTER),  # 09:00Z
            )
        )
    with Session(engine) as session:
        later = dt.datetime(2026, 12, 6, 8, 30, tzinfo=dt.UTC)
        locked = session.scalars(
            select(LoginThrottle.key).where(LoginThrottle.locked_until > later)
        ).all()
    assert locked == ["user:ana"]


def test_a_naive_moment_is_refused_not_guessed(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(
            LoginThrottle(key="user:ana", failures=1, window_started_at=dt.datetime(2026, 12, 6))
        )
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()
