"""The personalised expected course on the patient page (issue 15), through HTTP.

The page shows the course stored when the intake was recorded — the method in words, the
expected scores with their 80% range, how the similar episodes ended, the dropout
probability and the caveat — and reading the page stores nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select

from attunement.http import create_app
from attunement.instruments import load_instrument, score
from attunement.services import AdministrationCreate, ServiceContext, record_administration
from attunement.services._course_index import clear_course_indexes
from attunement.services._records import store_administration
from attunement.services._status_store import refresh_touched, track_status_changes
from attunement.services._transaction import transaction
from attunement.settings import Settings
from attunement.store import CoursePredictionRecord, Episode, make_engine
from tests.http.web.clinic import phq9
from tests.http.web.pages import sign_in
from tests.services.course_clinic import alike_ended_episodes
from tests.services.world import START, World, build_world, fast_passwords


def _intake(ctx: ServiceContext, world: World, episode_id: int, total: int) -> None:
    data = AdministrationCreate(
        instrument="phq9", answers=phq9(total), administered_at=START, session_number=1
    )
    record_administration(ctx, world.ana, episode_id, data)


def _stored(ctx: ServiceContext) -> int:
    with ctx.sessions() as session:
        return int(session.scalar(select(func.count(CoursePredictionRecord.id))) or 0)


def test_before_the_intake_the_page_shows_no_expected_course(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    page = client.get(f"/patients/{world.patient_a}")
    assert page.status_code == 200
    assert "Expected course from similar episodes" not in page.text


def test_without_similar_episodes_the_page_says_which_model_the_course_falls_back_to(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    _intake(ctx, world, world.episode_a, 16)
    sign_in(client, "ana")
    stored = _stored(ctx)
    page = client.get(f"/patients/{world.patient_a}").text
    assert _stored(ctx) == stored == 1  # the read stored nothing
    assert "Expected course from similar episodes" in page
    assert "Too few similar episodes (0)" in page
    assert "the rational model" in page
    assert re.search(
        r"Predicted on \d{4}-\d\d-\d\d when the intake score \(16\) was recorded", page
    )
    assert "not a prognosis for this patient" in page
    assert "How the similar episodes ended" not in page  # no similar episode to count
    assert "not available: no ended episodes yet." in page


def test_a_clinic_with_similar_ended_episodes_shows_them_and_how_they_ended(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    start = START.date() - dt.timedelta(weeks=20)
    alike_ended_episodes(ctx, world.ben, count=25, dropouts=5, start=start)
    data = AdministrationCreate(
        instrument="phq9", answers=phq9(16), administered_at=START, session_number=1
    )
    record_administration(ctx, world.ben, world.episode_b, data)
    sign_in(client, "ben")
    page = client.get(f"/patients/{world.patient_b}").text
    assert "From 25 similar ended episodes of this clinic" in page
    assert "From scored session 5 on, fewer than 20 of them reached the session" in page
    assert "How the similar episodes ended" in page
    for label, count in (("Recovered", 20), ("Improved", 0), ("Dropped out", 5)):
        assert f"<dt>{label}</dt><dd>{count}</dd>" in page
    assert "20% (5 of the 25 similar episodes dropped out)." in page
    assert "80% range" in page


@pytest.fixture
def spanish_clinic(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World]]:
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
    _intake(app.state.context, world, world.episode_a, 16)
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            yield client, world
    finally:
        engine.dispose()


def test_a_spanish_clinic_reads_the_expected_course_in_spanish(
    spanish_clinic: tuple[TestClient, World],
) -> None:
    client, world = spanish_clinic
    sign_in(client, "ana")
    page = client.get(f"/patients/{world.patient_a}").text
    assert "Evolución esperada según episodios similares" in page
    assert "Muy pocos episodios similares (0)" in page
    assert "Una evolución según episodios similares necesita al menos 20 de ellos." in page
    assert "no disponible: todavía no hay episodios finalizados." in page
    assert "no un pronóstico para este paciente" in page
    assert "Expected course from similar episodes" not in page
    assert "Too few similar episodes" not in page


def test_a_course_stored_before_its_facts_were_kept_is_still_shown_in_the_clinic_language(
    spanish_clinic: tuple[TestClient, World],
) -> None:
    """A row written with the English ``basis`` sentences and without the facts behind
    them is read, and worded from what it has — never shown as its English text."""
    client, world = spanish_clinic
    ctx: ServiceContext = client.app.state.context  # type: ignore[attr-defined]
    with ctx.sessions() as session, session.begin():
        row = session.scalars(select(CoursePredictionRecord)).one()
        old = {k: v for k, v in row.course.items() if k not in _FACTS}
        row.course = old | {
            "basis": "fallback to the rational model: only 0 similar ended episodes",
            "dropout_basis": "not available: no ended episodes",
        }
    sign_in(client, "ana")
    page = client.get(f"/patients/{world.patient_a}").text
    assert "Muy pocos episodios similares (0)" in page
    assert "necesita al menos" not in page  # the minimum was not stored with it
    assert "fallback to the rational model" not in page


_FACTS = {"similarity_radius", "minimum_neighbours", "clinic_ended", "clinic_dropped_out"}


def test_while_the_course_is_pending_the_page_says_so_and_computes_nothing(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    alike_ended_episodes(ctx, world.ben, count=2, dropouts=0, start=START.date())
    clear_course_indexes()  # a restart: the index is not ready
    with transaction(ctx.sessions) as session:  # an intake whose course is still to come
        changes = track_status_changes(session)
        episode = session.get(Episode, world.episode_a)
        assert episode is not None
        store_administration(
            session,
            episode=episode,
            result=score(load_instrument("phq9"), phq9(16), language="en"),
            answers=phq9(16),
            entered_by="ana",
            administered_at=START,
            entered_at=START,
            route="session",
            session_number=1,
        )
        session.flush()
        written = refresh_touched(session, changes, caseness=ctx.caseness, now=ctx.now()).course
    assert written is not None
    assert written.pending == (world.episode_a,)
    stored = _stored(ctx)
    sign_in(client, "ana")
    page = client.get(f"/patients/{world.patient_a}").text
    assert "Course prediction pending" in page
    assert "Expected course from similar episodes" not in page
    assert _stored(ctx) == stored  # the read computed nothing
