"""Bulk import translators: a clinic's records from another system as import rows.

``read_fhir_rows`` translates FHIR R4 Patient, EpisodeOfCare and QuestionnaireResponse
resources (profile in :mod:`._bulk_fhir`); ``read_csv_rows`` reads the CSV files
(patients, episodes, administrations; columns in :data:`CSV_COLUMNS` and the README).
Every problem is an :class:`ImportRowError` naming the file, line or entry, field, value
and what is allowed. The services layer (:mod:`attunement.services.bulk_import`) scores
and stores the rows in batches.
"""

from attunement.interop._bulk_csv import CSV_COLUMNS, CsvKind, csv_kind, read_csv_rows
from attunement.interop._bulk_fhir import FhirRows, read_fhir_rows
from attunement.interop._bulk_order import patient_units
from attunement.interop._bulk_records import (
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
    "FhirRows",
    "ImportRow",
    "ImportRowError",
    "PatientRow",
    "RowSource",
    "csv_kind",
    "patient_units",
    "read_csv_rows",
    "read_fhir_rows",
]
