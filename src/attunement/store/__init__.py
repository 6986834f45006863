"""Storage: tables, engines, migrations. SQLite by default, PostgreSQL by URL."""

from attunement.store._engine import (
    alembic_config,
    check_connection,
    make_engine,
    make_sessionmaker,
    migrate,
)
from attunement.store._queries import latest_episode
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
    RiskEventRecord,
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
    "RiskEventRecord",
    "ScoreRecord",
    "TherapySession",
    "User",
    "WebSession",
    "alembic_config",
    "check_connection",
    "latest_episode",
    "make_engine",
    "make_sessionmaker",
    "migrate",
]
