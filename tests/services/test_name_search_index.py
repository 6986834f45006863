"""The caseload's name search starts from a trigram index, not from every patient (issue 13).

"Part of the name" (``LIKE '%abc%'``) cannot use a B-tree, so each database keeps a trigram
index of the patients' search names: ``pg_trgm``'s GIN index on PostgreSQL, an FTS5
trigram table kept by triggers on SQLite. These tests ask each planner how it runs the
page query the caseload really sends, and check that the SQLite table follows every write.
The patients are synthetic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from attunement.services import CaseloadFilter, ServiceContext, caseload
from attunement.store import (
    Episode,
    EpisodeStatusRecord,
    Patient,
    name_search_filter,
    name_search_key,
)
from tests.services.test_status_and_caseload import _episode_with
from tests.services.test_worklist_index import _page_statement
from tests.services.world import FakeClock, World


def _found(engine: Engine, query: str) -> list[str]:
    """Display names whose search name contains ``query``, through the index filter."""
    key = name_search_key(query)
    with engine.connect() as connection:
        found = connection.scalars(
            select(Patient.display_name)
            .where(name_search_filter(key, engine.dialect.name, Patient.id))
            .order_by(Patient.display_name)
        )
        return list(found)


def _seed_caseload(engine: Engine, clinician: int, patients: int) -> None:
    """``patients`` synthetic patients of ``clinician``, each with an open episode and a
    stored status row (Core inserts: the planner needs a caseload of some size to prefer
    an index over reading a handful of rows), then fresh planner statistics."""
    now = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    first = 1000
    ids = range(first, first + patients)
    with engine.begin() as connection:
        connection.execute(
            insert(Patient),
            [
                {
                    "id": i,
                    "display_name": f"Synthetic {_SYLLABLES[i % 7]}{_SYLLABLES[i // 7 % 7]} {i}",
                    "clinician_id": clinician,
                    "profile": {},
                    "synthetic": True,
                    "created_at": now,
                }
                for i in ids
            ],
        )
        connection.execute(
            insert(Episode),
            [
                {"id": i, "patient_id": i, "clinician_id": clinician, "started_on": now.date()}
                for i in ids
            ],
        )
        connection.execute(
            insert(EpisodeStatusRecord),
            [
                {
                    "episode_id": i,
                    "patient_id": i,
                    "clinician_id": clinician,
                    "listed": True,
                    "rank": 1 + i % 5,
                    "deterioration": 0.0,
                    "last_seen_on": now.date(),
                    "measure_due_from": now.date(),
                    "open_risk_events": 0,
                    "inputs_version": "synthetic",
                    "version": 1,
                    "computed_at": now,
                }
                for i in ids
            ],
        )
        if engine.dialect.name == "postgresql":
            # what autovacuum does after a bulk insert: merge the GIN index's pending list
            connection.exec_driver_sql("SELECT gin_clean_pending_list('ix_patients_search_name')")
        connection.exec_driver_sql("ANALYZE")


def _plan(engine: Engine, statement: str, parameters: Any) -> str:
    """The planner's plan of ``statement``. On PostgreSQL reading the whole table is made
    the last resort: the test patients fit in a few pages, which a plain scan reads faster
    than any index, so the plan shows whether the index can serve the search at all."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return "\n".join(str(row[-1]) for row in rows)
        connection.exec_driver_sql("SET enable_seqscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return "\n".join(str(row[0]) for row in rows)


_SYLLABLES = ("ka", "lo", "mi", "nu", "re", "so", "ti")


def test_a_name_search_page_reads_the_trigram_index(
    engine: Engine, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _episode_with(ctx, clock, world.ana, "Synthetic Dee Okafor", [10, 14, 18, 23], risk=False)
    _seed_caseload(engine, world.ana.user_id, 2000)
    request = CaseloadFilter(name="okafor")
    statement, parameters = _page_statement(engine, ctx, world.ana, request)
    plan = _plan(engine, statement, parameters)
    if engine.dialect.name == "sqlite":
        assert "patients_search VIRTUAL TABLE INDEX" in plan, plan  # the FTS5 trigram table
        assert "ix_episode_statuses_patient_id" in plan, plan  # then the patients found
    else:
        assert "ix_patients_search_name" in plan, plan  # the pg_trgm GIN index
    assert "LIKE" not in statement.upper() or engine.dialect.name != "sqlite"
    names = [e.display_name for e in caseload(ctx, world.ana, request).entries]
    assert names == ["Synthetic Dee Okafor"]


def test_a_key_of_one_or_two_characters_is_still_found(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _episode_with(ctx, clock, world.ana, "Synthetic Bo Ek", [10, 14], risk=False)
    found = caseload(ctx, world.ana, CaseloadFilter(name="ek")).entries
    assert [e.display_name for e in found] == ["Synthetic Bo Ek"]


def test_the_index_follows_new_renamed_and_removed_patients(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    before = _found(engine, "synthetic")
    with ctx.sessions.begin() as session:
        session.add_all(
            Patient(
                display_name=name,
                clinician_id=world.ana.user_id,
                created_at=ctx.now(),
                synthetic=True,
            )
            for name in ('Synthetic Ann "Nan" Quill', "Synthetic Ole Brand", "Synthetic Ida Rowe")
        )
    assert _found(engine, 'ann "nan"') == ['Synthetic Ann "Nan" Quill']  # a quote is literal
    with ctx.sessions.begin() as session:
        ole = session.scalars(select(Patient).where(Patient.display_name.contains("Ole"))).one()
        ole.display_name = "Synthetic Ole Müller"
        session.execute(delete(Patient).where(Patient.display_name == "Synthetic Ida Rowe"))
    assert _found(engine, "brand") == []
    assert _found(engine, "muller") == ["Synthetic Ole Müller"]
    assert _found(engine, "rowe") == []
    assert len(_found(engine, "synthetic")) == len(before) + 2
