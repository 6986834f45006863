"""Reading the audit trail (admins) and verifying its chains (``attune audit verify``).

The trail is several chains (issue 13, :mod:`attunement.services._audit_chains`).
Verification walks each (:mod:`attunement.services._audit_walk`): it recomputes every
entry's MAC with the audit key named by its ``key_id`` and checks its place and its link to
the previous entry of its chain, then compares each chain's end with its head row and with
every signed anchor found (:mod:`attunement.security._audit_anchor`). What it detects, and
where it says so (chain by chain, the first problem):

* a changed field, or a forged or re-chained entry (no key, no valid MAC) — that entry;
* an entry moved to another chain or place, or entries reordered — the first one out of
  place (the MAC covers the place);
* a deleted entry in the middle of a chain — the entry after the gap, naming the missing
  range;
* deleted newest entries of a chain — against its head row and the latest anchor: the
  first missing entry;
* a rewrite of anything up to an anchor, even by someone holding the key — the anchored
  entry, whose MAC no longer matches;
* an unkeyed (legacy) entry after a keyed one, an entry under an unknown key, an entry in
  a chain that does not exist, and anchor files whose signature fails.

Entries newer than the latest anchor can be removed without trace by someone who also
moves the chain's head row back (which the database's triggers refuse); anchor often.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from attunement.security import (
    GENESIS_HASH,
    AnchorSet,
    AuditAnchor,
    canonical_time,
    read_anchors,
)
from attunement.services._access import require_admin
from attunement.services._account_schemas import (
    AuditChainState,
    AuditEntryPublic,
    AuditVerification,
)
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._audit_walk import AnchoredMac, ChainWalk, chain_rows
from attunement.services._context import ServiceContext
from attunement.services._ids import MAX_ROW_ID, in_storage_range
from attunement.services._transaction import read_transaction
from attunement.store import AUDIT_CHAINS, AuditChainHead, AuditEntry

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

    On PostgreSQL ``seq`` is taken when an entry is appended, so an entry may commit just
    after one with a higher ``seq`` (concurrent transactions append to different chains):
    a reader following the trail by ``after`` should stay a few seconds behind the newest.

    Reading the trail is itself audited (``audit.read``).
    """
    with use_case(ctx, actor, AuditAction.AUDIT_READ, read=True) as uc:
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
        return [AuditEntryPublic.model_validate(r) for r in rows]


@dataclass
class _Outcome:
    """Everything the walks found, for the result."""

    walks: list[ChainWalk] = field(default_factory=list)
    broken_at: int | None = None
    broken_chain: int | None = None
    broken_chain_seq: int | None = None
    problem: str | None = None

    def broken(self, walk: ChainWalk, problem: str, row: AuditEntry | None = None) -> None:
        self.broken_chain, self.problem = walk.chain, problem
        if row is not None:
            self.broken_at, self.broken_chain_seq = row.seq, row.chain_seq
        else:
            self.broken_chain_seq = walk.newest + 1


def _anchored(found: AnchorSet) -> dict[int, dict[int, list[AnchoredMac]]]:
    """chain -> place -> what every valid anchor recorded there."""
    by_chain: dict[int, dict[int, list[AnchoredMac]]] = {}
    for anchor in found.valid:
        for chain, head in anchor.chain_heads().items():
            if head.chain_seq:
                places = by_chain.setdefault(chain, {})
                places.setdefault(head.chain_seq, []).append(
                    AnchoredMac(mac=head.mac, at=canonical_time(anchor.at))
                )
    return by_chain


def _start(session: Session, walk: ChainWalk, anchor: AuditAnchor | None) -> int:
    """Where the walk begins: the start, or (``since`` an anchor) the anchored entry."""
    head = anchor.chain_heads().get(walk.chain) if anchor else None
    if head is None or head.chain_seq == 0:
        return 0
    row = session.scalars(
        select(AuditEntry).where(
            AuditEntry.chain == walk.chain, AuditEntry.chain_seq == head.chain_seq
        )
    ).first()
    if row is None:
        return 0  # the full walk reports the truncation
    walk.resume_at(row)
    return row.chain_seq - 1


