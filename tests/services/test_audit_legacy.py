"""Entries stored before the audit key (schema 0005) keep verifying, marked legacy.

A trail written by the old code (unkeyed SHA-256) is upgraded: its entries get the legacy
marker and stay valid as the first part of the trail; the first keyed entry's MAC covers
the last of them, so re-chaining the legacy part is caught there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import DateTime, Engine, bindparam, text
from sqlalchemy.exc import DBAPIError

from attunement.security import (
    GENESIS_HASH,
    LEGACY_KEY_ID,
    AuditAnchor,
    AuditKey,
    entry_hash,
    entry_mac,
    write_anchor,
)
from attunement.services import get_patient, verify_audit_chain
from attunement.store import alembic_config, make_engine, migrate
from tests.services import tampering
from tests.services.world import OPERATOR, build_world, make_context

WHEN = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def _old_trail(engine: Engine, count: int) -> None:
    """``count`` entries as the code before schema 0005 wrote them."""
    previous = GENESIS_HASH
    with engine.begin() as connection:
        for seq in range(1, count + 1):
            fields = {
                "seq": seq,
                "at": WHEN,
                "actor": "operator:old",
                "role": "operator",
                "action": "user.list",
                "patient_id": None,
                "target": None,
                "outcome": "success",
                "detail": {},
                "prev_hash": previous,
            }
            digest = entry_hash(**fields)
            insert = text(
                "INSERT INTO audit_log (seq, at, actor, role, action, patient_id, target, "
                "outcome, detail, prev_hash, entry_hash) VALUES (:seq, :at, :actor, :role, "
                ":action, NULL, NULL, :outcome, '{}', :prev_hash, :digest)"
            ).bindparams(bindparam("at", type_=DateTime(timezone=True)))
            connection.execute(insert, {**fields, "digest": digest})
            previous = digest


def _upgraded(url: str) -> Engine:
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0003")
    _old_trail(engine, 5)
    migrate(engine)
    return engine


def test_old_entries_get_the_legacy_marker_and_keep_verifying(empty_database_url: str) -> None:
    engine = _upgraded(empty_database_url)
    try:
        assert {row["key_id"] for row in tampering.rows(engine)} == {LEGACY_KEY_ID}
        ctx = make_context(engine)
        world = build_world(ctx)
        get_patient(ctx, world.ana, world.patient_a)
        result = verify_audit_chain(ctx, OPERATOR)
        assert result.intact, result.problem
        assert result.legacy_entries == 5
        assert result.entries > 5
    finally:
        engine.dispose()


def test_a_rechained_legacy_part_breaks_at_the_first_keyed_entry(empty_database_url: str) -> None:
    engine = _upgraded(empty_database_url)
    try:
        ctx = make_context(engine)
        build_world(ctx)
        tampering.rewrite_and_rechain(
            engine,
            {3: {"actor": "operator:someone-else"}},
            tampering.unkeyed_sha256(keep_key_id=False),
            last=5,
        )
        result = verify_audit_chain(ctx, OPERATOR)
        assert (result.intact, result.broken_at) == (False, 6)
        assert result.problem is not None
        assert "link" in result.problem
    finally:
        engine.dispose()


def test_a_just_upgraded_trail_asks_for_a_keyed_entry(empty_database_url: str) -> None:
    engine = _upgraded(empty_database_url)
    try:
        result = verify_audit_chain(make_context(engine), OPERATOR)
        assert not result.intact
        assert result.problem is not None
        assert "attune audit anchor" in result.problem
    finally:
        engine.dispose()


def test_the_migration_downgrades_and_upgrades_with_the_guard_in_place(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    try:
        migrate(engine)
        build_world(make_context(engine))
        command.downgrade(alembic_config(engine), "0003")
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text("UPDATE audit_log SET outcome = 'x' WHERE seq = 1"))
        migrate(engine)
        assert {row["key_id"] for row in tampering.rows(engine)} == {LEGACY_KEY_ID}
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_log WHERE seq = 1"))
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO audit_log (seq, at, actor, action, outcome, detail, prev_hash, "
                    "entry_hash, key_id) VALUES (1, CURRENT_TIMESTAMP, 'a', 'b', 'c', '{}', 'x', "
                    "'y', 'k')"
                )
            )
    finally:
        engine.dispose()


# ------------------------------------------------- the single-chain scheme (0005 to 0015)


def _single_chain_trail(engine: Engine, key: AuditKey, count: int) -> list[dict[str, Any]]:
    """``count`` keyed entries as the code before migration 0016 wrote them (one chain)."""
    previous, written = GENESIS_HASH, []
    with engine.begin() as connection:
        for seq in range(1, count + 1):
            fields: dict[str, Any] = {
                "seq": seq,
                "at": WHEN,
                "actor": "operator:old",
                "role": "operator",
                "action": "user.list",
                "patient_id": None,
                "target": None,
                "outcome": "success",
                "detail": {},
                "prev_hash": previous,
            }
            mac = entry_mac(key, **fields)
            insert = text(
                "INSERT INTO audit_log (seq, at, actor, role, action, patient_id, target, "
                "outcome, detail, prev_hash, entry_hash, key_id) VALUES (:seq, :at, :actor, "
                ":role, :action, NULL, NULL, :outcome, '{}', :prev_hash, :mac, :key_id)"
            ).bindparams(bindparam("at", type_=DateTime(timezone=True)))
            connection.execute(insert, {**fields, "mac": mac, "key_id": key.key_id})
            written.append({"seq": seq, "mac": mac})
            previous = mac
    return written


def _format_1_anchor(key: AuditKey, seq: int, mac: str) -> AuditAnchor:
    unsigned = AuditAnchor(
        format="attunement-audit-anchor/1",
        seq=seq,
        mac=mac,
        at=WHEN,
        key_id=key.key_id,
        signature="0" * 64,
    )
    signature = key.mac(b"attunement-audit-anchor-v1", unsigned.signed_body())
    return unsigned.model_copy(update={"signature": signature})


def test_a_single_chain_trail_and_its_anchor_keep_verifying_as_the_start_of_chain_0(
    empty_database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(empty_database_url)
    try:
        command.upgrade(alembic_config(engine), "0015")
        ctx = dataclasses.replace(make_context(engine), audit_anchor_dir=tmp_path)
        key = ctx.audit_keys.signing
        old = _single_chain_trail(engine, key, 6)
        write_anchor(tmp_path, _format_1_anchor(key, 6, old[-1]["mac"]))
        migrate(engine)
        stored = tampering.rows(engine)
        assert [(r["chain"], r["chain_seq"]) for r in stored] == [(0, s) for s in range(1, 7)]
        world = build_world(ctx)
        get_patient(ctx, world.ana, world.patient_a)
        result = verify_audit_chain(ctx, OPERATOR)
        assert result.intact, result.problem
        assert (result.anchors_checked, result.anchored_seq) == (1, 6)
        assert result.entries == len(tampering.rows(engine)) > 6
        assert result.unanchored == result.entries - 6
    finally:
        engine.dispose()


def test_after_a_new_rule_entry_the_single_chain_rule_is_refused(
    empty_database_url: str,
) -> None:
    """Once chain 0 holds an entry of the new rule (entry 4 here), an entry after it that
    carries a MAC of the old rule (which does not cover the place) is refused, even one
    made with the real key. (Whoever holds the key can forge by either rule; anchors catch
    that.)"""
    engine = make_engine(empty_database_url)
    try:
        command.upgrade(alembic_config(engine), "0015")
        ctx = make_context(engine)
        _single_chain_trail(engine, ctx.audit_keys.signing, 3)
        migrate(engine)
        build_world(ctx)
        tampering.rewrite_and_rechain(
            engine, {5: {"outcome": "denied"}}, tampering.single_chain_rule(ctx.audit_keys.signing)
        )
        result = verify_audit_chain(ctx, OPERATOR)
        assert (result.intact, result.broken_at) == (False, 5)
        assert result.problem is not None
        assert "does not match its MAC" in result.problem
    finally:
        engine.dispose()
