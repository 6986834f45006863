"""``attune audit``: verify the audit trail's hash chain."""

from __future__ import annotations

import json

import typer

from attunement.cli._app import fail, sub_app
from attunement.cli._context import open_database, settings_from_cli
from attunement.cli.users import operator, operator_context
from attunement.services import verify_audit_chain

audit_app = sub_app("audit", "The append-only, hash-chained audit trail.")


@audit_app.command("verify")
def verify(
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."
    ),
) -> None:
    """Recompute every entry's SHA-256 chain; exit 2 naming the first broken entry.

    Keep the printed head hash somewhere else: it lets a later check prove that no newest
    entries were removed.
    """
    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        result = verify_audit_chain(operator_context(settings, engine), operator())
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), indent=2))
    if not result.intact:
        raise fail(f"audit trail broken at entry {result.broken_at}: {result.problem}")
    if not as_json:
        typer.echo(f"audit trail intact: {result.entries} entries, head hash {result.head_hash}")
