"""The worker's job that stores a course its intake write left pending (issue 15).

The write that records an intake queues a ``course_prediction`` job when the neighbour
index was not ready (:mod:`attunement.services._course_predictions`), and the same request
normally stores the course right after the commit and marks the job done. The job is run
by the worker only when that did not happen (the process stopped in between, or other
writes kept changing the index's key): it completes the course the same way
(:func:`attunement.services._course_pending.complete_course_predictions`), audited as the
worker. Idempotent: a course already stored for the episode's intake is not stored again.
"""

from __future__ import annotations

from attunement.services._audit import course_audit
from attunement.services._context import ServiceContext
from attunement.services._course_pending import complete_course_predictions
from attunement.services._messages import WORKER

__all__ = ["run_course_job"]


def run_course_job(ctx: ServiceContext, _channels: object, payload: dict[str, object]) -> None:
    """Store the pending course of ``payload["episode_id"]``; raises (the worker retries
    later) when other writes kept changing the index's key meanwhile."""
    episode_id = int(str(payload["episode_id"]))
    left = complete_course_predictions(
        ctx.sessions, [episode_id], now=ctx.now(), audit=course_audit(ctx, WORKER)
    )
    if left.pending:
        raise RuntimeError("the neighbour index kept changing; retried later")
