"""A Spanish clinic reads the knowledge files' texts in Spanish; an English one as written.

Issue 16 ("clinical text is in the clinic's language") and issue 17 (one catalogue): with
``clinic_language="es"`` the patient page shows a support prompt, a repair option and the end
reasons in Spanish, and so do the progress report and the clinic report as PDF (read back with
``pdftotext``); with ``"en"`` nothing changes. Synthetic patients only.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from attunement.http import create_app
from attunement.services import (
    EpisodeClose,
    OperatorActor,
    ServiceContext,
    TherapySessionAdministration,
    TherapySessionCreate,
    close_episode,
    record_session,
    update_profile,
)
from attunement.services.reports import clinic_report_document, patient_report_document
from attunement.settings import Settings
from attunement.store import make_engine
from tests.http.web.pages import csrf_from, sign_in
from tests.services.world import START, World, build_world, fast_passwords

#: (English, Spanish) of each kind of text: a support prompt, a repair option, an end reason.
PROMPT = (
    "Check the working alliance: do you and the patient still agree on the goals",
    "Revise la alianza de trabajo: ¿siguen usted y el paciente de acuerdo en los objetivos",
)
REPAIR = (
    "Restate the rationale for the task or goal you are working on.",
    "Vuelva a explicar el fundamento de la tarea o del objetivo en el que están trabajando.",
)
END_REASON = ("Planned end", "Final planificado")
#: (English, Spanish) of words composed in code around them: a repair's kind, a marker alert.
REPAIR_KIND = (
    "Immediate: Restate the rationale",
    "Inmediata: Vuelva a explicar el fundamento",
)
ELEMENT = (
    "Alliance in individual adult psychotherapy",
    "Alianza en la psicoterapia individual de adultos",
)
MARKER_ALERT = (
    "clinician recorded a withdrawal marker: withdrawal (moving away",
    "el clínico registró un marcador de retirada: retirada (alejarse",
)
#: (English, Spanish) of sentences the monitoring core composes with figures: the outcome
#: alert's reason (PHQ-9 8 → 20, beyond the at-once red threshold; Spanish writes its figures
#: with a decimal comma) and a prompt's fact quoting the marker alert.
ALERT_REASON = (
    "worse by 12 since intake: beyond 9.11, the red threshold for reliable deterioration (6.93)",
    "peor en 12 desde la evaluación inicial: más allá de 9,11, el umbral rojo de deterioro "
    "fiable (6,93)",
)
PROMPT_FACT = (
    "alliance rupture: clinician recorded a withdrawal marker: withdrawal (moving away",
    "ruptura de la alianza: el clínico registró un marcador de retirada: retirada (alejarse",
)


@pytest.fixture(params=["es", "en"])
def clinic(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        secret_key=SecretStr("web-test-secret-0123456789abcdef"),
        mode="dev",
        clinic_language=request.param,
    )
    engine = make_engine(database_url)
    try:
        yield create_app(settings, engine=engine, passwords=fast_passwords(), secure_cookies=False)
    finally:
        engine.dispose()


def _phq9(answers: list[int]) -> TherapySessionAdministration:
    return TherapySessionAdministration(instrument="phq9", answers=list(answers))


def _ruptured_alliance_and_an_ended_episode(ctx: ServiceContext) -> World:
    """Patient A: PHQ-9 reliably worse and the WAI-SR falling with a withdrawal marker (an
    alert, a rupture, its repair options and the alliance prompt); patient B's episode ended
    as planned."""
    world = build_world(ctx)
    alliance = ([5] * 12, [2] * 12)
    for number, wai in enumerate(alliance, start=1):
        record_session(
            ctx,
            world.ana,
            world.episode_a,
            TherapySessionCreate(
                number=number,
                held_on=START.date() + dt.timedelta(days=7 * number),
                administrations=[
                    _phq9([1] * 8 + [0] if number == 1 else [3, 3, 3, 3, 2, 2, 2, 2, 0]),
                    TherapySessionAdministration(instrument="wai_sr", answers=wai),
                ],
                rupture_markers=["withdrawal"] if number == 2 else [],
            ),
        )
    for number in (1, 2):
        record_session(
            ctx,
            world.ben,
            world.episode_b,
            TherapySessionCreate(
                number=number,
                held_on=START.date() + dt.timedelta(days=7 * number),
                administrations=[_phq9([1] * 9 if number == 1 else [0] * 9)],
            ),
        )
    close_episode(
        ctx,
        world.ben,
        world.episode_b,
        EpisodeClose(end_reason="planned_end", ended_on=START.date() + dt.timedelta(days=20)),
    )
    return world


def _words(text: str) -> str:
    return " ".join(text.replace("&#39;", "'").split())


def _pdf_words(pdf: Path) -> str:
    """The PDF's text in reading order (poppler's pdftotext; columns one after the other)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return _words(text.stdout)


