"""The caseload page is read from an index in the worklist's own order (issue 13).

The worklist orders by rank, the largest deterioration first, the longest unseen, then id.
An index holding ``deterioration`` ascending cannot give that order, so every request
read and sorted the caller's whole caseload (10,000 rows for a page of 50). These tests
ask each database's planner how it runs the page query the caseload really sends: from an
``ix_episode_statuses_worklist*`` index, with no sort step.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from attunement.services import CaseloadFilter, ServiceContext, UserActor, caseload
from tests.services.test_status_and_caseload import _episode_with
from tests.services.world import FakeClock, World


def _page_statement(
    engine: Engine, ctx: ServiceContext, who: UserActor, request: CaseloadFilter
) -> tuple[str, Any]:
    """The SQL (and parameters) of the caseload's page query, as sent to the driver."""
    sent: list[tuple[str, Any]] = []

    def grab(_c: object, _cur: object, statement: str, parameters: Any, *_: object) -> None:
        if "FROM episode_statuses" in statement and "ORDER BY" in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        caseload(ctx, who, request)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    assert len(sent) == 1, sent
    return sent[0]


def _plan(engine: Engine, statement: str, parameters: Any) -> list[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return [str(row[-1]) for row in rows]
        # a tiny table is cheaper to sort than to read by index: make sorting the last
        # resort, so the plan shows whether an index can give the order at all
        connection.exec_driver_sql("SET enable_seqscan = off")
        connection.exec_driver_sql("SET enable_sort = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return [str(row[0]) for row in rows]


def _assert_read_in_order(plan: list[str]) -> None:
    text = "\n".join(plan)
    assert "ix_episode_statuses_worklist" in text, text
    assert "TEMP B-TREE" not in text, text  # SQLite sorting
    assert "Sort" not in text, text  # PostgreSQL sorting (also "Incremental Sort")


def test_a_clinicians_caseload_page_is_read_in_order_from_the_index(
    engine: Engine, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _episode_with(ctx, clock, world.ana, "Synthetic Abe", [10, 13, 16, 19], risk=False)
    _episode_with(ctx, clock, world.ana, "Synthetic Zoe", [20, 17, 15, 13, 12], risk=False)
    statement, parameters = _page_statement(engine, ctx, world.ana, CaseloadFilter(per_page=1))
    _assert_read_in_order(_plan(engine, statement, parameters))


def test_a_page_filtered_by_alert_is_read_in_order_from_the_index(
    engine: Engine, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    _episode_with(ctx, clock, world.ana, "Synthetic Abe", [10, 13, 16, 19], risk=False)
    _episode_with(ctx, clock, world.ana, "Synthetic Zed", [6, 12, 18, 24], risk=False)
    request = CaseloadFilter(alert="red", per_page=1)
    statement, parameters = _page_statement(engine, ctx, world.ana, request)
    _assert_read_in_order(_plan(engine, statement, parameters))
    names = [e.display_name for e in caseload(ctx, world.ana, request).entries]
    assert names == ["Synthetic Zed"]  # the larger deterioration first, as before


def test_the_caseload_page_does_not_load_the_stored_status_documents(
    engine: Engine, ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    # each row's full Status (the status read's answer, kilobytes of JSON) is not a column
    # of the list: a page of 50 used to fetch and parse 50 of them
    _episode_with(ctx, clock, world.ana, "Synthetic Abe", [10, 13, 16, 19], risk=False)
    statement, _ = _page_statement(engine, ctx, world.ana, CaseloadFilter())
    selected = statement.split(" FROM ", 1)[0]
    assert "episode_statuses.alert" in selected
    assert "episode_statuses.status," not in selected
    assert not selected.rstrip().endswith("episode_statuses.status")
    shown = {e.display_name: e for e in caseload(ctx, world.ana).entries}
    assert shown["Synthetic Abe"].alert == "red"  # the list itself is unchanged
