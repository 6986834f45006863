"""Engines and migrations: SQLite (WAL, foreign keys on) by default, PostgreSQL by URL.

Durability is a stated choice. SQLite runs in WAL mode with ``synchronous=FULL`` by default:
the WAL is synced at every commit, so an acknowledged write survives a power loss or an
operating-system crash. ``ATTUNE_SQLITE_SYNCHRONOUS=NORMAL`` syncs only at checkpoints:
faster commits, still consistent and still safe against a killed process, but "a
transaction committed in WAL mode with synchronous=NORMAL might roll back following a power
loss or system crash" (SQLite documentation, PRAGMA synchronous,
https://www.sqlite.org/pragma.html#pragma_synchronous; and Write-Ahead Logging,
https://www.sqlite.org/wal.html, "Performance Considerations").

Every engine hides SQL parameters (``hide_parameters=True``): a database error's message
never quotes the values of the statement (a patient's name, answers), wherever the error
is logged or printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from attunement._private_files import create_private
from attunement.errors import ConfigurationError
from attunement.store._sqlite_levels import SQLITE_SYNCHRONOUS, SqliteSynchronous

__all__ = [
    "SQLITE_SYNCHRONOUS",
    "SqliteSynchronous",
    "alembic_config",
    "check_connection",
    "make_engine",
    "make_sessionmaker",
    "migrate",
]

_MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(synchronous: SqliteSynchronous) -> Any:
    if synchronous not in SQLITE_SYNCHRONOUS:  # a constant from the list, never user text
        raise ConfigurationError(
            "ATTUNE_SQLITE_SYNCHRONOUS", f"{synchronous!r}; allowed: FULL, NORMAL"
        )

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return on_connect


def make_engine(
    url: str,
    *,
    setting: str = "ATTUNE_DATABASE_URL",
    sqlite_synchronous: SqliteSynchronous = "FULL",
    pool_size: int | None = None,
    max_overflow: int | None = None,
) -> Engine:
    """Create an engine for ``url``; SQLite files get their directory created.

    ``sqlite_synchronous`` is SQLite's durability level (see the module docstring).
    ``pool_size`` connections are kept open, ``max_overflow`` more opened under load
    (``ATTUNE_DB_POOL_SIZE``, ``ATTUNE_DB_MAX_OVERFLOW``; None: SQLAlchemy's 5 and 10).
    Raises ConfigurationError (naming ``setting``) when the URL is malformed.
    """
    pool: dict[str, int] = {}
    if pool_size is not None:
        pool["pool_size"] = pool_size
    if max_overflow is not None:
        pool["max_overflow"] = max_overflow
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(setting, f"{url!r} is not a database URL ({exc})") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
                create_private(Path(parsed.database).expanduser())  # health data: 0600
            except OSError as exc:
                raise ConfigurationError(
                    setting, f"cannot create {str(folder)!r} ({exc.strerror})"
                ) from None
        in_memory = parsed.database in (None, "", ":memory:")  # one shared connection, no pool
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            hide_parameters=True,
            **({} if in_memory else pool),
        )
        event.listen(engine, "connect", _sqlite_pragmas(sqlite_synchronous))
        return engine
    try:
        return create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 5},
            hide_parameters=True,
            **pool,
        )
    except (ArgumentError, ImportError) as exc:
        raise ConfigurationError(setting, f"cannot use {parsed.drivername!r} ({exc})") from None


def check_connection(engine: Engine, *, setting: str = "ATTUNE_DATABASE_URL") -> None:
    """Connect once, or raise a one-line ConfigurationError without the password."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, SQLAlchemyError) as exc:
        reason = str(exc.orig if hasattr(exc, "orig") and exc.orig else exc).splitlines()[0]
        safe = engine.url.render_as_string(hide_password=True)
        raise ConfigurationError(setting, f"cannot connect to {safe} ({reason})") from None


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations and this engine."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (idempotent; used by ``attune db upgrade``)."""
    check_connection(engine)
    command.upgrade(alembic_config(engine), revision)
