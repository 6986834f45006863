"""``attune patients``: the operator's view of the patients (an audited read)."""

from __future__ import annotations

import json

import typer

from attunement.cli._app import sub_app
from attunement.cli._context import open_database, settings_from_cli
from attunement.cli.users import operator, operator_context

patients_app = sub_app("patients", "The operator's view of the patients (audited).")


@patients_app.command("list")
def list_(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."
    ),
) -> None:
    """Id, display name, clinician and latest alert of every patient.

    Runs as the operator (your login name); every patient listed is recorded in the audit
    trail as read by ``operator:<name>``.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from rich.console import Console
    from rich.table import Table

    from attunement.services import operator_patient_list

    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        rows = operator_patient_list(operator_context(settings, engine), operator())
    finally:
        engine.dispose()
    if as_json:
        data = [r.model_dump(mode="json") for r in rows]
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    table = Table("id", "display name", "clinician", "latest alert")
    for r in rows:
        alert = (r.latest_alert or "—") + (" + RISK FLAG" if r.risk_flag else "")
        table.add_row(str(r.id), r.display_name, r.clinician, alert)
    Console().print(table)
