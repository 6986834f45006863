"""A web session's idle timer is written at most once a minute (issue 13).

Every signed-in page view used to rewrite ``last_seen_at``: a write transaction per read.
The timer is now refreshed only when it is a minute or more old, so a session can expire
up to a minute early, never late.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from attunement.errors import AuthenticationError
from attunement.services import ServiceContext, actor_for_session, login_for_session
from attunement.store import WebSession
from tests.services.world import PASSWORD, FakeClock, World


def _last_seen(ctx: ServiceContext) -> dt.datetime:
    with ctx.sessions() as session:
        return session.scalars(select(WebSession.last_seen_at)).one()  # aware UTC


def test_requests_within_a_minute_leave_the_idle_timer_unwritten(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    token = login_for_session(ctx, username="ana", password=PASSWORD).token
    signed_in = _last_seen(ctx)
    for _ in range(3):
        clock.advance(seconds=15)
        assert actor_for_session(ctx, token) == world.ana
    assert _last_seen(ctx) == signed_in  # 45 s later: nothing written
    clock.advance(seconds=15)
    actor_for_session(ctx, token)
    assert _last_seen(ctx) == clock.now  # a minute old: refreshed


def test_a_session_used_every_half_minute_stays_alive_past_the_idle_limit(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    token = login_for_session(ctx, username="ana", password=PASSWORD).token
    for _ in range(2 * 45):  # 45 minutes of activity against a 30-minute idle limit
        clock.advance(seconds=30)
        assert actor_for_session(ctx, token) == world.ana


def test_an_idle_session_still_expires_after_the_idle_limit(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    token = login_for_session(ctx, username="ana", password=PASSWORD).token
    clock.advance(seconds=50)
    actor_for_session(ctx, token)  # not written: the timer still says sign-in time
    clock.advance(seconds=ctx.policy.session_idle.total_seconds() - 49)
    with pytest.raises(AuthenticationError):  # a minute early at most, never late
        actor_for_session(ctx, token)
