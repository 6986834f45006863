"""The audit trail: append in the same transaction as the change, read, and verify.

Every use case runs inside :func:`use_case`. A write rewrites the stored statuses of the
patients it touched (:mod:`attunement.services._status_store`) and records one entry per
patient touched (who, action, which patient, when, outcome) in its own transaction; a read
(``read=True``) reads in a read-only snapshot and records its entries right after, in a
short write transaction (shared by the reads of a busy process,
:mod:`attunement.services._group_commit`), before it returns anything. When a use case
fails with a typed error, its change is rolled back and the failure is recorded in a
transaction of its own (so denied and rejected attempts leave a trace too). Entries are
chained by HMAC-SHA256 under the signing audit key
(:mod:`attunement.security._audit_chain`), which lives outside the database, and carry its
key id. The trail is several chains (issue 13, :mod:`attunement.services._audit_chains`):
a transaction appends to the first chain no other transaction holds, so concurrent use
cases no longer queue on one lock; each chain stays linear, and its head row moves in the
same transaction as the entry.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.errors import (
    AttunementError,
    AuthenticationError,
    Conflict,
    Forbidden,
    InputError,
    NotFound,
    UnknownInstrument,
)
from attunement.security import chained_entry_mac
from attunement.services._actors import Actor
from attunement.services._audit_actions import AuditAction
from attunement.services._audit_chains import claim_chain, store_entries
from attunement.services._context import ServiceContext
from attunement.services._course_pending import AuditCourses, complete_course_predictions
from attunement.services._course_predictions import CourseWrite
from attunement.services._group_commit import commit_in_group
from attunement.services._idempotency import claim_pending, unclaim_pending
from attunement.services._ids import audit_subject
from attunement.services._status_store import (
    refresh_stale_statuses,
    refresh_touched,
    track_status_changes,
)
from attunement.services._transaction import read_statement, read_transaction, transaction
from attunement.store import AuditEntry, Episode

__all__ = ["UseCase", "append_audit", "course_audit", "outcome_of", "use_case"]

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class EntryDraft:
    """What one audit entry says, before it has a place in a chain."""

    actor: str
    role: str | None
    action: AuditAction
    patient_id: int | None = None
    target: str | None = None
    outcome: str = "success"
    detail: Mapping[str, Any] = field(default_factory=dict)


def append_audit_entries(
    session: Session, ctx: ServiceContext, drafts: Sequence[EntryDraft]
) -> list[AuditEntry]:
    """Append ``drafts`` as the next entries of one chain within ``session``'s transaction,
    each linked to the one before (its chain stays locked until the transaction ends; later
    appends of the transaction use the same chain). One claim, one insert and one batch of
    head moves, however many entries."""
    if not drafts:
        return []
    places = claim_chain(session, len(drafts))
    key, at = ctx.audit_keys.signing, ctx.now()
    entries: list[AuditEntry] = []
    prev_hash = places.prev_hash
    for offset, draft in enumerate(drafts):
        patient_id, target = audit_subject(draft.patient_id, draft.target)  # storable
        fields: dict[str, Any] = {
            "seq": places.seqs[offset],
            "at": at,
            "actor": draft.actor,
            "role": draft.role,
            "action": draft.action,
            "patient_id": patient_id,
            "target": target,
            "outcome": draft.outcome,
            "detail": dict(draft.detail),
            "prev_hash": prev_hash,
            "chain": places.chain,
            "chain_seq": places.chain_seq + offset,
        }
        entry = AuditEntry(**fields, entry_hash=chained_entry_mac(key, **fields), key_id=key.key_id)
        entries.append(entry)
        prev_hash = entry.entry_hash
    store_entries(session, entries)
    return entries


def append_audit(
    session: Session,
    ctx: ServiceContext,
    *,
    actor: str,
    role: str | None,
    action: AuditAction,
    patient_id: int | None = None,
    target: str | None = None,
    outcome: str = "success",
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one chained entry within ``session``'s transaction (its chain stays locked
    until the transaction ends; later appends of the transaction use the same chain)."""
    draft = EntryDraft(actor, role, action, patient_id, target, outcome, dict(detail or {}))
    return append_audit_entries(session, ctx, [draft])[0]


def outcome_of(error: AttunementError) -> str:
    """The audit outcome for a use case that failed with ``error``."""
    if isinstance(error, NotFound):
        return "not_found"
    if isinstance(error, Forbidden | AuthenticationError):
        return "denied"
    if isinstance(error, InputError | UnknownInstrument):
        return "rejected"
    if isinstance(error, Conflict):
        return "conflict"
    return "failed"


@dataclass
class UseCase:
    """The open transaction of one use case and what its audit entries will say."""

    session: Session
    patient_id: int | None = None
    target: str | None = None
    patients: list[int] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    #: Patients whose records a write changed outside the ORM's unit of work (bulk inserts,
    #: :mod:`attunement.services.bulk_import`): their stored statuses are refreshed too.
    touched: set[int] = field(default_factory=set)
    #: False for a batch of a bulk import, which takes the clinic norms once at its end
    #: (:func:`attunement.services._status_store.refresh_touched`).
    take_norms: bool = True


def _success_drafts(actor: Actor, action: AuditAction, note: UseCase) -> list[EntryDraft]:
    """One success entry per patient the use case touched (or one without a patient)."""
    targets: list[int | None] = list(note.patients) or [note.patient_id]
    return [
        EntryDraft(
            actor=actor.audit_name,
            role=actor.audit_role,
            action=action,
            patient_id=pid,
            target=note.target,
            detail=note.detail,
        )
        for pid in targets
    ]


