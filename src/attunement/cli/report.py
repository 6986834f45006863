"""``attune report`` (patient and clinic reports) and ``attune export`` (research tables).

Both run as the operator (your login name) on the configured database; every patient a
report or an export reads is recorded in the audit trail as read by ``operator:<name>``.

``attune export`` is a command group: called with ``--format`` and ``--output`` it writes
the research export; subcommands (``attune export fhir …``) export other things and are
added by their own modules with ``@export_app.command(...)``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from attunement.cli._app import fail, sub_app
from attunement.cli._context import open_database, settings_from_cli
from attunement.cli._files import check_output_file
from attunement.cli.users import operator, operator_context

__all__ = ["export_app", "report_app"]

_DB_HELP = "Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."


class ReportFormat(StrEnum):
    pdf = "pdf"
    html = "html"


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


report_app = sub_app("report", "Patient progress and clinic reports, as PDF or HTML.")
export_app = sub_app("export", "Export data: research tables (CSV/Parquet) and more.")


@report_app.command("patient")
def patient(
    patient_id: int = typer.Argument(..., help="Id of the patient (see `attune patients list`)."),
    fmt: ReportFormat = typer.Option(ReportFormat.pdf, "--format", help="pdf or html."),
    output: Path = typer.Option(..., "--output", help="File to write (replaced atomically)."),
    patient_page: bool = typer.Option(
        True,
        "--patient-page/--no-patient-page",
        help="Add the plain-language page for the patient, in their language.",
    ),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """The progress report of the patient's latest episode: status, charts, plan, risk."""
    check_output_file("--output", output)
    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        # start-up: loaded when the command runs, so `attune --help` stays light
        from attunement.services.reports import write_patient_report  # heavy: on use only

        path = write_patient_report(
            operator_context(settings, engine),
            operator(),
            patient_id,
            fmt=fmt.value,
            output=output,
            patient_page=patient_page,
        )
    finally:
        engine.dispose()
    typer.echo(str(path))


@report_app.command("clinic")
def clinic(
    fmt: ReportFormat = typer.Option(ReportFormat.pdf, "--format", help="pdf or html."),
    output: Path = typer.Option(..., "--output", help="File to write (replaced atomically)."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Caseload outcomes, effect size with its CI, benchmarks, alerts, accommodations."""
    check_output_file("--output", output)
    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        # start-up: loaded when the command runs, so `attune --help` stays light
        from attunement.services.reports import write_clinic_report  # heavy: on use only

        path = write_clinic_report(
            operator_context(settings, engine), operator(), fmt=fmt.value, output=output
        )
    finally:
        engine.dispose()
    typer.echo(str(path))


@export_app.callback(invoke_without_command=True)
def export(
    ctx: typer.Context,
    fmt: ExportFormat | None = typer.Option(
        None, "--format", help="Research export: csv or parquet (long format)."
    ),
    deidentify: bool = typer.Option(
        False,
        "--deidentify",
        help="No names; ids as keyed HMAC-SHA256 pseudonyms; dates shifted per patient "
        "(needs ATTUNE_SECRET_KEY).",
    ),
    output: Path | None = typer.Option(
        None, "--output", help="Folder for the data file and data_dictionary.csv."
    ),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Research export: one row per patient x session x scale, with a data dictionary."""
    if ctx.invoked_subcommand is not None:
        return
    if fmt is None or output is None:
        raise fail("the research export needs --format csv|parquet and --output DIR")
    settings = settings_from_cli(database_url=db)
    secret = settings.signing_key() if deidentify else None
    engine = open_database(settings)
    try:
        # start-up: loaded when the command runs, so `attune --help` stays light
        from attunement.services.reports import write_research_export  # heavy: on use only

        files = write_research_export(
            operator_context(settings, engine),
            operator(),
            fmt=fmt.value,
            out_dir=output,
            deidentify_with=secret,
        )
    finally:
        engine.dispose()
    typer.echo(f"{files.rows} rows")
    typer.echo(str(files.data))
    typer.echo(str(files.dictionary))
