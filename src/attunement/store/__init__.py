"""Storage: tables, engines, migrations. SQLite by default, PostgreSQL by URL."""

from attunement.store._engine import (
    alembic_config,
    check_connection,
    make_engine,
    make_sessionmaker,
    migrate,
)
from attunement.store._tables import (
    Administration,
    Base,
    Episode,
    Patient,
    ScoreRecord,
    TherapySession,
    User,
)

__all__ = [
    "Administration",
    "Base",
    "Episode",
    "Patient",
    "ScoreRecord",
    "TherapySession",
    "User",
    "alembic_config",
    "check_connection",
    "make_engine",
    "make_sessionmaker",
    "migrate",
]
