"""``store.insert_rows`` stores exactly what an INSERT stores (``COPY`` on PostgreSQL).

The bulk import writes its administrations, scores and ledger through it (issue 13). The
values must pass through the same column types (timezone-aware datetimes, JSON) and come
back equal; ids come back in input order; a failed transaction leaves nothing. SYNTHETIC
rows only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, Table, func, insert, select

from attunement.store import Patient, User, insert_rows

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
PATIENTS: Any = Patient.__table__
USERS: Any = User.__table__

#: Text that COPY's text format must escape: tabs, newlines, backslashes, quotes, accents.
AWKWARD = ["Plain", "Tab\there", "Line\nbreak", "Back\\slash", "Quote 'single' \"double\"", "Ñandú"]


def _patients(clinician: int, tag: str) -> list[dict[str, Any]]:
    return [
        {
            "display_name": f"{name} {tag}{i}",
            "search_name": f"{name} {tag}{i}".casefold(),
            "preferred_language": "es" if i % 2 else "en",
            "clinician_id": clinician,
            "profile": {"notes": [name, None, 1.5], "nested": {"ok": i % 2 == 0}},
            "profile_updated_at": None if i % 3 else NOW + dt.timedelta(minutes=i),
            "synthetic": True,
            "created_at": NOW - dt.timedelta(days=i),
        }
        for i, name in enumerate(AWKWARD)
    ]


def _clinician(engine: Engine) -> int:
    with engine.begin() as connection:
        return int(
            connection.execute(
                insert(USERS).returning(USERS.c.id),
                {
                    "username": "synthetic1",
                    "display_name": "Synthetic Clinician",
                    "role": "clinician",
                    "active": True,
                    "synthetic": True,
                    "created_at": NOW,
                },
            ).scalar_one()
        )


def _stored(engine: Engine, table: Table, ids: list[int]) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(select(table).where(table.c.id.in_(ids)).order_by(table.c.id))
        return [{k: v for k, v in row._mapping.items() if k != "id"} for row in rows]


def test_rows_come_back_as_an_insert_stores_them(engine: Engine) -> None:
    clinician = _clinician(engine)
    with engine.begin() as connection:
        inserted = list(
            connection.execute(
                insert(PATIENTS).returning(PATIENTS.c.id, sort_by_parameter_order=True),
                _patients(clinician, "x"),
            ).scalars()
        )
        copied = insert_rows(connection, PATIENTS, _patients(clinician, "x"), return_ids=True)
    assert len(set(copied)) == len(copied) == len(AWKWARD)
    assert _stored(engine, PATIENTS, copied) == _stored(engine, PATIENTS, inserted)
    # ids in input order: the i-th id holds the i-th row
    with engine.connect() as connection:
        names = dict(connection.execute(select(PATIENTS.c.id, PATIENTS.c.display_name)).all())
    assert [names[i] for i in copied] == [f"{name} x{i}" for i, name in enumerate(AWKWARD)]
    stored = _stored(engine, PATIENTS, copied)
    assert stored[0]["created_at"] == NOW
    assert stored[0]["created_at"].tzinfo is not None
    assert stored[1]["profile"] == {"notes": ["Tab\there", None, 1.5], "nested": {"ok": False}}


def test_rows_without_ids_and_an_empty_list(engine: Engine) -> None:
    clinician = _clinician(engine)
    with engine.begin() as connection:
        assert insert_rows(connection, PATIENTS, []) == []
        assert insert_rows(connection, PATIENTS, _patients(clinician, "y")) == []
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(PATIENTS)).scalar_one() == 6


def test_a_failed_transaction_leaves_nothing(engine: Engine) -> None:
    clinician = _clinician(engine)
    connection = engine.connect()
    transaction = connection.begin()
    insert_rows(connection, PATIENTS, _patients(clinician, "z"), return_ids=True)
    transaction.rollback()  # the batch failed after its rows were written
    connection.close()
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(PATIENTS)).scalar_one() == 0


def test_a_constraint_still_holds(engine: Engine) -> None:
    rows = _patients(10_000, "w")  # no such clinician: the foreign key refuses the rows
    with pytest.raises(Exception, match=r"(?i)foreign key"), engine.begin() as connection:
        insert_rows(connection, PATIENTS, rows, return_ids=True)
