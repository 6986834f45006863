"""``attune report`` and ``attune export`` on a seeded synthetic clinic."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from attunement.cli import app
from attunement.services import ServiceContext
from tests.documents.conftest import SECRET, patient_ids

runner = CliRunner()


def _env(ctx: ServiceContext) -> dict[str, str]:
    engine = ctx.sessions.kw["bind"]
    return {
        "ATTUNE_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "ATTUNE_SECRET_KEY": SECRET,
    }


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("html", b"<!doctype html>")])
def test_report_patient_writes_the_file_and_prints_its_path(
    sqlite_clinic: ServiceContext, tmp_path: Path, fmt: str, magic: bytes
) -> None:
    target = tmp_path / f"patient.{fmt}"
    patient = patient_ids(sqlite_clinic)[1]
    result = runner.invoke(
        app,
        ["report", "patient", str(patient), "--format", fmt, "--output", str(target)],
        env=_env(sqlite_clinic),
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(target)
    assert target.read_bytes().startswith(magic)


def test_report_clinic_writes_html_with_the_synthetic_label(
    sqlite_clinic: ServiceContext, tmp_path: Path
) -> None:
    target = tmp_path / "clinic.html"
    result = runner.invoke(
        app,
        ["report", "clinic", "--format", "html", "--output", str(target)],
        env=_env(sqlite_clinic),
    )
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in target.read_text(encoding="utf-8")


def test_report_of_an_unknown_patient_is_a_one_line_error(
    sqlite_clinic: ServiceContext, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        ["report", "patient", "9999", "--output", str(tmp_path / "x.pdf")],
        env=_env(sqlite_clinic),
    )
    assert result.exit_code == 2
    assert "patient 9999 not found" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_export_csv_writes_data_and_dictionary(
    sqlite_clinic: ServiceContext, tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["export", "--format", "csv", "--output", str(tmp_path)], env=_env(sqlite_clinic)
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "attunement_export.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    assert all(row["patient_name"] for row in rows)
    assert f"{len(rows)} rows" in result.output
    assert (tmp_path / "data_dictionary.csv").exists()


def test_deidentified_parquet_export_has_no_names_and_no_plain_ids(
    sqlite_clinic: ServiceContext, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        ["export", "--format", "parquet", "--deidentify", "--output", str(tmp_path)],
        env=_env(sqlite_clinic),
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(tmp_path / "attunement_export.parquet").to_pylist()
    plain = {str(p) for p in patient_ids(sqlite_clinic)}
    assert all(row["patient_name"] is None for row in table)
    assert not {row["patient_id"] for row in table} & plain
    assert all(len(row["patient_id"]) == 24 for row in table)


def test_export_without_format_and_output_says_what_it_needs(
    sqlite_clinic: ServiceContext,
) -> None:
    result = runner.invoke(app, ["export", "--format", "csv"], env=_env(sqlite_clinic))
    assert result.exit_code == 2
    assert "--format csv|parquet and --output DIR" in result.output
