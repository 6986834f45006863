"""The ETR service: fit from the clinic's ended episodes, store versioned in the database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, select, update

from attunement.errors import InputError
from attunement.monitoring import MINIMUM_EPISODES, EpisodeTable, GrowthModel, fit_growth_model
from attunement.services import OperatorActor, seed_demo_clinic, service_context
from attunement.services.etr import (
    EtrFitSummary,
    fit_clinic_growth_model,
    latest_growth_model,
    list_growth_models,
    read_growth_model,
)
from attunement.simulate import simulate_clinic
from attunement.store import AuditEntry, Episode, EtrModel, make_sessionmaker

NOW = dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)
ACTOR = OperatorActor(name="tester")


def seeded(engine: Engine, n: int) -> None:
    """The demo clinic with every episode open (the demo seed closes some)."""
    clinic = simulate_clinic(seed=5, n_patients=n, start=dt.date(2024, 1, 1))
    seed_demo_clinic(make_sessionmaker(engine), clinic, now=NOW)
    with make_sessionmaker(engine)() as session, session.begin():
        session.execute(update(Episode).values(ended_on=None, end_reason=None))


def test_each_fit_is_stored_as_the_next_version_and_nothing_is_overwritten(
    engine: Engine,
) -> None:
    seeded(engine, 10)
    ctx = service_context(engine, signing_key="test-key-not-secret", clock=lambda: NOW)
    assert latest_growth_model(ctx, "phq9") is None
    with pytest.raises(InputError, match="ended"):
        fit_clinic_growth_model(ctx, ACTOR)
    assert list_growth_models(ctx) == []  # a refused fit stores nothing
    with make_sessionmaker(engine)() as session, session.begin():
        ids = session.scalars(select(Episode.id).order_by(Episode.id).limit(6)).all()
        session.execute(
            update(Episode).where(Episode.id.in_(ids)).values(ended_on=dt.date(2024, 5, 1))
        )
    first = fit_clinic_growth_model(ctx, ACTOR)
    assert (first.sequence, first.episodes, first.synthetic_episodes) == (1, 6, 6)
    assert not first.used_by_status
    second = fit_clinic_growth_model(ctx, ACTOR, include_ongoing=True)
    assert (second.sequence, second.episodes) == (2, 10)
    assert second.model_version != first.model_version
    stored = list_growth_models(ctx, "phq9")
    assert [(v.sequence, v.n_patients, v.model_version) for v in stored] == [
        (1, 6, first.model_version),
        (2, 10, second.model_version),
    ]
    assert all("SYNTHETIC" in v.data_label for v in stored)
    assert not any(v.used_by_status for v in stored)  # fewer than MINIMUM_EPISODES
    newest = latest_growth_model(ctx, "phq9")
    assert isinstance(newest, GrowthModel)
    assert newest == second.model
    assert newest.version == second.model_version  # the JSON round trip is exact
    assert newest.instrument == "phq9"
    assert latest_growth_model(ctx, "gad7") is None
    with make_sessionmaker(engine)() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "etr.fit")).all()
    assert [e.outcome for e in entries] == ["rejected", "success", "success"]
    assert [e.detail.get("sequence") for e in entries] == [None, 1, 2]


def test_the_summary_json_holds_no_model_and_describes_the_stored_version(
    engine: Engine,
) -> None:
    seeded(engine, 4)
    ctx = service_context(engine, signing_key="test-key-not-secret", clock=lambda: NOW)
    summary = fit_clinic_growth_model(ctx, ACTOR, include_ongoing=True)
    assert "model" not in summary.model_dump(mode="json")
    text = summary.describe()
    assert "stored: database table etr_models, phq9 version 1" in text
    assert f"until the model rests on {MINIMUM_EPISODES} episodes" in text
    assert summary.singular == summary.model.singular
    assert ("SINGULAR FIT" in text) == summary.singular


def test_etr_fit_output_reports_a_singular_fit() -> None:
    rng = np.random.default_rng(4)
    n_sessions = rng.integers(3, 12, 300)
    intake = rng.normal(16, 4, 300)
    b0 = rng.normal(0, 2, 300)  # SYNTHETIC: random slope = 0.8 x random intercept
    patient = np.repeat(np.arange(300), n_sessions)
    session = np.concatenate([np.arange(1, k + 1) for k in n_sessions]).astype(float)
    log_s, i = np.log(session), intake[patient]
    score = 1 + 0.9 * i + (-1 - 0.15 * i) * log_s + b0[patient] * (1 + 0.8 * log_s)
    score = score + rng.normal(0, 1.5, len(session))
    model = fit_growth_model(EpisodeTable.from_arrays(patient, session, score, i))
    summary = EtrFitSummary(
        instrument="phq9",
        scale="total",
        sequence=1,
        model_version=model.version,
        fitted_at=NOW,
        episodes=model.n_patients,
        sessions=model.n_obs,
        synthetic_episodes=model.n_patients,
        converged=model.converged,
        used_by_status=True,
        minimum_episodes=MINIMUM_EPISODES,
        coefficients=dict(model.coefficients),
        residual_variance=model.residual_variance,
        singular=model.singular,
        boundary_note=model.boundary_note,
        model=model,
    )
    assert "SINGULAR FIT: singular fit: random intercept-slope correlation" in summary.describe()
    assert summary.model_dump(mode="json")["singular"] is True


def test_the_database_refuses_a_second_row_with_the_same_version(engine: Engine) -> None:
    from sqlalchemy.exc import IntegrityError

    seeded(engine, 4)
    ctx = service_context(engine, signing_key="test-key-not-secret", clock=lambda: NOW)
    fit_clinic_growth_model(ctx, ACTOR, include_ongoing=True)
    with make_sessionmaker(engine)() as session:
        row = session.scalars(select(EtrModel)).one()
        copy = EtrModel(
            instrument=row.instrument,
            sequence=row.sequence,
            model_version=row.model_version,
            fitted_at=row.fitted_at,
            n_patients=row.n_patients,
            n_obs=row.n_obs,
            data_label=row.data_label,
            model=row.model,
        )
        session.add(copy)
        with pytest.raises(IntegrityError):
            session.commit()


def test_a_bad_model_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="--model"):
        read_growth_model(bad)
    with pytest.raises(InputError, match="readable"):
        read_growth_model(tmp_path / "absent.json")
