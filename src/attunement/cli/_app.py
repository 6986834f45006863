"""The Typer application and its one error mapping.

Every ``AttunementError`` raised below a command becomes a one-line message on stderr and
exit code 2, and so does an ``OSError`` (a path that cannot be written or read: the
environment's problem, not a bug — e.g. ``--output /proc/nope``); nothing else is caught,
so a genuine bug still shows its traceback. Files a command reads go through the one
loader, :mod:`attunement.cli._files`.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from attunement.errors import AttunementError

__all__ = ["EXIT_USAGE", "AttuneGroup", "app", "fail"]

EXIT_USAGE = 2


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` to stderr and return the Exit to raise (code 2)."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(EXIT_USAGE)


class AttuneGroup(TyperGroup):
    """A command group that maps Attunement's typed errors to exit code 2."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click Context
        try:
            return super().invoke(ctx)
        except AttunementError as error:
            raise fail(error.message) from None
        except typer.BadParameter as error:  # e.g. a directory where a file is expected
            raise fail(f"{error.format_message()} (see --help)") from None
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            raise fail(f"{where}{error.strerror or type(error).__name__}") from None


def _typer(help_text: str) -> typer.Typer:
    return typer.Typer(
        cls=AttuneGroup,
        help=help_text,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        rich_markup_mode=None,
    )


app = _typer(
    "Attunement: evidence-based responsiveness in psychotherapy — assess the patient, "
    "tailor the relationship and treatment, routinely monitor outcome and alliance.\n\n"
    "Settings are ATTUNE_* environment variables (README, Configuration): "
    "ATTUNE_DATABASE_URL, ATTUNE_DATA_DIR, ATTUNE_MODE, ATTUNE_SECRET_KEY, "
    "ATTUNE_PUBLIC_URL, ATTUNE_CDS_TRUST_FILE; the audit trail's ATTUNE_AUDIT_KEY (or "
    "ATTUNE_AUDIT_KEY_FILE) and ATTUNE_AUDIT_ANCHOR_DIR; ATTUNE_TRUSTED_PROXIES (reverse "
    "proxies whose X-Forwarded-For is believed); ATTUNE_SQLITE_SYNCHRONOUS (FULL or NORMAL); "
    "ATTUNE_CASENESS_CONVENTION (published or nhs_talking_therapies cut-offs); "
    "ATTUNE_OVERDUE_DAYS (the caseload's measurement interval); "
    "ATTUNE_RISK_ESCALATION_HOURS (when an unacknowledged risk notification goes to the "
    "supervisor); ATTUNE_JOB_RETENTION_DAYS (how long attune worker keeps finished jobs); "
    "ATTUNE_CLINIC_LANGUAGE (the clinic's language: clinician pages and plans); "
    "request "
    "limits ATTUNE_MAX_BODY_BYTES, ATTUNE_MAX_UNVERIFIED_BODY_BYTES and "
    "ATTUNE_MAX_FHIR_ENTRIES; ATTUNE_CLOCK_SKEW_SECONDS (how far ahead a given time may lie); "
    "ATTUNE_DB_POOL_SIZE and ATTUNE_DB_MAX_OVERFLOW (database connections per process); "
    "ATTUNE_INSECURE_COOKIES (plain-http cookies, demo and dev only); "
    "ATTUNE_PATIENT_SEES_OWN_CHART (the patient's own outcome chart after a self-report); "
    "text messages: ATTUNE_SMS_ACCOUNT_SID, ATTUNE_SMS_AUTH_TOKEN, ATTUNE_SMS_FROM, "
    "ATTUNE_SMS_BASE_URL, ATTUNE_SMS_TIMEOUT_SECONDS; the e-mail server of attune worker: "
    "ATTUNE_SMTP_HOST, ATTUNE_SMTP_PORT, ATTUNE_SMTP_USER, ATTUNE_SMTP_PASSWORD, "
    "ATTUNE_SMTP_STARTTLS, ATTUNE_SMTP_FROM."
)


def sub_app(name: str, help_text: str) -> typer.Typer:
    """Create and mount a command group (e.g. ``attune db``)."""
    group = _typer(help_text)
    app.add_typer(group, name=name, help=help_text)
    return group
