"""Storing bulk-import rows: the ledger, patients and episodes (:mod:`.bulk_import`).

Rows go in many at a time (``store.insert_rows``: ``COPY`` on PostgreSQL, multi-row Core
INSERTs on SQLite; ids in input order), never as per-row ORM objects; every row is checked
before its kind is written, and the first bad row raises an
:class:`~attunement.exports.ImportRowError` (the use case rolls the whole batch back).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from attunement._batched import batched
from attunement.errors import AttunementError, InputError
from attunement.exports import EpisodeRow, ImportRow, ImportRowError, PatientRow, RowSource
from attunement.instruments import require_role
from attunement.services._context import ServiceContext
from attunement.services._limits import check_day
from attunement.store import Episode, ImportLedgerEntry, Patient, User, insert_rows

__all__ = [
    "in_chunks",
    "insert_returning_ids",
    "ledger",
    "refuse_repeated_keys",
    "store_episodes",
    "store_patients",
    "table_of",
    "write_ledger",
]

#: Ids per ``IN (…)`` list (SQLite's variable limit is far above; keeps statements small).
_CHUNK = 900
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")
_T = TypeVar("_T")


def in_chunks(values: Iterable[_T]) -> Iterator[list[_T]]:
    return batched(sorted(set(values), key=str), _CHUNK)  # for IN (…) lists


def refuse_repeated_keys(rows: Sequence[ImportRow]) -> None:
    seen: dict[str, RowSource] = {}
    for row in rows:
        kind = (
            "patient_id"
            if isinstance(row, PatientRow)
            else "episode_id"
            if isinstance(row, EpisodeRow)
            else "administration_id"
        )
        key = f"{kind}:{row.key}"
        if key in seen:
            raise ImportRowError(
                row.source, kind, row.key, f"an id not used before in the batch ({seen[key]})"
            )
        seen[key] = row.source


def ledger(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """The record ids of the keys already imported."""
    found: dict[str, int] = {}
    for chunk in in_chunks(keys):
        for key, record_id in session.execute(
            select(ImportLedgerEntry.key, ImportLedgerEntry.record_id).where(
                ImportLedgerEntry.key.in_(chunk)
            )
        ):
            found[str(key)] = int(record_id)
    return found


def table_of(model: Any) -> Table:
    """The Core table of a mapped class (Core INSERTs skip the ORM's per-row bulk work)."""
    table = model.__table__
    if not isinstance(table, Table):  # pragma: no cover - every mapped class has one
        raise TypeError(f"{model!r} is not mapped to a table")
    return table


def insert_returning_ids(session: Session, table: Any, values: list[dict[str, Any]]) -> list[int]:
    """Insert many rows at once (``COPY`` on PostgreSQL); their ids in input order.

    Core rows of the mapped table, never per-row ORM objects (which cost about as much CPU
    again per row in Python); the keys are the table's column names."""
    return insert_rows(session.connection(), table_of(table), values, return_ids=True)


def write_ledger(
    session: Session, kind: str, keys: Sequence[str], ids: Sequence[int], now: dt.datetime
) -> dict[str, int]:
    entries = {f"{kind}:{key}": record_id for key, record_id in zip(keys, ids, strict=True)}
    if entries:
        insert_rows(
            session.connection(),
            table_of(ImportLedgerEntry),
            [
                {"key": key, "kind": kind, "record_id": record_id, "imported_at": now}
                for key, record_id in entries.items()
            ],
        )
    return entries


def store_patients(
    session: Session, rows: Sequence[PatientRow], known: dict[str, int], *, now: dt.datetime
) -> None:
    if not rows:
        return
    clinicians: dict[str, int] = {}
    for chunk in in_chunks(r.clinician for r in rows):
        for uid, username, role, also, active in session.execute(
            select(User.id, User.username, User.role, User.also_clinician, User.active).where(
                User.username.in_(chunk)
            )
        ):
            if active and (role != "admin" or also):
                clinicians[str(username)] = int(uid)
    taken: set[str] = set()
    for chunk in in_chunks(r.key for r in rows):
        taken.update(
            str(k)
            for k in session.scalars(
                select(Patient.external_id).where(Patient.external_id.in_(chunk))
            )
        )
    for row in rows:
        if row.clinician not in clinicians:
            raise ImportRowError(
                row.source, "clinician", row.clinician, "the username of an active clinician"
            )
        if row.key in taken:
            raise ImportRowError(
                row.source,
                "patient_id",
                row.key,
                "an id that no patient registered outside this import has",
            )
        if not _LANGUAGE.match(row.preferred_language):
            raise ImportRowError(
                row.source,
                "preferred_language",
                row.preferred_language,
                "a language tag: en, es, pt-BR",
            )
    ids = insert_returning_ids(
        session,
        Patient,
        [
            {
                "external_id": r.key,
                "display_name": r.display_name,
                "preferred_language": r.preferred_language,
                "clinician_id": clinicians[r.clinician],
                "profile": {},
                "synthetic": r.synthetic,
                "sex": r.sex,
                "age_band": r.age_band,
                "created_at": now,
            }
            for r in rows
        ],
    )
    known.update(write_ledger(session, "patient", [r.key for r in rows], ids, now))


def store_episodes(
    session: Session,
    ctx: ServiceContext,
    rows: Sequence[EpisodeRow],
    known: dict[str, int],
    *,
    now: dt.datetime,
) -> None:

    if not rows:
        return
    patient_ids = {}
    for row in rows:
        pid = known.get(f"patient:{row.patient_key}")
        if pid is None:
            raise ImportRowError(
                row.source, "patient_id", row.patient_key, "the id of a patient imported before"
            )
        patient_ids[row.key] = pid
        try:
            require_role("outcome_instrument", row.outcome_instrument, "outcome")
            if row.alliance_instrument:
                require_role("alliance_instrument", row.alliance_instrument, "alliance")
            check_day("started_on", row.started_on, now=now, limits=ctx.limits)
        except InputError as error:
            raise ImportRowError(row.source, error.field, error.value, error.allowed) from None
        except AttunementError as error:  # an unknown instrument
            raise ImportRowError(
                row.source, "outcome_instrument", row.outcome_instrument, error.message
            ) from None
    open_before: set[int] = set()
    for chunk in in_chunks(patient_ids.values()):
        open_before.update(
            session.scalars(
                select(Episode.patient_id).where(
                    Episode.patient_id.in_(chunk), Episode.ended_on.is_(None)
                )
            )
        )
    clinician_of = {}
    for chunk in in_chunks(patient_ids.values()):
        clinician_of.update(
            {
                int(p): int(c)
                for p, c in session.execute(
                    select(Patient.id, Patient.clinician_id).where(Patient.id.in_(chunk))
                )
            }
        )
    seen: set[int] = set()
    for row in rows:
        pid = patient_ids[row.key]
        if pid in open_before or pid in seen:
            raise ImportRowError(
                row.source,
                "patient_id",
                row.patient_key,
                "a patient without an open episode (one open episode per patient)",
            )
        seen.add(pid)
    ids = insert_returning_ids(
        session,
        Episode,
        [
            {
                "patient_id": patient_ids[r.key],
                "clinician_id": clinician_of[patient_ids[r.key]],
                "started_on": r.started_on,
                "outcome_instrument": r.outcome_instrument,
                "alliance_instrument": r.alliance_instrument,
            }
            for r in rows
        ],
    )
    known.update(write_ledger(session, "episode", [r.key for r in rows], ids, now))
