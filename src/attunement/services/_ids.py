"""Record ids from outside (paths, query strings, bodies, FHIR references) and the storage range.

Every table's id is an ``Integer`` column: PostgreSQL's ``integer`` holds −2,147,483,648 to
+2,147,483,647 (PostgreSQL documentation, "Numeric Types", table 8.2) and SQLite's INTEGER
eight bytes. An id outside 1 … 2³¹ − 1 therefore names no record on either backend, and is
answered exactly like an unknown id (NotFound, audited by the use case) instead of reaching
the driver, which fails with ``OverflowError`` (SQLite, ≥ 2⁶³) or ``DataError``
(PostgreSQL, ≥ 2³¹) — a 500 that left no audit entry (issue 18).

The edges take ids as plain integers; the one check is here, where the services load a
record (:func:`get_row`) and where the audit trail records what was asked for
(:func:`audit_subject`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from attunement.errors import quote

__all__ = ["AUDIT_TARGET_LENGTH", "MAX_ROW_ID", "audit_subject", "get_row", "in_storage_range"]

#: The largest id any table can hold on every supported database (PostgreSQL ``integer``).
MAX_ROW_ID = 2**31 - 1
#: The width of ``audit_log.target`` (``String(100)``).
AUDIT_TARGET_LENGTH = 100

Row = TypeVar("Row")


def in_storage_range(row_id: int) -> bool:
    """True when ``row_id`` could name a stored record (1 … :data:`MAX_ROW_ID`)."""
    return 1 <= row_id <= MAX_ROW_ID


def get_row(
    session: Session,
    model: type[Row],
    row_id: int,
    *,
    lock: bool = False,
    options: Sequence[ORMOption] = (),
) -> Row | None:
    """``session.get(model, row_id)``, or None for an id no table can hold (``options``:
    loader options, e.g. a related row read in the same query).

    ``lock`` holds the row until the transaction ends and reads it as last committed
    (PostgreSQL ``FOR NO KEY UPDATE``: a second writer waits; the weaker ``NO KEY`` mode
    still lets others insert rows that reference it). SQLite's write transaction already
    holds the only write lock.
    """
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not in_storage_range(row_id):
        return None
    if lock and session.get_bind().dialect.name != "sqlite":
        return session.get(
            model,
            row_id,
            options=options,
            with_for_update={"key_share": True},
            populate_existing=True,
        )
    return session.get(model, row_id, options=options)


def audit_subject(patient_id: Any, target: str | None) -> tuple[int | None, str | None]:
    """The patient id and target an audit entry can store for what a caller asked for.

    An out-of-range patient id is kept (shortened) in the target instead, so the attempt is
    still traceable; a target is cut to the column's width.
    """
    if patient_id is not None and not (
        isinstance(patient_id, int) and in_storage_range(patient_id)
    ):
        target = target or f"patient:{quote(patient_id)}"
        patient_id = None
    if target is not None and len(target) > AUDIT_TARGET_LENGTH:
        target = target[: AUDIT_TARGET_LENGTH - 1] + "…"
    return patient_id, target
