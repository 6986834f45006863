"""``attune import csv`` (issue 13): exit codes and messages, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.services.world import OPERATOR, PASSWORD, make_context
from typer.testing import CliRunner

from attunement.cli import app
from attunement.services import UserCreate, create_user
from attunement.simulate import simulate_clinic
from attunement.simulate._csv import clinic_csv
from attunement.store import Administration, ImportLedgerEntry

runner = CliRunner()


@pytest.fixture
def export(engine: Engine, tmp_path: Path) -> Path:
    """A synthetic clinic's CSV files, its clinicians and an admin ``boss`` in the database."""
    ctx = make_context(engine)
    today = dt.datetime.now(dt.UTC).date()
    clinic = simulate_clinic(seed=5, n_patients=4, start=today - dt.timedelta(days=150))
    accounts = [(m.username, "clinician") for m in clinic.clinicians] + [("boss", "admin")]
    for username, role in accounts:
        create_user(
            ctx,
            OPERATOR,
            UserCreate(
                username=username,
                display_name=username.title(),
                role=role,  # type: ignore[arg-type]
                password=PASSWORD,  # type: ignore[arg-type]
            ),
        )
    folder = tmp_path / "export"
    folder.mkdir()
    for name, chunks in clinic_csv(clinic, today=today).items():
        (folder / name).write_text("".join(chunks), encoding="utf-8")
    return folder


def _count(engine: Engine, model: type[object]) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)) or 0)


def test_import_csv_imports_then_skips_on_a_second_run(
    engine: Engine, database_url: str, export: Path
) -> None:
    args = ["import", "csv", str(export), "--as", "boss", "--db", database_url]
    first = runner.invoke(app, [*args, "--batch-size", "20"])
    assert first.exit_code == 0, first.output
    assert "patients: 4 imported" in first.stdout
    stored = _count(engine, Administration)
    assert stored > 0
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "patients: 0 imported, 4 already imported" in again.stdout
    assert _count(engine, Administration) == stored


def test_import_csv_refuses_a_clinician_and_an_unknown_account(
    engine: Engine, database_url: str, export: Path
) -> None:
    with engine.connect() as connection:
        clinician = connection.exec_driver_sql(
            "SELECT username FROM users WHERE role = 'clinician' LIMIT 1"
        ).scalar_one()
    for username, said in ((clinician, "only a clinic admin"), ("nobody", "nobody")):
        result = runner.invoke(
            app, ["import", "csv", str(export), "--as", username, "--db", database_url]
        )
        assert result.exit_code == 2
        assert said in result.stderr
        assert "Traceback" not in result.output
    assert _count(engine, ImportLedgerEntry) == 0


def test_import_csv_names_the_bad_row_and_exits_2(
    engine: Engine, database_url: str, export: Path
) -> None:
    path = export / "episodes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("phq9", "phq99")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["import", "csv", str(export), "--as", "boss", "--db", database_url]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: episodes.csv:4: outcome_instrument: 'phq99'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_import_fhir_bulk_reads_ndjson_and_names_a_bad_line(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    import json

    make = make_context(engine)
    create_user(
        make,
        OPERATOR,
        UserCreate(
            username="boss",
            display_name="Boss",
            role="admin",
            password=PASSWORD,  # type: ignore[arg-type]
        ),
    )
    create_user(
        make,
        OPERATOR,
        UserCreate(
            username="ana",
            display_name="Ana",
            role="clinician",
            password=PASSWORD,  # type: ignore[arg-type]
        ),
    )
    patient = {
        "resourceType": "Patient",
        "id": "P1",
        "name": [{"text": "Synthetic Alma"}],
        "generalPractitioner": [{"identifier": {"value": "ana"}}],
    }
    episode = {
        "resourceType": "EpisodeOfCare",
        "id": "E1",
        "status": "active",
        "patient": {"reference": "Patient/P1"},
        "period": {"start": "2026-01-05"},
    }
    file = tmp_path / "clinic.ndjson"
    file.write_text("\n".join(json.dumps(r) for r in (patient, episode)) + "\n", "utf-8")
    args = ["import", "fhir-bulk", str(file), "--as", "boss", "--db", database_url]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "patients: 1 imported" in result.stdout
    assert "episodes: 1 imported" in result.stdout
    file.write_text(json.dumps(patient) + "\n{not json\n", "utf-8")
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2
    assert "clinic.ndjson:2" in refused.stderr


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("es", "recursos de otros tipos omitidos: 2"),
        ("en", "resources of other types ignored: 2"),
    ],
)
def test_import_fhir_bulk_says_how_many_resources_it_ignored_in_the_clinics_language(
    engine: Engine, database_url: str, tmp_path: Path, language: str, said: str
) -> None:
    """Issue 16: a Spanish clinic reads the count of resources of other types in Spanish."""
    import json

    create_user(
        make_context(engine),
        OPERATOR,
        UserCreate(
            username="boss",
            display_name="Boss",
            role="admin",
            password=PASSWORD,  # type: ignore[arg-type]
        ),
    )
    others = ({"resourceType": "Organization", "id": "O1"}, {"resourceType": "Device", "id": "D1"})
    file = tmp_path / "others.ndjson"
    file.write_text("\n".join(json.dumps(r) for r in others) + "\n", "utf-8")
    args = ["import", "fhir-bulk", str(file), "--as", "boss", "--db", database_url]
    result = runner.invoke(app, args, env={"ATTUNE_CLINIC_LANGUAGE": language})
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [said]


def test_import_csv_with_two_workers_on_postgresql_and_refused_on_sqlite(
    engine: Engine, database_url: str, export: Path
) -> None:
    args = ["import", "csv", str(export), "--as", "boss", "--db", database_url, "--workers", "2"]
    result = runner.invoke(app, [*args, "--batch-size", "20"])
    if engine.dialect.name == "sqlite":
        assert result.exit_code == 2, result.output
        assert "workers: 2 is not allowed" in result.output
        assert "more on PostgreSQL" in result.output
        assert _count(engine, ImportLedgerEntry) == 0
        return
    assert result.exit_code == 0, result.output
    assert "patients: 4 imported" in result.stdout
    assert _count(engine, ImportLedgerEntry) > 0
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "patients: 0 imported, 4 already imported" in again.stdout
