"""Opt-in notifications (issue 14): missed measures and the weekly caseload digest.

A scheduled link that expires unanswered tells the treating clinician who opted in (one
notice per occasion, however often the ``expire`` job runs); once a week, from the clinic's
digest day, each user who opted in gets one digest counting their readable caseload exactly
as the caseload page does. E-mails name no patient. Users who did not opt in get nothing.
Every test runs on SQLite and on PostgreSQL (the ``engine`` fixture).
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from attunement.delivery import SmtpConfig, SmtpEmailSender
from attunement.i18n import translate
from attunement.notifications import NotificationChannels, NotificationKind
from attunement.services import (
    Channels,
    ClinicSettingsUpdate,
    EpisodeScheduleSet,
    NotificationEmailSet,
    PatientContactSet,
    SelfReportSubmission,
    ServiceContext,
    UserActor,
    caseload,
    list_notifications,
    open_invitation,
    plan_due_measurements,
    plan_weekly_digests,
    run_next_job,
    set_episode_schedule,
    set_notification_email,
    set_notification_preferences,
    set_patient_contact,
    submit_self_report,
    update_clinic_settings,
)
from attunement.store import Job
from tests.services.test_status_and_caseload import _episode_with
from tests.services.world import OPERATOR, FakeClock, World
from tests.support.smtp import SmtpSink

PUBLIC = "https://clinic.example.org"
BOTH = NotificationChannels(in_app=True, email=True)


@pytest.fixture
def sink(smtp: tuple[SmtpSink, int]) -> SmtpSink:
    smtp[0].messages.clear()
    smtp[0].reject.clear()
    return smtp[0]


@pytest.fixture
def channels(smtp: tuple[SmtpSink, int]) -> Channels:
    config = SmtpConfig(host="127.0.0.1", port=smtp[1], sender="clinic@example.org", timeout=5)
    return Channels(public_url=PUBLIC, email=SmtpEmailSender(config))


def _drain(ctx: ServiceContext, channels: Channels) -> int:
    ran = 0
    while run_next_job(ctx, channels, worker="test-worker"):
        ran += 1
    return ran


def _opt_in(ctx: ServiceContext, who: UserActor, kind: NotificationKind) -> None:
    set_notification_preferences(ctx, who, {kind: BOTH})
    set_notification_email(ctx, who, NotificationEmailSet(email=f"{who.username}@example.org"))


def _weekly(ctx: ServiceContext, world: World) -> None:
    set_patient_contact(
        ctx, world.ana, world.patient_a, PatientContactSet(email="alma@example.org")
    )
    set_episode_schedule(
        ctx, world.ana, world.episode_a, EpisodeScheduleSet(mode="every_n_days", interval_days=7)
    )


def _rerun_every_job(ctx: ServiceContext) -> None:
    """At least once: every finished job runs again (a worker died before recording it)."""
    with ctx.sessions.begin() as session:
        session.execute(update(Job).values(state="queued", run_at=ctx.now()))


def _kinds(ctx: ServiceContext, who: UserActor) -> list[NotificationKind]:
    return [n.kind for n in list_notifications(ctx, who, include_acknowledged=True)]


def test_nobody_who_did_not_opt_in_is_told(
    ctx: ServiceContext, world: World, clock: FakeClock, channels: Channels, sink: SmtpSink
) -> None:
    _weekly(ctx, world)
    clock.advance(days=7)
    assert len(plan_due_measurements(ctx)) == 1
    _drain(ctx, channels)
    clock.advance(days=5)  # the link expired unanswered
    _drain(ctx, channels)
    assert plan_weekly_digests(ctx) == 0
    _drain(ctx, channels)
    for who in (world.ana, world.ben, world.supervisor):
        assert _kinds(ctx, who) == []
    assert {m["To"] for m in sink.messages} == {"alma@example.org"}  # nothing to the staff


def test_an_expired_unanswered_link_tells_the_clinician_once(
    ctx: ServiceContext, world: World, clock: FakeClock, channels: Channels, sink: SmtpSink
) -> None:
    _opt_in(ctx, world.ana, NotificationKind.MEASURES_MISSED)
    _weekly(ctx, world)
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, channels)
    assert _kinds(ctx, world.ana) == []  # not yet expired
    clock.advance(days=5)
    _drain(ctx, channels)
    _rerun_every_job(ctx)
    _drain(ctx, channels)
    (notice,) = list_notifications(ctx, world.ana)
    assert notice.kind is NotificationKind.MEASURES_MISSED
    assert (notice.patient_id, notice.patient_name) == (world.patient_a, "Synthetic Alma")
    assert notice.detail is not None
    assert notice.detail["episode_id"] == world.episode_a
    assert notice.detail["due_on"] == "2026-03-09"
    assert set(notice.detail) == {"occasion_id", "episode_id", "due_on"}  # no answers
    assert list_notifications(ctx, world.ben) == []
    mails = [m for m in sink.messages if m["To"] == "ana@example.org"]
    assert len(mails) == 1
    text = str(mails[0]["Subject"]) + sink.bodies()[sink.messages.index(mails[0])]
    assert "Alma" not in text
    assert "2026-03-09" not in text
    assert f"{PUBLIC}/notifications" in text


def test_an_answered_link_is_not_missed(
    ctx: ServiceContext, world: World, clock: FakeClock, channels: Channels, sink: SmtpSink
) -> None:
    _opt_in(ctx, world.ana, NotificationKind.MEASURES_MISSED)
    _weekly(ctx, world)
    clock.advance(days=7)
    plan_due_measurements(ctx)
    _drain(ctx, channels)
    body = sink.bodies()[0]
    token = body.split(f"{PUBLIC}/self-report/")[1].split()[0]
    patient = open_invitation(ctx, token)
    answers = {"phq9": [1] * 8 + [0], "wai_sr": [3] * 12}
    submit_self_report(
        ctx,
        patient,
        SelfReportSubmission.model_validate(
            {"responses": [{"instrument": i, "answers": answers[i]} for i in patient.instruments]}
        ),
    )
    clock.advance(days=5)
    _drain(ctx, channels)
    assert _kinds(ctx, world.ana) == []


def test_one_digest_per_week_with_the_caseloads_counts(
    ctx: ServiceContext, world: World, clock: FakeClock, channels: Channels, sink: SmtpSink
) -> None:
    # a red and a yellow episode on ana's caseload (sam supervises ana); ben's stays apart
    _episode_with(ctx, clock, world.ana, "Synthetic Abe", [10, 13, 17, 19], risk=True)
    _episode_with(ctx, clock, world.ana, "Synthetic Eve", [10, 10, 14, 14], risk=False)
    assert clock.now.isoweekday() == 1  # a Monday: the default digest day
    _opt_in(ctx, world.ana, NotificationKind.WEEKLY_DIGEST)
    _opt_in(ctx, world.supervisor, NotificationKind.WEEKLY_DIGEST)
    assert plan_weekly_digests(ctx) == 2
    assert plan_weekly_digests(ctx) == 0  # a second pass (or worker) adds nothing
    _drain(ctx, channels)
    _rerun_every_job(ctx)
    _drain(ctx, channels)
    for who in (world.ana, world.supervisor):
        (digest,) = list_notifications(ctx, who)
        assert digest.kind is NotificationKind.WEEKLY_DIGEST
        assert digest.patient_id is None
        page = caseload(ctx, who)
        year, week, _ = clock.now.isocalendar()
        assert digest.detail == {
            "week": f"{year}-W{week:02d}",
            "red": page.counts["red"],
            "yellow": page.counts["yellow"],
            "overdue": page.overdue,
            "risk": page.counts["risk"],
        }
    assert caseload(ctx, world.ana).counts["red"] >= 1
    assert list_notifications(ctx, world.ben) == []
    mails = sorted(str(m["To"]) for m in sink.messages)
    assert mails == ["ana@example.org", "sam@example.org"]
    for mail, body in zip(sink.messages, sink.bodies(), strict=True):
        assert str(mail["Subject"]) == "Attunement: your weekly summary is ready"
        assert "Synthetic" not in body
        assert "Abe" not in body
    clock.advance(days=1)  # Tuesday: this week's are done
    assert plan_weekly_digests(ctx) == 0
    clock.advance(days=6)  # the next Monday
    assert plan_weekly_digests(ctx) == 2


def test_the_clinic_chooses_the_day_and_opting_out_stops_it(
    ctx: ServiceContext, world: World, clock: FakeClock, channels: Channels
) -> None:
    update_clinic_settings(ctx, OPERATOR, ClinicSettingsUpdate(digest_weekday="wednesday"))
    _opt_in(ctx, world.ben, NotificationKind.WEEKLY_DIGEST)
    assert plan_weekly_digests(ctx) == 0  # Monday
    clock.advance(days=2)
    assert plan_weekly_digests(ctx) == 1  # Wednesday
    off = NotificationChannels(in_app=False, email=False)
    set_notification_preferences(ctx, world.ben, {NotificationKind.WEEKLY_DIGEST: off})
    _drain(ctx, channels)  # the job queued before the change finds nobody to tell
    assert list_notifications(ctx, world.ben, include_acknowledged=True) == []
    clock.advance(days=7)
    assert plan_weekly_digests(ctx) == 0


def test_the_digest_email_subject_is_translated() -> None:
    subject = "Attunement: your weekly summary is ready"
    assert translate(subject, "es") != subject
