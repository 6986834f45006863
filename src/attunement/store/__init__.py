"""Storage: tables, engines, migrations. SQLite by default, PostgreSQL by URL."""

from attunement.store._chart_table import EpisodeChartRecord
from attunement.store._engine import (
    SQLITE_SYNCHRONOUS,
    SqliteSynchronous,
    alembic_config,
    check_connection,
    make_engine,
    make_sessionmaker,
    migrate,
)
from attunement.store._queries import (
    CURVE_SESSION,
    LIVE_ADMINISTRATION,
    LIVE_SESSION,
    latest_episode,
)
from attunement.store._request_tables import FormDraft, IdempotencyKey
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
    "CURVE_SESSION",
    "LIVE_ADMINISTRATION",
    "LIVE_SESSION",
    "SQLITE_SYNCHRONOUS",
    "AccessGrant",
    "Administration",
    "ApiToken",
    "AuditEntry",
    "Base",
    "CdsTokenUse",
    "Episode",
    "EpisodeChartRecord",
    "EpisodeStatusRecord",
    "EtrModel",
    "FormDraft",
    "IdempotencyKey",
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
