"""The notifications page shows the opt-in notices of issue 14 (both backends).

A missed-measures notice names the patient with a link to their page and the due date; a
weekly digest shows its counts in words, each linking to the caseload filtered by that alert
(or by overdue), in the clinic's language. The worker's side runs on a context with a fake
clock over the app's own database (the page reads what the worker stored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from attunement.http import create_app
from attunement.notifications import NotificationChannels, NotificationKind
from attunement.services import (
    Channels,
    EpisodeScheduleSet,
    PatientContactSet,
    ServiceContext,
    UserActor,
    caseload,
    plan_due_measurements,
    plan_weekly_digests,
    run_next_job,
    set_episode_schedule,
    set_notification_preferences,
    set_patient_contact,
)
from attunement.settings import Settings
from attunement.store import make_engine
from tests.http.web.pages import sign_in
from tests.services.test_status_and_caseload import _episode_with
from tests.services.world import FakeClock, World, build_world, fast_passwords, make_context

IN_APP = NotificationChannels(in_app=True, email=False)
NO_MAIL = Channels(public_url="http://127.0.0.1")


def _worker_context(app: FastAPI) -> tuple[ServiceContext, FakeClock]:
    clock = FakeClock()  # a Monday: the default digest day
    return make_context(app.state.context.sessions.kw["bind"], clock), clock


def _drain(ctx: ServiceContext) -> None:
    while run_next_job(ctx, NO_MAIL, worker="test-worker"):
        pass


def _digest_for(ctx: ServiceContext, clock: FakeClock, who: UserActor) -> None:
    _episode_with(ctx, clock, who, "Synthetic Abe", [10, 13, 17, 19], risk=False)
    set_notification_preferences(ctx, who, {NotificationKind.WEEKLY_DIGEST: IN_APP})
    assert plan_weekly_digests(ctx) == 1
    _drain(ctx)


def test_the_page_shows_a_missed_measure_and_the_digest_in_words(
    client: TestClient, web_app: FastAPI, world: World
) -> None:
    ctx, clock = _worker_context(web_app)
    set_notification_preferences(ctx, world.ana, {NotificationKind.MEASURES_MISSED: IN_APP})
    set_patient_contact(
        ctx, world.ana, world.patient_a, PatientContactSet(email="alma@example.org")
    )
    set_episode_schedule(
        ctx, world.ana, world.episode_a, EpisodeScheduleSet(mode="every_n_days", interval_days=7)
    )
    clock.advance(days=7)
    plan_due_measurements(ctx)
    clock.advance(days=5)  # expired unanswered
    _drain(ctx)
    clock.advance(days=2)  # the next Monday
    _digest_for(ctx, clock, world.ana)
    counts = caseload(ctx, world.ana)
    sign_in(client, "ana")
    page = client.get("/notifications").text
    assert "Questionnaires were not completed" in page
    assert f'href="/patients/{world.patient_a}">Synthetic Alma</a>' in page
    assert "The questionnaire link for 2026-03-09 expired unanswered." in page
    assert "Your weekly caseload summary" in page
    red = counts.counts["red"]
    assert red >= 1
    word = "episode" if red == 1 else "episodes"
    assert f'<a href="/caseload?alert=red">{red} {word} with a red alert</a>' in page
    assert 'href="/caseload?alert=yellow"' in page
    assert 'href="/caseload?alert=risk"' in page
    assert f'<a href="/caseload?due=overdue">{counts.overdue} episode' in page
    assert client.get("/caseload?alert=red").status_code == 200


@pytest.fixture
def spanish_app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        secret_key=SecretStr("web-test-secret-0123456789abcdef"),
        mode="dev",
        clinic_language="es",
    )
    engine = make_engine(database_url)
    try:
        yield create_app(settings, engine=engine, passwords=fast_passwords(), secure_cookies=False)
    finally:
        engine.dispose()


def test_a_spanish_clinic_reads_the_digest_in_spanish(spanish_app: FastAPI) -> None:
    world = build_world(spanish_app.state.context)
    ctx, clock = _worker_context(spanish_app)
    _digest_for(ctx, clock, world.ana)
    with TestClient(spanish_app, base_url="http://127.0.0.1") as client:
        sign_in(client, "ana")
        page = client.get("/notifications").text
    assert "Sus pacientes en la semana" in page
    assert "con alerta roja</a>" in page
    assert "with a red alert" not in page
