"""The audit trail: every read and write of patient data, chained, tamper-evident."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from attunement.errors import Forbidden, NotFound
from attunement.services import (
    AdministrationCreate,
    AuditAction,
    ServiceContext,
    get_patient,
    list_audit,
    list_patients,
    record_administration,
    verify_audit_chain,
)
from attunement.store import AuditEntry
from tests.services.world import OPERATOR, START, FakeClock, World


def _entries(ctx: ServiceContext) -> list[AuditEntry]:
    with ctx.sessions() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def _allow_tampering(engine: Engine) -> None:
    """Drop the append-only guard as an attacker with database rights would."""
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))


def test_a_read_is_audited_with_who_what_which_patient_when_and_outcome(
    ctx: ServiceContext, world: World, clock: FakeClock
) -> None:
    clock.advance(hours=1)
    get_patient(ctx, world.ana, world.patient_a)
    entry = _entries(ctx)[-1]
    assert entry.actor == f"user:{world.ana.user_id}"
    assert entry.role == "clinician"
    assert entry.action == "patient.read"
    assert entry.patient_id == world.patient_a
    assert entry.outcome == "success"
    assert entry.at == clock.now


def test_every_entry_names_one_of_the_audit_actions(ctx: ServiceContext, world: World) -> None:
    get_patient(ctx, world.ana, world.patient_a)
    with pytest.raises(NotFound):
        get_patient(ctx, world.ana, 999_999)
    actions = {entry.action for entry in _entries(ctx)}
    assert actions >= {AuditAction.PATIENT_READ, AuditAction.PATIENT_CREATE}
    assert actions <= set(AuditAction)


def test_a_list_is_audited_once_per_patient_shown(ctx: ServiceContext, world: World) -> None:
    before = len(_entries(ctx))
    list_patients(ctx, world.supervisor)
    new = _entries(ctx)[before:]
    assert [(e.action, e.patient_id) for e in new] == [("patient.list", world.patient_a)]


def test_a_denied_attempt_is_audited_after_the_rollback(ctx: ServiceContext, world: World) -> None:
    with pytest.raises(NotFound):
        get_patient(ctx, world.ben, world.patient_a)
    entry = _entries(ctx)[-1]
    assert (entry.actor, entry.outcome, entry.patient_id) == (
        f"user:{world.ben.user_id}",
        "not_found",
        world.patient_a,
    )


def test_audit_entries_hold_no_patient_names_or_answers(ctx: ServiceContext, world: World) -> None:
    record_administration(
        ctx,
        world.ana,
        world.episode_a,
        AdministrationCreate(instrument="phq9", answers=[3, 3, 2, 2, 1, 1, 0, 0, 1]),
    )
    get_patient(ctx, world.ana, world.patient_a)
    dumped = json.dumps(
        [[e.actor, e.action, e.target, e.detail] for e in _entries(ctx)], ensure_ascii=False
    )
    assert "Synthetic" not in dumped
    assert "[3, 3, 2" not in dumped


def test_the_chain_of_a_busy_trail_verifies(ctx: ServiceContext, world: World) -> None:
    for _ in range(3):
        get_patient(ctx, world.ana, world.patient_a)
    result = verify_audit_chain(ctx, OPERATOR)
    entries = _entries(ctx)
    assert result.intact
    assert result.entries == len(entries) > 10
    assert result.head_hash == entries[-1].entry_hash
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(entries))


def test_the_database_refuses_to_change_or_delete_audit_entries(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    for statement in (
        "UPDATE audit_log SET outcome = 'success' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 1",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert verify_audit_chain(ctx, OPERATOR).intact


def test_an_altered_entry_fails_verification_naming_it(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    get_patient(ctx, world.ana, world.patient_a)
    target = _entries(ctx)[-1].seq
    _allow_tampering(engine)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_log SET actor = 'user:999' WHERE seq = :seq"), {"seq": target}
        )
    result = verify_audit_chain(ctx, OPERATOR)
    assert not result.intact
    assert result.broken_at == target
    assert result.problem is not None
    assert "altered" in result.problem


def test_a_deleted_entry_fails_verification_naming_the_gap(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    _allow_tampering(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    result = verify_audit_chain(ctx, OPERATOR)
    assert (result.intact, result.broken_at) == (False, 4)
    assert result.problem is not None
    assert "missing" in result.problem


def test_a_forgery_rehashed_without_the_key_fails_at_the_forged_entry(
    engine: Engine, ctx: ServiceContext, world: World
) -> None:
    from attunement.security import entry_hash

    entries = _entries(ctx)
    victim = entries[2]
    forged = entry_hash(
        seq=victim.seq,
        at=victim.at,
        actor="user:999",
        role=victim.role,
        action=victim.action,
        patient_id=victim.patient_id,
        target=victim.target,
        outcome=victim.outcome,
        detail=victim.detail,
        prev_hash=victim.prev_hash,
    )
    _allow_tampering(engine)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_log SET actor = 'user:999', entry_hash = :h WHERE seq = :s"),
            {"h": forged, "s": victim.seq},
        )
    result = verify_audit_chain(ctx, OPERATOR)
    assert (result.intact, result.broken_at) == (False, victim.seq)
    assert result.problem is not None
    assert "without the key" in result.problem


def test_only_admins_read_the_trail(ctx: ServiceContext, world: World) -> None:
    entries = list_audit(ctx, world.admin, patient_id=world.patient_a)
    assert entries
    assert {e.patient_id for e in entries} == {world.patient_a}
    for who in (world.ana, world.supervisor):
        with pytest.raises(Forbidden):
            list_audit(ctx, who)
    assert _entries(ctx)[-1].action == "audit.read"


def test_timestamps_come_from_the_injected_clock(ctx: ServiceContext, world: World) -> None:
    assert {e.at for e in _entries(ctx)} == {START}
