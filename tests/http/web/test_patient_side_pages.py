"""The patient's side through HTTP (no browser; issue 14): the page after sending, the
clinic's crisis resources, a repeated send, the kiosk lock and its hand-back.

The app of this module runs with a clinic's own ``crisis_resources.yaml`` in its data
directory (English and Spanish, with a number and a link), as a clinic would configure it.
The browser tests of the kiosk and the QR code are in test_browser_kiosk.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select, update

from attunement.errors import ConfigurationError
from attunement.http import create_app
from attunement.http.web import load_crisis_resources
from attunement.services import (
    OUTCOME_PAGE_WINDOW,
    InvitationCreate,
    ServiceContext,
    invite_patient,
    list_administrations,
)
from attunement.settings import Settings
from attunement.store import Administration, AuditEntry, Invitation, make_engine
from tests.http.web.pages import count, csrf_from, form_token, sign_in
from tests.services.world import World, fast_passwords

#: A clinic's crisis resources (SYNTHETIC: invented service names; the numbers are from
#: ranges reserved for fiction and tests, not real lines).
CLINIC_FILE = """\
version: "2026-01"
fallback_language: en
languages:
  en:
    heading: Help is available now
    message: Call one of these services now, or your local emergency number.
    contacts:
      - name: Example Clinic duty line (synthetic)
        phone: "+44 20 7946 0000"
        hours: 9:00-17:00, weekdays
  es:
    heading: Hay ayuda disponible ahora
    message: Llame ahora a uno de estos servicios o al número de emergencias de su zona.
    contacts:
      - name: Línea de guardia de la clínica de ejemplo (sintética)
        phone: "+44 20 7946 0000"
        url: https://clinic.example/ayuda
"""

PHQ9_CALM = {f"phq9.phq9_{n}": "0" for n in range(1, 10)}
PHQ9_ITEM9 = {**PHQ9_CALM, "phq9.phq9_9": "1"}
_FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


@pytest.fixture
def own_chart() -> bool:
    """``ATTUNE_PATIENT_SEES_OWN_CHART`` of the app (a test may override it)."""
    return False


@pytest.fixture
def web_app(database_url: str, tmp_path: Path, own_chart: bool) -> Iterator[FastAPI]:
    """The whole app, with the clinic's crisis file in its data directory."""
    (tmp_path / "crisis_resources.yaml").write_text(CLINIC_FILE, encoding="utf-8")
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        secret_key=SecretStr("web-test-secret-0123456789abcdef"),
        mode="dev",
        patient_sees_own_chart=own_chart,
    )
    app = create_app(
        settings,
        engine=make_engine(database_url),
        passwords=fast_passwords(),
        secure_cookies=False,
    )
    try:
        yield app
    finally:
        app.state.context.sessions.kw["bind"].dispose()


def _link(ctx: ServiceContext, world: World) -> str:
    """A link for the PHQ-9 of patient A (whose language is Spanish)."""
    issued = invite_patient(ctx, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"]))
    return issued.token


def _send(client: TestClient, token: str, answers: dict[str, str]) -> tuple[str, dict[str, str]]:
    page = client.get(f"/self-report/{token}")
    found = _FORM_TOKEN.search(page.text)
    assert found
    form = {"csrf_token": csrf_from(page.text), "form_token": found.group(1), **answers}
    response = client.post(f"/self-report/{token}", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"], form


def _actions(ctx: ServiceContext) -> list[tuple[str, str]]:
    with ctx.sessions() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.outcome).order_by(AuditEntry.seq)
        )
        return [(action, outcome) for action, outcome in rows]


