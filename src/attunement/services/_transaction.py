"""One transaction per use case: commit on success, roll back and type the error otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from attunement.errors import Conflict, StorageError

__all__ = ["transaction"]


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """Run the block in one transaction; nothing is half-written when it fails.

    On SQLite the transaction takes the write lock up front (``BEGIN IMMEDIATE``): every use
    case appends to the audit chain, and a deferred transaction that read first would fail
    on a concurrent commit instead of waiting its turn (SQLite has one writer; the engine's
    ``busy_timeout`` queues them).
    """
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
