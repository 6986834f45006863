"""``attune serve``: run the clinic application (REST API and web pages) with uvicorn.

Logging is configured here (:func:`attunement.security.serve_log_config`): one stderr
handler whose filters drop tokens and exception messages, the app's own access log (route
templates, never paths or query strings) instead of uvicorn's. ``X-Forwarded-For`` and
``X-Forwarded-Proto`` are believed only from the proxies listed in
``ATTUNE_TRUSTED_PROXIES`` (none by default).

``--workers N`` runs N uvicorn worker processes on one socket. The parent migrates the
database, checks the settings by building the app once and recomputes stale statuses, then
spawns the workers, each building its app from the environment
(:func:`attunement.http.create_app_from_env`). Every piece of state the workers share —
sessions, tokens, sign-in lockout, invitation use, CDS Hooks ``jti`` replay, idempotency keys,
the audit chain — lives in the database; several processes need PostgreSQL.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import typer

from attunement.cli._app import app
from attunement.cli._context import open_database, settings_from_cli
from attunement.errors import InputError

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy import Engine

    from attunement.settings import Settings

_LOGGERS = ("uvicorn", "uvicorn.access", "uvicorn.error", "attunement", "sqlalchemy")

#: The app factory every worker process calls (``--workers`` > 1).
APP_FACTORY = "attunement.http.app:create_app_from_env"
#: The app builder of a one-process server, named as a string like the factory: the CLI
#: and the HTTP layer are both edges and never import each other.
APP_BUILDER = "attunement.http.app:create_app"
#: What prepares a built app's routes before it listens (a worker's factory calls it too).
ROUTE_WARMER = "attunement.http.app:warm_routes"

#: The most worker processes ``--workers`` accepts (each holds its own connection pool).
MAX_WORKERS = 64


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
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=MAX_WORKERS,
        help="Worker processes on one port; more than 1 needs PostgreSQL.",
    ),
) -> None:
    """Migrate the database, then serve the API under /api/v1 (and the web pages).

    Behind a reverse proxy, list its address in ATTUNE_TRUSTED_PROXIES, or every client
    looks like the proxy (one shared sign-in budget). Logs go to stderr without health
    data: route templates only, exceptions without their messages. With --workers N the
    database is migrated once, then N processes serve the same port; they share all state
    through the database, so several workers need PostgreSQL (ATTUNE_DATABASE_URL).
    """
    settings = settings_from_cli(database_url=db, insecure_cookies=insecure_cookies or None)
    if workers > 1:
        check_workers(settings, workers)
    secure_cookies = not settings.insecure_cookies
    engine = open_database(settings)  # migrates first, once, before any worker starts
    try:
        if workers == 1:
            run_server(settings, engine, host=host, port=port, secure_cookies=secure_cookies)
            return
        application = prepare_app(settings, engine, secure_cookies=secure_cookies)
    finally:
        engine.dispose()
    run_workers(settings, application, host=host, port=port, workers=workers)


def check_workers(settings: Settings, workers: int) -> None:
    """Refuse several worker processes on SQLite (InputError naming the flag and the fix)."""
    if not settings.effective_database_url.startswith("postgresql"):
        raise InputError(
            "--workers",
            workers,
            "1 on SQLite; several worker processes need PostgreSQL (set ATTUNE_DATABASE_URL "
            "or --db to a postgresql:// URL; see 'Production layout' in the README)",
        )


def prepare_app(settings: Settings, engine: Engine, *, secure_cookies: bool) -> FastAPI:
    """Build the app (refusing unsafe settings before listening); refresh stale statuses."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from uvicorn.importer import import_from_string

    from attunement.i18n import resolve_language
    from attunement.services import refresh_stale_statuses
    from attunement.wording import statuses_recomputed_words

    create_app = import_from_string(APP_BUILDER)
    application: FastAPI = create_app(settings, engine=engine, secure_cookies=secure_cookies)
    stale = refresh_stale_statuses(application.state.context)  # after a migration or upgrade
    if stale:
        language = resolve_language(settings.clinic_language)
        typer.echo(statuses_recomputed_words(stale, language))
    return application


def run_server(
    settings: Settings, engine: Engine, *, host: str, port: int, secure_cookies: bool
) -> None:
    """Build the app (refusing unsafe settings before listening) and run uvicorn on it."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    import uvicorn
    from uvicorn.importer import import_from_string

    from attunement.security import install_log_redaction

    application = prepare_app(settings, engine, secure_cookies=secure_cookies)
    import_from_string(ROUTE_WARMER)(application)
    server = uvicorn.Server(server_config(settings, application, host=host, port=port))
    install_log_redaction(*_LOGGERS)  # uvicorn's handlers exist once the config is built
    typer.echo(f"serving on http://{host}:{port} (API: /api/v1, OpenAPI: /api/v1/openapi.json)")
    server.run()


def run_workers(
    settings: Settings, application: FastAPI, *, host: str, port: int, workers: int
) -> None:
    """Run ``workers`` uvicorn processes on one socket, each app built from the environment.

    The workers are fresh interpreters: the flags reach them as settings in the environment
    (``ATTUNE_DATABASE_URL``, ``ATTUNE_INSECURE_COOKIES``). In demo and dev mode without
    ``ATTUNE_SECRET_KEY``, the secret this process drew is passed on, so a session signed in
    one worker is valid in the others. SIGTERM or Ctrl-C stops every worker.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from uvicorn.supervisors import Multiprocess

    from attunement.security import install_log_redaction

    os.environ["ATTUNE_DATABASE_URL"] = settings.effective_database_url
    if settings.insecure_cookies:
        os.environ["ATTUNE_INSECURE_COOKIES"] = "true"
    if settings.secret_key is None:  # demo/dev only: production refused a missing secret
        os.environ["ATTUNE_SECRET_KEY"] = application.state.context.signing_key
    config = server_config(settings, APP_FACTORY, host=host, port=port, workers=workers)
    install_log_redaction(*_LOGGERS)
    typer.echo(
        f"serving on http://{host}:{port} with {workers} worker processes "
        "(API: /api/v1, OpenAPI: /api/v1/openapi.json)"
    )
    Multiprocess(config, sockets=[config.bind_socket()]).run()


def server_config(
    settings: Settings, application: object, *, host: str, port: int, workers: int = 1
) -> Any:
    """The uvicorn configuration: our log config, our access log, explicit proxies only.

    ``application`` is the app itself, or with ``workers`` > 1 the import string of the app
    factory each worker calls.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    import uvicorn

    from attunement.security import serve_log_config

    proxies = settings.trusted_proxy_list
    return uvicorn.Config(
        application,  # type: ignore[arg-type]
        host=host,
        port=port,
        workers=workers,
        factory=workers > 1,
        log_config=serve_log_config(),
        access_log=False,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or [],
        server_header=False,
    )
