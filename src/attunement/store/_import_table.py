"""The import ledger: which source record of a bulk import became which row (issue 13).

One row per imported patient, episode and administration, keyed by its kind and the
source system's own key (``patient:P-0001``, ``episode:E-0001``, ``administration:A-1``),
written in the same transaction as the record itself. A re-run of the same file skips
every key already here, and a run killed mid-way resumes after its last committed batch:
an uncommitted batch left neither records nor ledger rows. Written by
:mod:`attunement.services.bulk_import`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from attunement.store._tables import Base
from attunement.store._types import UtcDateTime

__all__ = ["ImportLedgerEntry"]


class ImportLedgerEntry(Base):
    """One imported source record: its key, its kind and the id of the row it became."""

    __tablename__ = "import_ledger"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # patient | episode | administration
    record_id: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
