"""No health data in any log: every route driven with marker values, every log record searched.

Patient names, external ids, free text, query strings and sign-in names carry a unique
marker; every route of the permission matrix is called (by a role allowed to and one that
is not), plus a caseload search, failed sign-ins and a forced database error whose
statement holds the marker. Every record of every logger (the app, the access log,
SQLAlchemy at its INFO level, anything else) is then searched: zero hits. The HTTP
client's own request log (``httpx``) is the test's, not the server's, and is left out.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from attunement.errors import AuthenticationError
from attunement.http.deps import CSRF_HEADER, SESSION_COOKIE
from attunement.services import (
    ServiceContext,
    actor_for_session,
    actor_for_token,
    login_for_session,
    login_for_token,
)
from attunement.store import Patient
from tests.http.api.conftest import bearer
from tests.http.api.permission_matrix import ALLOW, Cell, Row, patient_invitation
from tests.http.api.test_permission_matrix import ROWS, USERNAMES, _credentials
from tests.services.world import PASSWORD, World

MARKER = "Qx7Marker"
FREE_TEXT_KEYS = frozenset({"display_name", "external_id", "notes", "note", "reason"})


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING, logger="httpx")
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # statements (DEBUG adds rows)
    caplog.set_level(logging.DEBUG)  # last: set_level also sets the capturing handler's level
    return caplog


def _mark_patients(ctx: ServiceContext) -> None:
    with ctx.sessions.begin() as session:
        for patient in session.query(Patient):
            patient.display_name = f"{MARKER} Patient {patient.id}"
            patient.external_id = f"{MARKER}-{patient.id}"


def _marked(body: Any) -> Any:
    if isinstance(body, dict):
        return {
            k: f"{MARKER} {k}" if k in FREE_TEXT_KEYS and isinstance(v, str) else _marked(v)
            for k, v in body.items()
        }
    if isinstance(body, list):
        return [_marked(v) for v in body]
    return body


def _roles(row: Row) -> list[str]:
    allowed = [role for role, outcome in row.expect.items() if outcome == ALLOW]
    denied = [role for role, outcome in row.expect.items() if outcome != ALLOW]
    return allowed[:1] + denied[:1]


def _uses_invitation(row: Row, role: str) -> bool:
    """The invitation is the patient's credential and the self-report pages' path and form."""
    return role == "patient" or "self-report" in row.path


def _signed_in(
    signed_in: dict[tuple[str, str], tuple[str, str]], cell: Cell, row: Row
) -> dict[str, str]:
    """``_credentials``, signing in again only when a request ended the last sign-in (a
    sign-in writes, and is not what this test drives)."""
    if cell.role not in USERNAMES:
        return _credentials(cell, row)
    token, csrf = signed_in.get((cell.role, row.auth), ("", ""))
    try:
        (actor_for_token if row.auth == "bearer" else actor_for_session)(cell.ctx, token)
    except AuthenticationError:
        username = USERNAMES[cell.role]
        if row.auth == "bearer":
            token = login_for_token(cell.ctx, username=username, password=PASSWORD).access_token
        else:
            issued = login_for_session(cell.ctx, username=username, password=PASSWORD)
            token, csrf = issued.token, issued.csrf_token
        signed_in[(cell.role, row.auth)] = (token, csrf)
    if row.auth == "bearer":
        return {"Authorization": f"Bearer {token}"}
    cell.client.cookies.set(SESSION_COOKIE, token)
    return {CSRF_HEADER: csrf}


def _drive_every_route(ctx: ServiceContext, world: World, client: TestClient) -> int:
    calls = 0
    invitation = patient_invitation(ctx, world)
    signed_in: dict[tuple[str, str], tuple[str, str]] = {}
    for row in ROWS:
        params: dict[str, Any] | None = None  # built once per row: builders make fixed names
        for role in _roles(row):
            client.cookies.clear()
            if _uses_invitation(row, role):  # a new one, as the request before may spend it
                invitation = patient_invitation(ctx, world)
            cell = Cell(ctx, world, client, role, invitation)
            params = params if params is not None else row.params(cell)
            path = row.path.format(**params)
            client.request(
                row.method,
                path,
                params={"q": MARKER, "name": f"{MARKER} name"},
                headers=_signed_in(signed_in, cell, row),
                json=_marked(row.json(cell)) if row.json else None,
                data=row.data(cell) if row.data else None,
                follow_redirects=False,
            )
            calls += 1
    return calls


def _force_database_errors(engine: Engine) -> None:
    """Inserting a patient named ``…boom…`` fails in the database (not a constraint)."""
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER boom BEFORE INSERT ON patients "
                    "WHEN NEW.display_name LIKE '%boom%' "
                    "BEGIN SELECT zeroblob(2000000000); END"  # DataError: string too big
                )
            )
            return
        connection.execute(
            text(
                "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.display_name LIKE '%boom%' THEN "
                "RAISE EXCEPTION 'forced' USING ERRCODE = 'data_exception'; END IF; "
                "RETURN NEW; END $$"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER boom BEFORE INSERT ON patients FOR EACH ROW EXECUTE FUNCTION boom()"
            )
        )


def _everything(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        caplog.handler.format(r) for r in caplog.records if not r.name.startswith("httpx")
    )


def test_no_marker_reaches_any_log_from_any_route(
    engine: Engine,
    ctx: ServiceContext,
    world: World,
    client: TestClient,
    logs: pytest.LogCaptureFixture,
) -> None:
    _mark_patients(ctx)
    calls = _drive_every_route(ctx, world, client)
    assert calls > 80  # two roles for each of the ~45 routes
    client.cookies.clear()
    issued = login_for_session(ctx, username="ana", password=PASSWORD)
    client.cookies.set(SESSION_COOKIE, issued.token)
    assert client.get("/caseload", params={"q": MARKER}).status_code == 200
    client.cookies.clear()
    for username in (MARKER, f"{MARKER}@example.org"):
        client.post("/api/v1/auth/token", data={"username": username, "password": MARKER})
    auth = bearer(ctx, "ana")
    created = client.post(
        "/api/v1/patients",
        json={"display_name": f"{MARKER} Newcomer", "external_id": f"{MARKER}-X"},
        headers=auth,
    )
    assert created.status_code == 201
    client.post(
        f"/api/v1/episodes/{world.episode_a}/administrations",
        content=f'{{"instrument": "phq9", "answers": [NaN, 0, 0, 0, 0, 0, 0, 0, 1], '
        f'"language": "{MARKER}"}}',
        headers={**auth, "Content-Type": "application/json"},
    )
    records = _everything(logs)
    assert "attunement.access" in {r.name for r in logs.records}
    assert MARKER not in records
    assert "Newcomer" not in records


def test_a_database_error_is_one_log_line_without_values_and_a_proper_500(
    engine: Engine,
    ctx: ServiceContext,
    world: World,
    client: TestClient,
    logs: pytest.LogCaptureFixture,
) -> None:
    _force_database_errors(engine)
    auth = bearer(ctx, "ana")
    logs.clear()
    failed = client.post(
        "/api/v1/patients",
        json={"display_name": f"{MARKER} boom", "external_id": f"{MARKER}-boom"},
        headers=auth,
    )
    assert failed.status_code == 500
    assert failed.json() == {"detail": "internal error", "field": None, "allowed": None}
    assert failed.headers["x-frame-options"] == "DENY"
    errors = [r for r in logs.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "DataError" in errors[0].getMessage()
    assert "POST /api/v1/patients" in errors[0].getMessage()
    assert MARKER not in _everything(logs)
    assert client.get("/api/v1/health").status_code == 200  # the client carries on


def test_the_access_log_names_route_templates_not_paths(
    client: TestClient, ctx: ServiceContext, world: World, logs: pytest.LogCaptureFixture
) -> None:
    auth = bearer(ctx, "ana")
    client.get(f"/api/v1/patients/{world.patient_a}", params={"q": MARKER}, headers=auth)
    client.get(f"/no/such/{MARKER}")
    lines = [r.getMessage() for r in logs.records if r.name == "attunement.access"]
    assert any('"GET /api/v1/patients/{patient_id}" 200' in line for line in lines)
    assert any('"GET <unmatched>" 404' in line for line in lines)
    assert not any(MARKER in line or f"/{world.patient_a}" in line for line in lines)


def test_a_web_form_hitting_a_database_error_is_logged_once_without_values(
    engine: Engine,
    client: TestClient,
    ctx: ServiceContext,
    world: World,
    logs: pytest.LogCaptureFixture,
) -> None:
    _force_database_errors(engine)
    issued = login_for_session(ctx, username="ana", password=PASSWORD)
    client.cookies.set(SESSION_COOKIE, issued.token)
    logs.clear()
    response = client.post(
        "/patients/new",
        data={
            "display_name": f"{MARKER} boom",
            "started_on": "2026-03-02",
            "csrf_token": issued.csrf_token,
        },
        headers={CSRF_HEADER: issued.csrf_token},
        follow_redirects=False,
    )
    assert response.status_code == 500
    assert len([r for r in logs.records if r.levelno >= logging.ERROR]) == 1
    assert MARKER not in _everything(logs)
