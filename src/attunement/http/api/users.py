"""Accounts (admins), and the signed-in user's own account."""

from __future__ import annotations

from fastapi import APIRouter, status

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor, UserActorDep
from attunement.services import (
    SupervisorUpdate,
    UserCreate,
    UserPublic,
    create_user,
    current_user,
    deactivate_user,
    list_users,
    set_supervisor,
)

router = APIRouter(
    prefix="/api/v1/users",
    tags=["users"],
    responses=error_responses(400, 401, 403, 404, 409, 413, 422, 503),
)


@router.get("", response_model=list[UserPublic])
def users(context: ContextDep, actor: CurrentActor) -> list[UserPublic]:
    """Every account (admins)."""
    return list_users(context, actor)


@router.post("", response_model=UserPublic, status_code=status.HTTP_201_CREATED)
def create(context: ContextDep, actor: CurrentActor, body: UserCreate) -> UserPublic:
    """Create an account (admins); the password is stored as an Argon2id hash.

    An admin or supervisor account, ``also_clinician`` or a ``supervisor`` gives clinical
    access: it uses up another admin's approval or needs a ``break_glass_reason``.
    """
    return create_user(context, actor, body)


@router.get("/me", response_model=UserPublic)
def me(context: ContextDep, actor: UserActorDep) -> UserPublic:
    """Your own account."""
    return current_user(context, actor)


@router.post("/{user_id}/deactivate", response_model=UserPublic)
def deactivate(context: ContextDep, actor: CurrentActor, user_id: int) -> UserPublic:
    """Deactivate an account and revoke its tokens and sessions (admins)."""
    return deactivate_user(context, actor, user_id)


@router.put("/{user_id}/supervisor", response_model=UserPublic)
def supervisor(
    context: ContextDep, actor: CurrentActor, user_id: int, body: SupervisorUpdate
) -> UserPublic:
    """Set or clear a clinician's supervisor (admins).

    Setting one gives clinical access: it uses up another admin's approval
    (``POST /api/v1/access-grants``) or needs a ``break_glass_reason`` (403 otherwise).
    """
    return set_supervisor(
        context, actor, user_id, body.supervisor_id, break_glass_reason=body.break_glass_reason
    )
