"""Clinician pages speak the clinic's language; a patient's own words stay in theirs (issue 16).

A Spanish-speaking patient's risk flag reads in the clinic's language (English here), with the
patient's answer quoted in Spanish and marked ``lang="es"``; an English patient in an English
clinic is not offered "their preferred language"; a refused form names its field as the form
labels it; a clinic whose language is Spanish (``ATTUNE_CLINIC_LANGUAGE=es``) reads its pages
in Spanish.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from attunement.http import create_app
from attunement.services import (
    AdministrationCreate,
    EpisodeCreate,
    PatientCreate,
    RiskResponseCreate,
    ServiceContext,
    record_administration,
    register_patient,
    respond_to_risk,
    start_episode,
    update_profile,
)
from attunement.settings import Settings
from attunement.store import make_engine
from tests.http.web.pages import form_token, sign_in
from tests.services.world import START, World, build_world, fast_passwords

MESSAGE = "assess suicide risk today, before the patient leaves"


def _spanish_patient_with_item_9(ctx: ServiceContext, world: World) -> int:
    patient = register_patient(
        ctx, world.ana, PatientCreate(display_name="Synthetic Lucía", preferred_language="es")
    )
    episode = start_episode(ctx, world.ana, patient.id, EpisodeCreate(started_on=START.date()))
    record_administration(
        ctx,
        world.ana,
        episode.id,
        AdministrationCreate(
            instrument="phq9",
            answers=[2, 2, 1, 1, 1, 1, 1, 1, 2],
            language="es",
            administered_at=START + dt.timedelta(days=1),
            session_number=1,
        ),
    )
    return patient.id


def test_a_spanish_patients_risk_flag_is_in_english_with_their_answer_quoted_in_spanish(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    patient_id = _spanish_patient_with_item_9(ctx, world)
    sign_in(client, "ana")
    html = client.get(f"/patients/{patient_id}").text
    panel = html[html.index('id="risk-panel"') : html.index("</section>", html.index("risk-panel"))]
    assert MESSAGE in panel  # the instruction in the clinic's language
    assert 'PHQ-9 item 9, answered “<span lang="es">Más de la mitad de los días</span>”' in panel
    assert "answered in Spanish" in html  # the questionnaire history names the language
    assert "answered in es" not in html


def test_an_english_patient_in_an_english_clinic_is_not_offered_english(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    update_profile(ctx, world.ana, world.patient_a, {"culture": {"preferred_language": "en"}})
    sign_in(client, "ana")
    html = client.get(f"/patients/{world.patient_a}").text
    assert "Offer the patient's preferred language" not in html.replace("&#39;", "'")
    assert "preferred language: English" in html  # the profile names the language
    assert "(en)" not in html
    assert ": en<" not in html


def test_a_refused_session_date_names_the_field_as_the_form_labels_it(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    path = f"/patients/{world.patient_a}/session"
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    response = client.post(
        path,
        data={
            "csrf_token": form_token(client, path),
            "session": "1",
            "held_on": future,
            "attended": "no",
        },
    )
    assert response.status_code == 422
    assert "Held on:" in response.text
    assert "held_on:" not in response.text


def test_a_refused_registration_speaks_plainly(client: TestClient, world: World) -> None:
    sign_in(client, "ana")
    response = client.post(
        "/patients/new",
        data={
            "csrf_token": form_token(client, "/patients/new"),
            "display_name": "",
            "preferred_language": "xx-",
            "started_on": "2026-01-05",
        },
    )
    assert response.status_code == 422
    assert "Name: please fill this in" in response.text
    assert "String should" not in response.text
    assert not re.search(r"\^\[a-z\]", response.text)  # no pattern shown to a person


@pytest.fixture
def spanish_clinic_world(
    database_url: str, tmp_path: Path
) -> Iterator[tuple[TestClient, ServiceContext, World]]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        secret_key=SecretStr("web-test-secret-0123456789abcdef"),
        mode="dev",
        clinic_language="es",
    )
    engine = make_engine(database_url)
    app = create_app(settings, engine=engine, passwords=fast_passwords(), secure_cookies=False)
    world = build_world(app.state.context)
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            yield client, app.state.context, world
    finally:
        engine.dispose()


@pytest.fixture
def spanish_clinic(
    spanish_clinic_world: tuple[TestClient, ServiceContext, World],
) -> TestClient:
    return spanish_clinic_world[0]


def test_a_spanish_clinic_reads_its_pages_in_spanish(spanish_clinic: TestClient) -> None:
    sign_in(spanish_clinic, "ana")
    html = spanish_clinic.get("/caseload").text
    assert '<html lang="es">' in html
    assert "Cerrar sesión" in html
    assert '<h2 id="caseload-heading">Episodios</h2>' in html


@pytest.mark.parametrize(
    ("saved", "notice"),
    [
        ("registered", "Paciente registrado y episodio iniciado."),
        ("1", "Perfil guardado."),
        ("demographics", "Sexo y franja de edad guardados."),
    ],
)
def test_a_spanish_clinic_reads_the_intake_pages_saved_notice_in_spanish(
    spanish_clinic_world: tuple[TestClient, ServiceContext, World], saved: str, notice: str
) -> None:
    client, _, world = spanish_clinic_world
    sign_in(client, "ana")
    html = client.get(f"/patients/{world.patient_a}/intake?saved={saved}").text
    assert notice in html
    assert " saved." not in html
    assert "Patient registered" not in html


def test_a_preference_in_the_patients_own_words_is_quoted_in_their_language(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    patient = register_patient(
        ctx, world.ana, PatientCreate(display_name="Synthetic Inés", preferred_language="es")
    )
    words = "alguien que comparta mi fe"
    preference = {"aspect": "therapist_religion", "value": words, "strength": "strong"}
    update_profile(ctx, world.ana, patient.id, {"preferences": [preference]})
    sign_in(client, "ana")
    html = client.get(f"/patients/{patient.id}").text
    assert f'“<span lang="es">{words}</span>” (strong)' in html


def test_a_spanish_clinics_plan_reads_its_facts_and_settings_in_spanish(
    spanish_clinic_world: tuple[TestClient, ServiceContext, World],
) -> None:
    """Issue 16: the patient page's plan words each "Because:" fact, each setting and each
    conflict in the clinic's language, by the one label of each field and value."""
    client, ctx, world = spanish_clinic_world
    profile = {"reactance": "high", "stage_of_change": "action"}
    update_profile(ctx, world.ana, world.patient_a, profile)
    sign_in(client, "ana")
    html = client.get(f"/patients/{world.patient_a}").text
    assert "Porque:</strong> reactancia: nivel alto (valoración del clínico, " in html
    assert "Reactancia frente a Estadio de cambio: " in html
    assert "<dt>Postura del terapeuta</dt>" in html
    for english in ("reactance = high", " vs ", "Therapist stance", "clinician rating"):
        assert english not in html


