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
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from attunement.monitoring import GrowthModel, needs_clinic_norms
from attunement.services._clinic_norms import MeasureRole, stored_clinic_norms
from attunement.store import EtrModel

if TYPE_CHECKING:
    from attunement.monitoring import ClinicNorms, GrowthModel

__all__ = ["StatusInputs", "add_growth_model", "newest_growth_model"]


#: An instrument's stored models, newest first, and its newest sequence: built once, every
#: write's status reads them (issue 13).
_MODELS_NEWEST_FIRST = (
    select(EtrModel.sequence, EtrModel.model)
    .where(EtrModel.instrument == bindparam("instrument"))
    .order_by(EtrModel.sequence.desc())
)
_NEWEST_SEQUENCE = select(func.max(EtrModel.sequence)).where(
    EtrModel.instrument == bindparam("instrument")
)


def newest_growth_model(session: Session, instrument: str) -> GrowthModel | None:
    """The instrument's newest stored model, or None when none was fitted.

    A stored model that no longer validates (a future model schema) is passed over for the
    newest one that does, so the status never rests on a half-read model.
    """

    return _newest(session, instrument)[1]


def _newest(session: Session, instrument: str) -> tuple[int | None, GrowthModel | None]:
    """The sequence of the instrument's newest stored row (valid or not), and the newest
    model that validates."""
    rows = session.execute(_MODELS_NEWEST_FIRST, {"instrument": instrument})
    newest: int | None = None
    for sequence, stored in rows:
        newest = sequence if newest is None else newest
        try:
            return newest, GrowthModel.model_validate(stored)
        except ValidationError:
            continue
    return newest, None


def _newest_sequence(session: Session, instrument: str) -> int | None:
    """The sequence of the instrument's newest stored row (None before the first fit)."""
    return session.scalar(_NEWEST_SEQUENCE, {"instrument": instrument})


def add_growth_model(
    session: Session, model: GrowthModel, *, instrument: str, fitted_at: dt.datetime
) -> EtrModel:
    """Store ``model`` as the instrument's next version (flushed; the caller commits)."""
    last = _newest_sequence(session, instrument)
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


class StatusInputs:
    """What every status of one use case shares, read once: the newest stored growth model
    per instrument, the clinic-derived norms of outcome and alliance scales that need them,
    and the clinic's caseness convention (the caseload asks for each of them often), and the
    clinic's language (``ATTUNE_CLINIC_LANGUAGE``: a plan offers a patient's language only
    when it differs)."""

    def __init__(
        self, session: Session, *, caseness: str = "published", clinic_language: str = "en"
    ) -> None:
        self._session = session
        self.caseness = caseness
        self.clinic_language = clinic_language
        self._models: dict[str, GrowthModel | None] = {}
        self._sequences: dict[str, int | None] = {}  # each instrument's newest row, as read
        self._norms: dict[tuple[str, str, MeasureRole], ClinicNorms | None] = {}
        self._stored_norms: dict[tuple[str, str, MeasureRole], ClinicNorms | None] = {}  # read

    def get(self, instrument: str) -> GrowthModel | None:
        """The instrument's newest stored growth model (None when none was fitted)."""
        if instrument not in self._models:
            sequence, model = _newest(self._session, instrument)
            self._sequences[instrument], self._models[instrument] = sequence, model
        return self._models[instrument]

    def clinic_norms(self, instrument: str, scale: str) -> ClinicNorms | None:
        """The clinic's own intake SD of the scale, where the instrument publishes neither an
        SD nor a reliable-change threshold (``monitoring.needs_clinic_norms``)."""

        return self._clinic_norms(instrument, scale, "outcome")

    def alliance_norms(self, instrument: str, scale: str) -> ClinicNorms | None:
        """The clinic's SD of each episode's first alliance measure of the scale (the
        alliance's intake), where the instrument publishes a reliability but no change norms
        (WAI-SR): the alliance limits rest on it once enough episodes exist."""

        return self._clinic_norms(instrument, scale, "alliance")

    def moved(self) -> bool:
        """On PostgreSQL, whether another transaction committed other norms or a newer
        model than the ones read here (each read again by key): statuses computed with
        these are then stale (a model by its row's sequence, without reading the model
        again). Never on SQLite, whose writers run one at a time."""
        if self._session.get_bind().dialect.name != "postgresql":
            return False
        return any(
            stored_clinic_norms(self._session, *key) != norms
            for key, norms in self._stored_norms.items()
        ) or any(
            _newest_sequence(self._session, instrument) != sequence
            for instrument, sequence in self._sequences.items()
        )

    def _clinic_norms(self, instrument: str, scale: str, role: MeasureRole) -> ClinicNorms | None:

        key = (instrument, scale, role)
        if key not in self._norms:
            found = None
            if needs_clinic_norms(instrument, scale):
                found = self._stored_norms[key] = stored_clinic_norms(self._session, *key)
            self._norms[key] = found
        return self._norms[key]
