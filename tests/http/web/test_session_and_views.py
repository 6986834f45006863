"""Session entry through ``record_session``, and the fields the pages show (no browser)."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select

from attunement.services import (
    InvitationCreate,
    ServiceContext,
    UserActor,
    get_status,
    invite_patient,
    list_sessions,
    seed_demo_clinic,
)
from attunement.simulate import simulate_clinic
from attunement.store import Administration, Episode, Patient, TherapySession, User
from tests.http.web.pages import count, form_token, sign_in
from tests.services.world import World

PHQ9_ANSWERS = {f"phq9.phq9_{n}": "1" for n in range(1, 10)}
WAI_SR_ANSWERS = {f"wai_sr.wai_sr_{n}": "4" for n in range(1, 13)}


def _post_session(client: TestClient, world: World, **fields: str | list[str]) -> int:
    path = f"/patients/{world.patient_a}/session"
    data = {"csrf_token": form_token(client, path), "held_on": "2026-03-02", **fields}
    return client.post(path, data=data, follow_redirects=False).status_code


def test_the_session_form_offers_attendance_and_the_two_marker_kinds(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    page = client.get(f"/patients/{world.patient_a}/session").text
    assert 'name="attended" value="no"' in page
    assert 'name="marker" value="withdrawal"' in page
    assert 'name="marker" value="confrontation"' in page


def test_a_session_with_two_questionnaires_and_a_marker_is_stored_at_once(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    status = _post_session(
        client,
        world,
        session="1",
        instrument=["phq9", "wai_sr"],
        marker="confrontation",
        **PHQ9_ANSWERS,
        **WAI_SR_ANSWERS,
    )
    assert status == 303
    (visit,) = list_sessions(ctx, world.ana, world.episode_a)
    assert visit.rupture_markers == ["confrontation"]
    assert [a.instrument for a in visit.administrations] == ["phq9", "wai_sr"]
    alliance = get_status(ctx, world.ana, world.episode_a).alliance
    assert alliance is not None
    assert [m.marker for m in alliance.markers] == ["confrontation"]


def test_a_missed_session_is_recorded_without_questionnaires(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    assert _post_session(client, world, session="1", attended="no") == 303
    (visit,) = list_sessions(ctx, world.ana, world.episode_a)
    assert not visit.attended
    page = client.get(f"/patients/{world.patient_a}/session").text
    assert 'name="session" value="2"' in page  # the next number counts the missed one


def test_answers_for_a_missed_session_are_refused_and_nothing_is_stored(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    status = _post_session(
        client, world, session="1", attended="no", instrument="phq9", **PHQ9_ANSWERS
    )
    assert status == 422
    assert count(ctx, TherapySession) == 0
    assert count(ctx, Administration) == 0


def test_a_session_dated_before_the_episode_comes_back_at_the_date(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    sign_in(client, "ana")
    path = f"/patients/{world.patient_a}/session"
    data = {
        "csrf_token": form_token(client, path),
        "session": "1",
        "held_on": "2020-01-01",
        "instrument": "phq9",
        **PHQ9_ANSWERS,
    }
    response = client.post(path, data=data, follow_redirects=False)
    assert response.status_code == 422
    assert "on or after the episode&#39;s start" in response.text
    assert count(ctx, Administration) == 0


def test_the_patient_page_names_the_clinician(client: TestClient, world: World) -> None:
    sign_in(client, "sam")
    assert "Clinician: Ana" in client.get(f"/patients/{world.patient_a}").text
    sign_in(client, "ana")
    assert "Clinician: Ana (you)" in client.get(f"/patients/{world.patient_a}").text


def test_the_caseload_shows_when_each_patient_was_last_seen(
    client: TestClient, world: World
) -> None:
    sign_in(client, "ana")
    assert _post_session(client, world, session="1", instrument="phq9", **PHQ9_ANSWERS) == 303
    page = client.get("/caseload").text
    assert "Last seen" in page
    assert "2026-03-02 (session 1)" in page


def _synthetic_invitation(ctx: ServiceContext) -> str:
    clinic = simulate_clinic(seed=3, n_patients=1, start=dt.date(2026, 1, 5))
    seed_demo_clinic(ctx.sessions, clinic, now=ctx.now())
    with ctx.sessions() as session:
        episode, user = session.execute(
            select(Episode.id, User)
            .join(Patient, Episode.patient_id == Patient.id)
            .join(User, Patient.clinician_id == User.id)
            .where(Patient.synthetic.is_(True))
        ).one()
    clinician = UserActor(user_id=user.id, username=user.username, role="clinician")
    return invite_patient(ctx, clinician, episode, InvitationCreate(language="en")).token


def test_the_self_report_of_a_synthetic_record_carries_the_synthetic_banner(
    client: TestClient, ctx: ServiceContext, world: World
) -> None:
    page = client.get(f"/self-report/{_synthetic_invitation(ctx)}")
    assert page.status_code == 200
    assert "synthetic-banner" in page.text
    assert "SYNTHETIC" in page.text
    real = invite_patient(ctx, world.ana, world.episode_a, InvitationCreate(instruments=["phq9"]))
    assert "synthetic-banner" not in client.get(f"/self-report/{real.token}").text
