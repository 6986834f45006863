"""An administration as a ``QuestionnaireResponse``, its score as ``Observation`` s.

- QuestionnaireResponse: ``questionnaire`` = ``url|version`` of the exported Questionnaire,
  ``status`` completed, one item per answered question (``linkId`` = item id) with the
  answer's Coding (LOINC answer code where it exists); missing answers are left out, as R4
  expects for unanswered questions.
- Observation per scale: ``category`` survey, ``code`` the LOINC total-score code where it
  exists plus our own ``<instrument>.<scale>`` code, ``valueQuantity`` in UCUM ``{score}``,
  ``interpretation`` the band, ``derivedFrom`` the response. A scale that could not be
  scored has no value but a ``dataAbsentReason`` and a note with the reason — never a zero.
- Observation per risk flag (e.g. PHQ-9 item 9 endorsed): ``valueBoolean`` true, the
  message as a note, ``interpretation`` critical, so the flag travels with the record.
"""

from __future__ import annotations

import re
from typing import Any

from attunement.fhir._common import (
    DATA_ABSENT,
    LOINC,
    OBSERVATION_CATEGORY,
    UCUM,
    FhirBase,
    fhir_id,
    validated,
)
from attunement.fhir._questionnaire import answer_coding
from attunement.fhir._records import FhirAdministrationRecord
from attunement.instruments import InstrumentDefinition, Score

__all__ = [
    "flag_observation_id",
    "observations",
    "questionnaire_response",
    "response_id",
    "response_id_of",
]

_SURVEY = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}


def response_id(administration: FhirAdministrationRecord) -> str:
    return response_id_of(administration.id)


def response_id_of(administration_id: str) -> str:
    """The QuestionnaireResponse id of a stored administration."""
    return fhir_id(f"administration-{administration_id}")


def flag_observation_id(administration_id: str, flag_id: str) -> str:
    """The id of the Observation that carries a risk flag of a stored administration."""
    return fhir_id(f"{response_id_of(administration_id)}-flag-{flag_id}")


def questionnaire_response(
    administration: FhirAdministrationRecord,
    definition: InstrumentDefinition,
    *,
    base: FhirBase | None = None,
) -> dict[str, Any]:
    """The QuestionnaireResponse of one administration, validated as R4B (plain JSON)."""
    base = base or FhirBase()
    if len(administration.answers) != len(definition.items):
        raise ValueError(
            f"administration {administration.id}: {len(administration.answers)} answers for "
            f"{len(definition.items)} items of {definition.id}"
        )
    ships = definition.licence.item_text_ships
    items = []
    for item, value in zip(definition.items, administration.answers, strict=True):
        if value is None:
            continue
        option = next(
            (o for o in definition.response_sets[item.responses] if o.value == value), None
        )
        entry: dict[str, Any] = {"linkId": item.id}
        text = (item.text or {}).get(administration.language) or (item.text or {}).get("en")
        if ships and text:
            entry["text"] = text
        if option is not None:
            coding = answer_coding(
                definition, option, base, language=administration.language, with_display=ships
            )
            entry["answer"] = [{"valueCoding": coding}]
        else:  # a stored value outside the options (should not happen): keep it as a number
            entry["answer"] = [{"valueDecimal": value}]
        items.append(entry)
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": response_id(administration),
        "language": administration.language,
        "identifier": {"system": base.administration_system, "value": administration.id},
        "questionnaire": f"{base.questionnaire_url(definition.id)}|{definition.version}",
        "status": "completed",
        "subject": {"reference": f"Patient/{fhir_id(administration.patient_id)}"},
        "authored": administration.administered_at.isoformat(),
    }
    if items:
        resource["item"] = items
    return validated(resource)


def observations(
    administration: FhirAdministrationRecord,
    definition: InstrumentDefinition,
    score: Score,
    *,
    base: FhirBase | None = None,
) -> tuple[dict[str, Any], ...]:
    """One Observation per scale of ``score`` and one per risk flag, validated as R4B."""
    base = base or FhirBase()
    qr = response_id(administration)
    common: dict[str, Any] = {
        "status": "final",
        "category": [_SURVEY],
        "subject": {"reference": f"Patient/{fhir_id(administration.patient_id)}"},
        "effectiveDateTime": administration.administered_at.isoformat(),
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{qr}"}],
    }
    result = []
    for scale_id, scale in score.scales.items():
        scale_definition = definition.scale(scale_id)
        codings = []
        if _loinc_total(definition) == scale_id and definition.loinc and definition.loinc.total:
            codings.append({"system": LOINC, "code": definition.loinc.total})
        codings.append(
            {
                "system": base.scales_system,
                "code": f"{definition.id}.{scale_id}",
                "display": scale_definition.name,
            }
        )
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "id": fhir_id(f"{qr}-{scale_id}"),
            **common,
            "code": {"coding": codings, "text": scale_definition.name},
        }
        if scale.value is not None:
            resource["valueQuantity"] = {
                "value": scale.value,
                "unit": "{score}",
                "system": UCUM,
                "code": "{score}",
            }
        else:
            resource["dataAbsentReason"] = {"coding": [{"system": DATA_ABSENT, "code": "unknown"}]}
            resource["note"] = [{"text": scale.reason or "not scorable"}]
        if scale.band:
            resource["interpretation"] = [
                {
                    "coding": [
                        {
                            "system": base.bands_system,
                            "code": f"{definition.id}.{scale_id}.{_slug(scale.band)}",
                            "display": scale.band,
                        }
                    ],
                    "text": scale.band,
                }
            ]
        if scale.prorated:
            resource.setdefault("note", []).append(
                {"text": "prorated: missing items " + ", ".join(scale.missing_items)}
            )
        result.append(validated(resource))
    for flag in score.flags:
        result.append(
            validated(
                {
                    "resourceType": "Observation",
                    "id": flag_observation_id(administration.id, flag.id),
                    **common,
                    "code": {
                        "coding": [
                            {"system": base.flags_system, "code": flag.id, "display": flag.id}
                        ],
                        "text": f"{definition.short_name} item {flag.item} flag",
                    },
                    "valueBoolean": True,
                    "interpretation": [{"text": flag.severity}],
                    "note": [{"text": flag.message}],
                }
            )
        )
    return tuple(result)


def _loinc_total(definition: InstrumentDefinition) -> str | None:
    """The scale the LOINC total-score code belongs to: ``total``, or the only scale."""
    ids = [s.id for s in definition.scales]
    if "total" in ids:
        return "total"
    return ids[0] if len(ids) == 1 else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
