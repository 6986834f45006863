"""Ids no table can hold answer like unknown ids (404), and the attempt is audited.

Issue 18: 145 responses were 500 (OverflowError from ids ≥ 2⁶³ on SQLite or ≥ 2³¹ on
PostgreSQL, e.g. ``POST /api/v1/patients/5097442989197398900736/episodes``) and those
attempts left no trace in the audit trail. Every route with an id in its path is tried
here with ids beyond both ranges, on both databases.
"""

from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from attunement.http.deps import CSRF_HEADER, SESSION_COOKIE
from attunement.services import ServiceContext, login_for_session
from attunement.store import AuditEntry
from tests.http.api.conftest import bearer
from tests.http.interop.matrix_rows import US_CORE_Q, US_CORE_QR
from tests.services.world import PASSWORD, World

HUGE = [2**31, 2**63, 5097442989197398900736, 10**300, -(2**63) - 1, 0]

#: (method, path, who, body): every route with a record id in its path.
ID_ROUTES = [
    ("GET", "/api/v1/patients/{id}", "ana", None),
    ("PUT", "/api/v1/patients/{id}/profile", "ana", {"reactance": "low"}),
    ("GET", "/api/v1/patients/{id}/plan", "ana", None),
    ("GET", "/api/v1/patients/{id}/episodes", "ana", None),
    ("POST", "/api/v1/patients/{id}/episodes", "ana", {"outcome_instrument": "phq9"}),
    ("POST", "/api/v1/episodes/{id}/administrations", "ana", {"instrument": "phq9", "answers": []}),
    ("GET", "/api/v1/episodes/{id}/administrations", "ana", None),
    ("POST", "/api/v1/episodes/{id}/sessions", "ana", {}),
    ("GET", "/api/v1/episodes/{id}/sessions", "ana", None),
    ("GET", "/api/v1/episodes/{id}/status", "ana", None),
    ("POST", "/api/v1/episodes/{id}/invitations", "ana", {}),
    ("POST", "/api/v1/users/{id}/deactivate", "admin", None),
    ("PUT", "/api/v1/users/{id}/supervisor", "admin", {"supervisor_id": None}),
    ("GET", "/fhir/Patient/{id}/$everything", "ana", None),
    ("GET", "/reports/patients/{id}.html", "ana", None),
]
PAGE_ROUTES = [
    "/patients/{id}",
    "/patients/{id}/intake",
    "/patients/{id}/session",
    "/patients/{id}/intake/preference-row",
    "/patients/{id}/intake/questionnaires/phq9",
]


def _audit_since(ctx: ServiceContext, seq: int) -> list[AuditEntry]:
    with ctx.sessions() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.seq > seq)))


def _last_seq(ctx: ServiceContext) -> int:
    with ctx.sessions() as session:
        return int(session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc())) or 0)


@pytest.mark.parametrize(
    ("method", "path", "who", "body"), ID_ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ID_ROUTES]
)
def test_an_id_out_of_the_storage_range_answers_404_and_is_audited(
    method: str,
    path: str,
    who: str,
    body: object,
    client: TestClient,
    ctx: ServiceContext,
    world: World,
) -> None:
    # every id on one app and database: each answers 404 and adds one audit entry of its own
    for huge in HUGE:
        headers = bearer(ctx, who)  # signing in is audited too: before counting
        before = _last_seq(ctx)
        response = client.request(
            method, path.format(id=huge), json=body, headers=headers, follow_redirects=False
        )
        assert response.status_code == 404, (huge, response.text)
        entries = _audit_since(ctx, before)
        outcomes = [(e.action, e.outcome) for e in entries]
        assert [e.outcome for e in entries] == ["not_found"], (huge, outcomes)
        (entry,) = entries
        assert entry.patient_id is None, huge
        assert entry.target is not None, huge
        assert len(entry.target) <= 100, huge


@pytest.mark.parametrize("path", PAGE_ROUTES)
def test_a_page_with_an_id_out_of_range_is_not_found(
    path: str, client: TestClient, ctx: ServiceContext, world: World
) -> None:
    issued = login_for_session(ctx, username="ana", password=PASSWORD)
    client.cookies.set(SESSION_COOKIE, issued.token)
    for huge in (2**31, 5097442989197398900736):
        url = path.format(id=huge)
        assert client.get(url).status_code == 404
        if not url.endswith(("preference-row",)):
            posted = client.post(url, headers={CSRF_HEADER: issued.csrf_token}, data={})
            assert posted.status_code in (404, 405), (url, posted.status_code)


def test_audit_queries_with_ids_out_of_range_answer_an_empty_page(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    for query in (f"patient_id={2**63}", f"after={2**63}", f"patient_id={-(2**70)}"):
        response = client.get(f"/api/v1/audit?{query}", headers=bearer(ctx, "admin"))
        assert response.status_code in (200, 422), (query, response.text)
        if response.status_code == 200:
            assert all(entry["patient_id"] is None for entry in response.json())


# --------------------------------------------------------------------------- FHIR import


def _bundle(subject: str) -> dict[str, object]:
    response = copy.deepcopy(US_CORE_QR) | {"subject": {"reference": subject}}
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": US_CORE_Q}, {"resource": response}],
    }


def test_a_named_patient_of_another_clinician_is_not_found_for_the_whole_import(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    for patient in (world.patient_b, 2**63, 999):
        response = client.post(
            f"/fhir?patient_id={patient}", json=_bundle("Patient/B-1"), headers=bearer(ctx, "ana")
        )
        assert response.status_code == 404, (patient, response.text)


def test_fhir_import_says_the_same_of_a_hidden_patient_as_of_an_unknown_one(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    def reason(subject: str) -> str:
        report = client.post("/fhir", json=_bundle(subject), headers=bearer(ctx, "ben")).json()
        (refused,) = report["refused"]
        text: str = refused["reasons"][0]
        return text.replace(subject.removeprefix("Patient/"), "<ref>")

    hidden_external = reason("Patient/A-1")  # ana's patient, seen by ben
    unknown_external = reason("Patient/NOPE-123")
    hidden_internal = reason(f"Patient/{world.patient_a}")
    unknown_internal = reason("Patient/999999")
    out_of_range = reason("Patient/5097442989197398900736")
    assert hidden_external == unknown_external == "patient: patient '<ref>' not found"
    assert hidden_internal == unknown_internal == out_of_range == hidden_external
