"""Row formats: a clinic's records as rows, in (bulk import) and out (research export).

Research export: long-format CSV/Parquet with a data dictionary, optionally de-identified
(``write_export``, ``Pseudonymizer``; risk events, plans and accommodations as their own
tables: ``risk_table``, ``plan_table``, ``accommodation_table``, the last two written
together from one pass, ``plan_tables``; the episodes with their
end reasons, ``episode_table``; whether the plan was followed, ``followed_table``).

Bulk import: ``read_csv_rows`` reads the CSV files
(patients, episodes, administrations; columns in :data:`CSV_COLUMNS` and the README).
Every problem is an :class:`ImportRowError` naming the file, line or entry, field, value
and what is allowed (FHIR R4 input becomes the same rows through
:func:`attunement.fhir.read_fhir_rows`). The services layer
(:mod:`attunement.services.bulk_import`) scores and stores the rows in batches.
"""

from attunement.exports._export import (
    ExportFiles,
    ExportRow,
    ExportTable,
    JointTables,
    Pseudonymizer,
    TableLayout,
    atomic_write,
    deidentify_row,
    write_export,
)
from attunement.exports._export_course import (
    COURSE_COLUMNS,
    CoursePredictionRow,
    course_prediction_row,
    course_table,
    deidentify_course_row,
)
from attunement.exports._export_episodes import (
    EpisodeExportRow,
    deidentify_episode_row,
    episode_table,
)
from attunement.exports._export_followed import (
    PlanFollowedRow,
    deidentify_followed_row,
    followed_rows,
    followed_table,
)
from attunement.exports._export_plan import (
    AccommodationRow,
    PlanLine,
    PlanRow,
    accommodation_rows,
    accommodation_table,
    deidentify_plan_row,
    plan_rows,
    plan_table,
    plan_table_rows,
    plan_tables,
)
from attunement.exports._export_risk import (
    RiskEventRow,
    deidentify_risk_row,
    risk_event_rows,
    risk_table,
)
from attunement.exports._export_rows import AdministrationRecord, episode_rows
from attunement.exports._import_csv import CSV_COLUMNS, CsvKind, csv_kind, read_csv_rows
from attunement.exports._import_order import patient_units
from attunement.exports._import_rows import (
    AdministrationRow,
    EpisodeRow,
    ImportRow,
    ImportRowError,
    PatientRow,
    RowSource,
)

__all__ = [
    "COURSE_COLUMNS",
    "CSV_COLUMNS",
    "AccommodationRow",
    "AdministrationRecord",
    "AdministrationRow",
    "CoursePredictionRow",
    "CsvKind",
    "EpisodeExportRow",
    "EpisodeRow",
    "ExportFiles",
    "ExportRow",
    "ExportTable",
    "ImportRow",
    "ImportRowError",
    "JointTables",
    "PatientRow",
    "PlanFollowedRow",
    "PlanLine",
    "PlanRow",
    "Pseudonymizer",
    "RiskEventRow",
    "RowSource",
    "TableLayout",
    "accommodation_rows",
    "accommodation_table",
    "atomic_write",
    "course_prediction_row",
    "course_table",
    "csv_kind",
    "deidentify_course_row",
    "deidentify_episode_row",
    "deidentify_followed_row",
    "deidentify_plan_row",
    "deidentify_risk_row",
    "deidentify_row",
    "episode_rows",
    "episode_table",
    "followed_rows",
    "followed_table",
    "patient_units",
    "plan_rows",
    "plan_table",
    "plan_table_rows",
    "plan_tables",
    "read_csv_rows",
    "risk_event_rows",
    "risk_table",
    "write_export",
]
