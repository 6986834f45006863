"""Reading the audit trail (admins) and verifying its chain (``attune audit verify``).

Verification recomputes every entry's MAC with the audit key named by its ``key_id`` and
checks its link to the previous entry, then compares the trail with every signed anchor
found (:mod:`attunement.security._audit_anchor`). What it detects, and where it says so:

* a changed field, or a forged or re-chained entry (no key, no valid MAC) — that entry;
* a deleted entry in the middle — the entry after the gap, naming the missing range;
* deleted newest entries — against the latest anchor: the first missing entry;
* a rewrite of anything up to an anchor, even by someone holding the key — the anchored
  entry, whose MAC no longer matches;
* an unkeyed (legacy) entry after a keyed one, an entry under an unknown key, and anchor
  files whose signature fails.

Entries newer than the latest anchor can be removed without trace; anchor often.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.security import (
    GENESIS_HASH,
    LEGACY_KEY_ID,
    AnchorSet,
    AuditAnchor,
    AuditKeyring,
    EntryFields,
    canonical_time,
    entry_hash,
    entry_mac,
    read_anchors,
)
from attunement.services._access import require_admin
from attunement.services._account_schemas import AuditEntryPublic, AuditVerification
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._context import ServiceContext, aware_utc
from attunement.services._ids import MAX_ROW_ID, in_storage_range
from attunement.services._transaction import read_transaction
from attunement.store import AuditEntry

__all__ = ["list_audit", "verify_audit_chain"]


def list_audit(
    ctx: ServiceContext,
    actor: Actor,
    *,
    patient_id: int | None = None,
    action: str | None = None,
    after: int = 0,
    limit: int = 100,
) -> list[AuditEntryPublic]:
    """Entries after sequence number ``after``, oldest first (admins and the operator).

    Reading the trail is itself audited (``audit.read``).
    """
    with use_case(ctx, actor, "audit.read", read=True) as uc:
        require_admin(actor)
        after = min(max(after, 0), MAX_ROW_ID)  # no sequence number lies beyond the range
        query = select(AuditEntry).where(AuditEntry.seq > after)
        if patient_id is not None:
            if not in_storage_range(patient_id):  # no entry can name such a patient
                patient_id = 0
            query = query.where(AuditEntry.patient_id == patient_id)
        if action is not None:
            query = query.where(AuditEntry.action == action[:60])
        rows = uc.session.scalars(query.order_by(AuditEntry.seq).limit(min(max(limit, 1), 1000)))
        uc.detail = {"after": after, "patient_id": patient_id}
        return [
            AuditEntryPublic(
                seq=r.seq,
                at=aware_utc(r.at),
                actor=r.actor,
                role=r.role,
                action=r.action,
                patient_id=r.patient_id,
                target=r.target,
                outcome=r.outcome,
                detail=dict(r.detail),
                prev_hash=r.prev_hash,
                entry_hash=r.entry_hash,
            )
            for r in rows
        ]


def _span(first: int, last: int) -> str:
    return f"{first}" if first == last else f"{first} to {last}"


def _expected_mac(row: AuditEntry, keyring: AuditKeyring) -> str | None:
    fields: EntryFields = {
        "seq": row.seq,
        "at": row.at,
        "actor": row.actor,
        "role": row.role,
        "action": row.action,
        "patient_id": row.patient_id,
        "target": row.target,
        "outcome": row.outcome,
        "detail": row.detail,
        "prev_hash": row.prev_hash,
    }
    if row.key_id == LEGACY_KEY_ID:
        return entry_hash(**fields)
    key = keyring.get(row.key_id)
    return None if key is None else entry_mac(key, **fields)


@dataclass
class _Walk:
    """The state of one pass over the chain."""

    keyring: AuditKeyring
    anchors: dict[int, list[AuditAnchor]]
    previous: str = GENESIS_HASH
    expected_seq: int = 1
    count: int = 0
    legacy: int = 0
    keyed: bool = False
    key_ids: set[str] = field(default_factory=set)

    def problem(self, row: AuditEntry) -> str | None:
        if row.seq != self.expected_seq:
            missing = _span(self.expected_seq, row.seq - 1)
            return (
                f"expected entry {self.expected_seq} next, found {row.seq} "
                f"(entry {missing} missing)"
            )
        if row.key_id == LEGACY_KEY_ID and self.keyed:
            return "an unkeyed (legacy) entry after keyed entries (forged)"
        if row.prev_hash != self.previous:
            return "does not link to the previous entry's MAC"
        expected = _expected_mac(row, self.keyring)
        if expected is None:
            return (
                f"signed with audit key {row.key_id}, which is not configured "
                "(add it to ATTUNE_AUDIT_KEY after the current key to verify)"
            )
        if not hmac.compare_digest(expected, row.entry_hash):
            return "content does not match its MAC (entry altered, or re-chained without the key)"
        for anchor in self.anchors.get(row.seq, []):
            if anchor.mac != row.entry_hash:
                return (
                    f"differs from the anchor of {canonical_time(anchor.at)} "
                    "(the trail was rewritten up to here)"
                )
        return None

    def accept(self, row: AuditEntry) -> None:
        self.previous, self.expected_seq = row.entry_hash, row.seq + 1
        self.count += 1
        if row.key_id == LEGACY_KEY_ID:
            self.legacy += 1
        else:
            self.keyed = True
            self.key_ids.add(row.key_id)


def _rows(session: Session, after: int, batch: int) -> Iterator[AuditEntry]:
    while True:
        rows = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.seq > after)
                .order_by(AuditEntry.seq)
                .limit(batch)
            )
        )
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


def _start(session: Session, walk: _Walk, anchor: AuditAnchor | None) -> int:
    """Where the walk begins: the start, or (``since`` an anchor) the anchored entry."""
    if anchor is None or anchor.seq == 0:
        return 0
    row = session.get(AuditEntry, anchor.seq)
    if row is None:
        return 0  # the full walk reports the truncation
    walk.previous, walk.expected_seq = row.prev_hash, row.seq
    walk.keyed = row.key_id != LEGACY_KEY_ID
    return row.seq - 1


def verify_audit_chain(
    ctx: ServiceContext,
    actor: Actor,
    *,
    anchors: Path | None = None,
    since_latest_anchor: bool = False,
    batch: int = 5000,
) -> AuditVerification:
    """Walk the chain and compare it with the anchors; report the first problem and where.

    ``anchors`` is a directory of anchor files or one file (default: the context's anchor
    directory). ``since_latest_anchor`` starts at the newest anchor instead of the first
    entry (what ``attune audit anchor`` checks before anchoring again). Admins and the
    operator only.
    """
    require_admin(actor)
    found: AnchorSet = read_anchors(anchors or ctx.audit_anchor_dir, ctx.audit_keys)
    by_seq: dict[int, list[AuditAnchor]] = {}
    for anchor in found.valid:
        by_seq.setdefault(anchor.seq, []).append(anchor)
    latest = found.latest
    walk = _Walk(keyring=ctx.audit_keys, anchors=by_seq)
    with read_transaction(ctx.sessions) as session:  # one snapshot; writers carry on
        after = _start(session, walk, latest if since_latest_anchor else None)
        for row in _rows(session, after, batch):
            problem = walk.problem(row)
            if problem:
                return _result(walk, found, intact=False, broken_at=row.seq, problem=problem)
            walk.accept(row)
    head = walk.expected_seq - 1
    if latest is not None and latest.seq > head:
        missing = _span(head + 1, latest.seq)
        problem = (
            f"entry {missing} missing: the anchor of {canonical_time(latest.at)} recorded "
            f"entry {latest.seq} (newest entries deleted)"
        )
        return _result(walk, found, intact=False, broken_at=head + 1, problem=problem)
    if walk.legacy and not walk.keyed:
        problem = (
            "only unkeyed (legacy) entries: nothing keyed covers them yet; record one with "
            "`attune audit anchor`"
        )
        return _result(walk, found, intact=False, broken_at=None, problem=problem)
    if found.problems:
        return _result(walk, found, intact=False, broken_at=None, problem=found.problems[0])
    return _result(walk, found, intact=True, broken_at=None, problem=None)


def _result(
    walk: _Walk, found: AnchorSet, *, intact: bool, broken_at: int | None, problem: str | None
) -> AuditVerification:
    latest = found.latest
    head = walk.expected_seq - 1
    return AuditVerification(
        intact=intact,
        entries=walk.count,
        head_hash=walk.previous,
        head_seq=head,
        broken_at=broken_at,
        problem=problem,
        legacy_entries=walk.legacy,
        key_ids=sorted(walk.key_ids),
        anchors_checked=len(found.valid),
        anchored_seq=latest.seq if latest else None,
        anchored_at=latest.at if latest else None,
        unanchored=max(0, head - latest.seq) if latest else head,
    )
