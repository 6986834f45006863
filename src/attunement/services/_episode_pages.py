"""Keyset pages of episodes: the one way the reports and the export stream a clinic.

A report or export over a whole clinic must hold one page in memory, not the clinic
(issue 13): each reader builds its own ``select`` over the episodes it may read — its first
column the :class:`~attunement.store.Episode` or its id — and :func:`episode_pages` runs it
page by page in episode order, continuing after the last id of the page before (keyset
pagination: no ``OFFSET``, so a page costs the same at the end of the clinic as at the start).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVarTuple, cast

from sqlalchemy import Row, Select
from sqlalchemy.orm import Session

from attunement.store import Episode

__all__ = ["episode_pages"]

_Columns = TypeVarTuple("_Columns")


def episode_pages(
    session: Session, statement: Select[*_Columns], page_size: int
) -> Iterator[Sequence[Row[*_Columns]]]:
    """The rows of ``statement`` in pages of at most ``page_size`` episodes, in episode order."""
    after = 0
    while True:
        page = session.execute(
            statement.where(Episode.id > after).order_by(Episode.id).limit(page_size)
        ).all()
        if not page:
            return
        last = cast("tuple[object, ...]", page[-1])[0]  # the Episode or its id
        after = last.id if isinstance(last, Episode) else int(str(last))
        yield page
