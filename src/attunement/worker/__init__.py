"""``attune worker``: runs the durable job queue — invitations, reminders, expiries,
weekly digests, notification e-mails — and escalates risk notifications left unacknowledged.

**Which library, and why none.** The issue prefers a well-kept scheduler or queue library
that works on SQLite and PostgreSQL through SQLAlchemy. APScheduler 3.x has a
``SQLAlchemyJobStore``, but its documentation says a job store must not be shared by
several schedulers, so two workers would run each job twice; APScheduler 4 (which adds
shared data stores) is still a pre-release; procrastinate runs on PostgreSQL only; huey, rq
and dramatiq need Redis or RabbitMQ. None gives SQLite *and* several PostgreSQL workers
safely, so the queue is a small table (``jobs``) claimed with
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL and a guarded ``UPDATE`` on both
(:mod:`attunement.services._job_queue`).

**What survives.** Every job is at least once: a worker killed (even ``kill -9``) mid-job
leaves the job running under a lease; when the lease ends (``--lease-seconds``), another
worker, or the same one restarted, runs it again. Handlers are idempotent: occasions are
unique per episode and due date, messages per key, jobs per dedupe key. A message is
marked ``sending`` before the SMTP conversation and ``sent`` after it; a message found
``sending`` after a crash is **not** sent again blindly but marked ``unconfirmed`` and
shown to the clinician (the window between the server's acceptance and the ``sent``
commit is the one place a message could be lost or, if resent by hand, arrive twice; its
``Message-ID`` is the same each time).

**Forgetting.** At each planning pass the worker deletes the jobs that finished more than
``job_retention`` ago (``ATTUNE_JOB_RETENTION_DAYS``), in bounded batches, never a queued
or running one, so the queue table does not grow with every job the clinic ever ran.

**Stopping.** SIGTERM or SIGINT lets the job in hand finish and then exits (0).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from types import FrameType

from attunement.services import (
    WORKER,
    Channels,
    ServiceContext,
    escalate_risk_notifications,
    plan_due_measurements,
    plan_weekly_digests,
    purge_finished_jobs,
    run_next_job,
)
from attunement.settings import DEFAULT_JOB_RETENTION_DAYS

__all__ = ["Worker", "WorkerRun", "worker_name"]


def worker_name() -> str:
    """``host:pid:random`` — who holds a job's lease (no patient data)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class WorkerRun:
    """What one run of the worker did."""

    planned: int = 0
    escalated: int = 0
    digests: int = 0
    jobs: int = 0
    purged: int = 0
    name: str = field(default_factory=worker_name)


class Worker:
    """Plans due measurements every ``plan_every`` and runs ready jobs, until stopped."""

    def __init__(
        self,
        ctx: ServiceContext,
        channels: Channels,
        *,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        poll_seconds: float = 5.0,
        plan_every_seconds: float = 60.0,
        job_retention: dt.timedelta = dt.timedelta(days=DEFAULT_JOB_RETENTION_DAYS),
    ) -> None:
        self.ctx = ctx
        self.channels = channels
        self.lease = lease
        self.poll_seconds = poll_seconds
        self.plan_every_seconds = plan_every_seconds
        self.job_retention = job_retention
        self.stopping = threading.Event()

    def stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        """Finish the job in hand, then return from :meth:`run`."""
        self.stopping.set()

    def _install_signals(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)

    def run(self, *, once: bool = False, report: WorkerRun | None = None) -> WorkerRun:
        """Run until SIGTERM/SIGINT (or, with ``once``, until no job is ready)."""
        done = report or WorkerRun()
        self._install_signals()
        planned_at = float("-inf")
        while not self.stopping.is_set():
            if time.monotonic() - planned_at >= self.plan_every_seconds:
                done.planned += len(plan_due_measurements(self.ctx))
                # risk notifications nobody acknowledged in time go to the supervisor too
                done.escalated += escalate_risk_notifications(self.ctx, WORKER)
                # the weekly caseload digest of those who opted in (once per ISO week)
                done.digests += plan_weekly_digests(self.ctx)
                # finished jobs past the retention, a few bounded batches per pass
                done.purged += purge_finished_jobs(self.ctx, self.job_retention)
                planned_at = time.monotonic()
            while not self.stopping.is_set() and run_next_job(
                self.ctx, self.channels, worker=done.name, lease=self.lease
            ):
                done.jobs += 1
            if once:
                break
            self.stopping.wait(self.poll_seconds)
        return done
