"""Stored ETR growth models (table ``etr_models``), read and written within a use case.

Each fit is a new row: ``sequence`` = the instrument's previous maximum + 1, and the unique
constraint on (instrument, sequence) refuses an overwrite, also when two fits race (the
second one answers Conflict and stores nothing). The newest row is the one the status
uses; whether it rests on enough episodes is decided by
:func:`attunement.monitoring.expected_treatment_response`, which falls back to the
rational method and says so.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attunement.store import EtrModel

if TYPE_CHECKING:
    from attunement.monitoring import GrowthModel

__all__ = ["GrowthModelCache", "add_growth_model", "newest_growth_model"]


def newest_growth_model(session: Session, instrument: str) -> GrowthModel | None:
    """The instrument's newest stored model, or None when none was fitted.

    A stored model that no longer validates (a future model schema) is passed over for the
    newest one that does, so the status never rests on a half-read model.
    """
    from attunement.monitoring import GrowthModel

    rows = session.scalars(
        select(EtrModel.model)
        .where(EtrModel.instrument == instrument)
        .order_by(EtrModel.sequence.desc())
    )
    for stored in rows:
        try:
            return GrowthModel.model_validate(stored)
        except ValidationError:
            continue
    return None


def add_growth_model(
    session: Session, model: GrowthModel, *, instrument: str, fitted_at: dt.datetime
) -> EtrModel:
    """Store ``model`` as the instrument's next version (flushed; the caller commits)."""
    last = session.scalar(
        select(func.max(EtrModel.sequence)).where(EtrModel.instrument == instrument)
    )
    row = EtrModel(
        instrument=instrument,
        sequence=int(last or 0) + 1,
        model_version=model.version,
        fitted_at=fitted_at,
        n_patients=model.n_patients,
        n_obs=model.n_obs,
        data_label=model.data_label,
        model=model.model_dump(mode="json"),
    )
    session.add(row)
    session.flush()
    return row


class GrowthModelCache:
    """The newest model per instrument, read once per use case (the caseload asks often)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._models: dict[str, GrowthModel | None] = {}

    def get(self, instrument: str) -> GrowthModel | None:
        if instrument not in self._models:
            self._models[instrument] = newest_growth_model(self._session, instrument)
        return self._models[instrument]
