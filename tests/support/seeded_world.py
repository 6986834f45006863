"""The ``world`` of a test, seeded once per context and copied instead of built each time.

Building the small clinic of :mod:`tests.services.world` runs eight audited use cases; on
PostgreSQL under a loaded CI machine that was a quarter to half a second of every test that
takes ``world``. The harness seeds it once per backend, worker, kind of context and clock
reading, and copies the seeded database for each test (``SeededCopies``). The copy holds the
same rows as building afresh — the same ids, timestamps, audit entries and their MACs —
because it was written by the same use cases through a context configured as the test's.

That last condition is checked, not assumed: the ``world`` fixture compares the test's
``ctx`` with the context that seeded the copy (:func:`context_fingerprint`) and fails,
naming both, when they differ. A suite whose context this module does not know builds its
world as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from attunement.services import ServiceContext
from tests.services.world import FakeClock, World, build_world, make_context


@dataclass(frozen=True)
class SeededWorld:
    """The records of a seeded world and the context that wrote them."""

    world: World
    fingerprint: tuple[object, ...]


#: Where ``database_url`` leaves the seeded world it copied, for the ``world`` fixture.
SEEDED_WORLD = pytest.StashKey[SeededWorld]()

#: Seeded worlds by (backend, key), filled when ``SeededCopies`` seeds one (per worker).
_SEEDED: dict[tuple[str, str], SeededWorld] = {}


def context_fingerprint(ctx: ServiceContext) -> tuple[object, ...]:
    """What in a context shapes the world's rows: the clock's reading (a fake clock's; a
    real clock never matches), the audit keys that MAC its entries, and the clinic settings
    a new episode's stored status depends on."""
    clock = ctx.clock.now if isinstance(ctx.clock, FakeClock) else repr(ctx.clock)
    return (
        clock,
        ctx.audit_keys.key_ids,
        ctx.caseness,
        ctx.overdue_days,
        ctx.clinic_language,
    )


def _api_context(engine: Engine, clock: FakeClock) -> ServiceContext:
    """The context of the API suite's ``app`` fixture (tests/http/api/conftest.py)."""
    from attunement.http import create_app
    from tests.http.api.conftest import app_settings
    from tests.services.world import fast_passwords

    app = create_app(app_settings(), engine=engine, clock=clock, passwords=fast_passwords())
    context: ServiceContext = app.state.context
    return context


#: The contexts whose world is seeded once: by the folder of the conftest that defines the
#: test's ``ctx`` (and, for an app's context, its ``app``).
_CONTEXTS: dict[str, tuple[str | None, Callable[[Engine, FakeClock], ServiceContext]]] = {
    "tests": (None, make_context),
    "tests/http/api": ("tests/http/api", _api_context),
}


def _defined_in(request: pytest.FixtureRequest, name: str) -> str | None:
    """The folder of the conftest whose fixture ``name`` this test uses (the nearest)."""
    definitions = request._fixturemanager.getfixturedefs(name, request.node)
    return definitions[-1].baseid if definitions else None


def seeded_world_for(
    request: pytest.FixtureRequest, backend: str
) -> tuple[str, Callable[[Engine], object]] | None:
    """(key, seed) of the seeded world this test's database may be copied from, or None
    where the test takes no ``world`` or its context is not one this module knows."""
    if "world" not in request.fixturenames or "clock" not in request.fixturenames:
        return None
    where = _defined_in(request, "ctx")
    known = _CONTEXTS.get(where or "")
    if known is None or where is None:
        return None
    app_folder, make = known
    if app_folder is not None and _defined_in(request, "app") != app_folder:
        return None
    clock: FakeClock = request.getfixturevalue("clock")
    now: dt.datetime = clock.now
    key = f"world-{where.replace('/', '-')}-{now:%Y%m%dT%H%M%S}"

    def seed(engine: Engine) -> None:
        ctx = make(engine, FakeClock(now))
        _SEEDED[(backend, key)] = SeededWorld(build_world(ctx), context_fingerprint(ctx))

    return key, seed


def seeded(backend: str, key: str) -> SeededWorld:
    """The seeded world a copy of ``key`` holds (seeded by :func:`seeded_world_for`'s seed)."""
    return _SEEDED[(backend, key)]
