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

A PostgreSQL connection that sat idle in the pool for ``ping_after_idle`` seconds (1 by
default) is pinged before it is used again, and replaced when the server has gone away (a
restart, a failover, an idle timeout). SQLAlchemy's ``pool_pre_ping`` pings at every
checkout: a round trip before each request's every read and write, under load one in
three of a status read's round trips (issue 13). A connection in use under load is not
idle; when the server goes away under load, the first statement on a dead connection
fails (a clean "the database failed" error) and SQLAlchemy then replaces every pooled
connection opened before.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, OperationalError, SQLAlchemyError
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
_IDLE_SINCE = "attunement.idle_since"  # a pooled connection's info: when it was returned


def _ping_when_idle(engine: Engine, after: float) -> None:
    """Ping a pooled connection before its use when it was idle ``after`` seconds or more;
    a dead one is replaced (the pool retries the checkout with a new connection)."""
    dialect = engine.dialect

    def returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < after:
            return  # a new connection, or one that was in use a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise DisconnectionError("the pooled connection is gone") from exc
            raise

    event.listen(engine, "checkin", returned)
    event.listen(engine, "checkout", taken)


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
    ping_after_idle: float = 1.0,
) -> Engine:
    """Create an engine for ``url``; SQLite files get their directory created.

    ``sqlite_synchronous`` is SQLite's durability level (see the module docstring).
    ``pool_size`` connections are kept open, ``max_overflow`` more opened under load
    (``ATTUNE_DB_POOL_SIZE``, ``ATTUNE_DB_MAX_OVERFLOW``; None: SQLAlchemy's 5 and 10).
    A PostgreSQL connection idle ``ping_after_idle`` seconds is pinged before its next use
    (see the module docstring). Raises ConfigurationError (naming ``setting``) when the
    URL is malformed.
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
        engine = create_engine(
            url, connect_args={"connect_timeout": 5}, hide_parameters=True, **pool
        )
    except (ArgumentError, ImportError) as exc:
        raise ConfigurationError(setting, f"cannot use {parsed.drivername!r} ({exc})") from None
    _ping_when_idle(engine, ping_after_idle)
    return engine


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
