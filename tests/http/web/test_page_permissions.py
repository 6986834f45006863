"""Page permissions beyond the shared matrix (tests/http/web/matrix_rows.py): where denials go.

The matrix asserts every page × role status. Here: a denied anonymous caller or a patient
token holder is sent to the sign-in page and back (never shown the page), a patient's token
opens nothing but its own questionnaires, and a clinic session opens no patient link.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from attunement.services import InvitationCreate, ServiceContext, invite_patient
from tests.http.web.matrix_rows import ROWS
from tests.http.web.pages import sign_in
from tests.services.world import World

CLINIC_PAGES = sorted(
    {
        row.path
        for row in ROWS
        if row.method == "GET" and row.expect["anonymous"] == 303 and row.path != "/"
    }
)


def _path(template: str, world: World) -> str:
    return template.format(
        patient_id=world.patient_a,
        episode_id=world.episode_a,
        instrument_id="reactance_rating",
        number=1,
        administration_id=1,
        draft_id="not-a-kept-form",
        kind="outcome",
    )


def _token(ctx: ServiceContext, world: World) -> str:
    return invite_patient(ctx, world.ana, world.episode_a, InvitationCreate()).token


@pytest.mark.parametrize("template", CLINIC_PAGES)
def test_anonymous_is_sent_to_sign_in_and_back(
    client: TestClient, world: World, template: str
) -> None:
    path = _path(template, world)
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/login?next=%2F")
    assert "Synthetic" not in response.text


@pytest.mark.parametrize("template", CLINIC_PAGES)
def test_a_patient_token_opens_no_clinic_page(
    client: TestClient, ctx: ServiceContext, world: World, template: str
) -> None:
    token = _token(ctx, world)
    response = client.get(
        _path(template, world),
        headers={"Authorization": f"Bearer {token}"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_a_clinic_session_does_not_open_an_unknown_patient_link(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    response = client.get("/self-report/inv_" + "x" * 43)
    assert response.status_code == 410
    assert "Synthetic" not in response.text


def test_another_clinicians_patient_is_not_found_not_forbidden(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ben")
    response = client.get(f"/patients/{world.patient_a}")
    assert response.status_code == 404
    assert "Synthetic Alma" not in response.text
    missing = client.get("/patients/999999")
    assert missing.status_code == 404
    message = "There is no such page, or the record is not on your caseload."
    assert message in response.text
    assert message in missing.text


def test_signed_out_session_cannot_be_reused(client: TestClient, world: World) -> None:
    sign_in(client, "ana")
    assert client.get("/caseload").status_code == 200
    cookie = client.cookies.get("attune_session")
    page = client.get("/caseload")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/logout", data={"csrf_token": token})
    client.cookies.set("attune_session", cookie or "")
    response = client.get("/caseload", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fcaseload&expired=1"
