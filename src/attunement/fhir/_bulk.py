"""Bulk import from FHIR R4: Patient, EpisodeOfCare and QuestionnaireResponse resources.

The resources come from Bundles or NDJSON files (one resource per line), read by the edge;
each arrives with its :class:`RowSource` (file and entry or line). The profile:

* **Patient** — ``id`` (the source key, kept as the external id); ``name[0].text`` or the
  given and family names; ``generalPractitioner[0].identifier.value``: the username of the
  treating clinician; ``communication[0].language.coding[0].code`` (default ``en``); a
  ``meta.tag`` with code ``synthetic`` marks synthetic records; ``gender`` (FHIR
  AdministrativeGender) is the recorded sex (``unknown``: not recorded); ``birthDate`` (a
  full date) gives the age band at the start of the patient's earliest EpisodeOfCare in
  the same files (none there: no band) — the band is kept, the birth date is not.
* **EpisodeOfCare** — ``id``; ``patient`` ``Patient/<id>``; ``status`` active, planned,
  waitlist or onhold (an open episode; finished ones are refused); ``period.start``; the
  measures in the extensions ``{base}/fhir/StructureDefinition/outcome-instrument`` and
  ``…/alliance-instrument`` (``valueCode``; default phq9 and none).
* **QuestionnaireResponse** — as ``attune import fhir`` reads them (checked against their
  Questionnaire, answers mapped to the instrument's items by the one translator,
  :func:`attunement.fhir.import_fhir`); ``subject`` ``Patient/<id>`` of a patient
  whose EpisodeOfCare is in the same files; ``authored`` gives the day; the session number
  is the extension ``…/session-number`` (``valueInteger``), else the response's place
  among the episode's distinct days.

Questionnaires sent along are used to map responses; other resource types are counted as
ignored. Any problem is an :class:`ImportRowError` naming the file, the entry, the field,
the value and what is allowed. Pure: resources in, rows out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from attunement.errors import InputError
from attunement.exports import (
    AdministrationRow,
    EpisodeRow,
    ImportRow,
    ImportRowError,
    PatientRow,
    RowSource,
)
from attunement.fhir._common import FhirBase, validated
from attunement.fhir._import import import_fhir
from attunement.profile import Sex, age_band_at, sex_of_fhir_gender

__all__ = ["OPEN_EPISODE_STATUSES", "FhirRows", "read_fhir_rows"]

OPEN_EPISODE_STATUSES = ("active", "planned", "waitlist", "onhold")


@dataclass(frozen=True)
class FhirRows:
    """The import rows of the resources (patients, episodes, administrations in that
    order) and how many resources were ignored (types the import does not take)."""

    rows: tuple[ImportRow, ...]
    ignored: int


def read_fhir_rows(
    resources: Iterable[tuple[Any, RowSource]], *, base: FhirBase | None = None
) -> FhirRows:
    """Translate the resources (see the module docstring)."""
    base = base or FhirBase()
    patients: list[PatientRow] = []
    births: dict[str, dt.date] = {}
    episodes: list[EpisodeRow] = []
    responses: list[tuple[Mapping[str, Any], RowSource]] = []
    questionnaires: list[Mapping[str, Any]] = []
    ignored = 0
    for resource, source in resources:
        kind = resource.get("resourceType") if isinstance(resource, Mapping) else None
        if kind == "Patient":
            patient = _patient(_valid(resource, source), source)
            patients.append(patient)
            birth = _birth_date(resource.get("birthDate"), source)
            if birth is not None:
                births[patient.key] = birth
        elif kind == "EpisodeOfCare":
            episodes.append(_episode(_valid(resource, source), source, base))
        elif kind == "QuestionnaireResponse":
            responses.append((resource, source))
        elif kind == "Questionnaire":
            questionnaires.append(resource)
        elif isinstance(resource, Mapping):
            ignored += 1
        else:
            raise ImportRowError(source, "resource", resource, "a FHIR resource (a JSON object)")
    patients = _with_age_bands(patients, births, episodes)
    return FhirRows(
        rows=(*patients, *episodes, *_administrations(responses, questionnaires, episodes, base)),
        ignored=ignored,
    )


def _valid(resource: Mapping[str, Any], source: RowSource) -> Mapping[str, Any]:
    try:
        return validated(dict(resource))
    except InputError as error:
        raise ImportRowError(
            source, str(resource.get("resourceType")), resource.get("id"), error.message
        ) from None


def _text(value: Any, source: RowSource, field: str, longest: int = 100) -> str:
    if not isinstance(value, str) or not value or len(value) > longest:
        raise ImportRowError(source, field, value, f"1 to {longest} characters")
    return value


def _reference(value: Any, source: RowSource, field: str) -> str:
    reference = (value or {}).get("reference") if isinstance(value, Mapping) else None
    if not isinstance(reference, str) or not reference.startswith("Patient/"):
        raise ImportRowError(source, field, reference, "a reference Patient/<id>")
    return reference.removeprefix("Patient/")


def _patient(resource: Mapping[str, Any], source: RowSource) -> PatientRow:
    names = resource.get("name") or [{}]
    name = (
        names[0].get("text")
        or " ".join([*(names[0].get("given") or []), names[0].get("family") or ""]).strip()
    )
    practitioners = resource.get("generalPractitioner") or [{}]
    clinician = (practitioners[0].get("identifier") or {}).get("value")
    languages = resource.get("communication") or [{}]
    codings = (languages[0].get("language") or {}).get("coding") or [{}]
    tags = (resource.get("meta") or {}).get("tag") or []
    return PatientRow(
        key=_text(resource.get("id"), source, "Patient.id"),
        display_name=_text(name, source, "Patient.name", 200),
        clinician=_text(clinician, source, "Patient.generalPractitioner[0].identifier.value", 64),
        preferred_language=codings[0].get("code") or "en",
        synthetic=any(str(t.get("code", "")).lower() == "synthetic" for t in tags),
        source=source,
        sex=_sex(resource.get("gender"), source),
    )


def _sex(gender: Any, source: RowSource) -> Sex | None:
    try:
        return sex_of_fhir_gender(gender if gender is None else str(gender))
    except InputError as error:
        raise ImportRowError(source, "Patient.gender", gender, str(error.allowed)) from None


def _birth_date(value: Any, source: RowSource) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ImportRowError(
        source,
        "Patient.birthDate",
        value,
        "a full date YYYY-MM-DD (a year or month alone cannot give the age band)",
    )


def _with_age_bands(
    patients: list[PatientRow], births: Mapping[str, dt.date], episodes: list[EpisodeRow]
) -> list[PatientRow]:
    """Each patient with a birth date given the age band at its earliest episode's start
    (refused, naming the patient's entry, when born after that day)."""
    starts: dict[str, dt.date] = {}
    for episode in episodes:
        known = starts.get(episode.patient_key)
        starts[episode.patient_key] = (
            min(known, episode.started_on) if known else episode.started_on
        )
    banded = []
    for patient in patients:
        birth, start = births.get(patient.key), starts.get(patient.key)
        if birth is not None and start is not None:
            if birth > start:
                raise ImportRowError(
                    patient.source,
                    "Patient.birthDate",
                    birth.isoformat(),
                    f"a date on or before the start of the patient's care ({start})",
                )
            banded.append(replace(patient, age_band=age_band_at(birth, start)))
        else:
            banded.append(patient)
    return banded


def _extension(resource: Mapping[str, Any], url: str, kind: str) -> Any:
    for extension in resource.get("extension") or []:
        if extension.get("url") == url:
            return extension.get(kind)
    return None


def _episode(resource: Mapping[str, Any], source: RowSource, base: FhirBase) -> EpisodeRow:
    status = resource.get("status")
    if status not in OPEN_EPISODE_STATUSES:
        raise ImportRowError(
            source, "EpisodeOfCare.status", status, ", ".join(OPEN_EPISODE_STATUSES)
        )
    start = ((resource.get("period") or {}).get("start") or "")[:10]
    try:
        started_on = dt.date.fromisoformat(start)
    except ValueError:
        raise ImportRowError(
            source, "EpisodeOfCare.period.start", start or None, "a date YYYY-MM-DD"
        ) from None
    definitions = f"{base.fhir}/StructureDefinition"
    return EpisodeRow(
        key=_text(resource.get("id"), source, "EpisodeOfCare.id"),
        patient_key=_reference(resource.get("patient"), source, "EpisodeOfCare.patient"),
        started_on=started_on,
        outcome_instrument=_extension(resource, f"{definitions}/outcome-instrument", "valueCode")
        or "phq9",
        alliance_instrument=_extension(resource, f"{definitions}/alliance-instrument", "valueCode"),
        source=source,
    )


def _administrations(
    responses: list[tuple[Mapping[str, Any], RowSource]],
    questionnaires: list[Mapping[str, Any]],
    episodes: list[EpisodeRow],
    base: FhirBase,
) -> list[AdministrationRow]:
    if not responses:
        return []
    episode_of = {e.patient_key: e.key for e in episodes}
    result = import_fhir(
        {"resourceType": "Bundle", "entry": [{"resource": r} for r, _ in responses]},
        base=base,
        questionnaires=questionnaires,
    )
    if result.refused:
        refused = result.refused[0]
        raise ImportRowError(
            responses[refused.index][1],
            "QuestionnaireResponse",
            refused.resource_id,
            "; ".join(refused.reasons),
        )
    session_url = f"{base.fhir}/StructureDefinition/session-number"
    pending: list[tuple[Any, RowSource, str, dt.date, int | None]] = []
    days: dict[str, set[dt.date]] = defaultdict(set)
    for imported in result.imported:
        resource, source = responses[imported.index]
        subject = _reference(resource.get("subject"), source, "QuestionnaireResponse.subject")
        episode = episode_of.get(subject)
        if episode is None:
            raise ImportRowError(
                source,
                "QuestionnaireResponse.subject",
                f"Patient/{subject}",
                "a patient whose EpisodeOfCare is in the same files",
            )
        if imported.authored is None:
            raise ImportRowError(
                source,
                "QuestionnaireResponse.authored",
                resource.get("authored"),
                "a date and time, e.g. 2026-03-02T09:00:00Z",
            )
        number = _extension(resource, session_url, "valueInteger")
        if number is not None and (not isinstance(number, int) or number < 1):
            raise ImportRowError(source, "session-number", number, "a whole number from 1")
        day = imported.authored.astimezone(dt.UTC).date()
        days[episode].add(day)
        pending.append((imported, source, episode, day, number))
    ordinal = {e: {d: n for n, d in enumerate(sorted(ds), start=1)} for e, ds in days.items()}
    return [
        AdministrationRow(
            key=imported.source_key or f"{source}",
            episode_key=episode,
            session=number if number is not None else ordinal[episode][day],
            held_on=day,
            instrument=imported.instrument,
            language=imported.score.language,
            answers=tuple(imported.answers),
            source=source,
            scored=imported.score,
        )
        for imported, source, episode, day, number in pending
    ]
