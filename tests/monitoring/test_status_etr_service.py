"""The ETR service: fit from the clinic's ended episodes, store versioned, load the newest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from attunement.errors import InputError
from attunement.monitoring import GrowthModel
from attunement.services import OperatorActor, seed_demo_clinic, service_context
from attunement.services.etr import (
    fit_clinic_growth_model,
    load_growth_model,
    model_files,
    read_growth_model,
)
from attunement.simulate import simulate_clinic
from attunement.store import AuditEntry, Episode, make_sessionmaker

NOW = dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)
ACTOR = OperatorActor(name="tester")


def seeded(engine: Engine, n: int) -> None:
    clinic = simulate_clinic(seed=5, n_patients=n, start=dt.date(2024, 1, 1))
    seed_demo_clinic(make_sessionmaker(engine), clinic, now=NOW)


def test_fits_ended_episodes_only_and_stores_a_new_version_each_time(
    engine: Engine, tmp_path: Path
) -> None:
    seeded(engine, 10)
    ctx = service_context(engine, signing_key="test-key-not-secret", clock=lambda: NOW)
    with pytest.raises(InputError, match="ended"):
        fit_clinic_growth_model(ctx, ACTOR, data_dir=tmp_path)
    with make_sessionmaker(engine)() as session, session.begin():
        ids = session.scalars(select(Episode.id).order_by(Episode.id).limit(6)).all()
        session.execute(
            update(Episode).where(Episode.id.in_(ids)).values(ended_on=dt.date(2024, 5, 1))
        )
    first = fit_clinic_growth_model(ctx, ACTOR, data_dir=tmp_path)
    assert first.episodes == 6
    assert first.synthetic_episodes == 6
    assert first.sequence == 1
    assert not first.used_by_status
    second = fit_clinic_growth_model(ctx, ACTOR, data_dir=tmp_path, include_ongoing=True)
    assert second.episodes == 10
    assert second.sequence == 2
    assert [n for n, _ in model_files(tmp_path, "phq9")] == [1, 2]
    newest = load_growth_model(tmp_path, "phq9")
    assert isinstance(newest, GrowthModel)
    assert newest.n_patients == 10
    assert newest.instrument == "phq9"
    assert "SYNTHETIC" in newest.data_label
    with make_sessionmaker(engine)() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert actions.count("etr.fit") == 3  # the refused fit is audited too


def test_no_stored_model_means_none_and_a_bad_file_is_refused(tmp_path: Path) -> None:
    assert load_growth_model(tmp_path, "phq9") is None
    bad = tmp_path / "model.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="--model"):
        read_growth_model(bad)
