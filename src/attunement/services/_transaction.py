"""One transaction per use case: commit on success, roll back and type the error otherwise.

Two kinds (issue 13, reads never block on writes):

* :func:`transaction` — a **write** transaction. On SQLite it takes the write lock up front
  (``BEGIN IMMEDIATE``): a deferred transaction that read first would fail on a concurrent
  commit instead of waiting its turn (SQLite has one writer; the engine's ``busy_timeout``
  queues them). Keep it short: it holds SQLite's only write lock until it ends.
* :func:`read_transaction` — a **read** transaction. On SQLite a deferred ``BEGIN``: the first
  read takes a snapshot of the write-ahead log, which a writer never blocks and which never
  blocks a writer ("readers do not block writers and a writer does not block readers",
  https://www.sqlite.org/wal.html). On PostgreSQL ``REPEATABLE READ, READ ONLY``: one
  snapshot for the whole use case, and any write inside it is refused by the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from attunement.errors import Conflict, StorageError

__all__ = ["read_transaction", "transaction"]


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """Run the block in one write transaction; nothing is half-written when it fails."""
    session = sessions()
    try:
        if session.get_bind().dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        detail = str(exc.orig).splitlines()[0] if exc.orig else "constraint violated"
        raise Conflict(f"the change clashes with stored data ({detail})") from None
    except OperationalError as exc:
        session.rollback()
        raise StorageError(
            f"the database failed; nothing was written ({type(exc.orig).__name__})"
        ) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _writable_again(connection: Connection | None) -> None:
    """Lift SQLite's ``query_only`` before the connection goes back to the pool (on the
    driver's connection, which answers whatever state the transaction was left in)."""
    if connection is None:
        return
    try:
        driver: Any = connection.connection.dbapi_connection
        driver.execute("PRAGMA query_only=OFF")
    except Exception:  # a connection that cannot be reset is never reused
        connection.invalidate()


@contextmanager
def read_transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """Run the block in one read-only snapshot that neither waits for nor holds up writers.

    A write inside it is refused on both databases (SQLite ``PRAGMA query_only``, lifted
    again before the connection returns to the pool; PostgreSQL ``READ ONLY``).
    """
    session = sessions()
    sqlite: Connection | None = None
    try:
        dialect = session.get_bind().dialect.name
        if dialect == "sqlite":
            sqlite = session.connection()
            sqlite.exec_driver_sql("PRAGMA query_only=ON")
            sqlite.exec_driver_sql("BEGIN")  # deferred: a WAL reader
        elif dialect == "postgresql":
            session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        yield session
        _writable_again(sqlite)
        session.commit()  # ends the snapshot (a rollback would expire what was loaded)
    except OperationalError as exc:
        _writable_again(sqlite)
        session.rollback()
        raise StorageError(
            f"the database failed; nothing was read ({type(exc.orig).__name__})"
        ) from None
    except BaseException:
        _writable_again(sqlite)
        session.rollback()
        raise
    finally:
        session.close()
