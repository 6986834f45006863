"""Which clinical-support prompts were discussed with the patient (issue 16).

One row per mark: the prompt's ``domain`` (``monitoring/support_prompts/<domain>.yaml``),
the episode and the status ``session`` it was shown at, ``discussed`` (True: marked
discussed; False: the mark undone), who and when. Rows are only ever added: an undo is a
new row, never a delete, so the patient's history keeps every mark. The latest row of an
(episode, session, domain) is its state. Marking never touches a risk event: only a
recorded risk response closes one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from attunement.store._tables import Base
from attunement.store._types import UtcDateTime

__all__ = ["PromptDiscussionRecord"]


class PromptDiscussionRecord(Base):
    """One mark of a support prompt as discussed (or its undo) at a session of an episode."""

    __tablename__ = "prompt_discussions"
    __table_args__ = (Index("ix_prompt_discussions_episode_session", "episode_id", "session"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    session: Mapped[int] = mapped_column(Integer)
    domain: Mapped[str] = mapped_column(String(40))
    discussed: Mapped[bool] = mapped_column(Boolean)
    marked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    marked_by: Mapped[str] = mapped_column(String(100))
