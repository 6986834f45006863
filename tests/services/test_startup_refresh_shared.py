"""App servers starting at once recompute stale statuses once, without a clash (issue 13).

``attune serve`` recomputes missing or stale stored statuses when it starts; several
machines (or a restart of all of them after an upgrade) do so at the same moment on one
database. Each refresh must succeed, and the stored rows must be those of one refresh.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine, delete, func, select

from attunement.services import ServiceContext, get_status, refresh_stale_statuses
from attunement.store import EpisodeStatusRecord, make_engine
from tests.services.test_status_and_caseload import _episode_with
from tests.services.world import FakeClock, World, make_context


def test_refreshes_started_together_on_two_servers_both_succeed(
    ctx: ServiceContext, world: World, clock: FakeClock, engine: Engine
) -> None:
    episodes = [
        _episode_with(ctx, clock, world.ana, f"Synthetic Race {n}", [12, 14, 16], risk=False)
        for n in range(8)
    ]
    before = [get_status(ctx, world.ana, e) for e in episodes]
    with engine.begin() as connection:  # as after an upgrade that invalidated every row
        connection.execute(delete(EpisodeStatusRecord))
    url = engine.url.render_as_string(hide_password=False)
    servers = [make_engine(url) for _ in range(2)]
    barrier = threading.Barrier(len(servers))
    counts: list[int] = []
    failures: list[BaseException] = []

    def start(server: Engine) -> None:
        barrier.wait()
        try:
            counts.append(refresh_stale_statuses(make_context(server, clock)))
        except BaseException as error:  # collected: a thread's exception is otherwise lost
            failures.append(error)

    threads = [threading.Thread(target=start, args=(server,)) for server in servers]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for server in servers:
            server.dispose()
    assert not failures, failures
    assert sum(counts) >= len(episodes) + 2  # every patient of the clinic, at least once
    with engine.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(EpisodeStatusRecord))
    assert stored == len(episodes) + 2  # one row per open episode (world's A and B too)
    assert [get_status(ctx, world.ana, e) for e in episodes] == before
