"""Form drafts: a clinical form saved after the sign-in expired is kept, not lost (issue 12).

A session form opened at the start of a 50-minute session and saved after the 30-minute
idle limit used to land on the sign-in page with everything typed gone. Now the web edge
hands the posted form to :func:`keep_form_draft` with the expired session's token: the
draft is stored for that session's user, sealed with AES-256-GCM under a key derived from
the app's signing key (the database alone does not reveal it), and expires after
:data:`DRAFT_LIFETIME`. After signing in again, the user (and only that user) opens it with
:func:`open_form_draft` and lands back on the filled form. Both steps are audited; the
posted values never reach a log.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, select

from attunement.errors import NotFound
from attunement.security import token_digest
from attunement.services._actors import UserActor
from attunement.services._audit import append_audit, use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._transaction import transaction
from attunement.store import FormDraft, User, WebSession

__all__ = ["DRAFT_LIFETIME", "FormDraftPublic", "keep_form_draft", "open_form_draft"]

#: How long a kept form waits for its user to sign in again.
DRAFT_LIFETIME = dt.timedelta(hours=8)
#: Fields never restored: each rendered form carries fresh ones.
_NOT_RESTORED = frozenset({"csrf_token", "form_token"})
_DRAFT_ID = re.compile(r"[A-Za-z0-9_-]{32}")  # secrets.token_urlsafe(24)
_PATIENT_PATH = re.compile(r"^/patients/([0-9]{1,12})/")
_MAX_BODY = 256 * 1024


class FormDraftPublic(BaseModel):
    """A kept form: where it was posted and its fields (name, value) in order."""

    model_config = ConfigDict(frozen=True)

    path: str
    fields: list[tuple[str, str]]


def _cipher(ctx: ServiceContext) -> AESGCM:
    return AESGCM(bytes.fromhex(token_digest(ctx.signing_key, "attunement form drafts v1")))


def keep_form_draft(
    ctx: ServiceContext, *, session_token: str, path: str, body: bytes
) -> str | None:
    """Keep the form posted with an expired (not revoked) session; the draft's id, or None
    when the session is unknown, revoked or its user inactive, or the form too large."""
    if len(body) > _MAX_BODY or len(path) > 500:
        return None
    now = ctx.now()
    with transaction(ctx.sessions) as session:
        session.execute(delete(FormDraft).where(FormDraft.expires_at < now))
        found = session.execute(
            select(WebSession.user_id, WebSession.revoked_at, User.active)
            .join(User, WebSession.user_id == User.id)
            .where(WebSession.digest == token_digest(ctx.signing_key, session_token))
        ).first()
        if found is None or found.revoked_at is not None or not found.active:
            return None
        draft_id = secrets.token_urlsafe(24)
        nonce = secrets.token_bytes(12)
        sealed = nonce + _cipher(ctx).encrypt(nonce, body, _bound(draft_id, found.user_id))
        session.add(
            FormDraft(
                id=draft_id,
                user_id=found.user_id,
                path=path,
                sealed=sealed,
                created_at=now,
                expires_at=now + DRAFT_LIFETIME,
            )
        )
        append_audit(
            session,
            ctx,
            actor=f"user:{found.user_id}",
            role=None,
            action=AuditAction.FORM_DRAFT_KEPT,
            patient_id=_patient_of(path),
            target="form_draft",
        )
        return draft_id


def open_form_draft(ctx: ServiceContext, actor: UserActor, draft_id: str) -> FormDraftPublic:
    """The user's own live draft (NotFound for anyone else's, or once it has expired)."""
    with use_case(ctx, actor, AuditAction.FORM_DRAFT_OPENED, target="form_draft", read=True) as uc:
        # an id this module never issues (e.g. a NUL byte, which PostgreSQL refuses) is unknown
        row = uc.session.get(FormDraft, draft_id) if _DRAFT_ID.fullmatch(draft_id) else None
        if row is None or row.user_id != actor.user_id or row.expires_at < ctx.now():
            raise NotFound("form draft", draft_id[:64])
        uc.patient_id = _patient_of(row.path)
        nonce, sealed = row.sealed[:12], row.sealed[12:]
        body = _cipher(ctx).decrypt(nonce, sealed, _bound(row.id, row.user_id))
        fields = [
            (name, value)
            for name, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            if name not in _NOT_RESTORED
        ]
        return FormDraftPublic(path=row.path, fields=fields)


def _bound(draft_id: str, user_id: int) -> bytes:
    return f"{draft_id}:{user_id}".encode()


def _patient_of(path: str) -> int | None:
    match = _PATIENT_PATH.match(path)
    return int(match.group(1)) if match else None
