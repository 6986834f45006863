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
from typing import TYPE_CHECKING, Final

import typer

from attunement._markers import N_
from attunement._private_files import write_private_text
from attunement.cli._app import sub_app
from attunement.cli._context import open_database, settings_from_cli
from attunement.cli._files import check_output_file, load_data_file
from attunement.cli.report import export_app
from attunement.cli.users import operator, operator_context
from attunement.errors import InputError

if TYPE_CHECKING:
    from attunement.services.interop import FhirImportReport

__all__ = ["import_app"]

import_app = sub_app(
    "import", "Import data from other systems (HL7 FHIR R4; a clinic in bulk from CSV or FHIR)."
)

_DB_HELP = "Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."
#: The import report's own words (its reasons and notes come worded from the report)
_ROW_STATUS: Final = {"imported": N_("imported"), "already_imported": N_("already imported")}
_ROW: Final = N_("%(status)s: %(resource)s → patient %(patient)s, %(instrument)s (%(scales)s)")
_FLAGS: Final = N_("FLAGS: %(flags)s")
_NOTE: Final = N_("note: %(note)s")
_REFUSED: Final = N_("refused: %(resource)s")
_IGNORED: Final = N_("ignored: %(resource)s (%(type)s)")
_SUMMARY: Final = N_(
    "%(imported)s imported, %(already)s already imported, %(refused)s refused, %(ignored)s ignored"
)
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
    if as_json:  # data: the English text, as the API gives it
        typer.echo(json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        _echo_report(report, settings.clinic_language)
    if report.refused:
        raise typer.Exit(1)


def _echo_report(report: FhirImportReport, clinic_language: str) -> None:
    """The import report as text in the clinic's language: the reasons and notes from their
    twins (``wording.sentences_in``), figures with the language's decimal separator."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import resolve_language, translate
    from attunement.wording import (
        flag_label,
        format_figure,
        instrument_name,
        scale_label,
        sentences_in,
    )

    language = resolve_language(clinic_language)

    def said(texts: list[str]) -> tuple[str, ...]:
        return sentences_in(texts, report.worded, language)

    for row in report.imported:
        name = instrument_name(row.instrument)
        scales = ", ".join(
            f"{scale_label(row.instrument, k, language).removeprefix(name + ' ')} "
            f"{format_figure(v, 'g', language=language)}"
            for k, v in row.scales.items()
            if v is not None
        )
        line = translate(
            _ROW,
            language,
            status=translate(_ROW_STATUS[row.status], language),
            resource=row.resource_id or str(row.index),
            patient=str(row.patient_id),
            instrument=name,
            scales=scales,
        )
        if row.flags:
            flags = ", ".join(flag_label(row.instrument, flag, language) for flag in row.flags)
            line += " " + translate(_FLAGS, language, flags=flags)
        typer.echo(line)
        for note in said(row.notes):
            typer.echo("  " + translate(_NOTE, language, note=note))
    for refused in report.refused:
        resource = str(refused["resource_id"] or refused["index"])
        typer.echo(translate(_REFUSED, language, resource=resource), err=True)
        for reason in said(refused["reasons"]):
            typer.echo(f"  {reason}", err=True)
    for ignored in report.ignored:
        resource = str(ignored["resource_id"] or ignored["index"])
        kind = str(ignored["resource_type"] or "?")
        typer.echo(translate(_IGNORED, language, resource=resource, type=kind))
        for reason in said([ignored["reason"]]):
            typer.echo(f"  {reason}")
    statuses = [r.status for r in report.imported]
    summary = {
        "imported": str(statuses.count("imported")),
        "already": str(statuses.count("already_imported")),
        "refused": str(len(report.refused)),
        "ignored": str(len(report.ignored)),
    }
    typer.echo(translate(_SUMMARY, language, **summary))
