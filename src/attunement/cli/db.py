"""``attune db``: schema management."""

from __future__ import annotations

import typer

from attunement.cli._app import sub_app
from attunement.cli._context import open_database, settings_from_cli

db_app = sub_app("db", "Manage the database schema.")


@db_app.command("upgrade")
def upgrade(
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."
    ),
) -> None:
    """Migrate the database to the newest schema (safe to run again)."""
    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    typer.echo(f"database at newest schema: {engine.url.render_as_string(hide_password=True)}")