def test_a_spanish_clinic_reads_its_open_risk_event_and_the_risk_history_in_spanish(
    spanish_clinic_world: tuple[TestClient, ServiceContext, World],
) -> None:
    """Issues 16 and 17: the open event's headline and instruction, and an answered event's
    history, in the clinic's language on the patient page (synthetic patient)."""
    client, ctx, world = spanish_clinic_world
    patient = register_patient(
        ctx, world.ana, PatientCreate(display_name="Synthetic Elena", preferred_language="es")
    )
    episode = start_episode(ctx, world.ana, patient.id, EpisodeCreate(started_on=START.date()))
    patient_id = patient.id

    def session(number: int, item_9: int) -> None:
        record_administration(
            ctx,
            world.ana,
            episode.id,
            AdministrationCreate(
                instrument="phq9",
                answers=[2, 2, 1, 1, 1, 1, 1, 1, item_9],
                language="es",
                administered_at=START + dt.timedelta(days=7 * number),
                session_number=number,
            ),
        )

    session(1, 2)
    assessed = START.date() + dt.timedelta(days=7)
    response = RiskResponseCreate(assessed_on=assessed, level="low", actions=["safety_plan"])
    respond_to_risk(ctx, world.ana, patient_id, response)
    session(2, 3)
    sign_in(client, "ana")
    html = client.get(f"/patients/{patient_id}").text
    panel = html[html.index('id="risk-panel"') : html.index("</section>", html.index("risk-panel"))]
    assert (
        "Evento de riesgo abierto: PHQ-9 ítem 9 respondido afirmativamente (respuesta 3)" in panel
    )
    assert "evalúe hoy el riesgo suicida" in panel
    assert "Historial de riesgo: PHQ-9 ítem 9 respondido afirmativamente (respuesta 2)" in html
    assert "Respuesta registrada — evaluado el " in html
    for english in ("Open risk event:", "Risk history:", "Response recorded", "It stays open"):
        assert english not in html


def test_a_spanish_clinics_patient_page_gives_the_prompts_facts_in_spanish(
    spanish_clinic_world: tuple[TestClient, ServiceContext, World],
) -> None:
    """Issues 16 and 17: the facts a support prompt gives — the open risk event, the stage of
    change from the profile — are stored structured and read in the clinic's language, with
    the item by its name (synthetic patient)."""
    client, ctx, world = spanish_clinic_world
    patient = register_patient(
        ctx, world.ana, PatientCreate(display_name="Synthetic Rosa", preferred_language="es")
    )
    update_profile(ctx, world.ana, patient.id, {"stage_of_change": "precontemplation"})
    episode = start_episode(ctx, world.ana, patient.id, EpisodeCreate(started_on=START.date()))
    for number, answers in ((1, [1, 1, 1, 1, 1, 1, 1, 1, 0]), (2, [3, 3, 3, 3, 3, 3, 2, 2, 2])):
        record_administration(
            ctx,
            world.ana,
            episode.id,
            AdministrationCreate(
                instrument="phq9",
                answers=answers,
                language="es",
                administered_at=START + dt.timedelta(days=7 * number),
                session_number=number,
            ),
        )
    sign_in(client, "ana")
    html = client.get(f"/patients/{patient.id}").text
    assert "PHQ-9 ítem 9 respondido afirmativamente (respuesta 2) en la sesión 2, " in html
    assert "; todavía no se ha registrado ninguna respuesta al riesgo</li>" in html
    assert "estadio de cambio: precontemplación (" in html
    for english in ("endorsed (answer", "no risk response recorded", "stage of change:"):
        assert english not in html
