"""Anchoring the audit chain's head outside the database (``attune audit anchor``).

Anchoring first checks every chain from the previous anchor on (a broken chain is never
anchored: that would bless the tampering), then appends an ``audit.anchor`` entry and, in
the same transaction, reads every chain's head (its own chain's is that entry; the others
are their newest committed entries), and writes the signed anchor of all of them into the
anchor directory. No global lock is needed: each head recorded is a committed entry, and
whatever commits later in another chain is covered by the next anchor. Run it on a
schedule (every 15 minutes is a reasonable start: entries newer than the latest anchor can
be deleted without trace by someone who also moves the chains' head rows back) and ship
each printed line to an append-only sink.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from attunement.errors import ConfigurationError, Conflict
from attunement.security import AnchoredHead, sign_anchor, write_anchor
from attunement.services._access import require_admin
from attunement.services._account_schemas import AuditAnchorWritten
from attunement.services._actors import Actor
from attunement.services._audit import append_audit
from attunement.services._audit_actions import AuditAction
from attunement.services._audit_log import verify_audit_chain
from attunement.services._context import ServiceContext
from attunement.services._transaction import transaction
from attunement.store import AuditChainHead

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
            action=AuditAction.AUDIT_ANCHOR,
            detail={"previous_anchor": check.anchored_seq},
        )
        seq, mac = entry.seq, entry.entry_hash
        heads = tuple(
            AnchoredHead(chain=h.chain, chain_seq=h.chain_seq, seq=h.seq, mac=h.mac)
            for h in session.scalars(select(AuditChainHead).order_by(AuditChainHead.chain))
            if h.chain_seq > 0
        )
    anchor = sign_anchor(ctx.audit_keys.signing, seq=seq, mac=mac, at=ctx.now(), heads=heads)
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
