"""The clinic-derived norms in use, stored (issue 13: derived state is stored, not re-derived).

A scale that publishes a reliability but neither an SD nor a reliable-change threshold (the
K10 as an outcome measure, the WAI-SR as an alliance measure) is judged with the SD of the
clinic's own intake scores (:class:`attunement.monitoring.ClinicNorms`). Computing that SD
on every write read every intake of the clinic, and a new intake moved it a little, which
made every stored status of the instrument stale: each intake re-assessed the whole clinic.
The norms in use are therefore taken at stated points and kept here, one row per
instrument, scale and role (:mod:`attunement.services._clinic_norms` says when they are
taken again); every stored status names them through its ``inputs_version``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from attunement.store._tables import Base
from attunement.store._types import UtcDateTime

__all__ = ["ClinicNormsRecord"]


class ClinicNormsRecord(Base):
    """The clinic-derived SD of one scale in use: taken from ``n_episodes`` intake scores
    when ``n_counted`` episodes had a measure of the instrument in that role."""

    __tablename__ = "clinic_norms"

    instrument: Mapped[str] = mapped_column(String(40), primary_key=True)
    scale: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: "outcome" or "alliance": which of its episodes' measures the intakes were.
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    sd: Mapped[float] = mapped_column(Float)
    n_episodes: Mapped[int] = mapped_column(Integer)
    n_counted: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
