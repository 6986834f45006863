"""The research export: long-format CSV or Parquet with its data dictionary.

One row per patient × session × scale: the raw answers of the administration, the scale's
score, and — on the monitored outcome scale — the monitoring Status at that session. The
columns, their types and meanings are declared once (:data:`COLUMNS`) and written both as
``data_dictionary.csv`` and, for Parquet, as field metadata. Further tables (the risk
events and their responses, :mod:`._export_risk`) are written beside it as
:class:`ExportTable` s, each with its own section of the same data dictionary; tables drawn
from one costly read (a plan and its accommodations) as one :class:`JointTables`, whose
files are written together from a single pass.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
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
    "JointTables",
    "Pseudonymizer",
    "TableLayout",
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
class TableLayout:
    """A further table of the export without its rows: its file stem and columns."""

    stem: str
    rows_are: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class ExportTable(TableLayout):
    """A further table of the export: its file stem, columns and rows (field names). The
    rows may be an iterator read as they are written (once)."""

    rows: Iterable[BaseModel]


@dataclass(frozen=True)
class JointTables:
    """Further tables written together from one pass: ``rows`` gives each row with the
    place of its table in ``layouts``, and every row goes to its table's file as it comes.
    For tables drawn from the same costly read (a plan and its accommodations): the read
    runs once and no table is held to be written later."""

    layouts: tuple[TableLayout, ...]
    rows: Iterable[tuple[int, BaseModel]]


@dataclass(frozen=True)
class ExportFiles:
    data: Path
    dictionary: Path
    rows: int
    tables: tuple[Path, ...] = ()
    #: the rows written to each further table, in the order of ``tables``
    table_rows: tuple[int, ...] = ()


_Write = Callable[[BaseModel], None]

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


@contextmanager
def _csv_file(target: Path, columns: Sequence[Column]) -> Iterator[_Write]:
    """A function writing one row at a time to ``target`` (its header written first)."""
    names = [c.name for c in columns]
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)

        def write(row: BaseModel) -> None:
            values = row.model_dump()
            writer.writerow([_csv_cell(values[name]) for name in names])

        yield write


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


@contextmanager
def _parquet_file(
    target: Path, columns: Sequence[Column], metadata: dict[str, str]
) -> Iterator[_Write]:
    """A function writing rows to ``target`` in row groups of :data:`PARQUET_BATCH` (a
    table without rows still gets its one empty row group)."""
    schema = _arrow_schema(columns, metadata)
    batch: list[BaseModel] = []
    flushed = 0
    with pq.ParquetWriter(target, schema) as writer:

        def write(row: BaseModel) -> None:
            nonlocal flushed
            batch.append(row)
            if len(batch) == PARQUET_BATCH:
                writer.write_table(_arrow_table(batch, schema, columns))
                flushed += len(batch)
                batch.clear()

        yield write
        if batch or not flushed:
            writer.write_table(_arrow_table(batch, schema, columns))


def _atomic_files(paths: Sequence[Path], write: Callable[[list[Path]], None]) -> None:
    """:func:`atomic_write` of several files written together: ``write(temporary paths)``;
    on a failure none of them is renamed onto its path."""

    def nested(done: list[Path], rest: Sequence[Path]) -> None:
        if not rest:
            write(done)
            return
        atomic_write(rest[0], lambda target: nested([*done, target], rest[1:]))

    nested([], paths)


def _write_dictionary(
    target: Path, *, deidentified: bool, tables: Sequence[tuple[str, TableLayout]]
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
    tables: Sequence[ExportTable | JointTables] = (),
) -> ExportFiles:
    """Write the rows, any further ``tables`` and the data dictionary into ``out_dir``
    (atomically, file by file). ``rows`` and each table's rows may be iterators: they are
    written as they come (CSV row by row, Parquet by row group), never held all at once;
    the tables of a :class:`JointTables` are written together from its one pass."""
    suffix = "csv" if fmt == "csv" else "parquet"
    metadata = {
        "producer": "attunement",
        "deidentified": json.dumps(deidentified),
        "synthetic": json.dumps(synthetic),
    }

    def opened(target: Path, layout: TableLayout) -> AbstractContextManager[_Write]:
        if fmt == "csv":
            return _csv_file(target, layout.columns)
        return _parquet_file(target, layout.columns, metadata | {"rows": layout.rows_are})

    def written(joint: JointTables) -> tuple[list[Path], list[int]]:
        """Each table's file, written from the one pass over ``joint.rows``; the rows of each."""
        paths = [out_dir / f"{layout.stem}.{suffix}" for layout in joint.layouts]
        counts = [0] * len(paths)

        def write(targets: list[Path]) -> None:
            with ExitStack() as files:
                writes = [
                    files.enter_context(opened(target, layout))
                    for target, layout in zip(targets, joint.layouts, strict=True)
                ]
                for index, row in joint.rows:
                    writes[index](row)
                    counts[index] += 1

        _atomic_files(paths, write)
        return paths, counts

    main = TableLayout("attunement_export", "one per patient x session x scale", COLUMNS)
    (data,), (rows_written,) = written(JointTables((main,), ((0, row) for row in rows)))
    joints = [_joint(table) for table in tables]
    layouts = [layout for joint in joints for layout in joint.layouts]
    paths: list[Path] = []
    table_rows: list[int] = []
    for joint in joints:
        found, counts = written(joint)
        paths += found
        table_rows += counts
    named = [(f"{layout.stem}.{suffix}", layout) for layout in layouts]
    dictionary = atomic_write(
        out_dir / "data_dictionary.csv",
        lambda target: _write_dictionary(target, deidentified=deidentified, tables=named),
    )
    return ExportFiles(
        data=data,
        dictionary=dictionary,
        rows=rows_written,
        tables=tuple(paths),
        table_rows=tuple(table_rows),
    )


def _joint(table: ExportTable | JointTables) -> JointTables:
    """A table on its own as the one table of a joint pass."""
    if isinstance(table, JointTables):
        return table
    return JointTables((table,), ((0, row) for row in table.rows))
