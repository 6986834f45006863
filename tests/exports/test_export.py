"""The research export: long format, data dictionary, keyed de-identification, atomic files."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from attunement.exports._export import (
    COLUMNS,
    MAX_SHIFT_DAYS,
    PARQUET_BATCH,
    ExportRow,
    ExportTable,
    JointTables,
    Pseudonymizer,
    TableLayout,
    atomic_write,
    deidentify_row,
    write_export,
)

SECRET = "a-test-secret-that-is-long-enough"


def rows() -> list[ExportRow]:
    out = []
    for patient, name in (("1", "Alex A. (synthetic)"), ("2", "Sam B. (synthetic)")):
        for session in (1, 2, 3):
            out.append(
                ExportRow(
                    patient_id=patient,
                    patient_name=name,
                    clinician_id="7",
                    episode_id=f"e{patient}",
                    session=session,
                    session_date=dt.date(2024, 3, 1) + dt.timedelta(weeks=session - 1),
                    instrument="phq9",
                    instrument_version="1.0",
                    scale="total",
                    value=20.0 - 3 * session,
                    band="moderate",
                    scorable=True,
                    prorated=False,
                    answers="[2, 2, 2, 2, 2, 2, 2, 2, 1]",
                    language="en",
                    risk_flag=session == 1,
                    flags="phq9_item9_risk" if session == 1 else None,
                    monitored=True,
                    status_category="improved" if session > 1 else None,
                    synthetic=True,
                )
            )
    return out


def test_deidentified_rows_have_no_names_and_keyed_pseudonyms_not_plain_hashes() -> None:
    clean = [deidentify_row(row, Pseudonymizer(SECRET)) for row in rows()]
    assert all(row.patient_name is None for row in clean)
    plain = {hashlib.sha256(b"1").hexdigest()[:24], hashlib.sha256(b"patient:1").hexdigest()[:24]}
    assert clean[0].patient_id not in plain
    assert clean[0].patient_id != "1"
    assert clean[0].episode_id != "e1"
    other = [deidentify_row(row, Pseudonymizer(SECRET + "-other")) for row in rows()]
    assert other[0].patient_id != clean[0].patient_id


def test_the_same_patient_keeps_one_pseudonym_and_one_date_shift() -> None:
    original = rows()
    clean = [deidentify_row(row, Pseudonymizer(SECRET)) for row in original]
    first = [r for r in clean if r.patient_id == clean[0].patient_id]
    assert len(first) == 3
    shifts = {
        (c.session_date - o.session_date).days  # type: ignore[operator]
        for c, o in zip(clean, original, strict=True)
        if o.patient_id == "1"
    }
    assert len(shifts) == 1
    assert 0 < abs(shifts.pop()) <= MAX_SHIFT_DAYS
    gaps = [(b.session_date - a.session_date) for a, b in itertools.pairwise(first)]  # type: ignore[operator]
    assert gaps == [dt.timedelta(weeks=1)] * 2


@given(st.text(min_size=1, max_size=20))
def test_date_shift_is_never_zero_and_never_beyond_half_a_year(patient_id: str) -> None:
    shift = Pseudonymizer(SECRET).shift_days(patient_id)
    assert 1 <= abs(shift) <= MAX_SHIFT_DAYS


def test_csv_export_has_every_column_in_dictionary_order(tmp_path: Path) -> None:
    files = write_export(rows(), tmp_path, fmt="csv", deidentified=False, synthetic=True)
    written = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    assert written
    assert written == dict.fromkeys(written, 0o600)  # health data: private to the user
    with files.data.open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == [c.name for c in COLUMNS]
    assert len(table) == files.rows == 6
    assert table[0]["value"] == "17.0"
    assert table[0]["risk_flag"] == "true"
    assert table[0]["status_category"] == ""
    with files.dictionary.open(encoding="utf-8") as handle:
        dictionary = [r for r in csv.reader(handle) if r and not r[0].startswith("#")]
    assert [r[0] for r in dictionary[1:]] == [c.name for c in COLUMNS]
    assert all(r[2] for r in dictionary[1:])


def test_parquet_export_keeps_types_meanings_and_the_deidentified_flag(tmp_path: Path) -> None:
    clean = [deidentify_row(row, Pseudonymizer(SECRET)) for row in rows()]
    files = write_export(clean, tmp_path, fmt="parquet", deidentified=True, synthetic=True)
    table = pq.read_table(files.data)
    assert table.num_rows == 6
    assert str(table.schema.field("session").type) == "int32"
    assert str(table.schema.field("session_date").type) == "date32[day]"
    assert table.schema.field("value").metadata[b"meaning"].startswith(b"Scale score")
    assert table.schema.metadata[b"deidentified"] == b"true"
    assert table.column("patient_name").null_count == 6


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "data.csv"
    target.write_text("previous", encoding="utf-8")

    def broken(path: Path) -> None:
        path.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["data.csv"]


def _many(count: int) -> Iterator[ExportRow]:
    """``count`` rows, generated one at a time (never a list)."""
    template = rows()[0]
    for index in range(count):
        yield template.model_copy(update={"session": index + 1})


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_rows_from_an_iterator_are_written_as_they_come_in_row_groups(
    tmp_path: Path, fmt: Literal["csv", "parquet"]
) -> None:
    count = PARQUET_BATCH * 2 + 7  # three Parquet row groups, the last one short
    files = write_export(_many(count), tmp_path, fmt=fmt, deidentified=False, synthetic=True)
    assert files.rows == count
    if fmt == "parquet":
        parquet = pq.ParquetFile(files.data)
        assert parquet.metadata.num_row_groups == 3
        assert parquet.read().column("session").to_pylist() == list(range(1, count + 1))
    else:
        with files.data.open(encoding="utf-8") as handle:
            assert [int(r["session"]) for r in csv.DictReader(handle)] == list(range(1, count + 1))


def test_an_empty_parquet_export_still_has_its_columns(tmp_path: Path) -> None:
    files = write_export(iter(()), tmp_path, fmt="parquet", deidentified=False, synthetic=False)
    table = pq.read_table(files.data)
    assert files.rows == table.num_rows == 0
    assert table.column_names == [c.name for c in COLUMNS]


_FIRST = TableLayout("first_patient", "the first patient's rows", COLUMNS)
_SECOND = TableLayout("second_patient", "the second patient's rows", COLUMNS)


def _by_patient() -> Iterator[tuple[int, ExportRow]]:
    """Each row with its table: the first patient's in the first, the second's in the other."""
    for row in rows():
        yield (0 if row.patient_id == "1" else 1), row


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_joint_tables_from_one_pass_are_the_files_each_table_alone_gives(
    tmp_path: Path, fmt: Literal["csv", "parquet"]
) -> None:
    alone = [
        ExportTable(_FIRST.stem, _FIRST.rows_are, COLUMNS, [r for t, r in _by_patient() if t == 0]),
        ExportTable(
            _SECOND.stem, _SECOND.rows_are, COLUMNS, [r for t, r in _by_patient() if t == 1]
        ),
    ]
    joint = JointTables((_FIRST, _SECOND), _by_patient())
    one = write_export(
        [], tmp_path / "one", fmt=fmt, deidentified=False, synthetic=True, tables=[joint]
    )
    each = write_export(
        [], tmp_path / "each", fmt=fmt, deidentified=False, synthetic=True, tables=alone
    )
    assert (
        [p.name for p in one.tables]
        == [p.name for p in each.tables]
        == [
            f"first_patient.{fmt}",
            f"second_patient.{fmt}",
        ]
    )
    assert one.table_rows == each.table_rows == (3, 3)
    for mine, theirs in zip(
        [one.dictionary, *one.tables], [each.dictionary, *each.tables], strict=True
    ):
        assert mine.read_bytes() == theirs.read_bytes(), mine.name
        assert mine.stat().st_mode & 0o777 == 0o600


def test_a_failed_joint_pass_leaves_none_of_its_files_and_no_temporary(tmp_path: Path) -> None:
    def broken() -> Iterator[tuple[int, ExportRow]]:
        yield from itertools.islice(_by_patient(), 4)  # both tables have rows by now
        raise RuntimeError("the database went away")

    joint = JointTables((_FIRST, _SECOND), broken())
    with pytest.raises(RuntimeError, match="went away"):
        write_export(
            rows(), tmp_path, fmt="csv", deidentified=False, synthetic=True, tables=[joint]
        )
    assert [p.name for p in tmp_path.iterdir()] == ["attunement_export.csv"]  # written before
