"""Which audit chain a transaction appends to, without one lock for the whole app (issue 13).

Before, every audited transaction on PostgreSQL took one advisory lock from its append to
its commit, because a single hash chain needs each entry to know the previous MAC: the
whole app, reads included (they append too), queued on that lock. Now the trail is
``AUDIT_CHAINS`` (16) chains, each with a head row in ``audit_chain_heads`` (its newest
entry's position, global ``seq`` and MAC). A transaction's first append locks the first
head row no other transaction holds, ``SELECT … ORDER BY chain FOR UPDATE SKIP LOCKED
LIMIT 1`` (PostgreSQL), and keeps that chain for its later appends; when all 16 are held it
waits for one. So up to 16 transactions append (and commit) at once, each chain stays
linear (one writer at a time, ``chain_seq`` = previous + 1, ``prev_hash`` = previous MAC),
and the head row moves with the entry in the same transaction: a rolled-back append leaves
no trace in the chain, a committed one cannot be lost from it without the head noticing.

Why this and not unchained inserts sealed in batches later: every entry is chained and
keyed at once, in the transaction that makes the change, so there is no "pending" state to
verify, no sealer to run, and nothing readable that is not yet covered; the cost is up to
16 chains to walk and to anchor, which verification and anchors do per chain. Why start
at chain 0 rather than at a hash of the transaction: a quiet clinic (and every single-writer
run) keeps appending to chain 0, so the trail reads as one chain; the other chains are used
only under contention. SQLite has one writer (``BEGIN IMMEDIATE``), so it uses chain 0 only.

``seq`` is global and increasing for display order: on PostgreSQL from the sequence
``audit_log_seq`` (taken under the chain lock; a rolled-back append leaves a hole in
``seq``, never in a chain), on SQLite ``max(seq) + 1`` under its write lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import TextClause, bindparam, insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction

from attunement.errors import StorageError
from attunement.store import AUDIT_CHAINS, AuditChainHead, AuditEntry

__all__ = ["ChainPlaces", "claim_chain", "store_entries"]

_HELD = "attunement.audit_chain"  # session.info key: (transaction, places) of the held chain

_FIRST_FREE = (
    "SELECT chain, chain_seq, mac FROM audit_chain_heads ORDER BY chain "
    "FOR UPDATE SKIP LOCKED LIMIT 1"
)
_WAIT_FOR = "SELECT chain, chain_seq, mac FROM audit_chain_heads WHERE chain = :chain FOR UPDATE"
#: The ``seq`` of one entry, and of several (an aggregate, which costs the one-entry append
#: of every audited request more to plan and run).
_ONE_SEQ = "ARRAY[nextval('audit_log_seq')]"
_SEQS = "(SELECT array_agg(nextval('audit_log_seq')) FROM generate_series(1, :count))"


def _claim(head: str, seqs: str) -> TextClause:
    return text(f"SELECT h.chain, h.chain_seq, h.mac, {seqs} FROM ({head}) AS h")  # noqa: S608 (constants)


#: (the first free chain, or a given one) x (one seq, several)
_CLAIMS = {
    (wait, many): _claim(_WAIT_FOR if wait else _FIRST_FREE, _SEQS if many else _ONE_SEQ)
    for wait in (False, True)
    for many in (False, True)
}
_MORE_SEQS = {
    False: text("SELECT nextval('audit_log_seq')"),
    True: text("SELECT nextval('audit_log_seq') FROM generate_series(1, :count)"),
}


@dataclass(frozen=True)
class ChainPlaces:
    """Where the next entries go: their chain, the place of the first there, the MAC it
    links to, and each entry's ``seq`` (increasing)."""

    chain: int
    chain_seq: int
    prev_hash: str
    seqs: tuple[int, ...]


def _held(session: Session) -> tuple[SessionTransaction, ChainPlaces] | None:
    held = session.info.get(_HELD)
    if held is not None and held[0] is session.get_transaction():
        return held  # type: ignore[no-any-return]
    return None


