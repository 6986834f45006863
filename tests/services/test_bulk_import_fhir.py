"""Bulk import from FHIR R4 (issue 13): the same clinic as FHIR resources imports to the same
scores, risk events and statuses as from CSV (which equals the single path, see
test_bulk_import.py). SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from attunement.exports import ImportRowError, RowSource, patient_units
from attunement.fhir import (
    FhirAdministrationRecord,
    FhirBase,
    questionnaire_response,
    read_fhir_rows,
)
from attunement.instruments import load_instrument
from attunement.services import ServiceContext
from attunement.services.bulk_import import run_import
from attunement.simulate import SyntheticClinic
from attunement.store import Episode, Patient
from tests.services.test_bulk_import import _clinic, _episode_facts, _units, _write
from tests.services.world import START, World

BASE = FhirBase()
DEFINITIONS = f"{BASE.fhir}/StructureDefinition"


def _resources(clinic: SyntheticClinic) -> list[tuple[Any, RowSource]]:
    """The clinic as a Bundle's entries: ids prefixed ``F-`` (the CSV copy keeps its keys)."""
    resources: list[dict[str, Any]] = []
    for p in clinic.patients:
        key = f"F-{p.key}"
        resources.append(
            {
                "resourceType": "Patient",
                "id": key,
                "meta": {"tag": [{"code": "synthetic"}]},
                "name": [{"text": p.display_name}],
                "communication": [{"language": {"coding": [{"code": p.preferred_language}]}}],
                "generalPractitioner": [{"identifier": {"value": p.clinician}}],
            }
        )
        resources.append(
            {
                "resourceType": "EpisodeOfCare",
                "id": f"{key}-E1",
                "status": "active",
                "patient": {"reference": f"Patient/{key}"},
                "period": {"start": p.episode.started_on.isoformat()},
                "extension": [{"url": f"{DEFINITIONS}/alliance-instrument", "valueCode": "wai_sr"}],
            }
        )
        for visit in p.episode.sessions:
            if visit.held_on > START.date():
                continue
            for instrument, answers in (
                ("phq9", visit.phq9_answers),
                ("wai_sr", visit.wai_sr_answers),
            ):
                definition = load_instrument(instrument)
                language = (
                    p.preferred_language
                    if p.preferred_language in definition.languages
                    else definition.languages[0]
                )
                response = questionnaire_response(
                    FhirAdministrationRecord(
                        id=f"{key}-S{visit.number}-{instrument}",
                        patient_id=key,
                        instrument=instrument,
                        version=definition.version,
                        answers=tuple(answers),
                        language=language,
                        administered_at=dt.datetime.combine(
                            visit.held_on, dt.time(12), tzinfo=dt.UTC
                        ),
                    ),
                    definition,
                    base=BASE,
                )
                response["extension"] = [
                    {"url": f"{DEFINITIONS}/session-number", "valueInteger": visit.number}
                ]
                resources.append(response)
    return [(r, RowSource("clinic.json", i, entry=True)) for i, r in enumerate(resources)]


def test_fhir_import_equals_the_csv_import(
    ctx: ServiceContext, world: World, tmp_path: Path
) -> None:
    clinic = _clinic(ctx, 5)
    run_import(ctx, world.admin, _units(_write(clinic, tmp_path / "csv")), batch_size=50)
    found = read_fhir_rows(_resources(clinic), base=BASE)
    report = run_import(ctx, world.admin, patient_units(found.rows), batch_size=50)
    assert report.imported["patient"] == len(clinic.patients)
    again = run_import(ctx, world.admin, patient_units(found.rows), batch_size=50)
    assert sum(again.imported.values()) == 0
    with ctx.sessions() as session:
        episodes = {
            str(key): int(eid)
            for key, eid in session.execute(
                select(Patient.external_id, Episode.id).join(
                    Episode, Episode.patient_id == Patient.id
                )
            )
        }
    for p in clinic.patients:
        assert _episode_facts(ctx, episodes[f"F-{p.key}"]) == _episode_facts(
            ctx, episodes[p.key]
        ), p.key


def test_a_finished_episode_and_an_unknown_subject_are_named() -> None:
    finished = {
        "resourceType": "EpisodeOfCare",
        "id": "E1",
        "status": "finished",
        "patient": {"reference": "Patient/P1"},
        "period": {"start": "2026-01-05"},
    }
    with pytest.raises(ImportRowError, match=r"b.json entry 3: EpisodeOfCare.status: 'finished'"):
        read_fhir_rows([(finished, RowSource("b.json", 3, entry=True))])
    no_clinician = {"resourceType": "Patient", "id": "P1", "name": [{"text": "Synthetic A"}]}
    with pytest.raises(ImportRowError, match=r"generalPractitioner"):
        read_fhir_rows([(no_clinician, RowSource("p.ndjson", 1))])
