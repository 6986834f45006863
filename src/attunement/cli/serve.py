"""``attune serve``: run the clinic application (REST API and web pages) with uvicorn.

Logging is configured here (:func:`attunement.security.serve_log_config`): one stderr
handler whose filters drop tokens and exception messages, the app's own access log (route
templates, never paths or query strings) instead of uvicorn's. ``X-Forwarded-For`` and
``X-Forwarded-Proto`` are believed only from the proxies listed in
``ATTUNE_TRUSTED_PROXIES`` (none by default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from attunement.cli._app import app
from attunement.cli._context import open_database, settings_from_cli

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from attunement.settings import Settings

_LOGGERS = ("uvicorn", "uvicorn.access", "uvicorn.error", "attunement", "sqlalchemy")


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
    """Migrate the database, then serve the API under /api/v1 (and the web pages).

    Behind a reverse proxy, list its address in ATTUNE_TRUSTED_PROXIES, or every client
    looks like the proxy (one shared sign-in budget). Logs go to stderr without health
    data: route templates only, exceptions without their messages.
    """
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
    from attunement.services import refresh_stale_statuses

    application = create_app(settings, engine=engine, secure_cookies=secure_cookies)
    stale = refresh_stale_statuses(application.state.context)  # after a migration or upgrade
    if stale:
        typer.echo(f"stored statuses recomputed for {stale} patient(s)")
    server = uvicorn.Server(server_config(settings, application, host=host, port=port))
    install_log_redaction(*_LOGGERS)  # uvicorn's handlers exist once the config is built
    typer.echo(f"serving on http://{host}:{port} (API: /api/v1, OpenAPI: /api/v1/openapi.json)")
    server.run()


def server_config(settings: Settings, application: object, *, host: str, port: int) -> Any:
    """The uvicorn configuration: our log config, our access log, explicit proxies only."""
    import uvicorn

    from attunement.security import serve_log_config

    proxies = settings.trusted_proxy_list
    return uvicorn.Config(
        application,  # type: ignore[arg-type]
        host=host,
        port=port,
        log_config=serve_log_config(),
        access_log=False,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or [],
        server_header=False,
    )