def test_no_endorsed_risk_item_gives_a_short_thank_you(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    token = _link(ctx, world)
    location, _ = _send(client, token, PHQ9_CALM)
    assert location == f"/self-report/{token}/done"
    done = client.get(location)
    assert done.status_code == 200
    assert '<html lang="es">' in done.text
    assert "<h1>Gracias</h1>" in done.text
    assert "Hay ayuda disponible ahora" not in done.text
    assert ("self_report.outcome", "success") in _actions(ctx)


def test_an_endorsed_risk_item_shows_the_clinics_crisis_resources_in_the_patients_language(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    token = _link(ctx, world)
    location, _ = _send(client, token, PHQ9_ITEM9)
    done = client.get(location)
    assert "<h1>Hay ayuda disponible ahora</h1>" in done.text
    assert "Línea de guardia de la clínica de ejemplo (sintética)" in done.text
    assert 'href="tel:+442079460000"' in done.text
    assert 'href="https://clinic.example/ayuda"' in done.text
    assert "Su terapeuta verá sus respuestas" in done.text
    assert "Gracias" not in done.text
    # the decision is the stored score's: its risk flag
    stored = list_administrations(ctx, world.ana, world.episode_a)
    assert [a.score.has_risk_flag for a in stored if a.score] == [True]


def test_sending_twice_stores_once_and_answers_the_same_page(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    token = _link(ctx, world)
    location, form = _send(client, token, PHQ9_ITEM9)
    again = client.post(f"/self-report/{token}", data=form, follow_redirects=False)
    assert (again.status_code, again.headers["location"]) == (303, location)
    # a second tap whose form token differs (a reloaded form) lands on the same page too
    other = client.post(
        f"/self-report/{token}", data={**form, "form_token": "another"}, follow_redirects=False
    )
    assert (other.status_code, other.headers["location"]) == (303, location)
    assert count(ctx, Administration) == 1
    assert "Hay ayuda disponible ahora" in client.get(location).text


def test_by_default_the_patient_sees_no_chart(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    token = _link(ctx, world)
    location, _ = _send(client, token, PHQ9_CALM)
    assert "<img" not in client.get(location).text
    assert client.get(f"/self-report/{token}/chart.svg").status_code == 404


@pytest.mark.parametrize("own_chart", [True])
def test_where_the_clinic_allows_it_the_patient_sees_their_own_outcome_chart(
    client: TestClient, ctx: ServiceContext, world: World, own_chart: bool
) -> None:
    issued = invite_patient(ctx, world.ana, world.episode_a, InvitationCreate(language="en"))
    assert issued.instruments == ["phq9", "wai_sr"]  # the alliance measure is answered too
    answers = {**PHQ9_CALM, **{f"wai_sr.wai_sr_{n}": "2" for n in range(1, 13)}}
    location, _ = _send(client, issued.token, answers)
    done = client.get(location)
    chart_path = f"/self-report/{issued.token}/chart.svg"
    assert f'src="{chart_path}"' in done.text
    assert "Your progress" in done.text
    chart = client.get(chart_path)
    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert "Session" in chart.text  # in the link's language
    assert "PHQ-9" in chart.text
    assert "WAI" not in chart.text  # alliance answers are never shown back
    assert ("chart.read", "success") in _actions(ctx)


def test_the_page_after_sending_is_gone_once_its_window_has_passed(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    token = _link(ctx, world)
    location, form = _send(client, token, PHQ9_ITEM9)
    with ctx.sessions.begin() as session:  # sent longer ago than the window
        session.execute(
            update(Invitation).values(
                used_at=ctx.now() - OUTCOME_PAGE_WINDOW - dt.timedelta(minutes=1)
            )
        )
    gone = client.get(location)
    assert gone.status_code == 410
    assert "ayuda" not in gone.text.lower()
    late = client.post(
        f"/self-report/{token}", data={**form, "form_token": "late"}, follow_redirects=False
    )
    assert late.status_code == 410
    assert client.get(f"/self-report/{'inv_' + 'x' * 40}/done").status_code == 410


def test_the_packaged_default_names_emergency_services_and_no_number(tmp_path: Path) -> None:
    resources = load_crisis_resources(tmp_path)  # no clinic file
    for language in ("en", "es"):
        _, text = resources.for_language(language)
        assert text.contacts == ()
        assert not re.search(r"\d", text.heading + text.message)
    assert "emergency" in resources.for_language("en")[1].message


def test_a_wrong_clinic_file_stops_the_app_naming_the_field(
    database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "crisis_resources.yaml").write_text(
        CLINIC_FILE.replace(
            'phone: "+44 20 7946 0000"\n        hours', 'phone: "call us"\n        hours'
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError) as refused:
        load_crisis_resources(tmp_path)
    assert "crisis_resources.yaml" in str(refused.value)
    assert "languages.en.contacts[0].phone" in str(refused.value)


# -- kiosk ------------------------------------------------------------------------------


def _hand_over(client: TestClient, world: World) -> None:
    sign_in(client, "ana")
    csrf = form_token(client, f"/patients/{world.patient_a}")
    response = client.post(
        f"/patients/{world.patient_a}/kiosk", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert (response.status_code, response.headers["location"]) == (303, "/kiosk")
    assert client.cookies.get("attune_kiosk", "").startswith("inv_")
    assert client.cookies.get("attune_session") is None


def test_a_kiosk_reaches_only_the_patients_questionnaires_until_the_clinician_returns(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    _hand_over(client, world)
    for path in (
        f"/patients/{world.patient_a}",
        f"/patients/{world.patient_b}",
        "/caseload",
        "/login",
        "/",
        "/api/v1/patients",
        "/fhir/metadata",
    ):
        refused = client.get(path, follow_redirects=False)
        assert (refused.status_code, refused.headers.get("location")) == (303, "/kiosk"), path
    posted = client.post("/logout", follow_redirects=False)
    assert posted.headers.get("location") == "/kiosk"
    form = client.get("/kiosk")
    assert form.status_code == 200
    assert '<html lang="es">' in form.text
    assert "Synthetic Alma" not in form.text  # no name on the patient's screen
    answers = {"csrf_token": csrf_from(form.text), **PHQ9_CALM}
    answers.update({f"wai_sr.wai_sr_{n}": "3" for n in range(1, 13)})
    sent = client.post("/kiosk", data=answers, follow_redirects=False)
    assert (sent.status_code, sent.headers["location"]) == (303, "/kiosk/done"), sent.text
    done = client.get("/kiosk/done")
    assert "<h1>Gracias</h1>" in done.text
    assert "Contraseña del terapeuta" in done.text
    # the session ended at the hand-over: even without the kiosk cookie nothing is open
    wrong = client.post(
        "/kiosk/exit",
        data={"csrf_token": csrf_from(done.text), "password": "not the password"},
        follow_redirects=False,
    )
    assert wrong.status_code == 401
    assert "La contraseña no es correcta" in wrong.text
    assert client.get("/caseload", follow_redirects=False).headers["location"] == "/kiosk"
    back = client.post(
        "/kiosk/exit",
        data={"csrf_token": csrf_from(wrong.text), "password": "correct horse battery staple"},
        follow_redirects=False,
    )
    assert (back.status_code, back.headers["location"]) == (
        303,
        f"/patients/{world.patient_a}",
    )
    assert client.cookies.get("attune_kiosk") is None
    assert client.get(f"/patients/{world.patient_a}").status_code == 200
    actions = _actions(ctx)
    assert ("kiosk.start", "success") in actions
    assert ("login", "failure") in actions
    assert ("kiosk.end", "success") in actions
    assert count(ctx, Administration) >= 1


def test_the_kiosk_cookie_alone_opens_no_clinic_page(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    _hand_over(client, world)
    kiosk = client.cookies.get("attune_kiosk")
    client.cookies.clear()  # a private window, or cleared cookies: the sign-in page
    response = client.get(f"/patients/{world.patient_a}", follow_redirects=False)
    assert response.headers["location"].startswith("/login")
    client.cookies.set("attune_kiosk", kiosk or "")
    assert client.get("/kiosk").status_code == 200
    # a made-up kiosk cookie opens nothing either: no questionnaire, only the hand-back
    client.cookies.set("attune_kiosk", "inv_" + "y" * 40)
    ended = client.get("/kiosk")
    assert "No questionnaires to answer" in ended.text
    assert "fieldset" not in ended.text
    refused = client.post(
        "/kiosk/exit",
        data={"csrf_token": csrf_from(ended.text), "password": "correct horse battery staple"},
    )
    assert refused.status_code == 401
    assert client.get("/caseload", follow_redirects=False).headers["location"] == "/kiosk"
