"""The research export's plans and accommodations (issue 15), and its data dictionary.

Each episode's plan is the app's plan for its patient, line by line; the accommodating lines
are the ones the clinic report counts; de-identified, they join the other tables on the same
pseudonyms; and every column of every file has its entry in ``data_dictionary.csv`` (a
row-model field without a column would be silently dropped: that fails here too).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pyarrow.parquet as pq
import pytest
from pydantic import BaseModel
from sqlalchemy import select
from tests.conftest import SeededCopies
from tests.documents.conftest import OPERATOR, SECRET, seeded_clinic

from attunement.documents import plan_lines
from attunement.errors import AttunementError
from attunement.exports import (
    AccommodationRow,
    ExportFiles,
    PlanFollowedRow,
    PlanRow,
    Pseudonymizer,
    RiskEventRow,
    accommodation_rows,
    accommodation_table,
    deidentify_episode_row,
    deidentify_plan_row,
    plan_rows,
    plan_table,
    write_export,
)
from attunement.exports._export import COLUMNS, Column, ExportRow
from attunement.exports._export_episodes import EPISODE_COLUMNS, EpisodeExportRow
from attunement.exports._export_followed import FOLLOWED_COLUMNS
from attunement.exports._export_plan import ACCOMMODATION_COLUMNS, PLAN_COLUMNS
from attunement.exports._export_risk import RISK_COLUMNS
from attunement.profile import Profile
from attunement.services import ServiceContext
from attunement.services import _status as status_module
from attunement.services._status import patient_profile, tailored_plan
from attunement.services.reports import _research_export, clinic_report, write_research_export
from attunement.store import AuditEntry, Episode, Patient


@pytest.fixture
def clinic(seeded_copies: SeededCopies, backend: str, tmp_path: Path) -> Iterator[ServiceContext]:
    """The seeded synthetic clinic of the report tests, on each backend (a copy)."""
    with seeded_clinic(seeded_copies, backend, tmp_path) as ctx:
        yield ctx


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _dictionary(path: Path) -> dict[str, dict[str, str]]:
    """``{file: {column: meaning}}`` of the data dictionary (the main file first)."""
    sections: dict[str, dict[str, str]] = defaultdict(dict)
    current = "attunement_export.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if not row or row[0] == "column" or row[0] in {"# export", "# rows"}:
                continue
            if row[0] == "# file":
                current = row[1]
                continue
            sections[current][row[0]] = row[2]
    return sections


@pytest.mark.parametrize(
    ("model", "columns"),
    [
        (ExportRow, COLUMNS),
        (RiskEventRow, RISK_COLUMNS),
        (PlanRow, PLAN_COLUMNS),
        (AccommodationRow, ACCOMMODATION_COLUMNS),
        (EpisodeExportRow, EPISODE_COLUMNS),
        (PlanFollowedRow, FOLLOWED_COLUMNS),
    ],
)
def test_every_field_of_a_row_is_a_declared_column_with_a_meaning(
    model: type[BaseModel], columns: tuple[Column, ...]
) -> None:
    assert list(model.model_fields) == [c.name for c in columns]
    assert all(len(c.meaning) > 10 for c in columns)


def test_every_column_of_every_file_has_its_dictionary_entry(
    clinic: ServiceContext, tmp_path: Path
) -> None:
    files = write_research_export(
        clinic, OPERATOR, fmt="csv", out_dir=tmp_path, deidentify_with=SECRET
    )
    dictionary = _dictionary(files.dictionary)
    written = [files.data, *files.tables]
    assert {p.name for p in written} >= {
        "attunement_episodes.csv",
        "attunement_plan.csv",
        "attunement_accommodations.csv",
        "attunement_plan_followed.csv",
    }
    for path in written:
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        entries = dictionary[path.name]
        assert [c for c in header if not entries.get(c)] == [], path.name


def test_each_episodes_plan_is_the_apps_plan_line_by_line(
    clinic: ServiceContext, tmp_path: Path
) -> None:
    files = write_research_export(clinic, OPERATOR, fmt="csv", out_dir=tmp_path)
    rows = _read(tmp_path / "attunement_plan.csv")
    by_episode: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_episode[row["episode_id"]].append(row)
    with clinic.sessions() as session:
        episodes = session.execute(select(Episode, Patient).join(Patient)).all()
        assert episodes
        for episode, patient in episodes:
            lines = (
                plan_lines(tailored_plan(session, patient, clinic_language="en"))
                if patient_profile(patient) is not None
                else []
            )
            exported = by_episode[str(episode.id)]
            assert [r["recommendation_id"] for r in exported] == [
                line.recommendation.id for line in lines
            ]
            assert [r["accommodation"] for r in exported] == [
                line.accommodation or "" for line in lines
            ]
            assert [r["line"] for r in exported] == [str(n) for n in range(1, len(lines) + 1)]
    assert _rows_written(files, "attunement_plan") == len(rows)


def test_the_accommodations_are_the_ones_the_clinic_report_counts(
    clinic: ServiceContext, tmp_path: Path
) -> None:
    write_research_export(clinic, OPERATOR, fmt="csv", out_dir=tmp_path, deidentify_with=SECRET)
    accommodations = _read(tmp_path / "attunement_accommodations.csv")
    plan = _read(tmp_path / "attunement_plan.csv")
    report = clinic_report(clinic, OPERATOR)

    def episodes(kind: str) -> int:
        return len({r["episode_id"] for r in accommodations if r["kind"] == kind})

    assert episodes("preferences") == report.accommodated_preference.count
    assert episodes("culture") == report.accommodated_culture.count
    assert {(r["episode_id"], r["line"], r["kind"]) for r in accommodations} == {
        (r["episode_id"], r["line"], r["accommodation"]) for r in plan if r["accommodation"]
    }
    main = {r["episode_id"] for r in _read(tmp_path / "attunement_export.csv")}
    assert {r["episode_id"] for r in plan} <= main  # the same pseudonyms: the tables join
    assert all(len(r["patient_id"]) == 24 for r in plan)


def _rows_written(files: ExportFiles, table: str) -> int:
    """The rows the export reports for ``table`` (its file named without the extension)."""
    names = [path.name.split(".")[0] for path in files.tables]
    return files.table_rows[names.index(table)]


def test_the_export_audit_entry_counts_plan_lines_and_accommodations(
    clinic: ServiceContext, tmp_path: Path
) -> None:
    files = write_research_export(clinic, OPERATOR, fmt="parquet", out_dir=tmp_path)
    with clinic.sessions() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "export.research")
        ).one()
    plan = pq.read_table(tmp_path / "attunement_plan.parquet")
    accommodations = pq.read_table(tmp_path / "attunement_accommodations.parquet")
    assert (
        entry.detail["plan_lines"] == plan.num_rows == _rows_written(files, "attunement_plan") > 0
    )
    assert entry.detail["accommodations"] == accommodations.num_rows
    assert plan.schema.field("accommodation").metadata[b"meaning"].startswith(b"What the line")


def test_a_deidentified_episode_keeps_its_length_and_the_other_tables_pseudonyms() -> None:
    pseudonyms = Pseudonymizer(SECRET)
    row = EpisodeExportRow(
        patient_id="3",
        clinician_id="7",
        episode_id="11",
        outcome_instrument="phq9",
        alliance_instrument=None,
        started_on=dt.date(2025, 1, 6),
        ended_on=dt.date(2025, 4, 14),
        end_reason="planned_end",
        synthetic=True,
    )
    moved = deidentify_episode_row(row, pseudonyms)
    assert moved.started_on != row.started_on
    assert moved.ended_on is not None
    assert moved.ended_on - moved.started_on == dt.timedelta(days=98)
    assert (moved.started_on - row.started_on).days == pseudonyms.shift_days("3")
    assert moved.episode_id == pseudonyms.pseudonym("episode", "11")
    assert moved.patient_id == pseudonyms.pseudonym("patient", "3")


def _plan_lines_the_direct_way(
    ctx: ServiceContext, pseudonyms: Pseudonymizer | None
) -> tuple[list[PlanRow], list[AccommodationRow], bool]:
    """The reference: every episode in id order with its own computation of its patient's
    plan (what the export did before it read the plans once), and whether any patient is
    synthetic."""
    plan: list[PlanRow] = []
    accommodations: list[AccommodationRow] = []
    with ctx.sessions() as session:
        episodes = session.execute(select(Episode, Patient).join(Patient).order_by(Episode.id))
        synthetic = False
        for episode, patient in episodes:
            try:
                profile = patient_profile(patient)
            except AttunementError:
                profile = None
            lines = (
                plan_lines(tailored_plan(session, patient, clinic_language="en"))
                if profile is not None
                else []
            )
            ids = {
                "patient_id": str(patient.id),
                "clinician_id": str(episode.clinician_id),
                "episode_id": str(episode.id),
                "synthetic": patient.synthetic,
            }
            plan += plan_rows(lines, **ids)
            accommodations += accommodation_rows(lines, **ids)
            synthetic = synthetic or patient.synthetic
    if pseudonyms is not None:
        plan = [deidentify_plan_row(row, pseudonyms) for row in plan]
        accommodations = [deidentify_plan_row(row, pseudonyms) for row in accommodations]
    return plan, accommodations, synthetic


@pytest.mark.parametrize(("fmt", "deidentify"), [("csv", False), ("parquet", True)])
def test_the_plan_files_are_byte_for_byte_those_of_each_episodes_own_plan(
    clinic: ServiceContext, tmp_path: Path, fmt: Literal["csv", "parquet"], deidentify: bool
) -> None:
    files = write_research_export(
        clinic,
        OPERATOR,
        fmt=fmt,
        out_dir=tmp_path / "export",
        deidentify_with=SECRET if deidentify else None,
    )
    plan, accommodations, synthetic = _plan_lines_the_direct_way(
        clinic, Pseudonymizer(SECRET) if deidentify else None
    )
    assert plan
    assert accommodations
    reference = write_export(
        [],
        tmp_path / "reference",
        fmt=fmt,
        deidentified=deidentify,
        synthetic=synthetic,
        tables=[plan_table(plan), accommodation_table(accommodations)],
    )
    for path in reference.tables:
        assert (tmp_path / "export" / path.name).read_bytes() == path.read_bytes(), path.name
    assert _rows_written(files, "attunement_plan") == len(plan)
    assert _rows_written(files, "attunement_accommodations") == len(accommodations)


def test_pages_of_three_episodes_write_the_same_plan_files_as_one_page(
    clinic: ServiceContext, tmp_path: Path
) -> None:
    with _research_export(clinic, OPERATOR, deidentify_with=None, page_size=3) as export:
        paged = write_export(
            export.rows,
            tmp_path / "paged",
            fmt="csv",
            deidentified=False,
            synthetic=export.synthetic,
            tables=export.plans,
        )
    write_research_export(clinic, OPERATOR, fmt="csv", out_dir=tmp_path / "whole")
    for name in ("attunement_plan.csv", "attunement_accommodations.csv"):
        assert (tmp_path / "paged" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    assert _rows_written(paged, "attunement_plan") > 0


def test_the_export_computes_each_patients_plan_once(
    clinic: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan is the export's costliest read per patient: the main rows, the plan table and
    the accommodation table share one computation of it (every patient here has one
    episode, so no page boundary splits a patient's episodes)."""
    planned: list[Profile] = []
    plan = status_module.plan

    def counted(profile: Profile, **kwargs: Any) -> Any:
        planned.append(profile)
        return plan(profile, **kwargs)

    monkeypatch.setattr(status_module, "plan", counted)
    write_research_export(clinic, OPERATOR, fmt="csv", out_dir=tmp_path)
    with clinic.sessions() as session:
        episodes = session.execute(select(Episode, Patient).join(Patient)).all()
        patients = {patient.id: patient for _, patient in episodes}
        with_profile = [p for p in patients.values() if patient_profile(p) is not None]
    assert len(patients) == len(episodes)
    assert with_profile
    assert len(planned) == len(with_profile)
