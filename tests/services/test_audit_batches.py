"""Audit entries appended together (issue 13): a group of reads' entries, or a write's
entries for several patients, go into one chain as one insert and one batch of head moves.

What must hold is what holds for entries appended one by one: each is the next of its
chain, linked to the one before, ``seq`` increasing, and the trail verifies; a batch that
the database refuses leaves nothing behind; and a batch appended in a transaction that
already holds a chain continues it.
"""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, text

from attunement.errors import StorageError
from attunement.services import ServiceContext, get_patient, verify_audit_chain
from attunement.services._audit import EntryDraft, append_audit, append_audit_entries
from attunement.services._audit_actions import AuditAction
from attunement.services._transaction import transaction
from tests.services import tampering
from tests.services.world import OPERATOR, World


def _drafts(count: int) -> list[EntryDraft]:
    return [
        EntryDraft(
            actor="operator:batch",
            role=None,
            action=AuditAction.PATIENT_READ,
            patient_id=None,
            target=f"batch-{n}",
            detail={"n": n},
        )
        for n in range(count)
    ]


def _linked(rows: list[dict[str, object]]) -> None:
    """Each chain's entries are its next places, each linked to the MAC before it."""
    chains: dict[int, list[dict[str, object]]] = {}
    for row in rows:
        chains.setdefault(int(str(row["chain"])), []).append(row)
    for entries in chains.values():
        entries.sort(key=lambda r: int(str(r["chain_seq"])))
        assert [r["chain_seq"] for r in entries] == list(range(1, len(entries) + 1))
        for before, after in itertools.pairwise(entries):
            assert after["prev_hash"] == before["entry_hash"]
            assert int(str(after["seq"])) > int(str(before["seq"]))


def test_a_batch_is_the_next_entries_of_one_chain_and_verifies(
    engine: Engine, ctx: ServiceContext
) -> None:
    with transaction(ctx.sessions) as session:
        first = append_audit(session, ctx, actor="operator:one", role=None, action="one.write")
        batch = append_audit_entries(session, ctx, _drafts(5))
        more = append_audit_entries(session, ctx, _drafts(2))
    places = [(e.chain, e.chain_seq) for e in (first, *batch, *more)]
    chain = first.chain
    assert places == [(chain, first.chain_seq + n) for n in range(8)]
    assert [e.target for e in batch] == [f"batch-{n}" for n in range(5)]
    rows = tampering.rows(engine)
    _linked(rows)
    assert [r["target"] for r in rows[-7:]] == [
        *(f"batch-{n}" for n in range(5)),
        "batch-0",
        "batch-1",
    ]
    result = verify_audit_chain(ctx, OPERATOR)
    assert result.intact, result.problem


def test_an_empty_batch_appends_nothing(engine: Engine, ctx: ServiceContext) -> None:
    before = len(tampering.rows(engine))
    with transaction(ctx.sessions) as session:
        assert append_audit_entries(session, ctx, []) == []
    assert len(tampering.rows(engine)) == before


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_refused_batch_leaves_nothing_behind(engine: Engine, ctx: ServiceContext) -> None:
    with transaction(ctx.sessions) as session:
        append_audit_entries(session, ctx, _drafts(2))
    newest = tampering.rows(engine)[-1]
    tampering.delete(engine, f"seq = {newest['seq']}", move_heads=False)
    with engine.begin() as connection:  # the guard back on, as an attacker would leave it
        connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
        connection.execute(text("ALTER TABLE audit_chain_heads ENABLE TRIGGER USER"))
    before = tampering.rows(engine)
    refused = pytest.raises(StorageError, match=r"audit trail refused entry \d+ of chain 0")
    with refused, transaction(ctx.sessions) as session:
        append_audit_entries(session, ctx, _drafts(4))
    assert tampering.rows(engine) == before


def test_concurrent_reads_leave_one_entry_each_in_linked_chains(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    """Reads that share a group commit: every read has its entry, the chains are linked and
    the trail verifies."""
    before = len(tampering.rows(engine))
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: get_patient(ctx, world.ana, world.patient_a), range(40)))
    rows = tampering.rows(engine)
    reads = [r for r in rows[before:] if r["action"] == "patient.read"]
    assert len(reads) == 40
    assert all(r["patient_id"] == world.patient_a for r in reads)
    _linked(rows)
    result = verify_audit_chain(ctx, OPERATOR)
    assert result.intact, result.problem
