"""The status service uses the newest stored ETR model, and the rational method until it may.

The clinic is the synthetic one of :mod:`attunement.simulate` (all records labelled
synthetic); its episodes are still open, so the fits include ongoing episodes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from attunement.monitoring import MINIMUM_EPISODES
from attunement.services import (
    OperatorActor,
    ServiceContext,
    UserActor,
    caseload,
    get_status,
    seed_demo_clinic,
    service_context,
)
from attunement.services._growth_models import StatusInputs
from attunement.services.etr import fit_clinic_growth_model, list_growth_models
from attunement.simulate import simulate_clinic
from attunement.store import Episode, Patient, User, make_sessionmaker

NOW = dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)
OPERATOR = OperatorActor(name="tester")


def _clinic(engine: Engine, n_patients: int) -> tuple[ServiceContext, UserActor, int]:
    clinic = simulate_clinic(seed=11, n_patients=n_patients, start=dt.date(2024, 1, 1))
    seed_demo_clinic(make_sessionmaker(engine), clinic, now=NOW)
    ctx = service_context(engine, signing_key="test-key-not-secret", clock=lambda: NOW)
    with ctx.sessions() as session:
        episode, user = session.execute(
            select(Episode.id, User)
            .join(Patient, Episode.patient_id == Patient.id)
            .join(User, Patient.clinician_id == User.id)
            .order_by(Episode.id)
            .limit(1)
        ).one()
        clinician = UserActor(user_id=user.id, username=user.username, role="clinician")
    return ctx, clinician, episode


def test_without_a_model_the_status_says_it_uses_the_rational_method(engine: Engine) -> None:
    ctx, clinician, episode = _clinic(engine, 5)
    expected = get_status(ctx, clinician, episode).expected
    assert expected is not None
    assert expected.method == "rational"
    assert "no empirical model has been fitted" in expected.basis


def test_a_model_on_too_few_episodes_is_named_and_not_used(engine: Engine) -> None:
    ctx, clinician, episode = _clinic(engine, 8)
    summary = fit_clinic_growth_model(ctx, OPERATOR, include_ongoing=True)
    expected = get_status(ctx, clinician, episode).expected
    assert expected is not None
    assert expected.method == "rational"
    assert f"the empirical model {summary.model_version} rests on 8 episodes" in expected.basis


def test_once_a_model_rests_on_enough_episodes_the_status_is_empirical(engine: Engine) -> None:
    ctx, clinician, episode = _clinic(engine, MINIMUM_EPISODES + 5)
    first = fit_clinic_growth_model(ctx, OPERATOR, include_ongoing=True)
    assert first.sequence == 1
    assert first.used_by_status
    expected = get_status(ctx, clinician, episode).expected
    assert expected is not None
    assert expected.method == "empirical"
    assert first.model_version in expected.basis
    second = fit_clinic_growth_model(ctx, OPERATOR, include_ongoing=True)
    assert second.sequence == 2
    assert [v.used_by_status for v in list_growth_models(ctx, "phq9")] == [False, True]
    newest = get_status(ctx, clinician, episode).expected
    assert newest is not None
    assert second.model_version in newest.basis  # the newest version is the one used
    entries = caseload(ctx, clinician).entries
    assert entries
    # a patient whose episode the demo closed is listed only for an open risk event
    assert {e.outcome_instrument for e in entries if e.episode_id is not None} == {"phq9"}
    assert all(e.risk_flag for e in entries if e.episode_id is None)


def test_a_model_fitted_after_a_write_read_its_inputs_makes_them_stale(
    engine: Engine, backend: str
) -> None:
    """On PostgreSQL a refresh that read the newest model before another writer committed
    a newer one computes its statuses again (``StatusInputs.moved``); SQLite's writers run
    one at a time, so nothing can commit in between."""
    ctx, _, _ = _clinic(engine, 8)
    fit_clinic_growth_model(ctx, OPERATOR, include_ongoing=True)
    with ctx.sessions() as session:
        inputs = StatusInputs(session)
        read = inputs.get("phq9")
        assert read is not None
        assert not inputs.moved()  # nothing committed since
        newer = fit_clinic_growth_model(ctx, OPERATOR, include_ongoing=True)  # commits
        assert newer.sequence == 2
        assert inputs.moved() is (backend == "postgresql")
        assert inputs.get("phq9") is read  # one read per use case; the caller reads again
