"""``attune demo``: the main job on the embedded default, on a synthetic clinic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from attunement import wording  # loads its names on first use
from attunement.cli._app import app
from attunement.cli._context import open_database, settings_from_cli
from attunement.cli.serve import run_server

if TYPE_CHECKING:
    from attunement.services import ServiceContext
    from attunement.services.demo_walk import DemoWalk
    from attunement.settings import Settings

DEMO_SEED = 7


@app.command()
def demo(
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: demo.sqlite3 in the data directory)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for the files the demo writes (default: DATA_DIR/demo)."
    ),
    reset: bool = typer.Option(
        False, "--reset", help="Remove the synthetic demo records first and rebuild them."
    ),
    patients: int = typer.Option(24, "--patients", min=1, max=5000, help="Synthetic patients."),
    serve: bool = typer.Option(
        False, "--serve", help="Then serve the clinic app on it at http://127.0.0.1:8000."
    ),
) -> None:
    """Build a synthetic demo clinic and walk the loop: assess, tailor, monitor, report."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services import remove_demo_clinic, seed_demo_clinic, service_context
    from attunement.services.demo_walk import walk_the_loop
    from attunement.simulate import SYNTHETIC_LABEL, simulate_clinic
    from attunement.store import make_sessionmaker

    settings = settings_from_cli(mode="demo")
    data_dir = settings.ensure_data_dir()
    url = db or f"sqlite:///{data_dir / 'demo.sqlite3'}"
    out_dir = out or data_dir / "demo"
    demo_settings = settings_from_cli(mode="demo", database_url=url)
    engine = open_database(demo_settings)
    sessions = make_sessionmaker(engine)
    typer.secho(SYNTHETIC_LABEL, bold=True)
    if reset:
        remove_demo_clinic(sessions)
    now = dt.datetime.now(dt.UTC)
    clinic = simulate_clinic(
        seed=DEMO_SEED, n_patients=patients, start=now.date() - dt.timedelta(days=150)
    )
    summary = seed_demo_clinic(
        sessions, clinic, now=now, caseness=demo_settings.caseness_convention
    )
    verb = "created" if summary.created else "already present (use --reset to rebuild)"
    typer.echo(f"demo clinic {verb} in {engine.url.render_as_string(hide_password=True)}")
    typer.echo(
        f"  {summary.clinicians} clinicians, {summary.patients} patients, "
        f"{summary.episodes} episodes, {summary.sessions} sessions, "
        f"{summary.administrations} administrations"
    )
    if summary.ended_episodes:
        ended = ended_episodes_words(summary.ended_episodes, demo_settings.clinic_language)
        typer.echo(f"  ended episodes (synthetic closes): {ended}")
    context = service_context(
        engine,
        signing_key=demo_settings.signing_key(),
        audit_keys=demo_settings.audit_keyring(),
        audit_anchor_dir=demo_settings.effective_audit_anchor_dir,
        caseness=demo_settings.caseness_convention,
        overdue_days=demo_settings.overdue_days,
        risk_escalation_hours=demo_settings.risk_escalation_hours,
    )
    _print_demo_accounts(context, demo_settings)
    walk = walk_the_loop(context, out_dir)
    _print_walk(walk)
    _print_schedule(now)
    if serve:
        run_server(demo_settings, engine, host="127.0.0.1", port=8000, secure_cookies=False)
    engine.dispose()


def ended_episodes_words(ended: Mapping[str, int], language: str) -> str:
    """The demo's closed episodes counted by end reason, each reason named by its label in
    ``language`` (the one wording the reports and pages use), never by its key."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import resolve_language
    from attunement.monitoring import load_end_reasons

    reasons = wording.end_reasons_in(load_end_reasons(), resolve_language(language))
    return ", ".join(f"{count} {reasons.label(key)}" for key, count in ended.items())


def _print_demo_accounts(context: ServiceContext, settings: Settings) -> None:
    """Demo sign-ins with fresh passwords (demo mode only; synthetic accounts)."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services import seed_demo_accounts

    accounts = seed_demo_accounts(context, mode=settings.mode)
    typer.secho("demo accounts — DEMO ONLY, synthetic, new passwords on every run:", bold=True)
    for account in accounts:
        typer.echo(f"  {account.username:<16} {account.password:<18} {account.role}")


def _print_schedule(now: dt.datetime) -> None:
    """The schedule at work: two weeks fast-forwarded on a throw-away database (SYNTHETIC)."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services.demo_schedule import walk_the_schedule

    typer.secho(
        "schedule — SYNTHETIC: two patients on a weekly schedule, two weeks fast-forwarded "
        "(links expire after 4 days, one reminder after 2; e-mails and text messages to "
        "in-memory outboxes):",
        bold=True,
    )
    shown = walk_the_schedule(now)
    for line in shown.days:
        typer.echo(f"  {line}")
    typer.echo("  due list: " + ", ".join(f"{k}: {n}" for k, n in shown.states.items()))


def _print_walk(walk: DemoWalk) -> None:
    """Monitor, tailor, report: what the loop found on the synthetic caseload."""
    typer.secho(
        "monitor — caseload, most urgent first (open risk events, then red, yellow … white; "
        "each by deterioration, then days since last seen):",
        bold=True,
    )
    typer.echo(
        "  "
        + ", ".join(
            f"{key if key == 'open risk event' else wording.alert_words(key).name}: {count}"
            for key, count in walk.by_alert.items()
        )
    )
    for entry in walk.caseload[:5]:
        alert = "OPEN RISK" if entry.risk_flag else wording.alert_words(entry.alert).name
        latest = wording.format_number(entry.latest)
        overdue = " OVERDUE" if entry.overdue else ""
        typer.echo(
            f"  {alert:<10} {entry.display_name:<28} latest {latest:<5} "
            f"({wording.value_words(entry.category) if entry.category else 'no category yet'}; "
            f"{entry.clinician}){overdue}"
        )
    if walk.featured is not None:
        typer.secho(
            f"tailor — plan for the most urgent patient, {walk.featured.display_name}:", bold=True
        )
        if walk.plan_safety:
            typer.echo(f"  {walk.plan_safety}")
        if walk.risk_history:
            typer.echo(f"  risk history: {walk.risk_history} answered risk event(s) (synthetic)")
        typer.echo(
            f"  directiveness {wording.value_words(walk.plan_directiveness)}, "
            f"stance {wording.value_words(walk.plan_stance)}, "
            f"focus {wording.value_words(walk.plan_focus)}; "
            f"status {wording.alert_words(walk.status_alert).name} "
            f"({wording.value_words(walk.status_category)})"
        )
    typer.secho("files (synthetic):", bold=True)
    for path in walk.files:
        typer.echo(f"  {path}")
