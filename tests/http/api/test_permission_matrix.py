"""Every route of the app × every role: allowed, or denied with the expected status.

The route list comes from ``app.routes`` itself, so a new endpoint without a row in the
matrix fails ``test_every_route_has_a_row_and_every_row_a_route``. HEAD is answered like
GET and is not listed separately.

A read (GET) changes nothing a permission depends on, so every read cell of one database
backend shares one app over one seeded clinic (``shared``: built once per module and
backend, and so once per xdist worker); the client's cookies are cleared before each cell,
and a row's ``params`` still set up what it reads (a recorded session, an open risk event)
in that clinic. Every other method may change what the next cell sees (a revoked token, a
voided session, a deactivated user), so each write cell keeps a freshly migrated and seeded
database of its own. Building an app and warming up its routes costs far more than copying
a database, so the write cells of a backend share one app and client too (``writer``):
each cell puts a service context over its own copy (with its own clock and password
hasher) in ``app.state.context``, which every part of the app reads per request, and clears
the cookies. Between cells the app's context is an empty database, so anything that kept
a context from before would fail its cell rather than read another cell's clinic.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastapi.routing
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from starlette.routing import Mount

from attunement.http import create_app
from attunement.http.deps import CSRF_HEADER, SESSION_COOKIE
from attunement.services import ServiceContext, login_for_session
from attunement.store import make_engine, make_sessionmaker
from tests.http.api.conftest import app_settings, bearer
from tests.http.api.permission_matrix import (
    ALLOW,
    API_ROWS,
    ROLES,
    Cell,
    Row,
    patient_invitation,
)
from tests.services.world import PASSWORD, FakeClock, World, build_world, fast_passwords
from tests.support.postgres import PostgresServer

USERNAMES = {
    "admin": "admin",
    "supervisor": "sam",
    "clinician-own": "ana",
    "clinician-other": "ben",
}


def _all_rows() -> list[Row]:
    rows = list(API_ROWS)
    if importlib.util.find_spec("tests.http.web") and importlib.util.find_spec(
        "tests.http.web.matrix_rows"
    ):
        from tests.http.web.matrix_rows import ROWS  # type: ignore[import-not-found]

        rows.extend(ROWS)
    rows.extend(importlib.import_module("tests.http.interop.matrix_rows").ROWS)
    rows.extend(importlib.import_module("tests.documents.matrix_rows").ROWS)
    rows.extend(importlib.import_module("tests.http.api.schedule_matrix_rows").ROWS)
    return rows


ROWS = _all_rows()
#: Rows whose request changes nothing: their cells share one clinic per backend.
READ_ROWS = [row for row in ROWS if row.method == "GET"]
WRITE_ROWS = [row for row in ROWS if row.method != "GET"]


def _flat_routes(app: FastAPI) -> list[Any]:
    """Every route, with included routers flattened (FastAPI >= 0.13x nests them)."""
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    return list(iterate(app.routes)) if iterate else list(app.routes)


def _route_keys(app: FastAPI) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for route in _flat_routes(app):
        original = getattr(route, "original_route", route)
        if isinstance(original, Mount):
            keys.add(("GET", f"{route.path}/{{path}}"))
            continue
        for method in route.methods or ():
            if method != "HEAD":
                keys.add((method, route.path))
    return keys


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    app = create_app(app_settings(), engine=make_engine("sqlite://"))
    routes = _route_keys(app)
    rows = [row.key for row in ROWS]
    assert len(rows) == len(set(rows)), "a route has two rows"
    missing = sorted(routes - set(rows))
    assert not missing, f"routes without a permission row: {missing}"
    stale = sorted(set(rows) - routes)
    assert not stale, f"rows for routes that do not exist: {stale}"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.path}")
def test_every_row_decides_every_role(row: Row) -> None:
    assert set(row.expect) == set(ROLES)


def _credentials(cell: Cell, row: Row) -> dict[str, str]:
    if cell.role == "anonymous":
        return {}
    if cell.role == "patient":
        return {"Authorization": f"Bearer {cell.invitation_token}"} if row.auth == "bearer" else {}
    username = USERNAMES[cell.role]
    if row.auth == "bearer":
        return bearer(cell.ctx, username)
    issued = login_for_session(cell.ctx, username=username, password=PASSWORD)
    cell.client.cookies.set(SESSION_COOKIE, issued.token)
    return {CSRF_HEADER: issued.csrf_token}


def _check(cell: Cell, row: Row) -> None:
    """Send the row's request as the cell's role; the status the row expects for it."""
    path = row.path.format(**row.params(cell))
    response = cell.client.request(
        row.method,
        path,
        headers=_credentials(cell, row),
        json=row.json(cell) if row.json else None,
        data=row.data(cell) if row.data else None,
        follow_redirects=False,
    )
    expected = row.expect[cell.role]
    if expected == ALLOW:
        assert 200 <= response.status_code < 400, (cell.role, path, response.text)
    else:
        assert response.status_code == expected, (cell.role, path, response.text)


@dataclass(frozen=True)
class SeededClinic:
    """A migrated database with the small clinic and a live invitation in it, kept as a
    template: a SQLite file to copy, or a PostgreSQL database to create others from."""

    backend: str
    source: str  # the SQLite file, or the PostgreSQL database's name
    world: World
    invitation_token: str


@dataclass(frozen=True)
class Clinic:
    """An app over one copy of the seeded clinic, with its client."""

    ctx: ServiceContext
    world: World
    client: TestClient
    invitation_token: str

    def cell(self, role: str) -> Cell:
        return Cell(self.ctx, self.world, self.client, role, self.invitation_token)


def _copy(seeded: SeededClinic, request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """The URL of a new copy of the seeded clinic (dropped afterwards on PostgreSQL)."""
    if seeded.backend == "sqlite":
        path = folder / f"clinic-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copyfile(seeded.source, path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"attune_matrix_{uuid.uuid4().hex[:12]}"
    server.create_database(name, template=seeded.source)
    try:
        yield server.url_for(name)
    finally:
        server.drop_database(name)


def _clinic(url: str, seeded: SeededClinic) -> Iterator[Clinic]:
    engine = make_engine(url)
    app = create_app(app_settings(), engine=engine, clock=FakeClock(), passwords=fast_passwords())
    try:
        with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
            yield Clinic(app.state.context, seeded.world, c, seeded.invitation_token)
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeededClinic]:
    """The clinic every cell starts from, seeded once per module and backend (so once per
    xdist worker), through the app's own services."""
    folder = tmp_path_factory.mktemp("matrix")
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        source = folder / "seeded.sqlite3"
        shutil.copyfile(template, source)
        url = f"sqlite:///{source}"
        name = str(source)
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        name = f"attune_seeded_{uuid.uuid4().hex[:12]}"
        server.create_database(name, template=request.getfixturevalue("postgres_template"))
        url = server.url_for(name)
    engine = make_engine(url)
    app = create_app(app_settings(), engine=engine, clock=FakeClock(), passwords=fast_passwords())
    ctx: ServiceContext = app.state.context
    world = build_world(ctx)
    token = patient_invitation(ctx, world)
    if request.param == "sqlite":
        with engine.connect() as connection:  # everything in the file itself, to copy it
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()  # a PostgreSQL template takes no connection
    try:
        yield SeededClinic(request.param, name, world, token)
    finally:
        if request.param == "postgresql":
            request.getfixturevalue("postgres_server").drop_database(name)


