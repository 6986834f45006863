"""Storage: tables, engines, migrations. SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from attunement._lazy import lazy_exports

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use
    from attunement.store._adherence_table import PlanAdherenceRecord
    from attunement.store._bulk import insert_rows
    from attunement.store._chart_table import EpisodeChartRecord
    from attunement.store._course_table import CoursePredictionRecord
    from attunement.store._engine import (
        alembic_config,
        check_connection,
        make_engine,
        make_sessionmaker,
        migrate,
    )
    from attunement.store._import_table import ImportLedgerEntry
    from attunement.store._learning_table import LearningChange, LearningRevision
    from attunement.store._name_search import (
        NAME_SEARCH_TABLE,
        SQLITE_NAME_SEARCH_DDL,
        is_name_search_table,
        name_search_filter,
        not_an_index_key,
    )
    from attunement.store._norms_table import ClinicNormsRecord
    from attunement.store._notification_tables import NotificationPreference, NotificationRecord
    from attunement.store._prompt_table import PromptDiscussionRecord
    from attunement.store._queries import (
        CURVE_SESSION,
        LIVE_ADMINISTRATION,
        LIVE_SESSION,
        latest_episode,
        one_of_ids,
        open_episode,
        patient_episodes,
    )
    from attunement.store._request_tables import FormDraft, IdempotencyKey
    from attunement.store._schedule_tables import (
        ClinicSettingRecord,
        EpisodeSchedule,
        Job,
        MeasurementOccasion,
        OutboundMessage,
        PatientContact,
    )
    from attunement.store._sqlite_levels import SQLITE_SYNCHRONOUS, SqliteSynchronous
    from attunement.store._status_table import (
        NO_MEASURE_DATE,
        CaseloadCount,
        EpisodeStatusRecord,
    )
    from attunement.store._tables import (
        AUDIT_CHAINS,
        AccessGrant,
        Administration,
        ApiToken,
        AuditChainHead,
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
        name_search_key,
    )

__all__ = [
    "AUDIT_CHAINS",
    "CURVE_SESSION",
    "LIVE_ADMINISTRATION",
    "LIVE_SESSION",
    "NAME_SEARCH_TABLE",
    "NO_MEASURE_DATE",
    "SQLITE_NAME_SEARCH_DDL",
    "SQLITE_SYNCHRONOUS",
    "AccessGrant",
    "Administration",
    "ApiToken",
    "AuditChainHead",
    "AuditEntry",
    "Base",
    "CaseloadCount",
    "CdsTokenUse",
    "ClinicNormsRecord",
    "ClinicSettingRecord",
    "CoursePredictionRecord",
    "Episode",
    "EpisodeChartRecord",
    "EpisodeSchedule",
    "EpisodeStatusRecord",
    "EtrModel",
    "FormDraft",
    "IdempotencyKey",
    "ImportLedgerEntry",
    "Invitation",
    "Job",
    "LearningChange",
    "LearningRevision",
    "LoginThrottle",
    "MeasurementOccasion",
    "NotificationPreference",
    "NotificationRecord",
    "OutboundMessage",
    "Patient",
    "PatientContact",
    "PlanAdherenceRecord",
    "PromptDiscussionRecord",
    "RiskEventRecord",
    "ScoreRecord",
    "SqliteSynchronous",
    "TherapySession",
    "User",
    "WebSession",
    "alembic_config",
    "check_connection",
    "insert_rows",
    "is_name_search_table",
    "latest_episode",
    "make_engine",
    "make_sessionmaker",
    "migrate",
    "name_search_filter",
    "name_search_key",
    "not_an_index_key",
    "one_of_ids",
    "open_episode",
    "patient_episodes",
]

#: The submodule that defines each name. Importing the package imports none of them, so the
#: settings can name the SQLite levels without SQLAlchemy and Alembic. Any other name loads
#: every submodule, as an eager import did: ``Base.metadata`` then knows every table and the
#: mappers every class, whichever name is used first. A new name goes in three places: the
#: import above, ``__all__`` and here (tests/cli/test_lazy_exports.py checks).
_SUBMODULES: dict[str, tuple[str, ...]] = {
    "_adherence_table": ("PlanAdherenceRecord",),
    "_bulk": ("insert_rows",),
    "_chart_table": ("EpisodeChartRecord",),
    "_course_table": ("CoursePredictionRecord",),
    "_engine": (
        "alembic_config",
        "check_connection",
        "make_engine",
        "make_sessionmaker",
        "migrate",
    ),
    "_queries": (
        "CURVE_SESSION",
        "LIVE_ADMINISTRATION",
        "LIVE_SESSION",
        "latest_episode",
        "one_of_ids",
        "open_episode",
        "patient_episodes",
    ),
    "_import_table": ("ImportLedgerEntry",),
    "_learning_table": ("LearningChange", "LearningRevision"),
    "_name_search": (
        "NAME_SEARCH_TABLE",
        "SQLITE_NAME_SEARCH_DDL",
        "is_name_search_table",
        "name_search_filter",
        "not_an_index_key",
    ),
    "_norms_table": ("ClinicNormsRecord",),
    "_notification_tables": ("NotificationPreference", "NotificationRecord"),
    "_prompt_table": ("PromptDiscussionRecord",),
    "_request_tables": ("FormDraft", "IdempotencyKey"),
    "_schedule_tables": (
        "ClinicSettingRecord",
        "EpisodeSchedule",
        "Job",
        "MeasurementOccasion",
        "OutboundMessage",
        "PatientContact",
    ),
    "_sqlite_levels": ("SQLITE_SYNCHRONOUS", "SqliteSynchronous"),
    "_status_table": ("NO_MEASURE_DATE", "CaseloadCount", "EpisodeStatusRecord"),
    "_tables": (
        "AccessGrant",
        "Administration",
        "AUDIT_CHAINS",
        "ApiToken",
        "AuditChainHead",
        "AuditEntry",
        "Base",
        "CdsTokenUse",
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
        "name_search_key",
    ),
}
__getattr__, __dir__ = lazy_exports(
    __name__,
    globals(),
    _SUBMODULES,
    # every table module with any of them, so Base.metadata knows each table
    load_together=[module for module in _SUBMODULES if module != "_sqlite_levels"],
)
