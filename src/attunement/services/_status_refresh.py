"""Recompute every stored status: the operator's ``attune status --refresh`` (audited).

A use case of its own, beside :mod:`attunement.services._status_store`: every use case
refreshes the statuses it touched through the status store, so the store imports no use
case.
"""

from __future__ import annotations

from sqlalchemy import select

from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._status_store import refresh_patients_now, retake_norms_in_use
from attunement.services._transaction import transaction
from attunement.store import Patient

__all__ = ["refresh_all_statuses"]


def refresh_all_statuses(ctx: ServiceContext, actor: Actor, *, batch: int = 500) -> int:
    """Recompute every stored status (``attune status --refresh``), ``batch`` patients per
    transaction, with the clinic norms taken again first where due. The number of
    patients."""
    with transaction(ctx.sessions) as session:
        retake_norms_in_use(session, now=ctx.now())
        patient_ids = list(session.scalars(select(Patient.id).order_by(Patient.id)))
    for start in range(0, len(patient_ids), batch):
        refresh_patients_now(ctx, patient_ids[start : start + batch])
    with use_case(ctx, actor, AuditAction.STATUS_REFRESH) as uc:
        uc.detail = {"patients": len(patient_ids)}
    return len(patient_ids)
