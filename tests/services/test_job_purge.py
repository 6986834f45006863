"""Finished jobs are purged from the worker's queue (issue 13): only jobs done or failed
longer ago than the retention (``ATTUNE_JOB_RETENTION_DAYS``), in bounded batches, never a
queued or running one. SQLite and PostgreSQL (``ctx``); the clinic is synthetic."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from attunement.delivery import SmtpConfig, SmtpEmailSender
from attunement.errors import ConfigurationError
from attunement.services import (
    Channels,
    EpisodeScheduleSet,
    PatientContactSet,
    ServiceContext,
    plan_due_measurements,
    purge_finished_jobs,
    run_next_job,
    set_episode_schedule,
    set_patient_contact,
)
from attunement.store import Job
from attunement.worker import Worker
from tests.services.world import FakeClock, World
from tests.support.smtp import SmtpSink

MONTH = dt.timedelta(days=30)


def _job(ctx: ServiceContext, key: str, state: str, finished_days_ago: float | None) -> None:
    now = ctx.now()
    finished = None if finished_days_ago is None else now - dt.timedelta(days=finished_days_ago)
    with ctx.sessions.begin() as session:
        session.add(
            Job(
                kind="send",
                payload={},
                dedupe_key=key,
                state=state,
                run_at=now - dt.timedelta(days=400),  # every one long due
                lease_until=now - dt.timedelta(days=399) if state == "running" else None,
                locked_by="a-worker-that-died" if state == "running" else None,
                attempts=1,
                created_at=now - dt.timedelta(days=400),
                finished_at=finished,
            )
        )


def _keys(ctx: ServiceContext) -> set[str]:
    with ctx.sessions() as session:
        return set(session.scalars(select(Job.dedupe_key)))


def _by_key(ctx: ServiceContext, column: Any) -> dict[str, Any]:
    """Each job's ``column``, by its dedupe key."""
    with ctx.sessions() as session:
        return {key: value for key, value in session.execute(select(Job.dedupe_key, column))}  # noqa: C416 (rows)


def test_only_jobs_finished_before_the_retention_are_deleted(ctx: ServiceContext) -> None:
    _job(ctx, "done-old", "done", 31)
    _job(ctx, "failed-old", "failed", 45)
    _job(ctx, "done-recent", "done", 29)
    _job(ctx, "failed-recent", "failed", 1)
    _job(ctx, "queued-long-ago", "queued", None)
    _job(ctx, "running-lease-expired", "running", None)
    assert purge_finished_jobs(ctx, MONTH) == 2
    kept = {"done-recent", "failed-recent", "queued-long-ago", "running-lease-expired"}
    assert _keys(ctx) == kept
    assert purge_finished_jobs(ctx, MONTH) == 0  # again: nothing more to delete


def test_a_backlog_is_deleted_in_bounded_batches_over_several_calls(ctx: ServiceContext) -> None:
    for n in range(7):
        _job(ctx, f"old-{n}", "done", 60)
    _job(ctx, "waiting", "queued", None)
    assert purge_finished_jobs(ctx, MONTH, batch=3, max_batches=2) == 6  # at most 2 x 3
    assert purge_finished_jobs(ctx, MONTH, batch=3, max_batches=2) == 1
    assert _keys(ctx) == {"waiting"}


def test_a_retention_shorter_than_a_digest_week_is_refused_naming_the_setting(
    ctx: ServiceContext,
) -> None:
    _job(ctx, "done-old", "done", 7.5)
    with pytest.raises(ConfigurationError, match=r"ATTUNE_JOB_RETENTION_DAYS: is 7 days.*8"):
        purge_finished_jobs(ctx, dt.timedelta(days=7))
    assert _keys(ctx) == {"done-old"}


def test_the_worker_forgets_sent_links_after_the_retention_but_keeps_jobs_still_ahead(
    ctx: ServiceContext,
    world: World,
    clock: FakeClock,
    smtp: tuple[SmtpSink, int],
) -> None:
    config = SmtpConfig(host="127.0.0.1", port=smtp[1], sender="clinic@example.org", timeout=5)
    channels = Channels(public_url="https://clinic.example.org", email=SmtpEmailSender(config))
    set_patient_contact(ctx, world.ana, world.patient_a, PatientContactSet(email="a@example.org"))
    set_episode_schedule(
        ctx, world.ana, world.episode_a, EpisodeScheduleSet(mode="every_n_days", interval_days=7)
    )
    clock.advance(days=7)
    assert len(plan_due_measurements(ctx)) == 1  # a link: its send, reminder and expiry jobs
    assert run_next_job(ctx, channels, worker="w")  # the send job, now done
    jobs = _by_key(ctx, Job.state)
    sent = next(key for key, state in jobs.items() if state == "done")
    assert sent.startswith("send:")
    assert sorted(jobs.values()) == ["done", "queued", "queued"]  # reminder, expiry: ahead

    worker = Worker(ctx, channels, plan_every_seconds=0, job_retention=dt.timedelta(days=8))
    assert worker.run(once=True).purged == 0  # finished just now: kept
    clock.advance(days=8, seconds=1)
    # plans the next link, runs the reminder, expiry and new send, and deletes the first send
    assert worker.run(once=True).purged == 1
    left = _by_key(ctx, Job.finished_at)
    assert sent not in left
    assert len(left) >= 3
    cutoff = clock.now - dt.timedelta(days=8)
    assert all(finished is None or finished > cutoff for finished in left.values())
