"""Grants of clinical access: two admins, or break glass with an alert (issue 18).

Admins manage accounts but have no clinical access, so one admin alone must not be able to
give it — to an account they create and then sign in as, or by linking such an account as
a clinician's supervisor. These changes are *grants*:

* creating an account with the ``admin`` or ``supervisor`` role, with ``also_clinician``,
  or with a supervisor;
* linking a clinician to a supervisor.

An admin (a signed-in user) may make a grant only by using up an *approval* that another
admin — or the CLI operator — recorded beforehand (:func:`approve_access`; it matches the
change exactly and expires after ``policy.grant_approval_lifetime``), or by giving a
*break-glass reason*: then the change applies at once, the reason is kept in the grant
register, an ``access.break_glass`` audit entry is written and a warning is logged (ids
only) for monitoring to raise. The CLI operator, who already holds the server and its
database, grants directly; that is recorded in the register too. Every grant is listed by
``GET /api/v1/access-grants``, ``attune users grants`` and the admin page.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import Conflict, Forbidden, InputError
from attunement.services._access import require_admin
from attunement.services._account_schemas import AccessGrantCreate, AccessGrantPublic
from attunement.services._actors import Actor, UserActor
from attunement.services._audit import append_audit, use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.store import AccessGrant, User

__all__ = [
    "ApprovalRequired",
    "GrantRequest",
    "account_grant",
    "alert_break_glass",
    "approve_access",
    "authorise_grant",
    "list_access_grants",
]

alerts = logging.getLogger("attunement.security")

_GRANTED_ROLES = frozenset({"admin", "supervisor"})


class ApprovalRequired(Forbidden):
    """A grant of clinical access by one admin without an approval or break-glass reason."""


@dataclass(frozen=True)
class GrantRequest:
    """What a change grants; must equal an approval's fields to use it up."""

    kind: str
    username: str
    role: str | None = None
    also_clinician: bool = False
    supervisor: str | None = None

    def record(
        self,
        approved_by: str,
        at: dt.datetime,
        valid_for: dt.timedelta,
        break_glass_reason: str | None = None,
    ) -> AccessGrant:
        """A row of the grant register for this grant."""
        return AccessGrant(
            kind=self.kind,
            username=self.username,
            role=self.role,
            also_clinician=self.also_clinician,
            supervisor=self.supervisor,
            approved_by=approved_by,
            approved_at=at,
            expires_at=at + valid_for,
            break_glass_reason=break_glass_reason,
        )

    @property
    def wording(self) -> str:
        if self.kind == "supervisor_link":
            return f"linking {self.username!r} to supervisor {self.supervisor!r}"
        extras = [f"role {self.role}"]
        if self.also_clinician:
            extras.append("also clinician")
        if self.supervisor:
            extras.append(f"supervisor {self.supervisor!r}")
        return f"creating account {self.username!r} ({', '.join(extras)})"


def account_grant(
    username: str, role: str, also_clinician: bool, supervisor: str | None
) -> GrantRequest | None:
    """The grant that creating this account makes, or None (a plain clinician)."""
    if role in _GRANTED_ROLES or also_clinician or supervisor:
        return GrantRequest("account", username, role, also_clinician, supervisor)
    return None


def _account_fields(grant: GrantRequest) -> tuple[str, str, bool, str | None]:
    return grant.username, grant.role or "", grant.also_clinician, grant.supervisor


def _matching_approval(
    session: Session, ctx: ServiceContext, actor: Actor, grant: GrantRequest
) -> AccessGrant | None:
    query = select(AccessGrant).where(
        AccessGrant.kind == grant.kind,
        AccessGrant.username == grant.username,
        AccessGrant.used_at.is_(None),
        AccessGrant.break_glass_reason.is_(None),
        AccessGrant.approved_by != actor.audit_name,
    )
    now = ctx.now()
    for row in session.scalars(query.order_by(AccessGrant.id)):
        same = (row.role, row.also_clinician, row.supervisor) == (
            grant.role,
            grant.also_clinician,
            grant.supervisor,
        )
        if same and row.expires_at > now:
            return row
    return None


