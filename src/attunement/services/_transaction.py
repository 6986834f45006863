"""One transaction per use case: commit on success, roll back and type the error otherwise.

Two kinds (issue 13, reads never block on writes):

* :func:`transaction` — a **write** transaction. On SQLite it takes the write lock up front
  (``BEGIN IMMEDIATE``): a deferred transaction that read first would fail on a concurrent
  commit instead of waiting its turn. SQLite has one writer, and its ``busy_timeout`` lets
  waiting writers poll with growing sleeps, so a busy writer starves the others; within one
  process the writers of a database therefore queue first for :class:`WriterQueue`
  (first come, first served; other processes are still queued by ``busy_timeout``). Keep
  a write short: it holds SQLite's only write lock until it ends.
* :func:`read_transaction` — a **read** transaction. On SQLite a deferred ``BEGIN``: the first
  read takes a snapshot of the write-ahead log, which a writer never blocks and which never
  blocks a writer ("readers do not block writers and a writer does not block readers",
  https://www.sqlite.org/wal.html). On PostgreSQL ``REPEATABLE READ, READ ONLY``: one
  snapshot for the whole use case, and any write inside it is refused by the server. The
  level and the read-only flag are set on the driver's connection before the transaction
  starts, so they travel in its ``BEGIN`` (one round trip fewer than a ``SET TRANSACTION``
  after it) and are reset when the connection goes back to the pool.
* :func:`read_statement` — one read **statement**, for a block that runs exactly one (a
  sign-in check by token). On PostgreSQL without ``BEGIN``/``COMMIT``: a single statement
  sees one snapshot of its own ("each command sees a snapshot as of the start of the
  command", https://www.postgresql.org/docs/15/transaction-iso.html), so the transaction
  around it only cost two round trips. On SQLite as :func:`read_transaction`.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from attunement.errors import Conflict, StorageError

__all__ = ["WRITE_WAIT", "WriterQueue", "read_statement", "read_transaction", "transaction"]

#: How long a write waits for its turn in the process before StorageError (the engine's
#: SQLite ``busy_timeout`` is the same 5 s).
WRITE_WAIT = 5.0


class WriterQueue:
    """A first-come, first-served lock: each waiter is handed the lock in turn on release.

    Re-entrant per thread, so a write nested in a write (which SQLite would refuse after its
    busy timeout anyway) fails as before instead of waiting for ever.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._owner: int | None = None
        self._depth = 0

    def acquire(self, timeout: float) -> bool:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return True
            if self._owner is None:
                self._owner, self._depth = me, 1
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if not turn.wait(timeout):
            with self._mutex:
                if turn in self._waiting:  # still queued: give up the place
                    self._waiting.remove(turn)
                    return False
        with self._mutex:  # handed over by release()
            self._owner, self._depth = me, 1
        return True

    def release(self) -> None:
        with self._mutex:
            self._depth -= 1
            if self._depth:
                return
            self._owner = None
            if self._waiting:
                self._owner = -1  # reserved for the next in line until it takes over
                self._waiting.popleft().set()


_QUEUES: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()
_QUEUES_MUTEX = threading.Lock()


def _writer_queue(engine: Engine) -> WriterQueue:
    with _QUEUES_MUTEX:
        queue = _QUEUES.get(engine)
        if queue is None:
            queue = _QUEUES[engine] = WriterQueue()
        return queue


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """Run the block in one write transaction; nothing is half-written when it fails."""
    session = sessions()
    bind = session.get_bind()
    queue = _writer_queue(bind.engine) if bind.dialect.name == "sqlite" else None
    if queue is not None and not queue.acquire(WRITE_WAIT):
        session.close()
        raise StorageError("the database is busy; nothing was written (try again)")
    try:
        if queue is not None:
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
        if queue is not None:
            queue.release()


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


#: A read transaction's characteristics on PostgreSQL (driver attributes, sent with BEGIN).
_POSTGRES_SNAPSHOT: dict[str, Any] = {
    "isolation_level": "REPEATABLE READ",
    "postgresql_readonly": True,
}
#: One statement, no transaction around it (PostgreSQL).
_POSTGRES_ONE_STATEMENT: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"}


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
            session.connection(execution_options=_POSTGRES_SNAPSHOT)  # sent with its BEGIN
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


@contextmanager
def read_statement(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """Run a block of **one** read statement (or of statements that need not agree with
    each other): on PostgreSQL outside any transaction (each statement is its own
    snapshot); on SQLite in a :func:`read_transaction`. A block whose statements must see
    one state of the database needs :func:`read_transaction`, whose statements share one
    snapshot."""
    session = sessions()
    if session.get_bind().dialect.name != "postgresql":
        session.close()
        with read_transaction(sessions) as session:
            yield session
        return
    try:
        session.connection(execution_options=_POSTGRES_ONE_STATEMENT)
        yield session
    except OperationalError as exc:
        raise StorageError(
            f"the database failed; nothing was read ({type(exc.orig).__name__})"
        ) from None
    finally:
        session.close()
