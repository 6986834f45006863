"""Row formats: a clinic's records as rows, in (bulk import) and out (research export).

Bulk import: ``read_csv_rows`` reads the CSV files
(patients, episodes, administrations; columns in :data:`CSV_COLUMNS` and the README).
Every problem is an :class:`ImportRowError` naming the file, line or entry, field, value
and what is allowed (FHIR R4 input becomes the same rows through
:func:`attunement.fhir.read_fhir_rows`). The services layer
(:mod:`attunement.services.bulk_import`) scores and stores the rows in batches.
"""

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
    "CSV_COLUMNS",
    "AdministrationRow",
    "CsvKind",
    "EpisodeRow",
    "ImportRow",
    "ImportRowError",
    "PatientRow",
    "RowSource",
    "csv_kind",
    "patient_units",
    "read_csv_rows",
]
