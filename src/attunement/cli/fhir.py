"""``attune export fhir`` and ``attune import fhir``: a patient's record as HL7 FHIR R4.

The ``export`` group belongs to :mod:`attunement.cli.report` (``attune export --format
csv|parquet`` is its research export); this module adds the ``fhir`` subcommand to it and
creates the ``import`` group (``attune import fhir``; other importers may add theirs with
``@import_app.command(...)``). Both run as the operator (your login name) and are recorded
in the audit trail as ``operator:<name>``.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from attunement._private_files import write_private_text
from attunement.cli._app import sub_app
from attunement.cli._context import open_database, settings_from_cli
from attunement.cli._files import check_output_file, load_data_file
from attunement.cli.report import export_app
from attunement.cli.users import operator, operator_context
from attunement.errors import InputError

__all__ = ["import_app"]

import_app = sub_app(
    "import", "Import data from other systems (HL7 FHIR R4; a clinic in bulk from CSV or FHIR)."
)

_DB_HELP = "Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."
_BASE_HELP = (
    "Public base URL of this Attunement server; canonical URLs are <base>/fhir/... "
    "(default: ATTUNE_PUBLIC_URL, as the API uses; keep export and import the same)."
)


@export_app.command("fhir")
def export_fhir(
    patient: int = typer.Option(..., "--patient", help="Attunement id of the patient."),
    output: Path = typer.Option(..., "--output", help="File to write the FHIR Bundle (JSON) to."),
    base_url: str | None = typer.Option(None, "--base-url", help=_BASE_HELP),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Write the patient's record as a FHIR R4 collection Bundle: Patient, Questionnaires,
    QuestionnaireResponses, score Observations (LOINC where it exists) and the CarePlan."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.fhir import FhirBase
    from attunement.services.interop import export_patient_fhir

    check_output_file("--output", output)

    settings = settings_from_cli(database_url=db, public_url=base_url)
    engine = open_database(settings)
    try:
        record = export_patient_fhir(
            operator_context(settings, engine),
            operator(),
            patient,
            base=FhirBase(base_url=settings.public_url),
        )
    finally:
        engine.dispose()
    write_private_text(output, json.dumps(record, indent=2, ensure_ascii=False))
    typer.echo(f"{len(record.get('entry', []))} resources")
    typer.echo(str(output))


@import_app.command("fhir")
def import_fhir(
    file: Path = typer.Argument(..., help="A FHIR R4 Bundle or QuestionnaireResponse (JSON)."),
    patient: int | None = typer.Option(
        None,
        "--patient",
        help="Put every response on this patient (default: each response's subject, "
        "Patient/<external id>).",
    ),
    base_url: str | None = typer.Option(None, "--base-url", help=_BASE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Import QuestionnaireResponses for known instruments into the patients' open episodes.

    Each response is checked against its Questionnaire and scored; a response already
    imported is skipped. Exit code 1 when any resource was refused (each is listed with
    its reasons), 0 otherwise.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.fhir import FhirBase
    from attunement.services.interop import import_fhir_document

    document = load_data_file(file, json_only=True)  # the CLI's one loader
    if not isinstance(document, dict):
        raise InputError("FILE", str(file), "a FHIR resource (a JSON object)")
    settings = settings_from_cli(database_url=db, public_url=base_url)
    engine = open_database(settings)
    try:
        report = import_fhir_document(
            operator_context(settings, engine),
            operator(),
            document,
            base=FhirBase(base_url=settings.public_url),
            patient_id=patient,
        )
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        for row in report.imported:
            scales = ", ".join(f"{k} {v:g}" for k, v in row.scales.items() if v is not None)
            flags = f" FLAGS: {', '.join(row.flags)}" if row.flags else ""
            typer.echo(
                f"{row.status}: {row.resource_id or row.index} → patient {row.patient_id}, "
                f"{row.instrument} ({scales}){flags}"
            )
            for note in row.notes:
                typer.echo(f"  note: {note}")
        for refused in report.refused:
            typer.echo(f"refused: {refused['resource_id'] or refused['index']}", err=True)
            for reason in refused["reasons"]:
                typer.echo(f"  {reason}", err=True)
        typer.echo(
            f"{sum(r.status == 'imported' for r in report.imported)} imported, "
            f"{sum(r.status == 'already_imported' for r in report.imported)} already imported, "
            f"{len(report.refused)} refused, {len(report.ignored)} ignored"
        )
    if report.refused:
        raise typer.Exit(1)
