"""Every tampering method of issue 18 is refused by the database or detected and located.

An attacker here can write the database (drop its triggers, rewrite and re-chain rows)
but does not hold the audit key, which lives outside the database; anchors are signed
checkpoints of the chain's head kept outside it too. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from attunement.errors import Conflict, NotFound
from attunement.security import (
    AuditAnchor,
    AuditKey,
    AuditKeyring,
    canonical_time,
    read_anchors,
)
from attunement.services import (
    ServiceContext,
    anchor_audit_chain,
    get_patient,
    verify_audit_chain,
)
from tests.services import tampering
from tests.services.world import OPERATOR, World


@pytest.fixture
def anchored(ctx: ServiceContext, tmp_path: Path) -> ServiceContext:
    """The service context with an anchor directory outside the database."""
    return dataclasses.replace(ctx, audit_anchor_dir=tmp_path / "anchors")


def _probes(engine: Engine, ctx: ServiceContext, world: World, count: int) -> list[int]:
    """``count`` refused reads of patient A by Ben (another clinician): their seqs."""
    for _ in range(count):
        with pytest.raises(NotFound):
            get_patient(ctx, world.ben, world.patient_a)
    refused = [r["seq"] for r in tampering.rows(engine) if r["outcome"] == "not_found"]
    assert len(refused) == count
    return refused


def _reads(ctx: ServiceContext, world: World, count: int) -> None:
    for _ in range(count):
        get_patient(ctx, world.ana, world.patient_a)


# --------------------------------------------------------------------- rewrite + re-chain


@pytest.mark.parametrize(
    "hasher",
    [
        pytest.param(tampering.unkeyed_sha256(keep_key_id=True), id="unkeyed-sha256"),
        pytest.param(tampering.unkeyed_sha256(keep_key_id=False), id="relabelled-legacy"),
        pytest.param(tampering.with_key(AuditKey.of("a guessed key")), id="guessed-key"),
    ],
)
def test_refused_probes_rewritten_as_successful_reads_and_rechained_are_located(
    engine: Engine, ctx: ServiceContext, world: World, hasher: tampering.Hasher
) -> None:
    probes = _probes(engine, ctx, world, 32)
    _reads(ctx, world, 3)  # entries after the forgery, re-chained too
    forged = {seq: {"actor": world.ana.audit_name, "outcome": "success"} for seq in probes}
    tampering.rewrite_and_rechain(engine, forged, hasher)
    result = verify_audit_chain(ctx, OPERATOR)
    assert not result.intact
    assert result.broken_at == probes[0]
    assert result.problem is not None


def test_a_whole_trail_rechained_as_legacy_is_not_intact(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    probes = _probes(engine, ctx, world, 2)
    forged = {seq: {"outcome": "success"} for seq in probes}
    tampering.rewrite_and_rechain(
        engine, forged, tampering.unkeyed_sha256(keep_key_id=False), all_entries=True
    )
    result = verify_audit_chain(ctx, OPERATOR)
    assert not result.intact
    assert result.problem is not None
    assert "legacy" in result.problem


def test_an_insider_with_the_key_is_caught_by_the_anchor(
    engine: Engine, anchored: ServiceContext, world: World
) -> None:
    probes = _probes(engine, anchored, world, 4)
    written = anchor_audit_chain(anchored, OPERATOR)
    _reads(anchored, world, 2)
    forged = {probes[1]: {"outcome": "success"}}
    tampering.rewrite_and_rechain(engine, forged, tampering.with_key(anchored.audit_keys.signing))
    result = verify_audit_chain(anchored, OPERATOR)
    assert (result.intact, result.broken_at) == (False, written.seq)
    assert result.problem is not None
    assert "anchor" in result.problem


# --------------------------------------------------------------------- refused writes


def _statements(dialect: str, seq: int) -> list[str]:
    columns = "seq, at, actor, role, action, patient_id, target, outcome, detail, prev_hash, "
    columns += "entry_hash, key_id"
    values = (
        f"{seq}, CURRENT_TIMESTAMP, 'user:3', 'clinician', 'patient.read', 1, NULL, "
        f"'success', '{{}}', 'x', 'forged-{seq}', 'k-forged'"
    )
    if dialect == "sqlite":
        return [
            f"INSERT OR REPLACE INTO audit_log ({columns}) VALUES ({values})",
            f"REPLACE INTO audit_log ({columns}) VALUES ({values})",
            f"INSERT INTO audit_log ({columns}) VALUES ({values}) "
            "ON CONFLICT (seq) DO UPDATE SET outcome = 'success'",
            "UPDATE OR REPLACE audit_log SET outcome = 'success' WHERE seq = 1",
            "UPDATE audit_log SET outcome = 'success' WHERE seq = 1",
            "DELETE FROM audit_log WHERE seq = 1",
            "DELETE FROM audit_log",
        ]
    return [
        f"INSERT INTO audit_log ({columns}) VALUES ({values}) "
        "ON CONFLICT (seq) DO UPDATE SET outcome = 'success'",
        f"INSERT INTO audit_log ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING",
        "UPDATE audit_log SET outcome = 'success' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 1",
        "TRUNCATE audit_log",
    ]


def test_the_database_refuses_every_rewrite_of_an_existing_entry(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    before = tampering.rows(engine)
    for statement in _statements(engine.dialect.name, seq=1):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert tampering.rows(engine) == before
    assert verify_audit_chain(ctx, OPERATOR).intact


def _insert(seq: int, *, prev: str = "x", mac: str | None = None) -> str:
    return (
        "INSERT INTO audit_log (seq, at, actor, role, action, patient_id, target, outcome, "
        f"detail, prev_hash, entry_hash, key_id) VALUES ({seq}, CURRENT_TIMESTAMP, 'user:3', "
        f"NULL, 'patient.read', 1, NULL, 'success', '{{}}', '{prev}', '{mac or f'forged-{seq}'}', "
        "'k-forged')"
    )


def test_the_database_refuses_an_insert_that_is_not_the_next_entry(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    head = tampering.rows(engine)[-1]
    for seq in (head["seq"] + 2, head["seq"] + 100, 0, -1):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(_insert(seq)))
    assert verify_audit_chain(ctx, OPERATOR).intact


def test_an_insert_colliding_with_a_stored_mac_cannot_replace_or_update_that_entry(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    stored = tampering.rows(engine)
    head, first = stored[-1], stored[0]
    insert = _insert(head["seq"] + 1, prev=head["entry_hash"], mac=first["entry_hash"])
    if engine.dialect.name == "sqlite":  # REPLACE deletes the clashing row, without triggers
        statements = [insert.replace("INSERT", "INSERT OR REPLACE", 1)]
    else:
        statements = [insert + " ON CONFLICT (entry_hash) DO UPDATE SET outcome = 'denied'"]
    statements.append(insert + " ON CONFLICT (entry_hash) DO UPDATE SET outcome = 'denied'")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert tampering.rows(engine) == stored


# --------------------------------------------------------------------- deletions


@pytest.mark.parametrize("newest", [1, 100])
def test_deleting_the_newest_entries_is_detected_against_the_anchor(
    engine: Engine, anchored: ServiceContext, world: World, newest: int
) -> None:
    _reads(anchored, world, 110)
    written = anchor_audit_chain(anchored, OPERATOR)
    head = AuditAnchor.model_validate_json(written.line).chain_heads()[0]
    assert head.seq == written.seq  # one writer at a time here: all in chain 0
    tampering.delete(engine, f"seq > {written.seq - newest}")  # and the head row moved back
    result = verify_audit_chain(anchored, OPERATOR)
    assert (result.intact, result.broken_at) == (False, None)
    assert (result.broken_chain, result.broken_chain_seq) == (0, head.chain_seq - newest + 1)
    assert result.problem is not None
    assert "newest entries deleted" in result.problem
    assert f"the anchor of {canonical_time(written.at)} recorded entry {head.chain_seq}" in (
        result.problem
    )


def test_deleting_the_newest_entries_is_detected_against_the_chain_head(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    _reads(ctx, world, 5)
    newest = tampering.rows(engine)[-1]
    tampering.delete(engine, f"seq >= {newest['seq'] - 1}", move_heads=False)
    result = verify_audit_chain(ctx, OPERATOR)
    assert (result.intact, result.broken_chain) == (False, 0)
    assert result.broken_chain_seq == newest["chain_seq"] - 1
    assert result.problem is not None
    assert "the chain's head records entry" in result.problem
    assert "newest entries deleted" in result.problem


def test_without_an_anchor_a_truncated_trail_with_its_head_moved_back_is_unanchored(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    tampering.delete(engine, "seq = (SELECT max(seq) FROM audit_log)")
    result = verify_audit_chain(ctx, OPERATOR)
    assert result.intact  # nothing outside the database remembers the head …
    assert result.anchored_seq is None  # … and the result says so
    assert result.unanchored == result.entries


def test_deleting_an_entry_in_the_middle_names_the_gap(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    _reads(ctx, world, 5)
    tampering.delete(engine, "seq IN (4, 5, 6)")
    result = verify_audit_chain(ctx, OPERATOR)
    assert (result.intact, result.broken_at, result.broken_chain) == (False, 7, 0)
    assert result.problem is not None
    assert "entry 4 to 6 of chain 0 missing" in result.problem


# --------------------------------------------------------------------- anchors and keys


def test_a_forged_anchor_file_is_reported(anchored: ServiceContext, world: World) -> None:
    written = anchor_audit_chain(anchored, OPERATOR)
    path = Path(written.path)
    path.write_text(written.line.replace(f'"seq": {written.seq}', '"seq": 999999'))
    assert not read_anchors(path.parent, anchored.audit_keys).valid
    result = verify_audit_chain(anchored, OPERATOR)
    assert not result.intact
    assert result.problem is not None
    assert "signature" in result.problem


def test_a_broken_trail_is_not_anchored(
    engine: Engine, anchored: ServiceContext, world: World
) -> None:
    tampering.rewrite_and_rechain(
        engine, {2: {"outcome": "failed"}}, tampering.unkeyed_sha256(keep_key_id=True)
    )
    with pytest.raises(Conflict, match="broken at entry 2"):
        anchor_audit_chain(anchored, OPERATOR)


def test_rotated_keys_keep_old_entries_verifying_and_an_unknown_key_is_named(
    ctx: ServiceContext, world: World
) -> None:
    old = ctx.audit_keys
    new_secret = "rotated-Zq8vK2mX5pL9wR3tY7nB4cF6hJ1dG0sA"
    rotated = dataclasses.replace(ctx, audit_keyring=AuditKeyring([new_secret, _secret(old)]))
    _reads(rotated, world, 2)
    result = verify_audit_chain(rotated, OPERATOR)
    assert result.intact
    assert set(result.key_ids) == {old.signing.key_id, rotated.audit_keys.signing.key_id}
    only_new = dataclasses.replace(ctx, audit_keyring=AuditKeyring([new_secret]))
    missing = verify_audit_chain(only_new, OPERATOR)
    assert (missing.intact, missing.broken_at) == (False, 1)
    assert missing.problem is not None
    assert old.signing.key_id in missing.problem


def _secret(keyring: AuditKeyring) -> str:
    return keyring.signing.secret.decode()
