"""``attune import csv`` and ``attune import fhir-bulk``: a clinic's records from another
system, in batches.

Reads the CSV files (patients, episodes, administrations; any names, told apart by their
header — README, Bulk import) or the FHIR R4 Bundles / NDJSON files (Patient,
EpisodeOfCare, QuestionnaireResponse), groups the rows per patient and imports them through
:func:`attunement.services.bulk_import.run_import` as the admin named by ``--as`` (one
transaction and one audit entry per batch). A progress bar is drawn on a terminal only.
Exit 0 when every row is imported or already was; 2 with ``file:line: field: …`` when a
row is refused (the batches before it stay imported; fix the row and run again — the run
resumes, skipping what is already in).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import typer

from attunement._markers import N_
from attunement.cli._context import open_database, settings_from_cli
from attunement.cli.fhir import import_app
from attunement.cli.users import operator_context
from attunement.errors import InputError, InvalidFile

if TYPE_CHECKING:
    from attunement.exports import ImportRow, RowSource
    from attunement.services import Actor, ServiceContext
    from attunement.services.bulk_import import RunReport
    from attunement.settings import Settings

__all__ = ["import_csv"]

_OTHER_TYPES_IGNORED: Final = N_("resources of other types ignored: %(count)s")
_WORKERS_HELP: Final = (
    "Processes importing batches side by side (PostgreSQL only; 1 to 8, about one per core)."
)


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv"))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError("DIR_OR_FILES", str(path), "a CSV file or a folder of CSV files")
    if not found:
        raise InputError("DIR_OR_FILES", ", ".join(map(str, paths)), "at least one .csv file")
    return found


@import_app.command("csv")
def import_csv(
    paths: list[Path] = typer.Argument(..., help="CSV files, or folders of them."),
    as_user: str = typer.Option(
        ..., "--as", help="Username of the clinic admin the import is done (and audited) as."
    ),
    batch_size: int = typer.Option(
        1000, "--batch-size", min=1, help="Rows per batch (one transaction each)."
    ),
    workers: int = typer.Option(1, "--workers", help=_WORKERS_HELP),
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."
    ),
) -> None:
    """Import patients, episodes and administrations from CSV files, in batches.

    Re-running the same files imports nothing twice; a run stopped part-way resumes after
    its last committed batch.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.exports import read_csv_rows

    files = _files(paths)
    rows: list[ImportRow] = []
    for file in files:
        try:
            with file.open(encoding="utf-8", newline="") as handle:
                rows.extend(read_csv_rows(handle, file=file.name))
        except UnicodeDecodeError:
            raise InputError(str(file), "not UTF-8", "a UTF-8 text file") from None
    order = {"PatientRow": 0, "EpisodeRow": 1, "AdministrationRow": 2}
    rows.sort(key=lambda r: order[type(r).__name__])  # stable: file order within a kind
    settings = settings_from_cli(database_url=db)
    _import(rows, as_user=as_user, batch_size=batch_size, workers=workers, settings=settings)


@import_app.command("fhir-bulk")
def import_fhir_bulk(  # noqa: PLR0917  (Typer options)
    paths: list[Path] = typer.Argument(
        ..., help="FHIR R4 Bundles (.json) or NDJSON files (.ndjson, one resource a line)."
    ),
    as_user: str = typer.Option(
        ..., "--as", help="Username of the clinic admin the import is done (and audited) as."
    ),
    batch_size: int = typer.Option(
        1000, "--batch-size", min=1, help="Rows per batch (one transaction each)."
    ),
    workers: int = typer.Option(1, "--workers", help=_WORKERS_HELP),
    base_url: str | None = typer.Option(
        None, "--base-url", help="Public base URL of this server (canonical URLs; see import fhir)."
    ),
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."
    ),
) -> None:
    """Import Patients, EpisodeOfCares and QuestionnaireResponses (FHIR R4), in batches.

    The profile is in the README (Bulk import). Re-running the same files imports nothing
    twice; a run stopped part-way resumes after its last committed batch.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.fhir import FhirBase, read_fhir_rows

    resources: list[tuple[Any, RowSource]] = []
    for file in paths:
        resources.extend(_fhir_resources(file))
    settings = settings_from_cli(database_url=db, public_url=base_url)
    found = read_fhir_rows(resources, base=FhirBase(base_url=settings.public_url))
    if found.ignored:  # in the clinic's language
        # start-up: loaded when the command runs, so `attune --help` stays light
        from attunement.i18n import resolve_language, translate

        language = resolve_language(settings.clinic_language)
        typer.echo(translate(_OTHER_TYPES_IGNORED, language, count=str(found.ignored)), err=True)
    rows = list(found.rows)
    _import(rows, as_user=as_user, batch_size=batch_size, workers=workers, settings=settings)


def _fhir_resources(file: Path) -> Iterator[tuple[Any, RowSource]]:
    """(resource, where) of a Bundle, a single resource, or an NDJSON file."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.exports import RowSource

    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidFile(str(file), "not UTF-8 text") from None
    if file.suffix.lower() == ".ndjson":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield _json(line, f"{file.name}:{number}"), RowSource(file.name, number)
        return
    document = _json(text, file.name)
    if isinstance(document, dict) and document.get("resourceType") == "Bundle":
        entries = document.get("entry") or []
        if not isinstance(entries, list):
            raise InvalidFile(file.name, "Bundle.entry is not a list")
        for index, entry in enumerate(entries):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            yield resource, RowSource(file.name, index, entry=True)
    else:
        yield document, RowSource(file.name, 1)


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise InvalidFile(where, f"not JSON ({type(error).__name__})") from None


def _import(
    rows: list[ImportRow], *, as_user: str, batch_size: int, workers: int, settings: Settings
) -> None:
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.exports import patient_units
    from attunement.i18n import resolve_language
    from attunement.services.bulk_import import importer_actor
    from attunement.wording import bulk_import_words

    engine = open_database(settings)
    try:
        ctx = operator_context(settings, engine)
        actor = importer_actor(ctx, as_user)
        total = len(rows)
        units = list(patient_units(rows))
        del rows
        report = _run(
            ctx,
            actor,
            units,
            batch_size=batch_size,
            workers=workers,
            worker_context=functools.partial(_worker_context, settings),
            total=total,
        )
    finally:
        engine.dispose()
    language = resolve_language(settings.clinic_language)
    typer.echo(bulk_import_words(report.imported, report.skipped, report.batches, language))


def _run(
    ctx: ServiceContext,
    actor: Actor,
    units: list[list[ImportRow]],
    *,
    batch_size: int,
    workers: int,
    worker_context: Callable[[], ServiceContext],
    total: int,
) -> RunReport:
    """Run the import with a progress bar on a terminal (stderr), silently otherwise."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services.bulk_import import run_import

    run = functools.partial(
        run_import, batch_size=batch_size, workers=workers, worker_context=worker_context
    )
    if not sys.stderr.isatty():
        return run(ctx, actor, units)
    # start-up: loaded when the command runs, so `attune --help` stays light
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as progress:
        task = progress.add_task("importing rows", total=total)
        return run(ctx, actor, units, on_batch=lambda done: progress.advance(task, done.rows))


def _worker_context(settings: Settings) -> ServiceContext:
    """The service context of an import worker process (``--workers``): its own engine on
    the database the run was started on (already migrated)."""
    return operator_context(settings, open_database(settings, upgrade=False))
