"""Several audit chains (issue 13): concurrent transactions append without one lock, and
tampering with any one chain is still refused or located.

A transaction holding a chain (appended, not yet committed) stands for a slow request: on
PostgreSQL the others go on in the next chain. SQLite has one writer, so one chain; the
tests that need two chains run on PostgreSQL (the ``database_url`` fixture narrowed).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from attunement.errors import StorageError
from attunement.security import AuditAnchor
from attunement.services import ServiceContext, anchor_audit_chain, get_patient, verify_audit_chain
from attunement.services._audit import append_audit
from attunement.services._transaction import transaction
from attunement.store import AUDIT_CHAINS
from tests.services import tampering
from tests.services.world import OPERATOR, World, build_world, make_context

on_postgresql = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


@contextmanager
def chain_held(ctx: ServiceContext) -> Iterator[int]:
    """An open transaction that has appended (so holds its chain) until the block ends."""
    with transaction(ctx.sessions) as session:
        entry = append_audit(session, ctx, actor="operator:slow", role=None, action="slow.write")
        yield entry.chain


def _reads_elsewhere(ctx: ServiceContext, world: World, count: int) -> None:
    """``count`` audited reads on another thread, which must finish within 20 s."""

    def reads() -> None:
        for _ in range(count):
            get_patient(ctx, world.ana, world.patient_a)

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(reads).result(timeout=20)


def _two_chains(ctx: ServiceContext, world: World) -> None:
    """Entries in chain 0 and chain 1: reads while chain 0 is held, then more in chain 0."""
    _reads_elsewhere(ctx, world, 2)
    with chain_held(ctx) as held:
        assert held == 0
        _reads_elsewhere(ctx, world, 4)  # chain 0 is held: these go to chain 1
    _reads_elsewhere(ctx, world, 2)


def _by_chain(engine: Engine) -> dict[int, list[dict[str, object]]]:
    chains: dict[int, list[dict[str, object]]] = {}
    for row in tampering.rows(engine):
        chains.setdefault(int(row["chain"]), []).append(row)
    return chains


@on_postgresql
def test_a_request_holding_a_chain_does_not_hold_up_the_others(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    _two_chains(ctx, world)
    chains = _by_chain(engine)
    assert set(chains) == {0, 1}
    assert [r["chain_seq"] for r in chains[1]] == [1, 2, 3, 4]
    assert all(r["action"] == "patient.read" for r in chains[1])
    result = verify_audit_chain(ctx, OPERATOR)
    assert result.intact, result.problem
    assert [c.chain for c in result.chains] == [0, 1]
    assert result.entries == len(tampering.rows(engine))


def test_sixteen_concurrent_requests_leave_linear_chains_that_verify(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    before = verify_audit_chain(ctx, OPERATOR).entries

    def read(_: int) -> int:
        return get_patient(ctx, world.ana, world.patient_a).id

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert set(pool.map(read, range(160))) == {world.patient_a}
    result = verify_audit_chain(ctx, OPERATOR)
    assert result.intact, result.problem
    assert result.entries == before + 160
    for rows in _by_chain(engine).values():
        assert [r["chain_seq"] for r in rows] == list(range(1, len(rows) + 1))
    if engine.dialect.name == "sqlite":  # one writer: one chain
        assert [c.chain for c in result.chains] == [0]


@on_postgresql
def test_an_edited_entry_in_another_chain_is_located(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    _two_chains(ctx, world)
    victim = _by_chain(engine)[1][2]
    tampering.rewrite_and_rechain(
        engine, {int(victim["seq"]): {"outcome": "denied"}}, tampering.unkeyed_sha256(True)
    )
    result = verify_audit_chain(ctx, OPERATOR)
    assert (result.intact, result.broken_at) == (False, victim["seq"])
    assert (result.broken_chain, result.broken_chain_seq) == (1, 3)


@on_postgresql
def test_a_deleted_entry_in_the_middle_of_another_chain_is_named(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    _two_chains(ctx, world)
    chain = _by_chain(engine)[1]
    tampering.delete(engine, f"seq = {chain[1]['seq']}")
    result = verify_audit_chain(ctx, OPERATOR)
    assert (result.intact, result.broken_at, result.broken_chain) == (False, chain[2]["seq"], 1)
    assert result.problem is not None
    assert "entry 2 of chain 1 missing" in result.problem


@on_postgresql
def test_deleting_the_newest_entries_of_another_chain_is_caught_by_its_head_row(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    _two_chains(ctx, world)
    newest = _by_chain(engine)[1][-1]
    tampering.delete(engine, f"seq = {newest['seq']}", move_heads=False)
    result = verify_audit_chain(ctx, OPERATOR)
    assert (result.intact, result.broken_chain, result.broken_chain_seq) == (False, 1, 4)
    assert result.problem is not None
    assert "the chain's head records entry 4 (newest entries deleted)" in result.problem


@on_postgresql
def test_the_anchor_records_every_chain_and_catches_a_truncated_one(
    engine: Engine, ctx: ServiceContext, world: World, tmp_path: Path
) -> None:
    anchored = dataclasses.replace(ctx, audit_anchor_dir=tmp_path / "anchors")
    _two_chains(anchored, world)
    anchor_audit_chain(anchored, OPERATOR)
    tampering.delete(engine, "chain = 1 AND chain_seq >= 3")  # head rows moved back too
    result = verify_audit_chain(anchored, OPERATOR)
    assert (result.intact, result.broken_chain, result.broken_chain_seq) == (False, 1, 3)
    assert result.problem is not None
    assert "recorded entry 4 (newest entries deleted)" in result.problem


@on_postgresql
def test_an_entry_moved_to_another_chain_or_place_is_caught(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    _two_chains(ctx, world)
    newest = _by_chain(engine)[1][-1]
    tampering.allow_tampering(engine)
    with engine.begin() as connection:  # the newest of chain 1 becomes the first of chain 2
        connection.execute(
            text(
                "UPDATE audit_log SET chain = 2, chain_seq = 1, prev_hash = :genesis "
                "WHERE seq = :seq"
            ),
            {"genesis": "0" * 64, "seq": newest["seq"]},
        )
    tampering.move_heads_to_newest(engine)
    result = verify_audit_chain(ctx, OPERATOR)
    assert (result.intact, result.broken_at, result.broken_chain) == (False, newest["seq"], 2)
    assert result.problem is not None
    assert "does not match its MAC" in result.problem


@on_postgresql
def test_two_entries_swapped_within_a_chain_are_caught(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    _two_chains(ctx, world)
    first, second = _by_chain(engine)[1][1:3]
    tampering.allow_tampering(engine)
    with engine.begin() as connection:
        connection.execute(
            text("ALTER TABLE audit_log DROP CONSTRAINT uq_audit_log_chain_chain_seq")
        )
        for row, place in ((first, 3), (second, 2)):
            connection.execute(
                text("UPDATE audit_log SET chain_seq = :place WHERE seq = :seq"),
                {"place": place, "seq": row["seq"]},
            )
    result = verify_audit_chain(ctx, OPERATOR)
    assert (result.intact, result.broken_at, result.broken_chain) == (False, second["seq"], 1)
    assert result.problem is not None
    assert "link" in result.problem


@on_postgresql
def test_an_entry_in_a_chain_that_does_not_exist_is_reported(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    _two_chains(ctx, world)
    newest = tampering.rows(engine)[-1]
    tampering.allow_tampering(engine)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_log SET chain = 99, chain_seq = 1 WHERE seq = :seq"),
            {"seq": newest["seq"]},
        )
    tampering.move_heads_to_newest(engine)
    result = verify_audit_chain(ctx, OPERATOR)
    assert (result.intact, result.broken_at, result.broken_chain) == (False, newest["seq"], 99)
    assert result.problem is not None
    assert "does not exist" in result.problem


def _insert(chain: int, chain_seq: int, seq: int) -> str:
    return (
        "INSERT INTO audit_log (seq, at, actor, role, action, patient_id, target, outcome, "
        "detail, prev_hash, entry_hash, key_id, chain, chain_seq) VALUES "
        f"({seq}, CURRENT_TIMESTAMP, 'user:3', NULL, 'patient.read', 1, NULL, 'success', '{{}}', "
        f"'x', 'forged-{chain}-{chain_seq}', 'k-forged', {chain}, {chain_seq})"
    )


def test_the_database_refuses_an_entry_out_of_its_chains_place(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    newest = tampering.rows(engine)[-1]
    seq, place = int(newest["seq"]) + 1, int(newest["chain_seq"])
    refused = [(0, place), (0, place + 2), (1, 2), (16, 1), (-1, 1)]
    if engine.dialect.name == "sqlite":
        refused.append((1, 1))  # one writer, one chain
    for chain, chain_seq in refused:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(_insert(chain, chain_seq, seq)))
    assert verify_audit_chain(ctx, OPERATOR).intact


def test_the_database_refuses_to_move_a_head_back_delete_or_add_one(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    newest = tampering.rows(engine)[-2]  # a real entry, but not the next one
    statements = [
        "UPDATE audit_chain_heads SET chain_seq = chain_seq - 1 WHERE chain = 0",
        f"UPDATE audit_chain_heads SET chain_seq = {newest['chain_seq']}, "
        f"seq = {newest['seq']}, mac = '{newest['entry_hash']}' WHERE chain = 0",
        "UPDATE audit_chain_heads SET chain = 20 WHERE chain = 1",
        "DELETE FROM audit_chain_heads WHERE chain = 0",
        "INSERT INTO audit_chain_heads (chain, chain_seq, seq, mac) VALUES (20, 0, 0, 'x')",
    ]
    if engine.dialect.name == "sqlite":
        statements.append(
            "INSERT OR REPLACE INTO audit_chain_heads (chain, chain_seq, seq, mac) "
            "VALUES (0, 0, 0, 'x')"
        )
    else:
        statements.append("TRUNCATE audit_chain_heads")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert verify_audit_chain(ctx, OPERATOR).intact


@on_postgresql
def test_appends_stop_with_a_clear_error_when_a_chain_and_its_head_disagree(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    newest = tampering.rows(engine)[-1]
    tampering.delete(engine, f"seq = {newest['seq']}", move_heads=False)
    with engine.begin() as connection:  # the guard back on, as an attacker would leave it
        connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
        connection.execute(text("ALTER TABLE audit_chain_heads ENABLE TRIGGER USER"))
    with pytest.raises(StorageError, match=r"audit trail refused entry \d+ of chain 0"):
        get_patient(ctx, world.ana, world.patient_a)
    result = verify_audit_chain(ctx, OPERATOR)  # nothing was appended: the same finding
    assert (result.intact, result.broken_chain) == (False, 0)
    assert result.broken_chain_seq == newest["chain_seq"]


@on_postgresql
def test_an_anchor_taken_while_a_chain_is_held_covers_what_was_committed(
    engine: Engine, ctx: ServiceContext, world: World, tmp_path: Path
) -> None:
    anchored = dataclasses.replace(ctx, audit_anchor_dir=tmp_path / "anchors")
    _reads_elsewhere(anchored, world, 2)
    committed = _by_chain(engine)[0][-1]
    with chain_held(anchored):
        written = anchor_audit_chain(anchored, OPERATOR)  # goes on in chain 1
    heads = AuditAnchor.model_validate_json(written.line).chain_heads()
    assert (heads[0].chain_seq, heads[0].mac) == (committed["chain_seq"], committed["entry_hash"])
    assert (heads[1].chain_seq, heads[1].seq) == (1, written.seq)
    result = verify_audit_chain(anchored, OPERATOR)
    assert result.intact, result.problem
    assert result.unanchored == 1  # the held entry, committed after the anchor


@on_postgresql
def test_when_every_chain_is_held_an_append_waits_for_one_and_then_goes_on(
    database_url: str,
) -> None:
    engine = create_engine(database_url, pool_size=AUDIT_CHAINS + 4)
    try:
        ctx = make_context(engine)
        world = build_world(ctx)
        with ExitStack() as held:
            chains = {held.enter_context(chain_held(ctx)) for _ in range(AUDIT_CHAINS)}
            assert chains == set(range(AUDIT_CHAINS))
            with ThreadPoolExecutor(max_workers=1) as pool:
                waiting = pool.submit(get_patient, ctx, world.ana, world.patient_a)
                time.sleep(0.5)
                assert not waiting.done()  # every chain is held: it waits …
                held.close()  # … until the holders commit
                assert waiting.result(timeout=20).id == world.patient_a
        result = verify_audit_chain(ctx, OPERATOR)
        assert result.intact, result.problem
        assert len(result.chains) == AUDIT_CHAINS
    finally:
        engine.dispose()
