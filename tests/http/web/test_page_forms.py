"""The forms behind the pages, through HTTP (no browser): validation, CSRF, nothing stored."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from attunement.services import (
    InvitationCreate,
    ServiceContext,
    get_patient,
    invite_patient,
    list_administrations,
)
from attunement.store import Administration
from tests.http.web.pages import count, csrf_from, form_token, sign_in
from tests.services.world import World

PHQ9_ANSWERS = {f"phq9.phq9_{n}": "1" for n in range(1, 10)}


def test_a_form_without_its_csrf_token_is_refused(client: TestClient, world: World) -> None:
    sign_in(client, "ana")
    response = client.post(
        f"/patients/{world.patient_a}/intake", data={"reactance": "high"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "security token" in response.text


def test_sign_in_needs_the_pre_session_csrf_token(client: TestClient, world: World) -> None:
    response = client.post(
        "/login", data={"username": "ana", "password": "x" * 20}, follow_redirects=False
    )
    assert response.status_code == 403


def test_a_username_with_a_nul_reshows_the_sign_in_form_with_a_422(
    client: TestClient, world: World
) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": "a\x00b", "password": "x" * 20, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "A username holds no control characters." in response.text
    assert 'name="password"' in response.text  # the form again, to sign in properly


def test_anonymous_page_request_is_sent_to_sign_in_and_back(
    client: TestClient, world: World
) -> None:
    response = client.get(f"/patients/{world.patient_a}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=%2Fpatients%2F{world.patient_a}"


def test_sign_in_returns_to_the_requested_page_but_never_off_site(
    client: TestClient, world: World
) -> None:
    page = client.get("/login?next=//evil.example/x")
    assert 'name="next" value=""' in page.text
    page = client.get("/login?next=/caseload")
    response = client.post(
        "/login",
        data={
            "username": "ana",
            "password": "correct horse battery staple",
            "next": "/caseload",
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/caseload"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()


def test_invalid_session_answer_reshows_the_form_naming_item_and_allowed_values(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    path = f"/patients/{world.patient_a}/session"
    token = form_token(client, path)
    answers = {**PHQ9_ANSWERS, "phq9.phq9_9": "4", "phq9.phq9_3": "often"}
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "session": "1",
            "held_on": "2026-03-02",
            "instrument": "phq9",
            **answers,
        },
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "PHQ-9 item 9: “4” is not an allowed answer; allowed: 0–3" in response.text
    assert "PHQ-9 item 3: “often” is not an allowed answer; allowed: 0–3" in response.text
    assert 'value="4"' in response.text  # what was typed is kept
    assert count(ctx, Administration) == 0


def test_valid_session_is_scored_and_stored_with_its_session_number(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    path = f"/patients/{world.patient_a}/session"
    response = client.post(
        path,
        data={
            "csrf_token": form_token(client, path),
            "session": "1",
            "held_on": "2026-03-02",
            "instrument": "phq9",
            **PHQ9_ANSWERS,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    stored = list_administrations(ctx, world.ana, world.episode_a)
    assert [(a.instrument, a.session_number, a.answers) for a in stored] == [("phq9", 1, [1] * 9)]
    assert stored[0].score is not None
    assert stored[0].score.scales["total"]["value"] == 9


def test_supervisor_may_read_but_not_open_the_forms(client: TestClient, world: World) -> None:
    sign_in(client, "sam")
    assert client.get(f"/patients/{world.patient_a}/session").status_code == 403
    assert client.get(f"/patients/{world.patient_a}/intake").status_code == 403


def test_intake_saves_ratings_and_stated_preferences_with_their_source(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    path = f"/patients/{world.patient_a}/intake"
    page = client.get(path)
    key = re.search(r'name="pref-([a-z0-9]+)\.aspect"', page.text)
    assert key
    response = client.post(
        path,
        data={
            "csrf_token": csrf_from(page.text),
            "reactance": "high",
            "stage_of_change": "contemplation",
            "expectations.outcome": "low",
            f"pref-{key.group(1)}.aspect": "directiveness",
            f"pref-{key.group(1)}.value": "client_directed",
            f"pref-{key.group(1)}.strength": "strong",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    profile = get_patient(ctx, world.ana, world.patient_a).profile
    assert profile["reactance"]["value"] == "high"
    assert profile["reactance"]["source"] == "clinician_rating"
    assert profile["expectations"]["outcome"] == "low"
    assert profile["expectations"]["source"] == "stated"
    assert profile["preferences"][0]["strength"] == "strong"


def test_intake_refuses_an_out_of_range_value_naming_the_field(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    path = f"/patients/{world.patient_a}/intake"
    response = client.post(
        path,
        data={"csrf_token": form_token(client, path), "attachment.anxiety": "9"},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "attachment.anxiety: 9.0 is not allowed; allowed: a number from 1 to 7" in response.text
    assert get_patient(ctx, world.ana, world.patient_a).profile == {}


def test_unchanged_instrument_dimension_keeps_its_instrument_source(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    scored = f"/patients/{world.patient_a}/intake/questionnaires/reactance_rating"
    form = {
        "csrf_token": form_token(client, scored),
        "assessed_on": "2026-03-01",
        **{f"reactance_rating.reactance_rating_{n}": "2" for n in range(1, 5)},
        "reactance_rating.reactance_rating_overall": "3",
    }
    assert client.post(scored, data=form, follow_redirects=False).status_code == 303
    path = f"/patients/{world.patient_a}/intake"
    page = client.get(path)
    # the source by the instrument's name, never its id (issue 16)
    assert "Now: high — Reactance rating v1.0, 2026-03-01" in page.text
    assert "reactance_rating v1.0" not in page.text
    response = client.post(
        path,
        data={"csrf_token": csrf_from(page.text), "reactance": "high", "distress": "moderate"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    profile = get_patient(ctx, world.ana, world.patient_a).profile
    assert profile["reactance"]["instrument"] == "reactance_rating"
    assert profile["distress"]["value"] == "moderate"


def _spanish_invitation(ctx: ServiceContext, world: World) -> str:
    return invite_patient(
        ctx, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"])
    ).token


def test_self_report_shows_the_spanish_phq9_with_its_notice(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    token = _spanish_invitation(ctx, world)
    page = client.get(f"/self-report/{token}")
    assert page.status_code == 200
    assert '<html lang="es">' in page.text
    assert "Poco interés o placer en hacer cosas" in page.text
    assert "Más de la mitad de los días" in page.text
    assert "No se requiere permiso para reproducir" in page.text
    assert "Synthetic Alma" not in page.text  # no name, nothing else of the record
    assert "attune_session" not in page.headers.get("set-cookie", "")


def test_self_report_with_missing_answers_stores_nothing_and_keeps_the_link(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    token = _spanish_invitation(ctx, world)
    page = client.get(f"/self-report/{token}")
    partial = {k: v for k, v in PHQ9_ANSWERS.items() if not k.endswith("_9")}
    response = client.post(
        f"/self-report/{token}", data={"csrf_token": csrf_from(page.text), **partial}
    )
    assert response.status_code == 422
    assert "Por favor, elija una respuesta para la pregunta 9." in response.text
    assert count(ctx, Administration) == 0
    assert client.get(f"/self-report/{token}").status_code == 200


def test_self_report_is_scored_once_and_the_link_is_spent(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    token = _spanish_invitation(ctx, world)
    page = client.get(f"/self-report/{token}")
    response = client.post(
        f"/self-report/{token}",
        data={"csrf_token": csrf_from(page.text), **PHQ9_ANSWERS, "phq9.phq9_9": "2"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/self-report/{token}/done"
    done = client.get(response.headers["location"])
    assert "Si necesita ayuda ahora" in done.text  # item 9 endorsed: the crisis resources
    stored = list_administrations(ctx, world.ana, world.episode_a)
    assert len(stored) == 1
    assert stored[0].language == "es"
    assert stored[0].score is not None
    assert stored[0].score.has_risk_flag
    again = client.get(f"/self-report/{token}")
    assert again.status_code == 410
    assert "Este enlace no se puede usar" in again.text


def test_self_report_refuses_a_form_without_the_links_csrf_token(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    token = _spanish_invitation(ctx, world)
    response = client.post(f"/self-report/{token}", data=PHQ9_ANSWERS)
    assert response.status_code == 403
    assert count(ctx, Administration) == 0
