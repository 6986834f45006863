"""Accounts: create, list, deactivate, supervisor links (admins and the CLI operator).

Creating an account with clinical access (or an admin) and linking a supervisor are
grants (:mod:`attunement.services._grants`): one admin alone needs another admin's
approval or a break-glass reason.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import Conflict, Forbidden, InputError, NotFound
from attunement.security import password_problem
from attunement.services._access import require_admin
from attunement.services._actors import Actor, UserActor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._auth import revoke_credentials
from attunement.services._context import ServiceContext
from attunement.services._grants import (
    GrantRequest,
    account_grant,
    alert_break_glass,
    authorise_grant,
)
from attunement.services._ids import get_row
from attunement.services._schemas import UserCreate, UserPublic
from attunement.store import User

__all__ = ["create_user", "current_user", "deactivate_user", "list_users", "set_supervisor"]


def _check_password(ctx: ServiceContext, password: str) -> None:
    low, high = ctx.policy.password_min_length, ctx.policy.password_max_length
    problem = password_problem(password, min_length=low, max_length=high)
    if problem:
        raise InputError("password", f"<{len(password)} characters>", problem)


def _supervisor(session: Session, username: str) -> User:
    found = session.scalars(select(User).where(User.username == username.lower())).first()
    if found is None or found.role != "supervisor" or not found.active:
        raise InputError("supervisor", username, "the username of an active supervisor")
    return found


def create_user(ctx: ServiceContext, actor: Actor, data: UserCreate) -> UserPublic:
    """Create an account (admin or operator). The password is hashed with Argon2id."""
    with use_case(ctx, actor, AuditAction.USER_CREATE) as uc:
        require_admin(actor)
        password = data.password.get_secret_value()
        _check_password(ctx, password)
        if data.supervisor and data.role != "clinician":
            raise InputError("supervisor", data.supervisor, "only for clinicians")
        if data.also_clinician and data.role != "admin":
            raise InputError("also_clinician", True, "only for admins")
        session = uc.session
        if session.scalars(select(User.id).where(User.username == data.username)).first():
            raise Conflict(f"username {data.username!r} is taken")
        supervisor = _supervisor(session, data.supervisor) if data.supervisor else None
        wanted = account_grant(data.username, data.role, data.also_clinician, data.supervisor)
        grant = (
            authorise_grant(session, ctx, actor, wanted, break_glass_reason=data.break_glass_reason)
            if wanted
            else None
        )
        user = User(
            username=data.username,
            display_name=data.display_name,
            role=data.role,
            also_clinician=data.also_clinician,
            password_hash=ctx.passwords.hash(password),
            supervisor_id=supervisor.id if supervisor else None,
            email=data.email,
            active=True,
            synthetic=False,
            created_at=ctx.now(),
        )
        session.add(user)
        session.flush()
        uc.target = f"user:{user.id}"
        uc.detail = {"role": data.role} | ({"grant": grant.id} if grant else {})
        created = UserPublic.model_validate(user)
    if grant is not None:
        alert_break_glass(actor, grant, f"user:{created.id}")
    return created


def list_users(ctx: ServiceContext, actor: Actor) -> list[UserPublic]:
    """Every account, by username (admin or operator)."""
    with use_case(ctx, actor, AuditAction.USER_LIST, read=True) as uc:
        require_admin(actor)
        return [
            UserPublic.model_validate(u)
            for u in uc.session.scalars(select(User).order_by(User.username))
        ]


def current_user(ctx: ServiceContext, actor: UserActor) -> UserPublic:
    """The signed-in user's own account."""
    with use_case(ctx, actor, AuditAction.USER_ME, read=True) as uc:
        user = uc.session.get(User, actor.user_id)
        if user is None:
            raise NotFound("user", actor.user_id)
        return UserPublic.model_validate(user)


def deactivate_user(ctx: ServiceContext, actor: Actor, user_id: int) -> UserPublic:
    """Deactivate an account and revoke its tokens and sessions at once."""
    with use_case(ctx, actor, AuditAction.USER_DEACTIVATE, target=f"user:{user_id}") as uc:
        require_admin(actor)
        if isinstance(actor, UserActor) and actor.user_id == user_id:
            raise Forbidden("an admin cannot deactivate their own account")
        user = get_row(uc.session, User, user_id)
        if user is None:
            raise NotFound("user", user_id)
        user.active = False
        revoke_credentials(uc.session, user.id, ctx.now())
        return UserPublic.model_validate(user)


def set_supervisor(
    ctx: ServiceContext,
    actor: Actor,
    user_id: int,
    supervisor_id: int | None,
    *,
    break_glass_reason: str | None = None,
) -> UserPublic:
    """Link a clinician to the supervisor who may read their patients (None: unlink).

    A link is a grant of clinical access: an admin needs an approval or a break-glass
    reason (see :mod:`attunement.services._grants`); unlinking is not.
    """
    grant = None
    with use_case(ctx, actor, AuditAction.USER_SUPERVISOR, target=f"user:{user_id}") as uc:
        require_admin(actor)
        user = get_row(uc.session, User, user_id)
        if user is None:
            raise NotFound("user", user_id)
        if user.role != "clinician":
            raise InputError("user", user.username, "clinicians only")
        if supervisor_id is not None:
            supervisor = get_row(uc.session, User, supervisor_id)
            if supervisor is None or supervisor.role != "supervisor" or not supervisor.active:
                raise InputError("supervisor_id", supervisor_id, "the id of an active supervisor")
            if user.supervisor_id != supervisor_id:
                link = GrantRequest(
                    "supervisor_link", user.username, None, False, supervisor.username
                )
                grant = authorise_grant(
                    uc.session, ctx, actor, link, break_glass_reason=break_glass_reason
                )
        user.supervisor_id = supervisor_id
        uc.detail = {"supervisor_id": supervisor_id} | ({"grant": grant.id} if grant else {})
        updated = UserPublic.model_validate(user)
    if grant is not None:
        alert_break_glass(actor, grant, f"user:{user_id}")
    return updated
