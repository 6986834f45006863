"""The schedule at work for ``attune demo``: two weeks fast-forwarded (SYNTHETIC).

A throw-away SQLite database in a temporary folder, one synthetic clinician and two
synthetic patients on a weekly schedule (one reached by e-mail, one who prefers text
messages), and a clock moved a day at a time: each day the worker's two steps run (plan due
measurements, run the ready jobs) and the messages land in in-memory outboxes instead of an
SMTP server or an SMS provider. The clinic's own database is not touched (its audit trail never
sees a fast-forwarded clock).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from attunement.delivery import OutboxEmailSender
from attunement.delivery.sms import OutboxSmsSender
from attunement.instruments import load_instrument
from attunement.services._account_schemas import UserCreate
from attunement.services._actors import OperatorActor, UserActor
from attunement.services._context import ServiceContext, service_context
from attunement.services._due_list import DueFilter, due_list
from attunement.services._episodes import start_episode
from attunement.services._invitations import open_invitation, submit_self_report
from attunement.services._messages import Channels
from attunement.services._outreach import plan_due_measurements, run_next_job
from attunement.services._patients import register_patient
from attunement.services._schedules import (
    EpisodeScheduleSet,
    PatientContactSet,
    set_episode_schedule,
    set_patient_contact,
)
from attunement.services._schemas import EpisodeCreate, PatientCreate, SelfReportSubmission
from attunement.services._users import create_user
from attunement.store import make_engine, migrate

__all__ = ["ScheduleDemo", "walk_the_schedule"]

_DEMO_PASSWORD = "synthetic demo only horse battery"  # noqa: S105 - a throw-away account
#: A number of the range Ofcom keeps for drama (07700 900000–900999): never a real phone.
_DEMO_MOBILE = "+447700900001"


@dataclass
class ScheduleDemo:
    """What two fast-forwarded weeks did: one line per day with something sent."""

    days: list[str] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)


def _answer(ctx: ServiceContext, token: str) -> None:
    """Middle answers to every questionnaire of the link (synthetic)."""
    actor = open_invitation(ctx, token)
    responses = []
    for instrument in actor.instruments:
        definition = load_instrument(instrument)
        middle = []
        for item in definition.items:
            options = definition.response_sets[item.responses]
            middle.append(options[len(options) // 2].value)
        responses.append({"instrument": instrument, "answers": middle})
    submit_self_report(ctx, actor, SelfReportSubmission.model_validate({"responses": responses}))


class _SteppedClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


def walk_the_schedule(start: dt.datetime, days: int = 14) -> ScheduleDemo:
    """Two weeks of a weekly schedule with the clinic defaults (link 4 days, reminder 2),
    one patient by e-mail and one by text message."""
    result = ScheduleDemo()
    with tempfile.TemporaryDirectory(prefix="attune-schedule-demo-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'schedule-demo.sqlite3'}")
        migrate(engine)
        clock = _SteppedClock(start)
        ctx = service_context(
            engine, signing_key="synthetic-demo-" + start.isoformat(), clock=clock
        )
        made = create_user(
            ctx,
            OperatorActor(name="demo"),
            UserCreate(
                username="demo.clinician",
                display_name="Synthetic Clinician",
                role="clinician",
                password=_DEMO_PASSWORD,
            ),
        )
        clinician = UserActor(user_id=made.id, username="demo.clinician", role="clinician")
        patient = register_patient(
            ctx,
            clinician,
            PatientCreate(display_name="Synthetic Patient", preferred_language="es"),
        )
        episode = start_episode(
            ctx,
            clinician,
            patient.id,
            EpisodeCreate(started_on=start.date(), alliance_instrument="wai_sr"),
        )
        set_patient_contact(
            ctx, clinician, patient.id, PatientContactSet(email="synthetic.patient@demo.invalid")
        )
        set_episode_schedule(
            ctx, clinician, episode.id, EpisodeScheduleSet(mode="every_n_days", interval_days=7)
        )
        texted = register_patient(
            ctx,
            clinician,
            PatientCreate(display_name="Synthetic Patient by text", preferred_language="en"),
        )
        texted_episode = start_episode(
            ctx, clinician, texted.id, EpisodeCreate(started_on=start.date())
        )
        set_patient_contact(
            ctx,
            clinician,
            texted.id,
            PatientContactSet(phone=_DEMO_MOBILE, preferred_channel="sms"),
        )
        set_episode_schedule(
            ctx,
            clinician,
            texted_episode.id,
            EpisodeScheduleSet(mode="every_n_days", interval_days=7),
        )
        outbox = OutboxEmailSender()
        texts = OutboxSmsSender()
        channels = Channels(public_url="https://clinic.demo.invalid", email=outbox, sms=texts)
        for day in range(days + 1):
            clock.now = start + dt.timedelta(days=day)
            sent_before, texted_before = len(outbox.outbox), len(texts.outbox)
            planned = len(plan_due_measurements(ctx))
            while run_next_job(ctx, channels, worker="demo"):
                pass
            if planned:
                result.days.append(f"day {day:>2}: {planned} questionnaire link(s) planned")
            for mail in outbox.outbox[sent_before:]:
                result.days.append(
                    f"day {day:>2}: e-mail to {mail['To']} ({mail['Content-Language']}): "
                    f"“{mail['Subject']}”"
                )
            for text in texts.outbox[texted_before:]:
                first = text.body.splitlines()[0]
                result.days.append(f"day {day:>2}: text message to {text.to}: “{first}”")
            if day == days and outbox.outbox:  # the e-mailed patient answers the latest link
                body = str(outbox.outbox[-1].get_content())
                token = body.split("/self-report/", 1)[1].split(maxsplit=1)[0]
                _answer(ctx, token)
                result.days.append(f"day {day:>2}: the e-mailed patient answered the latest link")
        result.states = due_list(ctx, clinician, DueFilter()).counts
        engine.dispose()
    return result