def _postgres_seqs(session: Session, count: int) -> tuple[int, ...]:
    rows = session.execute(_MORE_SEQS[count > 1], {"count": count}).scalars()
    return tuple(sorted(int(seq) for seq in rows))


def claim_chain(session: Session, count: int = 1) -> ChainPlaces:
    """The places of the next ``count`` entries, locking their chain until the transaction
    ends; one round trip on PostgreSQL (the head and every ``seq``), whatever ``count``."""
    held = _held(session)
    postgres = session.get_bind().dialect.name == "postgresql"
    if held is not None:
        last = held[1]
        if postgres:
            seqs = _postgres_seqs(session, count)
        else:
            seqs = tuple(range(last.seqs[-1] + 1, last.seqs[-1] + 1 + count))
        return ChainPlaces(last.chain, last.chain_seq + 1, last.prev_hash, seqs)
    if postgres:
        many = count > 1
        row = session.execute(_CLAIMS[False, many], {"count": count}).first()
        if row is None:  # every chain is held: wait for one (spread by connection)
            pid = int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())
            waited = {"chain": pid % AUDIT_CHAINS, "count": count}
            row = session.execute(_CLAIMS[True, many], waited).one()
        chain, chain_seq, prev_hash, drawn = row
        seqs = tuple(sorted(int(seq) for seq in drawn))
    else:  # SQLite: the transaction holds the only write lock; chain 0
        head = session.execute(
            select(AuditChainHead.chain_seq, AuditChainHead.mac).where(AuditChainHead.chain == 0)
        ).one()
        newest = session.execute(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
        chain, chain_seq, prev_hash = 0, head[0], head[1]
        first = (newest.scalar() or 0) + 1
        seqs = tuple(range(first, first + count))
    return ChainPlaces(int(chain), int(chain_seq) + 1, str(prev_hash), seqs)


#: The append's two statements, built once (building them, and their cache keys, on every
#: append cost about as much as running them, issue 13).
_INSERT_ENTRIES = insert(AuditEntry)
_MOVE_HEAD = update(AuditChainHead).where(AuditChainHead.chain == bindparam("at_chain"))


def store_entries(session: Session, entries: Sequence[AuditEntry]) -> None:
    """Insert ``entries`` (the next ones of one chain, in order) and move the chain's head
    through each of them, in the same transaction: one multi-row insert and one batch of
    head moves (the database lets a head move only to the next entry), so a group of
    entries costs about what one did.

    The database refuses both when the chain's head row and its newest entry disagree,
    which only tampering makes happen: then nothing is written and the use case fails
    (audited requests stop until an admin has run ``attune audit verify``), rather than
    going on with a trail that does not verify.
    """
    if not entries:
        return
    columns = AuditEntry.__table__.columns
    moves = [
        {"at_chain": e.chain, "chain_seq": e.chain_seq, "seq": e.seq, "mac": e.entry_hash}
        for e in entries
    ]
    try:
        # Core statements on the connection: the ORM's unit of work, and then its bulk
        # insert, cost more than the rest of the append
        connection = session.connection()
        rows = [{c.key: getattr(e, c.key) for c in columns} for e in entries]
        connection.execute(_INSERT_ENTRIES, rows)
        connection.execute(_MOVE_HEAD, moves)
    except DBAPIError as exc:
        if "append-only" not in str(exc.orig):
            raise
        first = entries[0]
        raise StorageError(
            f"the audit trail refused entry {first.chain_seq} of chain {first.chain}: the "
            "chain's head and its entries disagree (run `attune audit verify`); nothing was "
            "written"
        ) from None
    last = entries[-1]
    places = ChainPlaces(last.chain, last.chain_seq, last.entry_hash, (last.seq,))
    session.info[_HELD] = (session.get_transaction(), places)
