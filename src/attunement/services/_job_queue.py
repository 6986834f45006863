"""The durable job queue the worker runs, in the database (table ``jobs``).

Why a table and not a library: APScheduler 3.x keeps jobs in SQLAlchemy but its docs say
a job store must not be shared by several schedulers (no multi-worker safety);
APScheduler 4 is a pre-release; procrastinate runs on PostgreSQL only; huey, rq and
dramatiq need Redis or RabbitMQ. None serves SQLite *and* several PostgreSQL workers, so
the queue is this small table and three statements:

* **enqueue** inserts a job under a unique ``dedupe_key`` (enqueuing twice is harmless);
* **claim** picks the oldest ready job — queued and due, or running with an expired lease
  (its worker died) — with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers
  never wait for nor take each other's rows, then marks it running under a lease with an
  ``UPDATE`` guarded by the same conditions (on SQLite, whose writers take turns, the guard
  alone makes the claim exclusive);
* **finish / retry / fail** record the outcome;
* **purge** deletes jobs finished (done or failed) longer ago than the retention
  (``ATTUNE_JOB_RETENTION_DAYS``), a bounded batch per transaction, so the table holds
  the recent past and the work ahead, not every job the clinic ever ran.

Jobs are run at least once: a worker killed mid-job leaves it running until its lease
ends, then another worker runs it again. Every handler is therefore idempotent (see
:mod:`attunement.services._outreach` for how sending keeps a message from going twice).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from attunement.errors import ConfigurationError
from attunement.services._context import ServiceContext
from attunement.services._transaction import transaction
from attunement.settings import MIN_JOB_RETENTION_DAYS
from attunement.store import Job

__all__ = [
    "FINISHED_STATES",
    "PURGE_BATCH",
    "ClaimedJob",
    "claim_job",
    "enqueue_job",
    "fail_job",
    "finish_job",
    "purge_finished_jobs",
    "retry_job",
]


#: The states a job ends in; only these are ever purged (never queued or running).
FINISHED_STATES = ("done", "failed")
#: Jobs deleted per transaction: each batch holds its locks briefly, so purging a large
#: backlog never stalls the workers claiming jobs beside it.
PURGE_BATCH = 500


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker holds until ``lease_until``."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int


def enqueue_job(
    session: Session,
    *,
    kind: str,
    dedupe_key: str,
    run_at: dt.datetime,
    now: dt.datetime,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Queue a job in the caller's transaction unless one with ``dedupe_key`` exists."""
    if session.scalar(select(Job.id).where(Job.dedupe_key == dedupe_key)) is not None:
        return False
    session.add(
        Job(
            kind=kind,
            payload=payload or {},
            dedupe_key=dedupe_key,
            state="queued",
            run_at=run_at,
            attempts=0,
            created_at=now,
        )
    )
    session.flush()
    return True


def _ready(now: dt.datetime) -> Any:
    return or_(
        and_(Job.state == "queued", Job.run_at <= now),
        and_(Job.state == "running", Job.lease_until < now),
    )


def claim_job(ctx: ServiceContext, worker: str, lease: dt.timedelta) -> ClaimedJob | None:
    """The oldest ready job, now running under ``worker``'s lease, or None."""
    with transaction(ctx.sessions) as session:
        now = ctx.now()
        picked = session.scalar(
            select(Job.id)
            .where(_ready(now))
            .order_by(Job.run_at, Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if picked is None:
            return None
        claimed = session.execute(
            update(Job)
            .where(Job.id == picked, _ready(now))
            .values(
                state="running",
                lease_until=now + lease,
                locked_by=worker,
                attempts=Job.attempts + 1,
            )
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        job = session.get(Job, picked)
        if job is None:  # pragma: no cover - claimed in this transaction
            return None
        session.refresh(job)
        return ClaimedJob(
            id=job.id, kind=job.kind, payload=dict(job.payload), attempts=job.attempts
        )


def _settle(ctx: ServiceContext, job_id: int, worker: str, **values: Any) -> bool:
    with transaction(ctx.sessions) as session:
        done = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == "running", Job.locked_by == worker)
            .values(**values)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]


def finish_job(ctx: ServiceContext, job_id: int, worker: str) -> bool:
    """Mark the job done (False: the lease was lost and another worker holds it)."""
    return _settle(
        ctx, job_id, worker, state="done", finished_at=ctx.now(), lease_until=None, last_error=None
    )


def retry_job(
    ctx: ServiceContext, job_id: int, worker: str, error: str, delay: dt.timedelta
) -> bool:
    """Queue the job again after ``delay``, keeping the error."""
    return _settle(
        ctx,
        job_id,
        worker,
        state="queued",
        run_at=ctx.now() + delay,
        lease_until=None,
        locked_by=None,
        last_error=error[:1000],
    )


def fail_job(ctx: ServiceContext, job_id: int, worker: str, error: str) -> bool:
    """Give the job up for good, keeping the error."""
    return _settle(
        ctx,
        job_id,
        worker,
        state="failed",
        finished_at=ctx.now(),
        lease_until=None,
        last_error=error[:1000],
    )


def purge_finished_jobs(
    ctx: ServiceContext,
    retention: dt.timedelta,
    *,
    batch: int = PURGE_BATCH,
    max_batches: int = 20,
) -> int:
    """Delete jobs that finished (done or failed) more than ``retention`` ago, ``batch`` per
    transaction and at most ``max_batches`` batches per call (the worker calls again at its
    next planning); the number deleted. A queued or running job is never touched, however
    old. Jobs hold ids only (no patient data), so the purge is not an audited read or write
    of health data."""
    if retention < dt.timedelta(days=MIN_JOB_RETENTION_DAYS):
        raise ConfigurationError(
            "ATTUNE_JOB_RETENTION_DAYS",
            f"is {retention.days} days; allowed: {MIN_JOB_RETENTION_DAYS} days or more "
            "(a week's digest job must outlive its week)",
        )
    if batch < 1 or max_batches < 1:
        raise ConfigurationError("batch", f"is {batch} (max_batches {max_batches}); allowed: 1+")
    cutoff = ctx.now() - retention
    finished = and_(Job.state.in_(FINISHED_STATES), Job.finished_at < cutoff)
    purged = 0
    for _ in range(max_batches):
        with transaction(ctx.sessions) as session:
            ids = list(
                session.scalars(
                    select(Job.id)
                    .where(finished)
                    .order_by(Job.id)
                    .limit(batch)
                    .with_for_update(skip_locked=True)
                )
            )
            deleted = 0
            if ids:
                # the same guard again: a row changed since the select stays
                done = session.execute(delete(Job).where(Job.id.in_(ids), finished))
                deleted = done.rowcount  # type: ignore[attr-defined]
        purged += deleted
        if len(ids) < batch:
            break
    return purged
