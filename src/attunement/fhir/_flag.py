"""A risk event as a FHIR R4B ``Flag``: active while open, inactive once answered.

- ``status``: ``active`` while the event is open, ``inactive`` once a clinician recorded a
  risk response (R4 Flag.status: active | inactive | entered-in-error).
- ``category``: ``clinical`` of the HL7 flag-category code system
  (``http://terminology.hl7.org/CodeSystem/flag-category``: "Flags related to the
  subject's clinical data").
- ``code``: the instrument's risk flag in Attunement's flag code system (the code the flag
  Observations carry), with the event in words as ``text`` — the one wording of a risk
  event (:func:`attunement.wording.describe_event`, in the clinic's language): what was
  endorsed and, while open, the instruction; once answered, the response recorded.
- ``subject``: the Patient; ``period``: from the first endorsement to the response.
- extension ``flag-detail`` (FHIR R4 core extension
  ``http://hl7.org/fhir/StructureDefinition/flag-detail``: "Points to the Observation,
  AllergyIntolerance or other record that provides additional supporting information about
  this flag"): the QuestionnaireResponse and the flag Observation of each endorsed
  administration in the same Bundle. An endorsement from an intake questionnaire kept in the
  profile has no stored response to point to; the text names it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from attunement.fhir._common import FhirBase, fhir_id, validated
from attunement.fhir._response import flag_observation_id, response_id_of
from attunement.i18n import SOURCE_LANGUAGE, knowledge_text
from attunement.risk import load_response_vocabulary
from attunement.wording import describe_event

if TYPE_CHECKING:
    import datetime as dt

    from attunement.risk import RiskEndorsement, RiskEvent

__all__ = ["FLAG_CATEGORY", "FLAG_DETAIL", "risk_flag"]

FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
FLAG_DETAIL = "http://hl7.org/fhir/StructureDefinition/flag-detail"


def _moment(at: dt.datetime | None, on: dt.date | None) -> str | None:
    """A FHIR dateTime: the instant when it carries a time zone, else the day."""
    if at is not None and at.tzinfo is not None:
        return at.isoformat()
    day = on or (at.date() if at is not None else None)
    return day.isoformat() if day is not None else None


def _details(
    endorsements: tuple[RiskEndorsement, ...], exported: Collection[str]
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for endorsement in endorsements:
        stored = endorsement.administration_id
        if stored is None or str(stored) not in exported:
            continue
        references = (
            f"QuestionnaireResponse/{response_id_of(str(stored))}",
            f"Observation/{flag_observation_id(str(stored), endorsement.flag)}",
        )
        for reference in references:
            entry = {"url": FLAG_DETAIL, "valueReference": {"reference": reference}}
            if entry not in found:
                found.append(entry)
    return found


def risk_flag(
    event: RiskEvent,
    *,
    patient_id: str,
    exported: Collection[str] = (),
    base: FhirBase | None = None,
    language: str = SOURCE_LANGUAGE,
) -> dict[str, Any]:
    """The Flag of one stored risk event, validated as R4B (plain JSON).

    ``exported`` are the ids of the administrations whose QuestionnaireResponses are in the
    same Bundle: only those are referenced. Flags are read by clinicians: the event and its
    kind are worded in ``language`` (the clinic's).
    """

    base = base or FhirBase()
    first = event.first
    words = load_response_vocabulary()
    resource: dict[str, Any] = {
        "resourceType": "Flag",
        "id": fhir_id(f"risk-event-{event.id}"),
        "status": "active" if event.open else "inactive",
        "category": [
            {
                "coding": [{"system": FLAG_CATEGORY, "code": "clinical", "display": "Clinical"}],
                "text": knowledge_text(words.kinds[event.kind].label, language),
            }
        ],
        "code": {
            "coding": [{"system": base.flags_system, "code": first.flag, "display": first.flag}],
            "text": " ".join(describe_event(event, language)),
        },
        "subject": {"reference": f"Patient/{fhir_id(patient_id)}"},
    }
    if event.id is not None:
        resource["identifier"] = [{"system": base.risk_event_system, "value": str(event.id)}]
    period: dict[str, str] = {}
    start = _moment(first.at, first.on)
    if start is not None:
        period["start"] = start
    if event.response is not None:
        end = _moment(event.response.recorded_at, event.response.assessed_on)
        if end is not None:
            period["end"] = end
    if period:
        resource["period"] = period
    details = _details(event.endorsements, exported)
    if details:
        resource["extension"] = details
    return validated(resource)
