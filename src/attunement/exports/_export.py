"""The research export: long-format CSV or Parquet with its data dictionary.

One row per patient × session × scale: the raw answers of the administration, the scale's
score, and — on the monitored outcome scale — the monitoring Status at that session. The
columns, their types and meanings are declared once (:data:`COLUMNS`) and written both as
``data_dictionary.csv`` and, for Parquet, as field metadata. Further tables (the risk
events and their responses, :mod:`._export_risk`) are written beside it as
:class:`ExportTable` s, each with its own section of the same data dictionary.

De-identification (``Pseudonymizer``): names are dropped; patient, episode and clinician
ids become HMAC-SHA256 pseudonyms keyed by a key derived from the installation's secret
(a plain hash of a small id space is reversible by enumeration, a keyed one is not without
the key); every date of a patient is shifted by the same whole number of days (1–182,
either direction) drawn from an HMAC of that patient's id, so intervals within a patient are
kept and calendar dates are not. Files are written to a temporary name and renamed, so a
reader never sees half a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from pydantic import BaseModel, ConfigDict

from attunement._private_files import write_private
from attunement.exports._pseudonyms import MAX_SHIFT_DAYS, Pseudonymizer

__all__ = [
    "COLUMNS",
    "MAX_SHIFT_DAYS",
    "PARQUET_BATCH",
    "Column",
    "ExportFiles",
    "ExportRow",
    "ExportTable",
    "Pseudonymizer",
    "atomic_write",
    "deidentify_row",
    "write_export",
]

ExportFormat = Literal["csv", "parquet"]


@dataclass(frozen=True)
class Column:
    name: str
    type: Literal["string", "int32", "float64", "bool", "date"]
    meaning: str
    identifying: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("patient_id", "string", "Patient id (de-identified: keyed HMAC-SHA256 pseudonym)"),
    Column("patient_name", "string", "Patient display name (empty when de-identified)", True),
    Column("clinician_id", "string", "Treating clinician id (de-identified: pseudonym)"),
    Column("episode_id", "string", "Episode id (de-identified: pseudonym)"),
    Column("session", "int32", "Session number within the episode; 1 = intake"),
    Column("session_date", "date", "Date of the session (de-identified: shifted per patient)"),
    Column("instrument", "string", "Instrument id, e.g. phq9, wai_sr"),
    Column("instrument_version", "string", "Version of the definition that scored it"),
    Column("scale", "string", "Scale id within the instrument, e.g. total, bond"),
    Column("value", "float64", "Scale score; empty when not scorable"),
    Column("band", "string", "Published severity band of the score, if the scale has bands"),
    Column("scorable", "bool", "False when too many items were missing to score"),
    Column("prorated", "bool", "True when missing items were prorated by the scale's rule"),
    Column("missing_items", "string", "Item ids left unanswered, separated by ';'"),
    Column("answers", "string", "Raw answers of the administration in item order (JSON)"),
    Column("language", "string", "Language the instrument was answered in"),
    Column(
        "risk_flag",
        "bool",
        "A risk item was endorsed at this administration (a blank one is in flags only)",
    ),
    Column("flags", "string", "Ids of all flags raised, separated by ';'"),
    Column("monitored", "bool", "This row is the episode's monitored outcome scale"),
    Column("status_change", "float64", "Monitored rows: change since intake (points)"),
    Column("status_rci", "float64", "Monitored rows: reliable change index (Jacobson & Truax)"),
    Column(
        "status_category", "string", "Monitored rows: recovered/improved/unchanged/deteriorated"
    ),
    Column("status_response", "bool", "Monitored rows: response by the instrument's rule"),
    Column("status_remission", "bool", "Monitored rows: remission by the instrument's rule"),
    Column("status_alert", "string", "Monitored rows: alert level white/green/yellow/red"),
    Column("expected_value", "float64", "Monitored rows: expected score at this session"),
    Column("expected_low", "float64", "Monitored rows: lower bound of the expected band"),
    Column("expected_high", "float64", "Monitored rows: upper bound of the expected band"),
    Column("expected_method", "string", "Monitored rows: rational or empirical expectation"),
    Column("alliance_state", "string", "Monitored rows: alliance ok/at_risk/rupture"),
    Column("synthetic", "bool", "True for records of the synthetic demo clinic"),
)
_NAMES = tuple(c.name for c in COLUMNS)
_ARROW: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int32": pa.int32(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
}


class ExportRow(BaseModel):
    """One patient × session × scale row (field names are :data:`COLUMNS`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str
    patient_name: str | None
    clinician_id: str
    episode_id: str
    session: int
    session_date: dt.date | None
    instrument: str
    instrument_version: str
    scale: str
    value: float | None
    band: str | None = None
    scorable: bool | None = None
    prorated: bool | None = None
    missing_items: str | None = None
    answers: str
    language: str
    risk_flag: bool = False
    flags: str | None = None
    monitored: bool = False
    status_change: float | None = None
    status_rci: float | None = None
    status_category: str | None = None
    status_response: bool | None = None
    status_remission: bool | None = None
    status_alert: str | None = None
    expected_value: float | None = None
    expected_low: float | None = None
    expected_high: float | None = None
    expected_method: str | None = None
    alliance_state: str | None = None
    synthetic: bool = False


def deidentify_row(row: ExportRow, pseudonymizer: Pseudonymizer) -> ExportRow:
    """The row with the name dropped, ids pseudonymised and the date shifted per patient."""
    shift = dt.timedelta(days=pseudonymizer.shift_days(row.patient_id))
    return row.model_copy(
        update={
            **pseudonymizer.record_ids(row.patient_id, row.clinician_id, row.episode_id),
            "patient_name": None,
            "session_date": row.session_date + shift if row.session_date else None,
        }
    )


@dataclass(frozen=True)
class ExportTable:
    """A further table of the export: its file stem, columns and rows (field names). The
    rows may be an iterator read as they are written (once)."""

    stem: str
    rows_are: str
    columns: tuple[Column, ...]
    rows: Iterable[BaseModel]


@dataclass(frozen=True)
class ExportFiles:
    data: Path
    dictionary: Path
    rows: int
    tables: tuple[Path, ...] = ()
    #: the rows written to each further table, in the order of ``tables``
    table_rows: tuple[int, ...] = ()


#: Rows converted to Arrow and written per Parquet row group: the writer's memory.
PARQUET_BATCH = 10_000


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary path)`` in ``path``'s folder, then rename it onto ``path``:
    a private file (0600), whole or not at all (``attunement._private_files``)."""
    return write_private(path, write)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_csv(rows: Iterable[BaseModel], columns: Sequence[Column], target: Path) -> int:
    """Write the rows one at a time; the number written."""
    names = [c.name for c in columns]
    count = 0
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for row in rows:
            values = row.model_dump()
            writer.writerow([_csv_cell(values[name]) for name in names])
            count += 1
    return count


def _arrow_schema(columns: Sequence[Column], metadata: dict[str, str]) -> pa.Schema:
    return pa.schema(
        [
            pa.field(c.name, _ARROW[c.type], nullable=True, metadata={"meaning": c.meaning})
            for c in columns
        ],
        metadata=metadata,
    )


def _arrow_table(
    rows: Sequence[BaseModel], schema: pa.Schema, columns: Sequence[Column]
) -> pa.Table:
    dumped = [row.model_dump() for row in rows]
    arrays = [pa.array([d[c.name] for d in dumped], type=_ARROW[c.type]) for c in columns]
    return pa.Table.from_arrays(arrays, schema=schema)


def _write_parquet(
    rows: Iterable[BaseModel], columns: Sequence[Column], metadata: dict[str, str], target: Path
) -> int:
    """Write the rows in row groups of :data:`PARQUET_BATCH`; the number written."""
    schema = _arrow_schema(columns, metadata)
    count = 0
    with pq.ParquetWriter(target, schema) as writer:
        batch: list[BaseModel] = []
        for row in rows:
            batch.append(row)
            if len(batch) == PARQUET_BATCH:
                writer.write_table(_arrow_table(batch, schema, columns))
                count, batch = count + len(batch), []
        if batch or not count:
            writer.write_table(_arrow_table(batch, schema, columns))
            count += len(batch)
    return count


def _write_dictionary(
    target: Path, *, deidentified: bool, tables: Sequence[tuple[str, ExportTable]]
) -> None:
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["column", "type", "meaning", "in_deidentified_export"])
        for column in COLUMNS:
            present = "no (left empty)" if column.identifying else "yes"
            writer.writerow([column.name, column.type, column.meaning, present])
        writer.writerow([])
        writer.writerow(["# export", "deidentified" if deidentified else "identified"])
        writer.writerow(["# rows", "one per patient x session x scale"])
        for name, table in tables:
            writer.writerow([])
            writer.writerow(["# file", name])
            writer.writerow(["# rows", table.rows_are])
            writer.writerow(["column", "type", "meaning", "in_deidentified_export"])
            for column in table.columns:
                present = "no (left empty)" if column.identifying else "yes"
                writer.writerow([column.name, column.type, column.meaning, present])


def write_export(
    rows: Iterable[ExportRow],
    out_dir: Path,
    *,
    fmt: ExportFormat,
    deidentified: bool,
    synthetic: bool,
    tables: Sequence[ExportTable] = (),
) -> ExportFiles:
    """Write the rows, any further ``tables`` and the data dictionary into ``out_dir``
    (atomically, file by file). ``rows`` and each table's rows may be iterators: they are
    written as they come (CSV row by row, Parquet by row group), never held all at once."""
    suffix = "csv" if fmt == "csv" else "parquet"
    metadata = {
        "producer": "attunement",
        "deidentified": json.dumps(deidentified),
        "synthetic": json.dumps(synthetic),
    }
    counts: list[int] = []

    def writer(
        data: Iterable[BaseModel], columns: Sequence[Column], rows_are: str
    ) -> Callable[[Path], None]:
        def write_data(target: Path) -> None:
            if fmt == "csv":
                counts.append(_write_csv(data, columns, target))
            else:
                counts.append(_write_parquet(data, columns, metadata | {"rows": rows_are}, target))

        return write_data

    main = writer(rows, COLUMNS, "one per patient x session x scale")
    data = atomic_write(out_dir / f"attunement_export.{suffix}", main)
    named = [(f"{t.stem}.{suffix}", t) for t in tables]
    written = tuple(
        atomic_write(out_dir / name, writer(t.rows, t.columns, t.rows_are)) for name, t in named
    )
    dictionary = atomic_write(
        out_dir / "data_dictionary.csv",
        lambda target: _write_dictionary(target, deidentified=deidentified, tables=named),
    )
    return ExportFiles(
        data=data,
        dictionary=dictionary,
        rows=counts[0],
        tables=written,
        table_rows=tuple(counts[1:]),
    )
