"""The stored status of each episode: derived state written on every change (issue 13).

One row per episode (``episode_id``), plus one row per patient with an open risk event
and no open episode (``episode_id`` null): an open risk is never off the caseload. Rows
are written by :mod:`attunement.services._status_store` in the transaction of the write
that changed the episode, and rewritten when a definition, the norms or a fitted ETR
model change (``inputs_version``). Reads (status, caseload) read them by key; the
caseload orders, filters and pages them in SQL on the ``ix_episode_statuses_worklist*``
indexes, which hold the rows in the worklist's own order (``deterioration`` descending), so
that a page is read from the index in order and stops after its rows (issue 13).

The caseload's totals (rows per alert, open risks, overdue episodes) are read from
``caseload_counts`` (:class:`CaseloadCount`), the ``episode_statuses`` rows counted by the
columns the caseload filters on: database triggers (migration 0021, on SQLite and
PostgreSQL) keep it exact on every insert, update and delete, whoever writes, so the totals
cost a read of a few rows per clinician, alert and date, whatever the clinic's size. A
future SQLite migration that copies ``episode_statuses`` (Alembic batch mode) drops its
triggers and must create them again (``CASELOAD_COUNT_TRIGGERS`` in migration 0021).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from attunement.store._tables import Base
from attunement.store._types import UtcDateTime

__all__ = ["NO_MEASURE_DATE", "CaseloadCount", "EpisodeStatusRecord"]

#: ``caseload_counts.measure_due_from`` of rows without one (never overdue, never due).
NO_MEASURE_DATE = dt.date(9999, 12, 31)


class EpisodeStatusRecord(Base):
    """An episode's computed status and the caseload columns derived from it.

    ``rank`` is ``monitoring.alert_rank`` (0 an open risk event, then red … white; no
    status ranks as not assessable); ``deterioration`` is ``monitoring.deterioration_size``;
    ``measure_due_from`` the date from which the next outcome measure is counted (the latest
    outcome measure, else the episode's start); ``version`` counts the rewrites (a cache key).
    """

    __tablename__ = "episode_statuses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int | None] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), unique=True
    )
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    clinician_id: Mapped[int] = mapped_column(Integer)
    listed: Mapped[bool] = mapped_column(Boolean)  # shown on the caseload
    rank: Mapped[int] = mapped_column(Integer)
    deterioration: Mapped[float] = mapped_column(Float)
    last_seen_on: Mapped[dt.date | None] = mapped_column(Date)
    measure_due_from: Mapped[dt.date | None] = mapped_column(Date, index=True)
    alert: Mapped[str | None] = mapped_column(String(20))
    alert_rule: Mapped[str | None] = mapped_column(String(100))
    open_risk_events: Mapped[int] = mapped_column(Integer)
    outcome_instrument: Mapped[str | None] = mapped_column(String(40), index=True)
    monitored_scale: Mapped[str | None] = mapped_column(String(40))
    session: Mapped[int | None] = mapped_column(Integer)
    latest: Mapped[float | None] = mapped_column(Float)
    latest_session: Mapped[int | None] = mapped_column(Integer)
    latest_on: Mapped[dt.date | None] = mapped_column(Date)
    change: Mapped[float | None] = mapped_column(Float)
    category: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    problem: Mapped[str | None] = mapped_column(Text)
    inputs_version: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


# The worklist order: rank, the largest deterioration first, the longest unseen, then id.
_WORKLIST_ORDER = (
    EpisodeStatusRecord.rank,
    EpisodeStatusRecord.deterioration.desc(),
    EpisodeStatusRecord.last_seen_on,
    EpisodeStatusRecord.id,
)
Index("ix_episode_statuses_worklist", EpisodeStatusRecord.listed, *_WORKLIST_ORDER)
Index(
    "ix_episode_statuses_worklist_alert",
    EpisodeStatusRecord.listed,
    EpisodeStatusRecord.alert,
    *_WORKLIST_ORDER,
)
Index(
    "ix_episode_statuses_worklist_clinician",
    EpisodeStatusRecord.clinician_id,
    EpisodeStatusRecord.listed,
    *_WORKLIST_ORDER,
)


class CaseloadCount(Base):
    """How many ``episode_statuses`` rows share the columns the caseload counts by.

    Maintained by triggers only (never written by the app). A status row without an
    episode counts with ``has_episode`` false, without an alert with ``alert`` ``""``,
    without a measure date with ``measure_due_from`` :data:`NO_MEASURE_DATE`. ``tally``
    may be 0 (a key whose rows all moved on).
    """

    __tablename__ = "caseload_counts"
    __table_args__ = (
        UniqueConstraint(
            "clinician_id",
            "listed",
            "has_episode",
            "alert",
            "rank",
            "measure_due_from",
            name="uq_caseload_counts_key",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinician_id: Mapped[int] = mapped_column(Integer)
    listed: Mapped[bool] = mapped_column(Boolean)
    has_episode: Mapped[bool] = mapped_column(Boolean)
    alert: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int] = mapped_column(Integer)
    measure_due_from: Mapped[dt.date] = mapped_column(Date)
    tally: Mapped[int] = mapped_column(Integer)
