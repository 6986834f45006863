"""The research export's plan adherence and demographics (issue 15).

``attunement_plan_followed`` holds, per episode and dimension, the very ``followed`` value
the learning section reads (no second derivation) and how it was decided; the episode
table carries the patient's recorded sex and age band, kept when de-identified.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.conftest import SeededCopies
from tests.documents.conftest import OPERATOR, SECRET, seeded_clinic

from attunement.exports import Pseudonymizer
from attunement.services import ServiceContext
from attunement.services._plan_adherence import episodes_followed
from attunement.services.reports import write_research_export
from attunement.store import AuditEntry, Episode, Patient, PlanAdherenceRecord


@pytest.fixture
def clinic(seeded_copies: SeededCopies, backend: str, tmp_path: Path) -> Iterator[ServiceContext]:
    """The seeded synthetic clinic of the report tests, on each backend (a copy)."""
    with seeded_clinic(seeded_copies, backend, tmp_path) as ctx:
        yield ctx


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_each_followed_row_is_the_value_the_learning_reads_and_says_how_it_was_decided(
    clinic: ServiceContext, tmp_path: Path
) -> None:
    write_research_export(clinic, OPERATOR, fmt="csv", out_dir=tmp_path)
    rows = _read(tmp_path / "attunement_plan_followed.csv")
    with clinic.sessions() as session:
        ids = list(session.scalars(select(Episode.id).order_by(Episode.id)))
        learning = episodes_followed(session, ids)
        recorded = set(
            session.execute(select(PlanAdherenceRecord.episode_id, PlanAdherenceRecord.dimension))
        )
    exported = {(int(r["episode_id"]), r["dimension"]): r for r in rows}
    expected = {(e, d): v for e, by in learning.items() for d, v in by.items()}
    assert {k: v["followed"] == "true" for k, v in exported.items()} == expected
    assert {r["decided_by"] for r in rows} == {"clinician_record", "rupture_repair_rule"}
    for key, row in exported.items():
        by_clinician = key in recorded
        assert row["decided_by"] == ("clinician_record" if by_clinician else "rupture_repair_rule")
        assert by_clinician or row["dimension"] == "rupture_repair"
    with clinic.sessions() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "export.research")
        ).one()
    assert entry.detail["plan_followed"] == len(rows) > 0


def test_deidentified_followed_rows_join_the_episodes_and_carry_no_note(
    clinic: ServiceContext, tmp_path: Path
) -> None:
    write_research_export(clinic, OPERATOR, fmt="csv", out_dir=tmp_path, deidentify_with=SECRET)
    rows = _read(tmp_path / "attunement_plan_followed.csv")
    episodes = {r["episode_id"] for r in _read(tmp_path / "attunement_episodes.csv")}
    pseudonyms = Pseudonymizer(SECRET)
    with clinic.sessions() as session:
        recorded = {str(e) for e in session.scalars(select(PlanAdherenceRecord.episode_id))}
    assert rows
    assert {r["episode_id"] for r in rows} <= episodes
    assert {pseudonyms.pseudonym("episode", e) for e in recorded} <= {r["episode_id"] for r in rows}
    assert list(rows[0]) == [
        "patient_id",
        "clinician_id",
        "episode_id",
        "dimension",
        "followed",
        "decided_by",
        "synthetic",
    ]


def test_the_episode_table_carries_the_recorded_sex_and_age_band_even_deidentified(
    clinic: ServiceContext, tmp_path: Path
) -> None:
    write_research_export(clinic, OPERATOR, fmt="csv", out_dir=tmp_path, deidentify_with=SECRET)
    rows = _read(tmp_path / "attunement_episodes.csv")
    pseudonyms = Pseudonymizer(SECRET)
    with clinic.sessions() as session:
        stored = {
            pseudonyms.pseudonym("episode", str(e)): (sex or "", band or "")
            for e, sex, band in session.execute(
                select(Episode.id, Patient.sex, Patient.age_band).join(
                    Patient, Patient.id == Episode.patient_id
                )
            )
        }
    assert {r["episode_id"]: (r["sex"], r["age_band"]) for r in rows} == stored
    assert {sex for sex, _ in stored.values()} > {""}  # some recorded, some not
