"""``attune users``: create and list clinic accounts (as the operator).

The CLI acts as ``OperatorActor(name=<login name>)`` (here and in ``attune patients`` and
``attune audit``): whoever runs ``attune`` on the server already holds the database, so the
commands do not impersonate a clinic user; what the operator reads about patients is
audited under ``operator:<name>``.
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import TYPE_CHECKING

import typer

from attunement import services  # loads its names on first use (ROLES needs no pydantic)
from attunement.cli._app import fail, sub_app
from attunement.cli._context import open_database, settings_from_cli

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from attunement.services import ServiceContext
    from attunement.settings import Settings


def operator() -> services.OperatorActor:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return services.OperatorActor(name=name[:80] or "unknown")


def operator_context(settings: Settings, engine: Engine) -> ServiceContext:
    """A service context; CLI use cases sign nothing, so a missing secret is not needed.

    The audit keys are needed (every use case appends to the keyed audit chain): in
    production ``ATTUNE_AUDIT_KEY`` or ``ATTUNE_AUDIT_KEY_FILE`` must be set.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services import InputLimits, service_context

    key = settings.secret_key.get_secret_value() if settings.secret_key else "cli-no-signing"
    return service_context(
        engine,
        signing_key=key,
        audit_keys=settings.audit_keyring(),
        audit_anchor_dir=settings.effective_audit_anchor_dir,
        caseness=settings.caseness_convention,
        overdue_days=settings.overdue_days,
        risk_escalation_hours=settings.risk_escalation_hours,
        clinic_language=settings.clinic_language,
        limits=InputLimits.from_settings(settings),
    )


users_app = sub_app("users", "Manage clinic accounts (admins, supervisors, clinicians).")

_DB_HELP = "Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."


@users_app.command("create")
def create(
    username: str = typer.Argument(..., help="Sign-in name (lowercase letters, digits, . _ -)."),
    *,
    role: str = typer.Option(..., "--role", help=f"One of: {', '.join(services.ROLES)}."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input (required)."
    ),
    display_name: str | None = typer.Option(
        None, "--display-name", help="Name shown in the app (default: the username)."
    ),
    supervisor: str | None = typer.Option(
        None, "--supervisor", help="Username of the clinician's supervisor."
    ),
    also_clinician: bool = typer.Option(
        False, "--also-clinician", help="An admin who also treats patients (own caseload)."
    ),
    email: str | None = typer.Option(
        None, "--email", help="Where notifications are e-mailed (they never name a patient)."
    ),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Create an account; the password is read from stdin, never from the command line."""
    if not password_stdin:
        raise fail("give the password on standard input with --password-stdin")
    if role not in services.ROLES:
        raise fail(f"role: {role!r} is not allowed; allowed: {', '.join(services.ROLES)}")
    # start-up: loaded when the command runs, so `attune --help` stays light
    from pydantic import ValidationError

    from attunement.errors import invalid_input
    from attunement.services import UserCreate, create_user

    password = sys.stdin.readline().rstrip("\r\n")
    try:
        data = UserCreate(
            username=username,
            display_name=display_name or username,
            role=role,  # checked against ROLES above
            password=password,  # pydantic wraps it in SecretStr
            supervisor=supervisor,
            also_clinician=also_clinician,
            email=email,
        )
    except ValidationError as error:  # the field, the value and what is allowed
        raise invalid_input(error, names={"email": "--email"}) from None
    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        user = create_user(operator_context(settings, engine), operator(), data)
    finally:
        engine.dispose()
    typer.echo(f"created {user.role} {user.username!r} (id {user.id})")


@users_app.command("list")
def list_(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """List every account with role, supervisor and whether it is active."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from rich.console import Console
    from rich.table import Table

    from attunement.services import list_users

    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        users = list_users(operator_context(settings, engine), operator())
    finally:
        engine.dispose()
    if as_json:
        rows = [u.model_dump(mode="json") for u in users]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table("id", "username", "name", "role", "supervisor", "active")
    names = {u.id: u.username for u in users}
    for u in users:
        role = f"{u.role} + clinician" if u.also_clinician else u.role
        supervisor = names.get(u.supervisor_id, "") if u.supervisor_id else ""
        table.add_row(str(u.id), u.username, u.display_name, role, supervisor, str(u.active))
    Console().print(table)


@users_app.command("deactivate")
def deactivate(
    username: str = typer.Argument(..., help="The account to deactivate."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Deactivate an account; its tokens and sessions stop working at once."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services import deactivate_user, list_users

    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        context, actor = operator_context(settings, engine), operator()
        match = [u for u in list_users(context, actor) if u.username == username]
        if not match:
            raise fail(f"user: {username!r} not found")
        deactivate_user(context, actor, match[0].id)
    finally:
        engine.dispose()
    typer.echo(f"deactivated {username!r}")


@users_app.command("approve")
def approve(
    username: str = typer.Argument(..., help="The account the approval is for."),
    *,
    role: str | None = typer.Option(
        None, "--role", help="Approve creating the account with this role."
    ),
    supervisor: str | None = typer.Option(
        None,
        "--supervisor",
        help="With --role: the new clinician's supervisor. Alone: approve linking the "
        "existing clinician USERNAME to this supervisor.",
    ),
    also_clinician: bool = typer.Option(
        False, "--also-clinician", help="With --role admin: an admin who also treats patients."
    ),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Approve, as the operator, one grant of clinical access an admin will make.

    An admin alone may not give clinical access (an admin or supervisor account,
    also-clinician, a supervisor link); the change they make through the API uses up an
    approval recorded here or by another admin (valid 24 hours), or needs a break-glass
    reason.
    """
    if role is not None and role not in services.ROLES:
        raise fail(f"role: {role!r} is not allowed; allowed: {', '.join(services.ROLES)}")
    if role is None and supervisor is None:
        raise fail("give --role (an account to create) or --supervisor (a link to approve)")
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services import AccessGrantCreate, approve_access

    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        grant = approve_access(
            operator_context(settings, engine),
            operator(),
            AccessGrantCreate(
                kind="account" if role is not None else "supervisor_link",
                username=username,
                role=role,  # checked against ROLES above
                also_clinician=also_clinician,
                supervisor=supervisor,
            ),
        )
    finally:
        engine.dispose()
    typer.echo(f"approval {grant.id} recorded; usable until {grant.expires_at.isoformat()}")


@users_app.command("grants")
def grants(
    break_glass: bool = typer.Option(
        False, "--break-glass", help="Only grants made by break glass (the alerts)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """The register of clinical-access grants: approvals, their use, and break-glass grants."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from rich.console import Console
    from rich.table import Table

    from attunement.services import list_access_grants

    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        rows = list_access_grants(
            operator_context(settings, engine), operator(), break_glass_only=break_glass
        )
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    table = Table("id", "grant", "account", "approved by", "used by", "break glass")
    for r in rows:
        what = r.kind if r.role is None else f"{r.kind} ({r.role})"
        table.add_row(
            str(r.id),
            what,
            r.username,
            r.approved_by,
            r.used_by or "unused",
            r.break_glass_reason or "",
        )
    Console().print(table)
