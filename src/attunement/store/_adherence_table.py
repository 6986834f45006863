"""Whether the plan was followed, dimension by dimension, in an episode (issue 15).

One row per record: the tailoring ``dimension`` (one the episode's plan tailors, or
``rupture_repair``), ``followed`` (True / False), an optional ``note``, who and when. Rows
are only ever added: a change of mind is a new row, never an update or a delete, so the
history keeps every record. The latest row of an (episode, dimension) counts
(:func:`attunement.learning.plan_followed`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from attunement.store._tables import Base
from attunement.store._types import UtcDateTime

__all__ = ["PlanAdherenceRecord"]


class PlanAdherenceRecord(Base):
    """One record of whether a dimension of the plan was followed in an episode."""

    __tablename__ = "plan_adherence"
    __table_args__ = (Index("ix_plan_adherence_episode_dimension", "episode_id", "dimension"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(40))
    followed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str] = mapped_column(String(100))
