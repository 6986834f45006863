"""Entries stored before the audit key (schema 0005) keep verifying, marked legacy.

A trail written by the old code (unkeyed SHA-256) is upgraded: its entries get the legacy
marker and stay valid as the first part of the trail; the first keyed entry's MAC covers
the last of them, so re-chaining the legacy part is caught there.
"""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import DateTime, Engine, bindparam, text
from sqlalchemy.exc import DBAPIError

from attunement.security import GENESIS_HASH, LEGACY_KEY_ID, entry_hash
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