def _walk_chains(
    session: Session, ctx: ServiceContext, found: AnchorSet, since: AuditAnchor | None, batch: int
) -> _Outcome:
    outcome = _Outcome()
    anchored = _anchored(found)
    recorded = {head.chain: head for head in session.scalars(select(AuditChainHead))}
    for chain in sorted(set(range(AUDIT_CHAINS)) | set(recorded) | set(anchored)):
        walk = ChainWalk(chain=chain, keyring=ctx.audit_keys, anchored=anchored.get(chain, {}))
        outcome.walks.append(walk)
        for row in chain_rows(session, chain, _start(session, walk, since), batch):
            problem = walk.problem(row)
            if problem:
                outcome.broken(walk, problem, row)
                return outcome
            walk.accept(row)
        problem = walk.end_problem(recorded.get(chain), max(walk.anchored, default=0))
        if problem:
            outcome.broken(walk, problem)
            return outcome
    stray = session.scalars(
        select(AuditEntry)
        .where(or_(AuditEntry.chain < 0, AuditEntry.chain >= AUDIT_CHAINS))
        .limit(1)
    ).first()
    if stray is not None:
        walk = ChainWalk(chain=stray.chain, keyring=ctx.audit_keys, anchored={})
        outcome.broken(walk, f"in chain {stray.chain}, which does not exist (inserted)", stray)
    return outcome


def verify_audit_chain(
    ctx: ServiceContext,
    actor: Actor,
    *,
    anchors: Path | None = None,
    since_latest_anchor: bool = False,
    batch: int = 5000,
) -> AuditVerification:
    """Walk every chain and compare it with its head and the anchors; report the first
    problem and where.

    ``anchors`` is a directory of anchor files or one file (default: the context's anchor
    directory). ``since_latest_anchor`` starts each chain at the newest anchor's head
    instead of its first entry (what ``attune audit anchor`` checks before anchoring
    again). Admins and the operator only.
    """
    require_admin(actor)
    found: AnchorSet = read_anchors(anchors or ctx.audit_anchor_dir, ctx.audit_keys)
    with read_transaction(ctx.sessions) as session:  # one snapshot; writers carry on
        since = found.latest if since_latest_anchor else None
        outcome = _walk_chains(session, ctx, found, since, batch)
    problem = outcome.problem
    if problem is None:
        legacy = sum(w.legacy for w in outcome.walks)
        if legacy and not any(w.keyed for w in outcome.walks):
            problem = (
                "only unkeyed (legacy) entries: nothing keyed covers them yet; record one "
                "with `attune audit anchor`"
            )
        elif found.problems:
            problem = found.problems[0]
    return _result(outcome, found, problem)


def _result(outcome: _Outcome, found: AnchorSet, problem: str | None) -> AuditVerification:
    latest = found.latest
    walks = outcome.walks
    newest = max(walks, key=lambda w: w.head_seq, default=None)
    anchored = latest.chain_heads() if latest else {}
    unanchored = sum(
        max(0, w.newest - (anchored[w.chain].chain_seq if w.chain in anchored else 0))
        for w in walks
    )
    return AuditVerification(
        intact=problem is None,
        entries=sum(w.count for w in walks),
        head_hash=newest.previous if newest and newest.head_seq else GENESIS_HASH,
        head_seq=newest.head_seq if newest else 0,
        broken_at=outcome.broken_at,
        broken_chain=outcome.broken_chain,
        broken_chain_seq=outcome.broken_chain_seq,
        problem=problem,
        chains=[
            AuditChainState(
                chain=w.chain,
                entries=w.count,
                head_chain_seq=w.newest,
                head_seq=w.head_seq,
                head_hash=w.previous,
            )
            for w in walks
            if w.count
        ],
        legacy_entries=sum(w.legacy for w in walks),
        key_ids=sorted(set().union(*(w.key_ids for w in walks))),
        anchors_checked=len(found.valid),
        anchored_seq=latest.seq if latest else None,
        anchored_at=latest.at if latest else None,
        unanchored=unanchored,
    )
