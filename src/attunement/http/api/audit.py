"""The audit trail for admins: read it, verify its hash chain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor
from attunement.services import (
    AuditEntryPublic,
    AuditVerification,
    list_audit,
    verify_audit_chain,
)

router = APIRouter(
    prefix="/api/v1/audit", tags=["audit"], responses=error_responses(401, 403, 413, 422, 503)
)


@router.get("", response_model=list[AuditEntryPublic])
def audit(
    context: ContextDep,
    actor: CurrentActor,
    after: Annotated[int, Query(ge=0, description="entries after this sequence number")] = 0,
    patient_id: Annotated[int | None, Query(description="only entries about this patient")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntryPublic]:
    """Audit entries, oldest first (admins); page with ``after``."""
    return list_audit(context, actor, patient_id=patient_id, after=after, limit=limit)


@router.get("/verify", response_model=AuditVerification)
def verify(context: ContextDep, actor: CurrentActor) -> AuditVerification:
    """Walk the hash chain; names the first entry that breaks it (admins)."""
    return verify_audit_chain(context, actor)
