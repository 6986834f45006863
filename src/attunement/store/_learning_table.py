"""What the neighbour index of the personalised course must re-read (issue 15).

The index of a clinic's ended episodes (:mod:`attunement.services._course_index`) is cached
per database and outcome instrument. A correction of an ended episode's scores, an edit of
its patient's profile, sex, age band or language, a change of its end, or a plan-adherence
record does not change which episodes have ended, so the cache is also keyed on the
instrument's **learning revision**: each write that changes such an input of an ended
episode raises the revision by one (``learning_revisions``) and records the revision at
which that episode last changed (``learning_changes``), in its own transaction. A refresh
then re-reads only the episodes changed since the revision it was built at.

On PostgreSQL the revision's row is updated in place, so two such writes take turns on it:
a revision becomes visible only with every change recorded under it (the order of the
revisions is the order of the commits).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from attunement.store._tables import Base

__all__ = ["LearningChange", "LearningRevision"]


class LearningRevision(Base):
    """The learning revision of an outcome instrument's ended episodes."""

    __tablename__ = "learning_revisions"

    instrument: Mapped[str] = mapped_column(String(40), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)


class LearningChange(Base):
    """The revision at which an ended episode's learning inputs last changed."""

    __tablename__ = "learning_changes"
    __table_args__ = (Index("ix_learning_changes_instrument_revision", "instrument", "revision"),)

    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), primary_key=True
    )
    instrument: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(Integer)
