"""Every route of the app × every role: allowed, or denied with the expected status.

The route list comes from ``app.routes`` itself, so a new endpoint without a row in the
matrix fails ``test_every_route_has_a_row_and_every_row_a_route``. HEAD is answered like
GET and is not listed separately.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import fastapi.routing
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount

from attunement.http import create_app
from attunement.http.deps import CSRF_HEADER, SESSION_COOKIE
from attunement.services import ServiceContext, login_for_session
from attunement.store import make_engine
from tests.http.api.conftest import app_settings, bearer
from tests.http.api.permission_matrix import (
    ALLOW,
    API_ROWS,
    ROLES,
    Cell,
    Row,
    patient_invitation,
)
from tests.services.world import PASSWORD, World

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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.path}")
def test_permission(
    row: Row, role: str, ctx: ServiceContext, world: World, client: TestClient
) -> None:
    cell = Cell(ctx, world, client, role, patient_invitation(ctx, world))
    path = row.path.format(**row.params(cell))
    response = client.request(
        row.method,
        path,
        headers=_credentials(cell, row),
        json=row.json(cell) if row.json else None,
        data=row.data(cell) if row.data else None,
        follow_redirects=False,
    )
    expected = row.expect[role]
    if expected == ALLOW:
        assert 200 <= response.status_code < 400, (role, path, response.text)
    else:
        assert response.status_code == expected, (role, path, response.text)
