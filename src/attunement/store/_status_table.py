"""The stored status of each episode: derived state written on every change (issue 13).

One row per episode (``episode_id``), plus one row per patient with an open risk event
and no open episode (``episode_id`` null): an open risk is never off the caseload. Rows
are written by :mod:`attunement.services._status_store` in the transaction of the write
that changed the episode, and rewritten when a definition, the norms or a fitted ETR
model change (``inputs_version``). Reads (status, caseload) read them by key; the
caseload orders, filters and pages them in SQL on the ``ix_episode_statuses_worklist*``
indexes, which hold the rows in the worklist's own order (``deterioration`` descending), so
that a page is read from the index in order and stops after its rows (issue 13).
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
)
from sqlalchemy.orm import Mapped, mapped_column

from attunement.store._tables import Base
from attunement.store._types import UtcDateTime

__all__ = ["EpisodeStatusRecord"]


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