def _append_read_entries(
    session: Session, reads: Sequence[tuple[ServiceContext, list[EntryDraft]]]
) -> None:
    """The entries of a group of reads, as few batches as their contexts allow (one app
    has one context: one batch)."""
    for ctx, run in groupby(reads, key=lambda read: read[0]):
        append_audit_entries(session, ctx, [d for _, drafts in run for d in drafts])


@contextmanager
def use_case(
    ctx: ServiceContext,
    actor: Actor,
    action: AuditAction,
    *,
    patient_id: int | None = None,
    target: str | None = None,
    read: bool = False,
    snapshot: bool = True,
) -> Iterator[UseCase]:
    """One transaction with its audit entries; failures are audited after the rollback.

    Set ``patient_id`` (one patient) or ``patients`` (several, one entry each) on the
    yielded object once known; ``detail`` must hold no patient data (no names, answers).

    A **write** use case (the default) claims the request's idempotency key, makes its
    change, rewrites the stored statuses it touched and appends its audit entries, all in
    one (short) write transaction. A **read** use case (``read=True``, issue 13) runs its
    reads in a read transaction (:func:`~attunement.services._transaction.read_transaction`:
    a snapshot that never waits for a writer nor holds one up), claims no key and refreshes
    nothing; its entries are appended afterwards in a short write transaction, shared with
    other reads' entries under load (:mod:`attunement.services._group_commit`). A read
    whose statements need not agree with each other (one query and the access check) says
    ``snapshot=False``: on PostgreSQL each statement is then its own snapshot, outside a
    transaction (:func:`~attunement.services._transaction.read_statement`).
    The entry is committed before the use case returns: when the append fails, the caller
    gets the error, never data that was read unaudited. A write that left a course
    prediction pending (its neighbour index was not ready, issue 15) has it completed right
    after the commit, before the use case returns (:mod:`._course_pending`).
    """
    note: UseCase | None = None
    claimed = False
    pending: tuple[int, ...] = ()
    norms_left = False
    try:
        if read:
            reading = read_transaction if snapshot else read_statement
            with reading(ctx.sessions) as session:
                note = UseCase(session=session, patient_id=patient_id, target=target)
                yield note
            commit_in_group(  # with other reads' entries (issue 13); committed on return
                ctx.sessions, (ctx, _success_drafts(actor, action, note)), _append_read_entries
            )
        else:
            with transaction(ctx.sessions) as session:
                # the request's idempotency key, claimed before anything is written (issue 12)
                claimed = claim_pending(session, ctx, actor.audit_name)
                note = UseCase(session=session, patient_id=patient_id, target=target)
                changes = track_status_changes(session)
                yield note
                # derived state is written with the change that makes it (issue 13)
                refreshed = refresh_touched(
                    session,
                    changes,
                    caseness=ctx.caseness,
                    now=ctx.now(),
                    patient_hint=note.patient_id,
                    also=note.touched,
                    take_norms=note.take_norms,
                )
                written = refreshed.course
                norms_left = refreshed.norms_left_to_another
                predicted = written.detail() if written is not None else None
                if predicted is not None:  # counts only: what the course was compared with
                    note.detail = {**note.detail, "course_prediction": predicted}
                pending = written.pending if written is not None else ()
                append_audit_entries(session, ctx, _success_drafts(actor, action, note))
    except BaseException as failure:
        if claimed:
            unclaim_pending()  # rolled back with the use case
        if not isinstance(failure, AttunementError):
            raise
        error = failure
        with transaction(ctx.sessions) as session:
            append_audit(
                session,
                ctx,
                actor=actor.audit_name,
                role=actor.audit_role,
                action=action,
                patient_id=note.patient_id if note else patient_id,
                target=note.target if note else target,
                outcome=outcome_of(error),
                detail={"error": type(error).__name__},
            )
        raise
    if not read and pending:
        # the course the write left pending (its index was not ready), stored right after
        # it committed: the index is built outside the write lock (issue 15)
        _complete_after_write(ctx, actor, pending)
    if not read and norms_left:
        _settle_after_write(ctx)


def _settle_after_write(ctx: ServiceContext) -> None:
    """The write left a due taking of clinic norms to another writer, which cannot see the
    rows this write stored with the older norms: once it has committed, recompute the rows
    that are stale (as the start-up refresh). A failure never fails the committed write:
    the start-up refresh or ``status --refresh`` recomputes them."""
    try:
        refresh_stale_statuses(ctx)
    except Exception as error:  # the write is committed; its rows are stale, not lost
        _LOG.warning("stale statuses left to the next refresh: %s", type(error).__name__)


def course_audit(ctx: ServiceContext, actor: Actor) -> AuditCourses:
    """Audit the courses stored for episodes ``actor``'s write left pending: one entry per
    patient, counts only (as the intake write's own entry)."""

    def append(session: Session, episode_ids: Collection[int], written: CourseWrite) -> None:
        patients = set(
            session.scalars(select(Episode.patient_id).where(Episode.id.in_(sorted(episode_ids))))
        )
        detail = {"course_prediction": written.detail()}
        drafts = [
            EntryDraft(
                actor=actor.audit_name,
                role=actor.audit_role,
                action=AuditAction.COURSE_PREDICTION_STORE,
                patient_id=patient_id,
                detail=detail,
            )
            for patient_id in sorted(patients)
        ]
        append_audit_entries(session, ctx, drafts)

    return append


def _complete_after_write(ctx: ServiceContext, actor: Actor, episode_ids: Collection[int]) -> None:
    """Store the courses the committed write left pending. A failure here never fails the
    write: its durable job stays queued for the worker."""
    try:
        complete_course_predictions(
            ctx.sessions, episode_ids, now=ctx.now(), audit=course_audit(ctx, actor)
        )
    except Exception as error:  # the write is committed; its job completes the course
        _LOG.warning("course prediction left to the worker: %s", type(error).__name__)
