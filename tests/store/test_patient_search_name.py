"""Every patient row carries its normalised search name, however it was written (issue 13)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from attunement.store import Patient, User, name_search_key

NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def test_the_search_key_drops_accents_case_and_extra_spaces() -> None:
    assert name_search_key("  José   MÜLLER-Straße ") == "jose muller-strasse"


def test_core_many_row_inserts_and_orm_writes_fill_the_search_name(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.add(
            User(
                id=1,
                username="syn",
                display_name="Synthetic Clinician",
                role="clinician",
                created_at=NOW,
            )
        )
    with engine.begin() as connection:  # the bulk import's path: one Core INSERT, many rows
        connection.execute(
            insert(Patient),
            [
                {"display_name": name, "clinician_id": 1, "created_at": NOW, "synthetic": True}
                for name in ("Synthetic Zoë", "Synthetic ANDRÉ")
            ],
        )
    with Session(engine) as session, session.begin():
        session.add(Patient(display_name="Synthetic Ñandú", clinician_id=1, created_at=NOW))
    with Session(engine) as session, session.begin():
        renamed = session.scalars(select(Patient).where(Patient.id == 1)).one()
        renamed.display_name = "Synthetic Zoé Renamed"
    with engine.connect() as connection:
        names = connection.scalars(select(Patient.search_name).order_by(Patient.id)).all()
    assert names == ["synthetic zoe renamed", "synthetic andre", "synthetic nandu"]
