"""Sign-in, API tokens and web sessions; throttling kept in the database.

Every sign-in attempt is audited (``login``: success, failure or locked). Failed attempts
are counted per (account, address) pair, per account and per address
(:mod:`attunement.services._throttle`), so a stranger cannot lock a clinician out of their
own address; unknown usernames are counted and locked the same way, so a lock does not
reveal which accounts exist, and every attempt verifies a password hash (a dummy one when
the account is unknown or inactive) so timing does not either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from attunement.errors import AuthenticationError
from attunement.security import (
    API_TOKEN_PREFIX,
    INVITATION_PREFIX,
    SESSION_PREFIX,
    csrf_token,
    new_token,
    token_digest,
)
from attunement.services._actors import Actor, UserActor
from attunement.services._audit import append_audit
from attunement.services._audit_actions import AuditAction
from attunement.services._clean_input import check_plain_text
from attunement.services._context import ServiceContext
from attunement.services._invitations import open_invitation
from attunement.services._schemas import TokenIssued, UserPublic, WebSessionIssued
from attunement.services._throttle import SignInThrottle
from attunement.services._transaction import read_statement, transaction
from attunement.store import ApiToken, User, WebSession

__all__ = [
    "TooManyAttempts",
    "actor_for_session",
    "actor_for_token",
    "end_session",
    "login_for_session",
    "login_for_token",
    "revoke_token",
    "user_actor",
]

_BAD_CREDENTIALS = "incorrect username or password"
_BAD_TOKEN = "the token is invalid, expired or revoked"  # noqa: S105  (a message)


class TooManyAttempts(AuthenticationError):
    """Sign-in is locked for this username or client after repeated failures (HTTP 429)."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(f"too many failed sign-ins; try again in {minutes} minute(s)")
        self.retry_after = retry_after


