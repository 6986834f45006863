"""The personalised course predicted for each episode at its intake (issue 15).

One row per prediction: written in the transaction that records (or corrects) the
episode's intake outcome score (:mod:`attunement.services._course_predictions`), never on a
read. A corrected intake adds a new row and keeps the old one, so the research export holds
every prediction with the time it was made; pages and the API show the newest.

``course`` is the whole :class:`attunement.learning.PersonalisedCourse` (points with their
80% band, the basis in words, the neighbours' outcome counts); ``method``, ``neighbours``,
``intake`` and ``dropout_probability`` are repeated as columns for the export and queries.
``model_version`` names what made it (the course code, the learning thresholds, the fitted
growth model); ``episodes_compared`` how many ended episodes the index held.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from attunement.store._tables import Base
from attunement.store._types import UtcDateTime

__all__ = ["CoursePredictionRecord"]


class CoursePredictionRecord(Base):
    """One personalised course of an episode, as predicted when its intake was recorded."""

    __tablename__ = "course_predictions"
    __table_args__ = (Index("ix_course_predictions_episode_made", "episode_id", "made_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    made_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    instrument: Mapped[str] = mapped_column(String(40))
    intake: Mapped[float] = mapped_column(Float)
    #: the session number of the intake score, and of the latest outcome score when the
    #: prediction was made (the same: made at intake; later: the episode predates the table)
    intake_session: Mapped[int | None] = mapped_column(Integer)
    at_session: Mapped[int | None] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    neighbours: Mapped[int] = mapped_column(Integer)
    dropout_probability: Mapped[float | None] = mapped_column(Float)
    episodes_compared: Mapped[int] = mapped_column(Integer)
    model_version: Mapped[str] = mapped_column(String(120))
    course: Mapped[dict[str, Any]] = mapped_column(JSON)
