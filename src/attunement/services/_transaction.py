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
    """Run the block in one transaction; nothing is half-written when it fails."""
    session = sessions()
    try:
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