def test_the_patient_page_and_the_reports_show_prompts_repairs_and_end_reasons_in_the_clinics_language(  # noqa: E501
    clinic: FastAPI, tmp_path: Path
) -> None:
    ctx: ServiceContext = clinic.state.context
    spanish = ctx.clinic_language == "es"
    shown, hidden = (1, 0) if spanish else (0, 1)
    world = _ruptured_alliance_and_an_ended_episode(ctx)
    with TestClient(clinic, base_url="http://127.0.0.1") as client:
        sign_in(client, "ana")
        page = _words(client.get(f"/patients/{world.patient_a}").text)
    for english_and_spanish in (PROMPT, REPAIR, END_REASON, REPAIR_KIND, ELEMENT):
        assert english_and_spanish[shown] in page
        assert english_and_spanish[hidden] not in page
    # the alert itself, and a support prompt's facts quoting it, with the outcome reason
    assert MARKER_ALERT[shown] in page
    for english_and_spanish in (PROMPT_FACT, ALERT_REASON):
        assert english_and_spanish[shown] in page.lower()
        assert english_and_spanish[hidden] not in page.lower()

    report = tmp_path / "progress.pdf"
    report.write_bytes(patient_report_document(ctx, world.ana, world.patient_a, fmt="pdf"))
    progress = _pdf_words(report)
    for english_and_spanish in (PROMPT, REPAIR, REPAIR_KIND, ELEMENT):
        assert english_and_spanish[shown] in progress
        assert english_and_spanish[hidden] not in progress
    assert MARKER_ALERT[shown] in progress

    overview = tmp_path / "clinic.pdf"
    operator = OperatorActor(name="knowledge-language-test")
    overview.write_bytes(clinic_report_document(ctx, operator, fmt="pdf"))
    ended = _pdf_words(overview)
    assert f"{END_REASON[shown].lower()} 1" in ended
    assert f"{END_REASON[hidden].lower()} 1" not in ended
    basis = (
        "Compared with ended episodes only: 1 (planned end 1",
        "Comparado solo con los episodios finalizados: 1 (final planificado 1",
    )
    assert basis[shown] in ended
    assert basis[hidden] not in ended
    benchmark = (
        "Routine outpatient care, reliable improvement by session 8",
        "Atención ambulatoria habitual, mejora fiable hacia la sesión 8",
    )
    assert benchmark[shown] in ended
    assert benchmark[hidden] not in ended


#: (English, Spanish) of the plan's texts: a conflict's resolution, an assessment prompt's
#: reason, the disclaimer.
CONFLICT = (
    "Keep the stance the stage calls for, and within it be clear and explicit",
    "Mantenga la postura que pide el estadio y, dentro de ella, sea claro y explícito",
)
ASSESS_WHY = (
    "The method (symptom and skill focus, or insight and relationships) is matched to coping",
    "El método (foco en síntomas y habilidades, o en el insight y las relaciones)",
)
DISCLAIMER = (
    "These are options for clinical judgement, drawn from research averages",
    "Estas son opciones para el juicio clínico",
)


def test_the_plan_shows_its_conflicts_assessment_prompts_and_disclaimer_in_the_clinics_language(
    clinic: FastAPI, tmp_path: Path
) -> None:
    ctx: ServiceContext = clinic.state.context
    shown, hidden = (1, 0) if ctx.clinic_language == "es" else (0, 1)
    world = build_world(ctx)
    update_profile(
        ctx, world.ana, world.patient_a, {"reactance": "low", "stage_of_change": "action"}
    )
    with TestClient(clinic, base_url="http://127.0.0.1") as client:
        sign_in(client, "ana")
        page = _words(client.get(f"/patients/{world.patient_a}").text)
    for english_and_spanish in (CONFLICT, ASSESS_WHY, DISCLAIMER):
        assert english_and_spanish[shown] in page
        assert english_and_spanish[hidden] not in page

    report = tmp_path / "progress.pdf"
    report.write_bytes(patient_report_document(ctx, world.ana, world.patient_a, fmt="pdf"))
    printed = _pdf_words(report)
    assert DISCLAIMER[shown] in printed


CLOSED = (
    "Not marked: this episode was closed on 2026-03-22 (",
    "No marcada: este episodio se cerró el 2026-03-22 (",
)


def test_a_mark_refused_on_a_closed_episode_says_why_in_the_clinics_language(
    clinic: FastAPI,
) -> None:
    ctx: ServiceContext = clinic.state.context
    shown, hidden = (1, 0) if ctx.clinic_language == "es" else (0, 1)
    world = _ruptured_alliance_and_an_ended_episode(ctx)
    with TestClient(clinic, base_url="http://127.0.0.1") as client:
        sign_in(client, "ana")
        page = client.get(f"/patients/{world.patient_a}").text
        close_episode(
            ctx,
            world.ana,
            world.episode_a,
            EpisodeClose(end_reason="planned_end", ended_on=START.date() + dt.timedelta(days=20)),
        )
        response = client.post(
            f"/patients/{world.patient_a}/prompts/alliance/discussed",
            data={
                "csrf_token": csrf_from(page),
                "episode_id": str(world.episode_a),
                "discussed": "1",
            },
        )
    assert response.status_code == 422
    refused = _words(response.text)
    assert CLOSED[shown] in refused
    assert CLOSED[hidden] not in refused
    assert f"({END_REASON[shown]})" in refused


def test_the_prompt_mark_history_names_the_prompt_in_the_clinics_language(
    clinic: FastAPI,
) -> None:
    ctx: ServiceContext = clinic.state.context
    title = ("Therapeutic alliance", "Alianza terapéutica")
    shown, hidden = (1, 0) if ctx.clinic_language == "es" else (0, 1)
    world = _ruptured_alliance_and_an_ended_episode(ctx)
    with TestClient(clinic, base_url="http://127.0.0.1") as client:
        sign_in(client, "ana")
        page = client.get(f"/patients/{world.patient_a}").text
        client.post(
            f"/patients/{world.patient_a}/prompts/alliance/discussed",
            data={
                "csrf_token": csrf_from(page),
                "episode_id": str(world.episode_a),
                "discussed": "1",
            },
        )
        page = client.get(f"/patients/{world.patient_a}").text
    history = _words(page[page.index('id="prompt-history-heading"') :])
    assert f"<strong>{title[shown]}</strong>" in history
    assert title[hidden] not in history
