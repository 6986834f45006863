"""Shared pieces of the FHIR R4 translation: code systems, ids, URLs, validation.

Every resource Attunement writes is checked by building the ``fhir.resources`` **R4B**
model (R4B shares R4's Questionnaire, QuestionnaireResponse, Observation, Patient, CarePlan
and Bundle; the package's default models are R5 and would silently accept R4 JSON).
``fhir.resources`` checks structure and datatypes only — not code bindings, invariants or a
response against its Questionnaire — so the codes we bind are checked here and in
:mod:`._fhir_check`.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from attunement.errors import InputError, invalid_input

__all__ = [
    "DATA_ABSENT",
    "HTEST",
    "LOINC",
    "OBSERVATION_CATEGORY",
    "ORDINAL_VALUE",
    "UCUM",
    "FhirBase",
    "fhir_id",
    "resource_model",
    "validated",
]

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
#: R4 core extension: "a numeric value that allows the comparison (less than, greater than)
#: or other numerical manipulation of a concept" — the score of an answer option.
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
#: v3 ActReason HTEST "test health data": how synthetic (demo) records are labelled.
HTEST = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
    "code": "HTEST",
    "display": "test health data",
}

_ID_BAD = re.compile(r"[^A-Za-z0-9\-.]")


def fhir_id(text: str) -> str:
    """A valid FHIR logical id (``[A-Za-z0-9-.]{1,64}``): ``wai_sr`` → ``wai-sr``."""
    cleaned = _ID_BAD.sub("-", text)[:64]
    if not cleaned:
        raise InputError("id", text, "letters, digits, '-' and '.' (1-64 characters)")
    return cleaned


class FhirBase(BaseModel):
    """Where Attunement's FHIR resources and code systems live: ``{base_url}/fhir/...``.

    Canonical URLs and code system URIs derive from one base URL, a parameter of every
    export and import (each clinic's server has its own).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = "https://attunement.example"

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("base_url must be an absolute http(s) URL")
        return value.rstrip("/")

    @property
    def fhir(self) -> str:
        return f"{self.base_url}/fhir"

    def questionnaire_url(self, instrument_id: str) -> str:
        return f"{self.fhir}/Questionnaire/{fhir_id(instrument_id)}"

    def answers_system(self, instrument_id: str) -> str:
        """Our code system for answer options that have no LOINC answer code."""
        return f"{self.fhir}/CodeSystem/{fhir_id(instrument_id)}-answers"

    @property
    def scales_system(self) -> str:
        """Our code system for scale scores: code ``<instrument>.<scale>``."""
        return f"{self.fhir}/CodeSystem/scales"

    @property
    def bands_system(self) -> str:
        return f"{self.fhir}/CodeSystem/bands"

    @property
    def flags_system(self) -> str:
        return f"{self.fhir}/CodeSystem/flags"

    @property
    def patient_system(self) -> str:
        return f"{self.fhir}/NamingSystem/patient-id"

    @property
    def external_id_system(self) -> str:
        return f"{self.fhir}/NamingSystem/external-id"

    @property
    def risk_event_system(self) -> str:
        return f"{self.fhir}/NamingSystem/risk-event-id"

    @property
    def administration_system(self) -> str:
        return f"{self.fhir}/NamingSystem/administration-id"

    def full_url(self, resource: dict[str, Any]) -> str:
        return f"{self.fhir}/{resource['resourceType']}/{resource['id']}"


def resource_model(resource_type: str) -> type[Any]:
    """The fhir.resources R4B model class for a resource type we read or write."""
    # start-up: fhir is loaded only when this runs (tests/cli/test_light_startup.py)
    from fhir.resources.R4B import get_fhir_model_class

    return get_fhir_model_class(resource_type)


def validated(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` checked against the R4B model of its ``resourceType``, as plain JSON.

    Raises InputError naming the resource and the first offending path.
    """
    kind = str(data.get("resourceType"))
    try:
        model = resource_model(kind).model_validate(data)
    except (ValidationError, KeyError, ValueError) as exc:
        where = f"{kind}/{data.get('id', '?')}"
        if isinstance(exc, ValidationError):
            raise invalid_input(exc, where=f"{where} ", otherwise="") from None
        raise InputError(where, kind, "a FHIR R4 resource type") from None
    result: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    return result
