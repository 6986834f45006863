"""The demo clinic: real scores for synthetic answers; demo accounts in demo mode only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from attunement.errors import ConfigurationError
from attunement.services import (
    OperatorActor,
    ServiceContext,
    actor_for_token,
    caseload,
    login_for_token,
    seed_demo_accounts,
    seed_demo_clinic,
)
from attunement.services.etr import fit_clinic_growth_model
from attunement.simulate import simulate_clinic
from attunement.store import Administration, Episode, Patient, ScoreRecord, TherapySession, User

DEMO_SEED = 7  # as `attune demo`

NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def test_every_demo_administration_is_scored(ctx: ServiceContext) -> None:
    clinic = simulate_clinic(seed=7, n_patients=3, start=NOW.date() - dt.timedelta(days=90))
    summary = seed_demo_clinic(ctx.sessions, clinic, now=NOW)
    with ctx.sessions() as session:
        administrations = session.scalar(select(func.count(Administration.id)))
        scores = session.scalar(select(func.count(ScoreRecord.id)))
    assert summary.administrations == administrations == scores > 0


def test_demo_accounts_sign_in_and_see_the_demo_caseload(ctx: ServiceContext) -> None:
    clinic = simulate_clinic(seed=7, n_patients=3, start=NOW.date() - dt.timedelta(days=90))
    seed_demo_clinic(ctx.sessions, clinic, now=NOW)
    accounts = {a.username: a for a in seed_demo_accounts(ctx, mode="demo")}
    assert {"demo_admin", "demo_supervisor", "dr_rivera"} <= set(accounts)
    supervisor = accounts["demo_supervisor"]
    token = login_for_token(ctx, username=supervisor.username, password=supervisor.password)
    actor = actor_for_token(ctx, token.access_token)
    entries = caseload(ctx, actor).entries
    with ctx.sessions() as session:
        still_open = set(session.scalars(select(Episode.id).where(Episode.ended_on.is_(None))))
    # the open episodes, and a patient whose episode the demo closed only for an open risk
    assert {e.episode_id for e in entries if e.episode_id is not None} == still_open
    assert all(e.risk_flag for e in entries if e.episode_id is None)
    assert len(entries) <= 3
    with ctx.sessions() as session:
        assert all(session.scalars(select(User.synthetic)))


def test_demo_passwords_are_fresh_each_time(ctx: ServiceContext) -> None:
    first = {a.username: a.password for a in seed_demo_accounts(ctx, mode="demo")}
    second = {a.username: a.password for a in seed_demo_accounts(ctx, mode="demo")}
    assert first.keys() == second.keys()
    assert all(first[name] != second[name] for name in first)


@pytest.mark.parametrize("mode", ["production", "dev"])
def test_demo_accounts_are_refused_outside_demo_mode(ctx: ServiceContext, mode: str) -> None:
    with pytest.raises(ConfigurationError):
        seed_demo_accounts(ctx, mode=mode)


def test_the_simulated_rupture_markers_are_stored_with_their_sessions(
    ctx: ServiceContext,
) -> None:
    clinic = simulate_clinic(seed=7, n_patients=24, start=NOW.date() - dt.timedelta(days=90))
    marked = {
        (p.key, v.number): list(v.rupture_markers)
        for p in clinic.patients
        for v in p.episode.sessions
        if v.rupture_markers and v.held_on <= NOW.date()  # sessions after today are not held
    }
    assert marked  # the seed has some
    seed_demo_clinic(ctx.sessions, clinic, now=NOW)
    with ctx.sessions() as session:
        stored = {
            (key, number): notes["rupture_markers"]
            for key, number, notes in session.execute(
                select(Patient.external_id, TherapySession.number, TherapySession.notes)
                .join(Episode, TherapySession.episode_id == Episode.id)
                .join(Patient, Episode.patient_id == Patient.id)
            )
            if notes.get("rupture_markers")
        }
    assert stored == marked


def test_the_demo_clinic_shows_open_risk_events_and_synthetic_risk_history(
    ctx: ServiceContext,
) -> None:
    from attunement.risk import RiskEvent
    from attunement.services._risk_records import patient_risk_events
    from attunement.services.demo import DEMO_RESPONSE_NOTE

    clinic = simulate_clinic(seed=7, n_patients=24, start=NOW.date() - dt.timedelta(days=90))
    seed_demo_clinic(ctx.sessions, clinic, now=NOW)
    with ctx.sessions() as session:
        events: list[RiskEvent] = [
            e
            for patient in session.scalars(select(Patient.id))
            for e in patient_risk_events(session, patient)
        ]
    answered = [e for e in events if not e.open]
    assert answered, "some endorsed patients get a synthetic risk response"
    assert any(e.open for e in events), "and other events stay open"
    for event in answered:
        assert event.response is not None
        assert event.response.note == DEMO_RESPONSE_NOTE
        assert "SYNTHETIC" in event.response.note
        assert event.response.recorded_by == "synthetic"
        assert event.response.assessed_on >= (event.first.on or NOW.date())


def test_the_demo_walk_features_the_most_urgent_patient_in_the_caseloads_order(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    from attunement.services.demo_walk import ALERT_ORDER, walk_the_loop

    clinic = simulate_clinic(seed=7, n_patients=12, start=NOW.date() - dt.timedelta(days=90))
    seed_demo_clinic(ctx.sessions, clinic, now=NOW)
    seed_demo_accounts(ctx, mode="demo")
    walk = walk_the_loop(ctx, tmp_path)
    assert walk.files  # plan, status, reports: every one private to the user (issue 16)
    assert {p.name: p.stat().st_mode & 0o777 for p in walk.files} == {
        p.name: 0o600 for p in walk.files
    }
    assert ALERT_ORDER[0] == "open risk event"
    assert list(walk.by_alert) == [k for k in ALERT_ORDER if k in walk.by_alert]
    assert walk.featured == next(e for e in walk.caseload if e.episode_id is not None)
    assert walk.featured.risk_flag  # the synthetic clinic has open risk events: one leads
    assert walk.plan_safety is not None
    assert walk.plan_safety.startswith("Safety first")


def test_the_demo_closes_planned_ends_and_a_dropout_labelled_synthetic(ctx: ServiceContext) -> None:
    clinic = simulate_clinic(seed=DEMO_SEED, n_patients=24, start=NOW.date() - dt.timedelta(150))
    summary = seed_demo_clinic(ctx.sessions, clinic, now=NOW)
    assert summary.ended_episodes["planned_end"] >= 3
    assert summary.ended_episodes["dropout"] >= 1
    with ctx.sessions() as session:
        closed = session.scalars(select(Episode).where(Episode.ended_on.is_not(None))).all()
    assert len(closed) == sum(summary.ended_episodes.values())
    for episode in closed:
        assert episode.end_note is not None
        assert "SYNTHETIC" in episode.end_note
        assert episode.ended_on is not None
        assert episode.ended_on <= NOW.date()
        assert episode.final_outcome_administration_id is not None
    assert summary.episodes - len(closed) >= summary.episodes // 2  # a caseload remains
    fitted = fit_clinic_growth_model(ctx, OperatorActor(name="tester"))  # ended episodes only
    assert set(fitted.end_reasons) == {"planned_end", "dropout"}


def test_the_demo_records_no_session_after_today_and_keeps_running_courses_open(
    ctx: ServiceContext,
) -> None:
    # started 60 days ago: many simulated courses run on past today
    clinic = simulate_clinic(
        seed=DEMO_SEED, n_patients=24, start=NOW.date() - dt.timedelta(days=60)
    )
    assert any(v.held_on > NOW.date() for p in clinic.patients for v in p.episode.sessions)
    seed_demo_clinic(ctx.sessions, clinic, now=NOW)
    with ctx.sessions() as session:
        latest_session = session.scalar(select(func.max(TherapySession.held_on)))
        latest_given = session.scalar(select(func.max(Administration.administered_at)))
        ended = session.execute(
            select(Patient.external_id, Episode.ended_on).join(Episode.patient)
        ).all()
    assert latest_session is not None
    assert latest_session <= NOW.date()
    assert latest_given is not None
    assert latest_given.date() <= NOW.date()
    running = {p.key for p in clinic.patients if p.episode.sessions[-1].held_on > NOW.date()}
    assert running
    assert all(ended_on is None for key, ended_on in ended if key in running)
