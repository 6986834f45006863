"""``attune worker``: run the job queue (invitations, reminders, expiries) until stopped.

The CLI and the worker are both edges and never import each other: the worker module is
named as a string, like ``attune serve`` names the app.
"""

from __future__ import annotations

import datetime as dt
import importlib

import typer

from attunement.cli._app import app
from attunement.cli._context import open_database, settings_from_cli
from attunement.cli.users import operator_context
from attunement.errors import ConfigurationError

#: The worker edge, imported by name (edges never import each other).
WORKER_MODULE = "attunement.worker"


@app.command()
def worker(
    once: bool = typer.Option(
        False, "--once", help="Plan, run every ready job, then exit (cron style)."
    ),
    poll_seconds: float = typer.Option(
        5.0, "--poll-seconds", min=0.05, max=3600, help="Wait between looks at the queue."
    ),
    lease_seconds: float = typer.Option(
        300.0,
        "--lease-seconds",
        min=1,
        max=86_400,
        help="How long a job stays with a worker that stopped answering before another "
        "worker takes it over.",
    ),
    plan_seconds: float = typer.Option(
        60.0, "--plan-seconds", min=0.05, max=86_400, help="Wait between plannings of due links."
    ),
) -> None:
    """Send scheduled questionnaire links and reminders by e-mail or SMS; expire old links.

    Needs ATTUNE_SECRET_KEY (the same as `attune serve`: the links are signed with it) and
    ATTUNE_SMTP_HOST and/or ATTUNE_SMS_ACCOUNT_SID (with ATTUNE_SMS_AUTH_TOKEN and
    ATTUNE_SMS_FROM); each patient gets their preferred channel when it is configured, else
    the other, else the message is skipped, visibly. Several workers may run at once on
    PostgreSQL; on SQLite run one. SIGTERM finishes the job in hand, then exits. Jobs that
    finished more than ATTUNE_JOB_RETENTION_DAYS (30) ago are deleted as it plans.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.delivery import SmtpConfig, SmtpEmailSender
    from attunement.delivery.sms import TwilioSmsSender
    from attunement.services import Channels

    settings = settings_from_cli()
    if settings.secret_key is None:
        raise ConfigurationError(
            "ATTUNE_SECRET_KEY", "is required by the worker (the app checks its links with it)"
        )
    engine = open_database(settings)
    ctx = operator_context(settings, engine)
    email = None
    if settings.smtp_host:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        email = SmtpEmailSender(
            SmtpConfig(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.smtp_from,
                user=settings.smtp_user,
                password=password,
                starttls=settings.smtp_starttls,
            )
        )
    sms = None
    if settings.sms_account_sid or settings.sms_auth_token or settings.sms_from:
        token = settings.sms_auth_token.get_secret_value() if settings.sms_auth_token else None
        sms = TwilioSmsSender.from_settings(  # a missing one of the three: ConfigurationError
            account_sid=settings.sms_account_sid,
            auth_token=token,
            sender=settings.sms_from,
            base_url=settings.sms_base_url,
            timeout_seconds=settings.sms_timeout_seconds,
        )
    channels = Channels(public_url=settings.public_url, email=email, sms=sms)
    module = importlib.import_module(WORKER_MODULE)
    runner = module.Worker(
        ctx,
        channels,
        lease=dt.timedelta(seconds=lease_seconds),
        poll_seconds=poll_seconds,
        plan_every_seconds=plan_seconds,
        job_retention=dt.timedelta(days=settings.job_retention_days),
    )
    done = runner.run(once=once)
    typer.echo(
        f"worker {done.name}: planned {done.planned} link(s), ran {done.jobs} job(s), "
        f"deleted {done.purged} finished job(s)"
    )
    engine.dispose()
