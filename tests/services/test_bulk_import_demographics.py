"""Bulk import carries the patient's sex and age band (issue 15), from CSV and from FHIR.

CSV patients files may have ``sex`` and ``age_band`` columns; a FHIR Patient's ``gender``
is the recorded sex and its ``birthDate`` becomes the age band at the start of the
patient's earliest EpisodeOfCare — the band is stored, the birth date is not. Bad values
are refused naming the file and line or entry, the field, the value and what is allowed.
SQLite and PostgreSQL; the clinic is the SYNTHETIC one of ``attunement.simulate``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from attunement.exports import ImportRowError, RowSource, patient_units, read_csv_rows
from attunement.fhir import read_fhir_rows
from attunement.services import ServiceContext
from attunement.services.bulk_import import run_import
from attunement.store import Patient
from tests.services.test_bulk_import import _clinic, _units, _write
from tests.services.test_bulk_import_fhir import BASE, _resources
from tests.services.world import World

_HEADER = "patient_id,display_name,clinician,preferred_language,synthetic"


def _demographics(ctx: ServiceContext, prefix: str) -> dict[str, tuple[str | None, str | None]]:
    """The imported patients' (sex, age band), by key (``prefix``: the world's are left out)."""
    with ctx.sessions() as session:
        return {
            str(key): (sex, band)
            for key, sex, band in session.execute(
                select(Patient.external_id, Patient.sex, Patient.age_band).where(
                    Patient.external_id.startswith(prefix)
                )
            )
        }


def test_csv_patients_bring_their_sex_and_age_band_or_none(
    ctx: ServiceContext, world: World, tmp_path: Path
) -> None:
    folder = _write(_clinic(ctx, 3), tmp_path / "csv")
    path = folder / "patients.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines.index(_HEADER)
    lines[header] += ",sex,age_band"
    for n, given in enumerate((",female,26-40", ",another,66+", ",,"), start=header + 1):
        lines[n] += given
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_import(ctx, world.admin, _units(folder), batch_size=50)
    assert sorted(_demographics(ctx, "SYN-").values(), key=str) == sorted(
        [("female", "26-40"), ("another", "66+"), (None, None)], key=str
    )


@pytest.mark.parametrize(
    ("column", "value", "allowed"),
    [("sex", "F", "female, male, another"), ("age_band", "30-40", "under-18, 18-25, 26-40")],
)
def test_a_csv_sex_or_age_band_outside_the_list_is_refused_naming_line_and_value(
    column: str, value: str, allowed: str
) -> None:
    lines = [f"patient_id,display_name,clinician,{column}\n", f"P1,Alex A.,dr_rivera,{value}\n"]
    with pytest.raises(ImportRowError) as refused:
        list(read_csv_rows(lines, file="p.csv"))
    assert refused.value.message.startswith(f"p.csv:2: {column}: '{value}' is not allowed")
    assert allowed in refused.value.message


def _with(resources: list[tuple[Any, RowSource]], **fields: Any) -> list[tuple[Any, RowSource]]:
    """The resources with ``fields`` set on every Patient."""
    return [
        ({**r, **fields} if r["resourceType"] == "Patient" else r, source)
        for r, source in resources
    ]


def test_fhir_gender_is_the_sex_and_the_birth_date_becomes_the_band_at_the_episode_start(
    ctx: ServiceContext, world: World
) -> None:
    clinic = _clinic(ctx, 2)
    resources = _resources(clinic)
    starts = {f"F-{p.key}": p.episode.started_on for p in clinic.patients}
    born = {key: start.replace(year=start.year - 30) for key, start in starts.items()}
    first = min(born)
    born[first] = starts[first].replace(year=starts[first].year - 41)  # 41 on the day
    shown = [
        (
            {**r, "gender": "female", "birthDate": born[r["id"]].isoformat()}
            if r["resourceType"] == "Patient"
            else r,
            source,
        )
        for r, source in resources
    ]
    run_import(ctx, world.admin, patient_units(read_fhir_rows(shown, base=BASE).rows))
    assert _demographics(ctx, "F-") == {
        key: ("female", "41-65" if key == first else "26-40") for key in starts
    }


@pytest.mark.parametrize(
    ("fields", "field", "allowed"),
    [
        ({"gender": "woman"}, "Patient.gender", "female"),
        ({"birthDate": "1980"}, "Patient.birthDate", "a full date YYYY-MM-DD"),
        ({"birthDate": "2099-01-01"}, "Patient.birthDate", "on or before the start"),
    ],
    ids=["gender", "partial-birth-date", "born-after-the-start"],
)
def test_a_bad_fhir_gender_or_birth_date_is_refused_naming_the_entry(
    ctx: ServiceContext, fields: dict[str, str], field: str, allowed: str
) -> None:
    resources = _with(_resources(_clinic(ctx, 1)), **fields)
    with pytest.raises(ImportRowError) as refused:
        read_fhir_rows(resources, base=BASE)
    message = refused.value.message
    assert field in message
    assert repr(next(iter(fields.values()))) in message
    assert allowed in message
    assert str(resources[0][1]) in message