@pytest.fixture(scope="module")
def shared(
    seeded: SeededClinic, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Clinic]:
    """One copy of the seeded clinic for every read cell of the backend."""
    for url in _copy(seeded, request, tmp_path_factory.mktemp("matrix-reads")):
        yield from _clinic(url, seeded)


@dataclass(frozen=True)
class Writer:
    """The app and client every write cell of a backend uses, over a clinic of its own."""

    app: FastAPI
    client: TestClient


@pytest.fixture(scope="module")
def writer(seeded: SeededClinic) -> Iterator[Writer]:
    """One app for the write cells of the backend, built over an empty database (no tables):
    a cell that reached it instead of its own copy would fail."""
    engine = make_engine("sqlite://")
    app = create_app(app_settings(), engine=engine, clock=FakeClock(), passwords=fast_passwords())
    try:
        with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
            yield Writer(app, c)
    finally:
        engine.dispose()


@pytest.fixture
def fresh(
    seeded: SeededClinic, writer: Writer, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Clinic]:
    """A copy of the seeded clinic of the write cell's own, under the backend's write app:
    a context like the one ``create_app`` builds, on the copy, with a new clock and hasher."""
    empty: ServiceContext = writer.app.state.context
    for url in _copy(seeded, request, tmp_path):
        engine = make_engine(url)
        ctx = dataclasses.replace(
            empty,
            sessions=make_sessionmaker(engine),
            clock=FakeClock(),
            passwords=fast_passwords(),
        )
        writer.app.state.context = ctx
        writer.client.cookies.clear()  # the cell before may have signed in with a cookie
        try:
            yield Clinic(ctx, seeded.world, writer.client, seeded.invitation_token)
        finally:
            writer.app.state.context = empty
            writer.client.cookies.clear()
            engine.dispose()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", READ_ROWS, ids=lambda row: f"{row.method} {row.path}")
def test_read_permission(row: Row, role: str, shared: Clinic) -> None:
    shared.client.cookies.clear()  # the cell before may have signed in with a cookie
    _check(shared.cell(role), row)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", WRITE_ROWS, ids=lambda row: f"{row.method} {row.path}")
def test_write_permission(row: Row, role: str, fresh: Clinic) -> None:
    _check(fresh.cell(role), row)
