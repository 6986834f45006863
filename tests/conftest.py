"""Shared test harness: storage on SQLite and on a real PostgreSQL server.

Storage tests take the ``engine`` fixture, which runs each test twice: once on a fresh
SQLite file and once on a fresh PostgreSQL database. PostgreSQL comes from
``ATTUNE_TEST_POSTGRES_URL`` (a server URL whose user may create databases) or, when that
is unset, from a throw-away cluster this harness starts with the packaged ``initdb`` and
``pg_ctl`` (as the ``postgres`` user when running as root, since PostgreSQL refuses root).
Without either, PostgreSQL tests skip with the reason — and with ``ATTUNE_REQUIRE_ALL=1``
every skip turns into a failure, so CI cannot pass while silently testing less.

A seeded clinic is built once per backend and xdist worker and copied for each test that
asks for it (``seeded_copies``): a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL — the same rows as seeding afresh, without seeding afresh.

One fixture family serves every suite: ``clock`` (a :class:`FakeClock` the test moves),
``ctx`` (the service context on ``engine``) and ``world`` (the small clinic of
``tests.services.world`` seeded through ``ctx``). A suite whose context comes from an app
overrides ``ctx`` once in its conftest (``tests/api``, ``tests/web``, ``tests/interop``);
``world`` then seeds that app's database.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from attunement.instruments import install_clinic_definitions
from attunement.services import ServiceContext
from attunement.store import make_engine, migrate
from tests.services.world import FakeClock, World, build_world, make_context
from tests.support.app_reuse import AppReuse
from tests.support.postgres import (
    MEMORY_FOLDER,
    PostgresServer,
    memory_folder_usable,
    start_throwaway_cluster,
)
from tests.support.seeded_world import (
    SEEDED_WORLD,
    context_fingerprint,
    seeded,
    seeded_world_for,
)

REQUIRE_ALL = os.environ.get("ATTUNE_REQUIRE_ALL") == "1"

#: The audit trail is MAC'd with a key kept outside the database; production-mode commands
#: refuse to run without one. Tests (and the servers they start) use this test-only key
#: unless they set their own; it keeps them from creating a key in the real data directory.
TEST_AUDIT_KEY = "3PC1rn7ssGodbZPduga9Sd_k48tGM9qYRW96721W6nA"
os.environ.setdefault("ATTUNE_AUDIT_KEY", TEST_AUDIT_KEY)


#: ``ATTUNE_TEST_TMP_IN_MEMORY=0`` keeps pytest's temporary folders in the system temp dir.
TMP_IN_MEMORY = os.environ.get("ATTUNE_TEST_TMP_IN_MEMORY", "1") != "0"
MEMORY_BASETEMP = pytest.StashKey[str]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """The run's temporary folders (``tmp_path``: the tests' SQLite files, the served
    processes' data) go under ``/dev/shm`` where there is one, unless ``--basetemp`` names
    a folder. SQLite commits with ``synchronous=FULL``, an fsync each; on the disk of a busy
    machine one took 4 ms and more, on memory microseconds. The same files and the same
    syncs, only faster. A test's folder is removed when it passes
    (``tmp_path_retention_policy = "failed"`` in pyproject.toml), so memory holds the
    running tests' files and the failures' only; the run's folder goes at the end of a run
    that passed, and is named at the end of one that did not. xdist's workers take their
    folders under the controller's."""
    if (
        not TMP_IN_MEMORY
        or config.option.basetemp
        or hasattr(config, "workerinput")
        or not memory_folder_usable()
    ):
        return
    folder = tempfile.mkdtemp(prefix="attune-pytest-", dir=MEMORY_FOLDER)
    config.option.basetemp = folder
    config.stash[MEMORY_BASETEMP] = folder


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    folder = config.stash.get(MEMORY_BASETEMP, None)
    if folder is None:
        return
    if exitstatus == 0:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        terminalreporter.write_line(f"temporary folders of the tests that failed: {folder}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under ATTUNE_REQUIRE_ALL=1 (must run): {reason}"


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if REQUIRE_ALL and report.skipped:
        report.outcome = "failed"


@pytest.fixture(autouse=True)
def _packaged_definitions_only() -> Iterator[None]:
    """Each test starts and ends with the packaged instrument definitions in force (a CLI
    command or an app built in a test installs the clinic's imported ones)."""
    install_clinic_definitions({})
    yield
    install_clinic_definitions({})


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server whose admin URL may create databases, or a skip with the reason."""
    configured = os.environ.get("ATTUNE_TEST_POSTGRES_URL")
    if configured:
        yield PostgresServer(admin_url=configured, stop=None)
        return
    server, reason = start_throwaway_cluster(in_memory=True)
    if server is None:
        pytest.skip(f"no PostgreSQL server: {reason}")
    try:
        yield server
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """Name of a database migrated to head, used as the template for each test's database."""
    name = f"attune_template_{uuid.uuid4().hex[:8]}"
    postgres_server.create_database(name)
    engine = make_engine(postgres_server.url_for(name))
    migrate(engine)
    engine.dispose()
    return name


def _fresh_postgres(server: PostgresServer, template: str | None) -> Iterator[str]:
    name = f"attune_test_{uuid.uuid4().hex[:12]}"
    server.create_database(name, template=template)
    try:
        yield server.url_for(name)
    finally:
        server.drop_database(name)


# --------------------------------------------------------------------------- SQLite


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    return path


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """The storage backend of this run of the test: "sqlite", then "postgresql"."""
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh database migrated to head, on each backend in turn — for a test that
    takes ``world`` through a context this harness knows, a copy of that world seeded once
    (:mod:`tests.support.seeded_world`)."""
    wanted = seeded_world_for(request, backend)
    if wanted is not None:
        key, seed = wanted
        copies: SeededCopies = request.getfixturevalue("seeded_copies")
        with copies.copy(backend, key, seed, tmp_path) as url:
            request.node.stash[SEEDED_WORLD] = seeded(backend, key)
            yield url
        return
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "attunement.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    yield from _fresh_postgres(server, request.getfixturevalue("postgres_template"))


class SeededCopies:
    """Databases seeded once (per backend, key and worker) and copied for each test.

    ``copy(backend, key, seed, folder)`` yields the URL of a new copy of the database that
    ``seed(engine)`` filled on a freshly migrated database; the first call of a key builds it.
    ``seed`` must be deterministic (a fixed clock and simulation seed), since every later
    copy stands in for seeding again.
    """

    def __init__(self, request: pytest.FixtureRequest, folder: Path) -> None:
        self._request = request
        self._folder = folder
        self._sources: dict[tuple[str, str], str] = {}

    @contextmanager
    def copy(
        self, backend: str, key: str, seed: Callable[[Engine], object], folder: Path
    ) -> Iterator[str]:
        source = self._sources.get((backend, key)) or self._build(backend, key, seed)
        if backend == "sqlite":
            path = folder / f"{key}-{uuid.uuid4().hex[:8]}.sqlite3"
            shutil.copyfile(source, path)
            yield f"sqlite:///{path}"
            return
        server: PostgresServer = self._request.getfixturevalue("postgres_server")
        name = f"attune_test_{uuid.uuid4().hex[:12]}"
        server.create_database(name, template=source)
        try:
            yield server.url_for(name)
        finally:
            server.drop_database(name)

    def _build(self, backend: str, key: str, seed: Callable[[Engine], object]) -> str:
        if backend == "sqlite":
            template: Path = self._request.getfixturevalue("sqlite_template")
            path = self._folder / f"{key}.sqlite3"
            shutil.copyfile(template, path)
            source, url = str(path), f"sqlite:///{path}"
        else:
            server: PostgresServer = self._request.getfixturevalue("postgres_server")
            source = f"attune_seeded_{key}_{uuid.uuid4().hex[:8]}"
            server.create_database(
                source, template=self._request.getfixturevalue("postgres_template")
            )
            url = server.url_for(source)
        engine = make_engine(url)
        try:
            seed(engine)
            if backend == "sqlite":
                with engine.connect() as connection:
                    connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        finally:
            engine.dispose()
        self._sources[(backend, key)] = source
        return source


@pytest.fixture(scope="session")
def seeded_copies(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> SeededCopies:
    """Seeded databases built once per worker and copied per test (see :class:`SeededCopies`)."""
    return SeededCopies(request, tmp_path_factory.mktemp("seeded"))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty (unmigrated) database on each backend in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    yield from _fresh_postgres(server, None)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a fresh migrated database (SQLite, then PostgreSQL)."""
    created = make_engine(database_url)
    try:
        yield created
    finally:
        created.dispose()


@pytest.fixture(scope="session")
def app_reuse() -> AppReuse:
    """The apps of this test process, reused by settings (:mod:`tests.support.app_reuse`)."""
    return AppReuse()


# --------------------------------------------------------------------------- the clinic


@pytest.fixture
def clock() -> FakeClock:
    """A clock the test moves by hand (``clock.advance(days=7)``)."""
    return FakeClock()


@pytest.fixture
def ctx(engine: Engine, clock: FakeClock) -> ServiceContext:
    """The service context over ``engine`` (SQLite, then PostgreSQL) with ``clock``."""
    return make_context(engine, clock)


@pytest.fixture
def world(ctx: ServiceContext, request: pytest.FixtureRequest) -> World:
    """The small synthetic clinic (users, patients, episodes) seeded through ``ctx`` — or,
    where ``database_url`` copied a world seeded once through a context like ``ctx``, that
    world's records, after checking that the copy was seeded as ``ctx`` would have."""
    seeded = request.node.stash.get(SEEDED_WORLD, None)
    if seeded is None:
        return build_world(ctx)
    if seeded.fingerprint != context_fingerprint(ctx):
        pytest.fail(
            f"the seeded world was written by a context unlike this test's ctx "
            f"({seeded.fingerprint} vs {context_fingerprint(ctx)}): teach _seeded_world in "
            "tests/conftest.py this test's context, or let it build the world"
        )
    return seeded.world
