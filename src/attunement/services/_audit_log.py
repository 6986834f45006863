"""Reading the audit trail (admins) and verifying its hash chain (``attune audit verify``)."""

from __future__ import annotations

from sqlalchemy import select

from attunement.security import GENESIS_HASH, entry_hash
from attunement.services._access import require_admin
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._context import ServiceContext, aware_utc
from attunement.services._ids import MAX_ROW_ID, in_storage_range
from attunement.services._schemas import AuditEntryPublic, AuditVerification
from attunement.services._transaction import transaction
from attunement.store import AuditEntry

__all__ = ["list_audit", "verify_audit_chain"]


def list_audit(
    ctx: ServiceContext,
    actor: Actor,
    *,
    patient_id: int | None = None,
    after: int = 0,
    limit: int = 100,
) -> list[AuditEntryPublic]:
    """Entries after sequence number ``after``, oldest first (admins and the operator).

    Reading the trail is itself audited (``audit.read``).
    """
    with use_case(ctx, actor, "audit.read") as uc:
        require_admin(actor)
        after = min(max(after, 0), MAX_ROW_ID)  # no sequence number lies beyond the range
        query = select(AuditEntry).where(AuditEntry.seq > after)
        if patient_id is not None:
            if not in_storage_range(patient_id):  # no entry can name such a patient
                patient_id = 0
            query = query.where(AuditEntry.patient_id == patient_id)
        rows = uc.session.scalars(query.order_by(AuditEntry.seq).limit(min(max(limit, 1), 1000)))
        uc.detail = {"after": after, "patient_id": patient_id}
        return [
            AuditEntryPublic(
                seq=r.seq,
                at=aware_utc(r.at),
                actor=r.actor,
                role=r.role,
                action=r.action,
                patient_id=r.patient_id,
                target=r.target,
                outcome=r.outcome,
                detail=dict(r.detail),
                prev_hash=r.prev_hash,
                entry_hash=r.entry_hash,
            )
            for r in rows
        ]


def verify_audit_chain(
    ctx: ServiceContext, actor: Actor, *, batch: int = 5000
) -> AuditVerification:
    """Recompute every entry's hash and link; report the first entry that breaks the chain.

    Detects a changed field, a deleted or inserted entry, and reordering. Removal of the
    newest entries is detectable only against a head hash recorded elsewhere, so the result
    gives the head hash for the operator to keep. Admins and the operator only.
    """
    require_admin(actor)
    previous, expected_seq, count = GENESIS_HASH, 1, 0
    with transaction(ctx.sessions) as session:
        last_seq = 0
        while True:
            rows = list(
                session.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.seq > last_seq)
                    .order_by(AuditEntry.seq)
                    .limit(batch)
                )
            )
            if not rows:
                break
            for row in rows:
                problem = None
                if row.seq != expected_seq:
                    problem = f"expected entry {expected_seq} next, found {row.seq} (entry missing)"
                elif row.prev_hash != previous:
                    problem = "does not link to the previous entry's hash"
                elif row.entry_hash != entry_hash(
                    seq=row.seq,
                    at=row.at,
                    actor=row.actor,
                    role=row.role,
                    action=row.action,
                    patient_id=row.patient_id,
                    target=row.target,
                    outcome=row.outcome,
                    detail=row.detail,
                    prev_hash=row.prev_hash,
                ):
                    problem = "content does not match its hash (entry altered)"
                if problem:
                    return AuditVerification(
                        intact=False,
                        entries=count,
                        head_hash=previous,
                        broken_at=row.seq,
                        problem=problem,
                    )
                previous, expected_seq, count = row.entry_hash, row.seq + 1, count + 1
            last_seq = rows[-1].seq
    return AuditVerification(intact=True, entries=count, head_hash=previous)
