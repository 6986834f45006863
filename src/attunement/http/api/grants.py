"""Grants of clinical access (admins): approve one, read the register."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor
from attunement.services import (
    AccessGrantCreate,
    AccessGrantPublic,
    approve_access,
    list_access_grants,
)

router = APIRouter(
    prefix="/api/v1/access-grants",
    tags=["users"],
    responses=error_responses(400, 401, 403, 404, 409, 413, 422, 503),
)


@router.get("", response_model=list[AccessGrantPublic])
def grants(
    context: ContextDep,
    actor: CurrentActor,
    break_glass: Annotated[bool, Query(description="only break-glass grants")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AccessGrantPublic]:
    """The register of clinical-access grants, newest first (admins)."""
    return list_access_grants(context, actor, break_glass_only=break_glass, limit=limit)


@router.post("", response_model=AccessGrantPublic, status_code=status.HTTP_201_CREATED)
def approve(context: ContextDep, actor: CurrentActor, body: AccessGrantCreate) -> AccessGrantPublic:
    """Approve one grant another admin will make (admins; never for your own account).

    Creating an admin or supervisor account, an also-clinician admin or a clinician with a
    supervisor, and linking a supervisor, each use up a matching approval recorded here by
    a different admin within 24 hours — or need a ``break_glass_reason`` (an alert).
    """
    return approve_access(context, actor, body)
