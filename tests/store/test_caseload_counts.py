"""``caseload_counts`` always equals the status rows counted by the caseload's columns.

The triggers of migration 0021 keep it on every insert, update and delete of
``episode_statuses``, including deletes cascaded from a patient (issue 13: the caseload's
totals read a few counted rows, not every status row). SYNTHETIC rows only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text, update

from attunement.store import (
    NO_MEASURE_DATE,
    CaseloadCount,
    Episode,
    EpisodeStatusRecord,
    Patient,
    User,
)

NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
ALERTS = ("red", "yellow", None, "green", "white")


def _status(i: int) -> dict[str, Any]:
    return {
        "episode_id": i if i % 7 else None,  # every 7th: a patient-only row
        "patient_id": i,
        "clinician_id": 1 + i % 2,
        "listed": i % 11 != 0,
        "rank": i % 6,
        "deterioration": 0.0,
        "last_seen_on": NOW.date(),
        "measure_due_from": None if i % 5 == 0 else NOW.date() - dt.timedelta(days=i % 4),
        "alert": ALERTS[i % len(ALERTS)],
        "open_risk_events": 0,
        "inputs_version": "synthetic",
        "version": 1,
        "computed_at": NOW,
    }


def _seed(engine: Engine, n: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(User),
            [
                {
                    "id": uid,
                    "username": f"synthetic{uid}",
                    "display_name": f"Synthetic Clinician {uid}",
                    "role": "clinician",
                    "active": True,
                    "synthetic": True,
                    "created_at": NOW,
                }
                for uid in (1, 2)
            ],
        )
        connection.execute(  # SQL: the schema before migration 0021 has no search_name
            text(
                "INSERT INTO patients (id, display_name, preferred_language, clinician_id, "
                "profile, synthetic, created_at) "
                "VALUES (:id, :name, 'en', :clinician, '{}', true, :now)"
            ),
            [
                {"id": i, "name": f"Synthetic Patient {i}", "clinician": 1 + i % 2, "now": NOW}
                for i in range(1, n + 1)
            ],
        )
        connection.execute(
            insert(Episode),
            [
                {
                    "id": i,
                    "patient_id": i,
                    "clinician_id": 1 + i % 2,
                    "started_on": NOW.date(),
                    "outcome_instrument": "phq9",
                }
                for i in range(1, n + 1)
            ],
        )
        connection.execute(insert(EpisodeStatusRecord), [_status(i) for i in range(1, n + 1)])


def _counted(engine: Engine) -> dict[tuple[Any, ...], int]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                CaseloadCount.clinician_id,
                CaseloadCount.listed,
                CaseloadCount.has_episode,
                CaseloadCount.alert,
                CaseloadCount.rank,
                CaseloadCount.measure_due_from,
                CaseloadCount.tally,
            )
        ).all()
    return {tuple(row[:-1]): int(row[-1]) for row in rows if row[-1]}


def _recounted(engine: Engine) -> dict[tuple[Any, ...], int]:
    row = EpisodeStatusRecord
    with engine.connect() as connection:
        found = connection.execute(
            select(
                row.clinician_id,
                row.listed,
                row.episode_id.is_not(None),
                row.alert,
                row.rank,
                row.measure_due_from,
            )
        ).all()
    counts: dict[tuple[Any, ...], int] = {}
    for clinician, listed, has_episode, alert, rank, due in found:
        key = (clinician, listed, has_episode, alert or "", rank, due or NO_MEASURE_DATE)
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_counts_follow_inserts_updates_and_deletes(engine: Engine) -> None:
    _seed(engine, 60)
    assert _counted(engine) == _recounted(engine)
    row = EpisodeStatusRecord
    with engine.begin() as connection:
        connection.execute(update(row).where(row.patient_id < 20).values(alert="red", rank=1))
        connection.execute(
            update(row).where(row.patient_id.between(20, 30)).values(measure_due_from=None)
        )
        connection.execute(update(row).where(row.patient_id == 31).values(listed=False))
        connection.execute(update(row).where(row.patient_id == 32).values(clinician_id=1))
        connection.execute(update(row).where(row.patient_id == 33).values(deterioration=2.5))
        connection.execute(delete(row).where(row.patient_id.in_([40, 41, 42])))
    assert _counted(engine) == _recounted(engine)


def test_a_deleted_patient_takes_its_counted_rows_with_it(engine: Engine) -> None:
    _seed(engine, 12)
    with engine.begin() as connection:
        connection.execute(delete(Episode).where(Episode.patient_id == 3))
        connection.execute(delete(Patient).where(Patient.id == 3))
    assert _counted(engine) == _recounted(engine)
    with engine.connect() as connection:
        left = connection.scalar(select(func.count()).select_from(EpisodeStatusRecord))
    assert left == 11


def test_the_migration_counts_the_rows_already_stored(empty_database_url: str) -> None:
    from attunement.store import make_engine, migrate

    engine = make_engine(empty_database_url)
    try:
        migrate(engine, "0018")
        _seed(engine, 30)
        migrate(engine)
        assert _counted(engine) == _recounted(engine)
    finally:
        engine.dispose()


def test_migration_0021_downgrades_and_upgrades_again(empty_database_url: str) -> None:
    from alembic import command

    from attunement.store import alembic_config, make_engine, migrate

    engine = make_engine(empty_database_url)
    try:
        migrate(engine)
        _seed(engine, 10)
        command.downgrade(alembic_config(engine), "0018")
        migrate(engine)
        assert _counted(engine) == _recounted(engine)
        with engine.connect() as connection:
            names = connection.execute(select(Patient.search_name).order_by(Patient.id)).all()
        assert names[0] == ("synthetic patient 1",)
    finally:
        engine.dispose()


def test_concurrent_writers_moving_rows_both_ways_keep_the_counts(engine: Engine) -> None:
    """Writers flip rows between two counted rows at once: no error, no lost count."""
    from concurrent.futures import ThreadPoolExecutor

    _seed(engine, 16)
    row = EpisodeStatusRecord
    same_day = {"measure_due_from": NOW.date(), "clinician_id": 1, "listed": True}
    with engine.begin() as connection:
        connection.execute(update(row).values(**same_day, episode_id=row.patient_id))

    def flip(patient: int) -> None:
        for turn in range(10):
            alert, rank = (("red", 1), ("green", 4))[(patient + turn) % 2]
            with engine.begin() as connection:
                connection.execute(
                    update(row).where(row.patient_id == patient).values(alert=alert, rank=rank)
                )

    with ThreadPoolExecutor(8) as threads:
        list(threads.map(flip, range(1, 17)))
    assert _counted(engine) == _recounted(engine)
