"""Storage: tables, engines, migrations. SQLite by default, PostgreSQL by URL."""

from attunement.store._engine import (
    SQLITE_SYNCHRONOUS,
    SqliteSynchronous,
    alembic_config,
    check_connection,
    make_engine,
    make_sessionmaker,
    migrate,
)
from attunement.store._queries import latest_episode
from attunement.store._status_table import EpisodeStatusRecord
from attunement.store._tables import (
    AccessGrant,
    Administration,
    ApiToken,
    AuditEntry,
    Base,
    CdsTokenUse,
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
    "SQLITE_SYNCHRONOUS",
    "AccessGrant",
    "Administration",
    "ApiToken",
    "AuditEntry",
    "Base",
    "CdsTokenUse",
    "Episode",
    "EpisodeStatusRecord",
    "EtrModel",
    "Invitation",
    "LoginThrottle",
    "Patient",
    "RiskEventRecord",
    "ScoreRecord",
    "SqliteSynchronous",
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
