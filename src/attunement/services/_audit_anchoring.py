"""Anchoring the audit chain's head outside the database (``attune audit anchor``).

Anchoring first checks the chain from the previous anchor on (a broken chain is never
anchored: that would bless the tampering), then appends an ``audit.anchor`` entry, so the
anchor covers a keyed entry made at that moment, and writes the signed anchor of that
entry into the anchor directory. Run it on a schedule (every 15 minutes is a reasonable
start: entries newer than the latest anchor can be deleted without trace) and ship each
printed line to an append-only sink.
"""

from __future__ import annotations

from pathlib import Path

from attunement.errors import ConfigurationError, Conflict
from attunement.security import sign_anchor, write_anchor
from attunement.services._access import require_admin
from attunement.services._account_schemas import AuditAnchorWritten
from attunement.services._actors import Actor
from attunement.services._audit import append_audit
from attunement.services._audit_log import verify_audit_chain
from attunement.services._context import ServiceContext
from attunement.services._transaction import transaction

__all__ = ["anchor_audit_chain"]


def anchor_audit_chain(
    ctx: ServiceContext, actor: Actor, *, directory: Path | None = None
) -> AuditAnchorWritten:
    """Verify since the last anchor, append ``audit.anchor``, write its signed anchor."""
    require_admin(actor)
    target = directory or ctx.audit_anchor_dir
    if target is None:
        raise ConfigurationError("ATTUNE_AUDIT_ANCHOR_DIR", "no anchor directory is configured")
    check = verify_audit_chain(ctx, actor, anchors=target, since_latest_anchor=True)
    if not check.intact:
        raise Conflict(
            f"the audit trail is broken at entry {check.broken_at}: {check.problem}; "
            "not anchored (investigate first)"
        )
    with transaction(ctx.sessions) as session:
        entry = append_audit(
            session,
            ctx,
            actor=actor.audit_name,
            role=actor.audit_role,
            action="audit.anchor",
            detail={"previous_anchor": check.anchored_seq},
        )
        seq, mac = entry.seq, entry.entry_hash
    anchor = sign_anchor(ctx.audit_keys.signing, seq=seq, mac=mac, at=ctx.now())
    try:
        path = write_anchor(target, anchor)
    except OSError as exc:
        raise ConfigurationError(
            "ATTUNE_AUDIT_ANCHOR_DIR", f"cannot write to {str(target)!r} ({exc.strerror})"
        ) from None
    return AuditAnchorWritten(
        seq=anchor.seq,
        mac=anchor.mac,
        at=anchor.at,
        key_id=anchor.key_id,
        path=str(path),
        line=anchor.to_line(),
    )