def authorise_grant(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    grant: GrantRequest,
    *,
    break_glass_reason: str | None,
) -> AccessGrant:
    """Record the grant in the register, using up an approval, or raise ApprovalRequired."""
    now = ctx.now()
    if isinstance(actor, UserActor):
        row = None if break_glass_reason else _matching_approval(session, ctx, actor, grant)
        if row is None and not break_glass_reason:
            raise ApprovalRequired(
                f"{grant.wording} gives clinical access and needs a second admin's approval: "
                "another admin records it first (POST /api/v1/access-grants, or "
                "`attune users approve` on the server), or give a break_glass_reason"
            )
    else:
        row = None
    if row is None:  # break glass, or the operator: granted and used at once
        reason = break_glass_reason if isinstance(actor, UserActor) else None
        row = grant.record(actor.audit_name, now, dt.timedelta(0), reason)
        session.add(row)
    row.used_by, row.used_at = actor.audit_name, now
    session.flush()
    if row.break_glass_reason is not None:
        append_audit(
            session,
            ctx,
            actor=actor.audit_name,
            role=actor.audit_role,
            action=AuditAction.ACCESS_BREAK_GLASS,
            target=f"grant:{row.id}",
            detail={"kind": grant.kind},
        )
    return row


def alert_break_glass(actor: Actor, row: AccessGrant, target: str) -> None:
    """The alert a break-glass grant raises, once committed (no names, no reason text)."""
    if row.break_glass_reason is not None:
        alerts.warning(
            "break-glass grant %d: %s gave clinical access (%s) to %s without a second "
            "admin; review it with `attune users grants`",
            row.id,
            actor.audit_name,
            row.kind,
            target,
        )


def approve_access(ctx: ServiceContext, actor: Actor, data: AccessGrantCreate) -> AccessGrantPublic:
    """Record a second admin's approval of one grant (admins and the operator)."""
    grant = GrantRequest(data.kind, data.username, data.role, data.also_clinician, data.supervisor)
    with use_case(ctx, actor, AuditAction.ACCESS_APPROVE, target=f"account:{data.username}") as uc:
        require_admin(actor)
        session = uc.session
        if isinstance(actor, UserActor) and actor.username == data.username:
            raise Forbidden("an admin cannot approve access for their own account")
        existing = session.scalars(select(User).where(User.username == data.username)).first()
        if data.kind == "account":
            if data.role is None or account_grant(*_account_fields(grant)) is None:
                raise InputError(
                    "role",
                    data.role,
                    "admin or supervisor, or a role with also_clinician "
                    "or a supervisor (a plain clinician account needs no approval)",
                )
            if existing is not None:
                raise Conflict(f"username {data.username!r} is taken")
        else:
            if data.supervisor is None or data.role is not None or data.also_clinician:
                raise InputError("supervisor", data.supervisor, "a supervisor's username only")
            if existing is None or existing.role != "clinician":
                raise InputError("username", data.username, "the username of a clinician")
        row = grant.record(actor.audit_name, ctx.now(), ctx.policy.grant_approval_lifetime)
        session.add(row)
        session.flush()
        uc.detail = {"grant": row.id, "kind": data.kind}
        return AccessGrantPublic.model_validate(row)


def list_access_grants(
    ctx: ServiceContext, actor: Actor, *, break_glass_only: bool = False, limit: int = 100
) -> list[AccessGrantPublic]:
    """The grant register, newest first (admins and the operator); reading it is audited."""
    with use_case(ctx, actor, AuditAction.ACCESS_LIST, read=True) as uc:
        require_admin(actor)
        query = select(AccessGrant)
        if break_glass_only:
            query = query.where(AccessGrant.break_glass_reason.is_not(None))
        rows = uc.session.scalars(
            query.order_by(AccessGrant.id.desc()).limit(min(max(limit, 1), 1000))
        )
        return [AccessGrantPublic.model_validate(r) for r in rows]
