"""One pass over one audit chain: each entry's place, link and MAC, and the chain's end.

The trail is several chains (issue 13, :mod:`attunement.services._audit_chains`); each is
checked on its own, in order of ``chain_seq``: the entry must be the next of its chain, link
to the previous entry's MAC, carry a MAC that matches under the key its ``key_id`` names,
and match every anchor that recorded it. Three MAC rules exist, oldest first, and each is
accepted only where it can have been written (so claiming an older rule forges nothing):

* unkeyed SHA-256 (``key_id = "sha256-legacy"``, before migration 0005) — only as the very
  start of chain 0;
* keyed, single chain (``"attunement-audit-entry-v2"``, migrations 0005 to 0016) — only in
  chain 0 before its first entry of the current rule, at ``chain_seq = seq``;
* keyed with the chain position (``"attunement-audit-entry-v3"``) — everywhere.

At the chain's end, the newest entry is compared with the chain's head row and with the
anchors: entries recorded there but no longer stored were deleted.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.security import (
    GENESIS_HASH,
    LEGACY_KEY_ID,
    AuditKeyring,
    ChainedEntryFields,
    EntryFields,
    chained_entry_mac,
    entry_hash,
    entry_mac,
)
from attunement.store import AuditChainHead, AuditEntry

__all__ = ["AnchoredMac", "ChainWalk", "chain_rows", "span"]


class _Rule(IntEnum):
    """The oldest MAC rule still accepted at this point of the chain."""

    LEGACY = 1
    SINGLE_CHAIN = 2
    CHAINED = 3


@dataclass(frozen=True)
class AnchoredMac:
    """What an anchor recorded at one place of a chain, and when (for the message)."""

    mac: str
    at: str


def span(first: int, last: int) -> str:
    return f"{first}" if first == last else f"{first} to {last}"


def _fields(row: AuditEntry) -> EntryFields:
    return {
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


@dataclass
class ChainWalk:
    """The state of one pass over chain ``chain``."""

    chain: int
    keyring: AuditKeyring
    anchored: dict[int, list[AnchoredMac]]  # chain_seq -> what anchors recorded there
    previous: str = GENESIS_HASH
    expected: int = 1
    head_seq: int = 0
    count: int = 0
    legacy: int = 0
    keyed: int = 0
    key_ids: set[str] = field(default_factory=set)
    rule: _Rule = _Rule.LEGACY
    _matched: _Rule = _Rule.CHAINED

    def __post_init__(self) -> None:
        if self.chain != 0:
            self.rule = _Rule.CHAINED

    def resume_at(self, row: AuditEntry) -> None:
        """Start at ``row`` (an anchored entry) instead of the chain's first entry."""
        self.previous, self.expected = row.prev_hash, row.chain_seq
        if row.key_id != LEGACY_KEY_ID and self.rule == _Rule.LEGACY:
            self.rule = _Rule.SINGLE_CHAIN

    def problem(self, row: AuditEntry) -> str | None:
        if row.chain_seq != self.expected:
            missing = span(self.expected, row.chain_seq - 1)
            return (
                f"expected entry {self.expected} of chain {self.chain} next, found "
                f"{row.chain_seq} (entry {missing} of chain {self.chain} missing)"
            )
        if row.key_id == LEGACY_KEY_ID and self.rule > _Rule.LEGACY:
            return "an unkeyed (legacy) entry after keyed entries (forged)"
        if row.prev_hash != self.previous:
            return "does not link to the previous entry's MAC"
        matched = self._rule_matched(row)
        if matched is None:
            if row.key_id != LEGACY_KEY_ID and self.keyring.get(row.key_id) is None:
                return (
                    f"signed with audit key {row.key_id}, which is not configured "
                    "(add it to ATTUNE_AUDIT_KEY after the current key to verify)"
                )
            return "content does not match its MAC (entry altered, or re-chained without the key)"
        for anchor in self.anchored.get(row.chain_seq, []):
            if anchor.mac != row.entry_hash:
                return (
                    f"differs from the anchor of {anchor.at} (the trail was rewritten up to here)"
                )
        self._matched = matched
        return None

    def _rule_matched(self, row: AuditEntry) -> _Rule | None:
        """The MAC rule ``row`` verifies under, among those accepted here."""
        fields = _fields(row)
        at_own_seq = row.chain == 0 and row.chain_seq == row.seq
        if row.key_id == LEGACY_KEY_ID:
            ok = at_own_seq and hmac.compare_digest(entry_hash(**fields), row.entry_hash)
            return _Rule.LEGACY if ok else None
        key = self.keyring.get(row.key_id)
        if key is None:
            return None
        single_chain_allowed = self.rule <= _Rule.SINGLE_CHAIN and at_own_seq
        if single_chain_allowed and hmac.compare_digest(entry_mac(key, **fields), row.entry_hash):
            return _Rule.SINGLE_CHAIN
        chained: ChainedEntryFields = {**fields, "chain": row.chain, "chain_seq": row.chain_seq}
        if hmac.compare_digest(chained_entry_mac(key, **chained), row.entry_hash):
            return _Rule.CHAINED
        return None

    def accept(self, row: AuditEntry) -> None:
        self.previous, self.expected, self.head_seq = row.entry_hash, row.chain_seq + 1, row.seq
        self.count += 1
        self.rule = max(self.rule, self._matched)
        if row.key_id == LEGACY_KEY_ID:
            self.legacy += 1
        else:
            self.keyed += 1
            self.key_ids.add(row.key_id)

    @property
    def newest(self) -> int:
        """The place of the newest entry walked (0: none)."""
        return self.expected - 1

    def end_problem(self, recorded: AuditChainHead | None, anchored_newest: int) -> str | None:
        """What the chain's head row or the anchors say is missing or out of place."""
        newest = self.newest
        if anchored_newest > newest:
            missing = span(newest + 1, anchored_newest)
            at = self.anchored[anchored_newest][0].at
            return (
                f"entry {missing} of chain {self.chain} missing: the anchor of {at} recorded "
                f"entry {anchored_newest} (newest entries deleted)"
            )
        if recorded is None:
            return None if newest == 0 else f"chain {self.chain} has no head row (removed)"
        if recorded.chain_seq > newest:
            missing = span(newest + 1, recorded.chain_seq)
            return (
                f"entry {missing} of chain {self.chain} missing: the chain's head records "
                f"entry {recorded.chain_seq} (newest entries deleted)"
            )
        if recorded.chain_seq < newest:
            return (
                f"chain {self.chain} goes on after the entry its head records "
                f"({recorded.chain_seq}): the head was moved back, or entries were inserted"
            )
        if newest and recorded.mac != self.previous:
            return f"chain {self.chain}'s head row does not match its newest entry"
        return None


def chain_rows(session: Session, chain: int, after: int, batch: int) -> Iterator[AuditEntry]:
    """The entries of ``chain`` after place ``after``, in order, ``batch`` at a time."""
    while True:
        rows = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.chain == chain, AuditEntry.chain_seq > after)
                .order_by(AuditEntry.chain_seq)
                .limit(batch)
            )
        )
        if not rows:
            return
        yield from rows
        after = rows[-1].chain_seq