class _UserColumns(Protocol):
    """A user's row or the user's columns read with a token."""

    @property
    def id(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def also_clinician(self) -> bool: ...


def user_actor(user: _UserColumns) -> UserActor:
    return UserActor(
        user_id=user.id,
        username=user.username,
        role=user.role,
        also_clinician=user.also_clinician,
    )


#: What a request's actor is made of, read with its token in one statement (columns, not
#: ORM objects: the check runs on every request).
_ACTOR_COLUMNS = (
    User.id,
    User.username,
    User.role,
    User.also_clinician,
    User.active,
)
#: The sign-in checks of every request, built once (building a statement cost about as
#: much as running it, issue 13); the token's digest is the parameter ``digest``.
_TOKEN_CHECK = (
    select(ApiToken.revoked_at, ApiToken.expires_at, *_ACTOR_COLUMNS)
    .join(User, ApiToken.user_id == User.id)
    .where(ApiToken.digest == bindparam("digest"))
)
_SESSION_CHECK = (
    select(
        WebSession.id.label("session_id"),
        WebSession.revoked_at,
        WebSession.last_seen_at,
        WebSession.expires_at,
        *_ACTOR_COLUMNS,
    )
    .join(User, WebSession.user_id == User.id)
    .where(WebSession.digest == bindparam("digest"))
)


@dataclass
class _Attempt:
    user: User | None
    error: AuthenticationError | None


def _authenticate(
    session: Session,
    ctx: ServiceContext,
    *,
    username: str,
    password: str,
    client: str | None,
    channel: str,
) -> _Attempt:
    # no account's name holds a control character, and PostgreSQL stores no NUL (the
    # throttle and the audit entry keep the name given): refused before anything is read
    name = check_plain_text("username", username.strip()).lower()[:64]
    now = ctx.now()
    throttle = SignInThrottle.load(session, ctx.policy, now, username=name, client=client)
    user = session.scalars(select(User).where(User.username == name)).first()
    usable = user if user is not None and user.active else None
    check = ctx.passwords.verify(usable.password_hash if usable else None, password)
    locked = throttle.locked_for()
    error: AuthenticationError | None = None
    if locked:
        outcome, error = "locked", TooManyAttempts(locked)
    elif check.ok and usable is not None:
        outcome = "success"
        if check.needs_rehash:
            usable.password_hash = ctx.passwords.hash(password)
        throttle.success(session, username=name, client=client)
    else:
        outcome, error = "failure", AuthenticationError(_BAD_CREDENTIALS)
        throttle.failure()
    append_audit(
        session,
        ctx,
        actor=f"user:{user.id}" if user else "anonymous",
        role=user.role if user else None,
        action=AuditAction.LOGIN,
        outcome=outcome,
        detail={"channel": channel, "username": name},
    )
    return _Attempt(user=usable if error is None else None, error=error)


def login_for_token(
    ctx: ServiceContext, *, username: str, password: str, client: str | None = None
) -> TokenIssued:
    """Check the password and issue an API bearer token (expires, revocable)."""
    with transaction(ctx.sessions) as session:
        attempt = _authenticate(
            session, ctx, username=username, password=password, client=client, channel="api"
        )
        if attempt.user is not None:
            token = new_token(API_TOKEN_PREFIX)
            now = ctx.now()
            session.add(
                ApiToken(
                    user_id=attempt.user.id,
                    digest=token_digest(ctx.signing_key, token),
                    created_at=now,
                    expires_at=now + ctx.policy.api_token_lifetime,
                )
            )
    if attempt.error is not None:
        raise attempt.error
    return TokenIssued(
        access_token=token, expires_in=int(ctx.policy.api_token_lifetime.total_seconds())
    )


def revoke_token(ctx: ServiceContext, token: str) -> None:
    """Revoke an API token now (idempotent); audited as ``token.revoke``."""
    with transaction(ctx.sessions) as session:
        row = session.scalars(
            select(ApiToken).where(ApiToken.digest == token_digest(ctx.signing_key, token))
        ).first()
        if row is None:
            raise AuthenticationError(_BAD_TOKEN)
        if row.revoked_at is None:
            row.revoked_at = ctx.now()
        append_audit(
            session, ctx, actor=f"user:{row.user_id}", role=None, action=AuditAction.TOKEN_REVOKE
        )


def actor_for_token(ctx: ServiceContext, token: str) -> Actor:
    """The actor behind a bearer token: an API token or a patient invitation token."""
    if token.startswith(f"{INVITATION_PREFIX}_"):
        return open_invitation(ctx, token)
    if not token.startswith(f"{API_TOKEN_PREFIX}_"):
        raise AuthenticationError(_BAD_TOKEN)
    with read_statement(ctx.sessions) as session:
        digest = token_digest(ctx.signing_key, token)
        found = session.execute(_TOKEN_CHECK, {"digest": digest}).first()
    if found is None or found.revoked_at is not None or found.expires_at <= ctx.now():
        raise AuthenticationError(_BAD_TOKEN)
    if not found.active:
        raise AuthenticationError(_BAD_TOKEN)
    return user_actor(found)


def login_for_session(
    ctx: ServiceContext, *, username: str, password: str, client: str | None = None
) -> WebSessionIssued:
    """Check the password and open a server-side web session (token for the cookie)."""
    with transaction(ctx.sessions) as session:
        attempt = _authenticate(
            session, ctx, username=username, password=password, client=client, channel="web"
        )
        if attempt.user is not None:
            issued = open_web_session(session, ctx, attempt.user)
    if attempt.error is not None:
        raise attempt.error
    return issued


def open_web_session(session: Session, ctx: ServiceContext, user: User) -> WebSessionIssued:
    """A new server-side web session of ``user`` (after a checked password), in ``session``."""
    token = new_token(SESSION_PREFIX)
    now = ctx.now()
    expires = now + ctx.policy.session_lifetime
    session.add(
        WebSession(
            user_id=user.id,
            digest=token_digest(ctx.signing_key, token),
            created_at=now,
            last_seen_at=now,
            expires_at=expires,
        )
    )
    return WebSessionIssued(
        token=token,
        csrf_token=csrf_token(ctx.signing_key, token),
        expires_at=expires,
        user=UserPublic.model_validate(user),
    )


#: How stale a web session's idle timer may get before a request rewrites it. Reads by a
#: signed-in user are not writes: refreshing ``last_seen_at`` on every request made every
#: page view (and each of its htmx requests) a write transaction (issue 13). Refreshed at
#: most once a minute, a session can only expire up to a minute *earlier* than with an
#: exact timer, never later.
SESSION_TOUCH_INTERVAL = dt.timedelta(minutes=1)


def actor_for_session(ctx: ServiceContext, token: str) -> UserActor:
    """The user of a live web session; refreshes its idle timer. Idle or old → 401.

    The session is checked in a read transaction; the idle timer is written (a short write
    transaction) only when it is older than :data:`SESSION_TOUCH_INTERVAL`.
    """
    if not token.startswith(f"{SESSION_PREFIX}_"):
        raise AuthenticationError("the session has expired; sign in again")
    now = ctx.now()
    with read_statement(ctx.sessions) as session:
        digest = token_digest(ctx.signing_key, token)
        found = session.execute(_SESSION_CHECK, {"digest": digest}).first()
    if found is None:
        raise AuthenticationError("the session has expired; sign in again")
    last_seen = found.last_seen_at
    if (
        found.revoked_at is not None
        or now - last_seen > ctx.policy.session_idle
        or found.expires_at <= now
        or not found.active
    ):
        raise AuthenticationError("the session has expired; sign in again")
    actor, session_id = user_actor(found), found.session_id
    if now - last_seen >= SESSION_TOUCH_INTERVAL:
        with transaction(ctx.sessions) as session:
            session.execute(
                update(WebSession)
                .where(WebSession.id == session_id, WebSession.last_seen_at < now)
                .values(last_seen_at=now)
            )
    return actor


def end_session(ctx: ServiceContext, token: str) -> None:
    """Sign out: the session is revoked server-side (idempotent)."""
    with transaction(ctx.sessions) as session:
        row = session.scalars(
            select(WebSession).where(WebSession.digest == token_digest(ctx.signing_key, token))
        ).first()
        if row is None:
            return
        if row.revoked_at is None:
            row.revoked_at = ctx.now()
            append_audit(
                session, ctx, actor=f"user:{row.user_id}", role=None, action=AuditAction.LOGOUT
            )


def revoke_credentials(session: Session, user_id: int, now: dt.datetime) -> None:
    """Revoke every token and session of a user (on deactivation)."""
    for table in (ApiToken, WebSession):
        session.execute(
            update(table)
            .where(table.user_id == user_id, table.revoked_at.is_(None))
            .values(revoked_at=now)
        )
