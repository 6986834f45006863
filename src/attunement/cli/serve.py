"""``attune serve``: run the clinic application (REST API and web pages) with uvicorn."""

from __future__ import annotations

import typer
from sqlalchemy import Engine

from attunement.cli._app import app
from attunement.cli._context import open_database, settings_from_cli
from attunement.settings import Settings

_LOGGERS = ("uvicorn", "uvicorn.access", "uvicorn.error", "attunement")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."
    ),
    insecure_cookies: bool = typer.Option(
        False,
        "--insecure-cookies",
        help="Send cookies without the Secure flag (plain http; demo and dev mode only).",
    ),
) -> None:
    """Migrate the database, then serve the API under /api/v1 (and the web pages)."""
    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)  # migrates first
    try:
        run_server(settings, engine, host=host, port=port, secure_cookies=not insecure_cookies)
    finally:
        engine.dispose()


def run_server(
    settings: Settings, engine: Engine, *, host: str, port: int, secure_cookies: bool
) -> None:
    """Build the app (refusing unsafe settings before listening) and run uvicorn on it."""
    import uvicorn

    from attunement.api import create_app
    from attunement.security import install_log_redaction

    application = create_app(settings, engine=engine, secure_cookies=secure_cookies)
    config = uvicorn.Config(application, host=host, port=port, proxy_headers=True)
    server = uvicorn.Server(config)
    install_log_redaction(*_LOGGERS)  # uvicorn's handlers exist once the config is built
    typer.echo(f"serving on http://{host}:{port} (API: /api/v1, OpenAPI: /api/v1/openapi.json)")
    server.run()
