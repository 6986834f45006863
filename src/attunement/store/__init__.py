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
    ApiToken,
    AuditEntry,
    Base,
    Episode,
    EtrModel,
    Invitation,
    LoginThrottle,
    Patient,
    ScoreRecord,
    TherapySession,
    User,
    WebSession,
)

__all__ = [
    "Administration",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Episode",
    "EtrModel",
    "Invitation",
    "LoginThrottle",
    "Patient",
    "ScoreRecord",
    "TherapySession",
    "User",
    "WebSession",
    "alembic_config",
    "check_connection",
    "make_engine",
    "make_sessionmaker",
    "migrate",
]
