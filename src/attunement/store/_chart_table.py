"""The rendered charts of each episode, kept until the episode changes (issue 13).

One row per episode, chart kind (``outcome``, ``alliance``) and language (the clinic's, in
which its titles, axes and legend are worded: issue 16): the SVG drawn from the episode's
stored status, and the ``status_version`` of the ``episode_statuses`` row it was
drawn from plus the ``renderer`` that drew it. A read whose stored status still has that
version (and whose renderer is the same) serves the row without drawing; any other
version is redrawn and overwrites the row, so old versions are replaced, never piled up.
A database table rather than a per-process cache: every app server behind a load
balancer sees the chart one of them drew. Written by :mod:`attunement.services._charts`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from attunement.store._tables import Base
from attunement.store._types import UtcDateTime

__all__ = ["EpisodeChartRecord"]


class EpisodeChartRecord(Base):
    """One drawn chart of an episode (``digest``: SHA-256 of ``svg``, the HTTP ETag)."""

    __tablename__ = "episode_charts"
    __table_args__ = (UniqueConstraint("episode_id", "kind", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    #: the language the chart's words are drawn in (a BCP 47 tag the catalogue serves)
    language: Mapped[str] = mapped_column(String(35))
    status_version: Mapped[int] = mapped_column(Integer)
    renderer: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))
    svg: Mapped[str] = mapped_column(Text)
    rendered_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
