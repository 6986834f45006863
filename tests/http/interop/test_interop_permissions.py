"""The interop rows of the permission matrix on an app that trusts an EHR (trust file set),
with the column the shared matrix has not: a valid EHR JWT."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.http.api.permission_matrix import ALLOW, ROLES, Cell, Row, patient_invitation
from tests.http.interop.matrix_rows import EHR_EXPECT, ROWS, import_bundle
from tests.services.world import PASSWORD, FakeClock, World
from tests.support.interop import EhrKeys

from attunement.services import ServiceContext, login_for_token
from attunement.store import make_engine

BASE = "https://testserver"
USERNAMES = {
    "admin": "admin",
    "supervisor": "sam",
    "clinician-own": "ana",
    "clinician-other": "ben",
}


@pytest.fixture
def engine(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """SQLite only: the shared matrix already runs these rows on both databases."""
    path = tmp_path / "attunement.sqlite3"
    shutil.copyfile(sqlite_template, path)
    created = make_engine(f"sqlite:///{path}")
    yield created
    created.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        yield c


def _headers(column: str, cell: Cell, path: str, keys: EhrKeys, clock: FakeClock) -> dict[str, str]:
    if column == "ehr":
        return {"Authorization": f"Bearer {keys.sign(aud=BASE + path, now=clock())}"}
    if column == "anonymous":
        return {}
    if column == "patient":
        return {"Authorization": f"Bearer {cell.invitation_token}"}
    token = login_for_token(cell.ctx, username=USERNAMES[column], password=PASSWORD)
    return {"Authorization": f"Bearer {token.access_token}"}


def test_every_interop_row_has_an_ehr_expectation() -> None:
    assert {row.key for row in ROWS} == set(EHR_EXPECT)


@pytest.mark.parametrize("column", [*ROLES, "ehr"])
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.path}")
def test_interop_permission_with_a_trusted_ehr(
    row: Row,
    column: str,
    ctx: ServiceContext,
    world: World,
    client: TestClient,
    ehr_keys: EhrKeys,
    clock: FakeClock,
) -> None:
    cell = Cell(ctx, world, client, column, patient_invitation(ctx, world))
    path = row.path.format(**row.params(cell))
    response = client.request(
        row.method,
        path,
        headers=_headers(column, cell, path, ehr_keys, clock),
        json=row.json(cell) if row.json else None,
    )
    expected = EHR_EXPECT[row.key] if column == "ehr" else row.expect[column]
    if expected == ALLOW:
        assert 200 <= response.status_code < 300, (column, path, response.text)
    else:
        assert response.status_code == expected, (column, path, response.text)
        assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("username", "reason"),
    [("sam", "may view their supervisees' patients but not change"), ("ben", "not found")],
)
def test_an_import_for_a_patient_the_caller_may_not_change_is_refused_in_the_report(
    username: str, reason: str, ctx: ServiceContext, world: World, client: TestClient
) -> None:
    token = login_for_token(ctx, username=username, password=PASSWORD).access_token
    response = client.post(
        "/fhir", json=import_bundle(), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    report = response.json()
    assert report["imported"] == []
    (refused,) = report["refused"]
    assert refused["resource_id"] == "phq-9-example"
    assert reason in refused["reasons"][0]


def test_the_treating_clinician_imports_the_response_onto_the_patient(
    ctx: ServiceContext, world: World, client: TestClient
) -> None:
    token = login_for_token(ctx, username="ana", password=PASSWORD).access_token
    report = client.post(
        "/fhir", json=import_bundle(), headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert [(r["patient_id"], r["status"]) for r in report["imported"]] == [
        (world.patient_a, "imported")
    ]
    assert report["refused"] == []
