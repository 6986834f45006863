"""Report downloads over HTTP: who may fetch what, and what comes back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from attunement.http import create_app
from attunement.http.reports import router
from attunement.services import (
    ServiceContext,
    UserCreate,
    create_user,
    login_for_token,
    set_supervisor,
)
from attunement.settings import Settings
from attunement.store import User
from tests.documents.conftest import NOW, OPERATOR, SECRET, patient_ids, seeded
from tests.services.world import fast_passwords

PASSWORD = "correct horse battery staple"


@pytest.fixture
def client_and_context(engine: Engine) -> Iterator[tuple[TestClient, ServiceContext]]:
    seeded(engine)
    app = create_app(
        Settings(mode="dev", secret_key=SECRET),  # type: ignore[arg-type]
        engine=engine,
        clock=lambda: NOW,
        passwords=fast_passwords(),
    )
    app.include_router(router)
    with TestClient(app, base_url="https://testserver") as client:
        yield client, app.state.context


def _token(ctx: ServiceContext, username: str, role: str) -> dict[str, str]:
    create_user(
        ctx,
        OPERATOR,
        UserCreate(username=username, display_name=username, role=role, password=PASSWORD),  # type: ignore[arg-type]
    )
    token = login_for_token(ctx, username=username, password=PASSWORD).access_token
    return {"Authorization": f"Bearer {token}"}


def _supervisor_of_all(ctx: ServiceContext) -> dict[str, str]:
    headers = _token(ctx, "sup", "supervisor")
    with ctx.sessions() as session:
        supervisor = session.scalars(select(User.id).where(User.username == "sup")).one()
        clinicians = list(session.scalars(select(User.id).where(User.synthetic.is_(True))))
    for clinician in clinicians:
        set_supervisor(ctx, OPERATOR, clinician, supervisor)
    return headers


@pytest.mark.parametrize(("fmt", "media"), [("pdf", "application/pdf"), ("html", "text/html")])
def test_a_supervisor_downloads_a_supervisees_patient_report(
    client_and_context: tuple[TestClient, ServiceContext], fmt: str, media: str
) -> None:
    client, ctx = client_and_context
    headers = _supervisor_of_all(ctx)
    patient = patient_ids(ctx)[0]
    response = client.get(f"/reports/patients/{patient}.{fmt}", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    assert response.headers["content-disposition"] == (
        f'attachment; filename="attunement-patient-{patient}.{fmt}"'
    )
    assert response.headers["cache-control"] == "no-store"
    assert len(response.content) > 1000


def test_the_clinic_report_downloads_as_pdf(
    client_and_context: tuple[TestClient, ServiceContext],
) -> None:
    client, ctx = client_and_context
    response = client.get("/reports/clinic.pdf", headers=_supervisor_of_all(ctx))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_reports_need_a_signed_in_user_with_access(
    client_and_context: tuple[TestClient, ServiceContext],
) -> None:
    client, ctx = client_and_context
    patient = patient_ids(ctx)[0]
    anonymous = client.get(f"/reports/patients/{patient}.pdf", follow_redirects=False)
    assert anonymous.status_code in {302, 303}  # the web app sends the browser to sign in
    assert "login" in anonymous.headers["location"]
    stranger = _token(ctx, "newbie", "clinician")
    assert client.get(f"/reports/patients/{patient}.html", headers=stranger).status_code == 404
    admin = _token(ctx, "boss", "admin")
    assert client.get("/reports/clinic.html", headers=admin).status_code == 403
    assert client.get(f"/reports/patients/{patient}.docx", headers=stranger).status_code == 422
