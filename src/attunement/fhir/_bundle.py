"""The patient as ``Patient``, the tailored plan as ``CarePlan``, the record as a ``Bundle``.

- Patient: our id and the clinic's external id as identifiers, the display name as
  ``name.text``, the preferred language as ``communication``; synthetic (demo) patients
  carry the security label HTEST "test health data".
- CarePlan (``intent`` plan, ``status`` active): while a risk event is open, the safety item
  first (an activity: what to do, and the open risk items behind it), with what the plan
  held back meanwhile as notes; then one activity per recommendation (the relationship
  foundations first), its ``detail.description`` the recommendation; the evidence behind
  each recommendation as a ``note``; the plan's disclaimer in ``description``.
- Bundle: ``collection`` for a file export, ``searchset`` for ``Patient/$everything``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from attunement.fhir._common import HTEST, FhirBase, fhir_id, validated
from attunement.fhir._records import PatientRecord
from attunement.i18n import N_, SOURCE_LANGUAGE, translate
from attunement.wording import describe_risk, format_citation, setting_value_words

if TYPE_CHECKING:
    from attunement.tailoring import EvidenceCitation, Plan, Recommendation, SafetyFirst

__all__ = ["bundle", "care_plan", "evidence_text", "patient"]


def patient(record: PatientRecord, *, base: FhirBase | None = None) -> dict[str, Any]:
    """The Patient resource, validated as R4B (plain JSON)."""
    base = base or FhirBase()
    identifiers = [{"system": base.patient_system, "value": record.id}]
    if record.external_id:
        identifiers.append({"system": base.external_id_system, "value": record.external_id})
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": fhir_id(record.id),
        "identifier": identifiers,
        "communication": [
            {
                "language": {
                    "coding": [{"system": "urn:ietf:bcp:47", "code": record.preferred_language}]
                },
                "preferred": True,
            }
        ],
    }
    if record.display_name:
        resource["name"] = [{"text": record.display_name}]
    if record.synthetic:
        resource["meta"] = {"security": [HTEST]}
    return validated(resource)


def evidence_text(citation: EvidenceCitation) -> str:
    """``Empathy — Elliott et al. (2018): r = .28, k = 82, N = 6,138. <source>``."""
    text = format_citation(citation, element=True)
    if citation.statement:
        text += f". {citation.statement}"
    return f"{text}. {citation.source}"


def care_plan(
    plan: Plan,
    *,
    patient_id: str,
    created: datetime,
    plan_id: str | None = None,
    base: FhirBase | None = None,
    language: str = SOURCE_LANGUAGE,
) -> dict[str, Any]:
    """The CarePlan for a tailored plan; ``created`` is when it was generated (an argument).

    Its own words are in ``language`` (the plan's texts are already: ``wording.plan_in``).
    """
    base = base or FhirBase()
    words = _Words(language)
    recommendations: Sequence[Recommendation] = (*plan.foundations, *plan.recommendations)
    activities = [
        {"detail": {"status": "not-started", "description": _safety_text(item, words)}}
        for item in plan.safety
    ]
    activities += [
        {
            "detail": {
                "status": "not-started",
                "description": _activity_text(rec, words),
            }
        }
        for rec in recommendations
    ]
    notes = [
        {
            "text": words(
                N_("Held back while a risk event is open: %(what)s"),
                what=f"{c.resolution} {c.reason}",
            )
        }
        for c in plan.conflicts
        if c.kind == "risk"
    ]
    notes += [
        {
            "text": words(
                N_("Evidence for “%(summary)s”: %(evidence)s"),
                summary=rec.summary,
                evidence=" | ".join(evidence_text(e) for e in rec.evidence),
            )
        }
        for rec in recommendations
        if rec.evidence
    ]
    notes += [
        {
            "text": words(
                N_("Flag (%(severity)s): %(message)s"),
                severity=words(_SEVERITY[flag.severity]),
                message=flag.message,
            )
        }
        for flag in plan.flags
    ]
    settings = ", ".join(  # the same words as the CDS plan card's
        words(template, value=setting_value_words(value, language))
        for template, value in (
            (N_("directiveness %(value)s"), plan.directiveness),
            (N_("stance %(value)s"), plan.stance),
            (N_("focus %(value)s"), plan.focus),
        )
        if value
    )
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": fhir_id(plan_id or f"plan-{patient_id}"),
        "status": "active",
        "intent": "plan",
        "title": words(N_("Tailored psychotherapy plan (Attunement)")),
        "description": f"{settings}. {plan.disclaimer}",
        "subject": {"reference": f"Patient/{fhir_id(patient_id)}"},
        "created": created.isoformat(),
    }
    if activities:
        resource["activity"] = activities
    if notes:
        resource["note"] = notes
    return validated(resource)


#: A flag's severity in words (message ids).
_SEVERITY = {"critical": N_("critical"), "warning": N_("warning"), "info": N_("info")}


class _Words:
    """The CarePlan's own words in one language (gettext, ``%(name)s`` filled)."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, message: str, /, **values: str) -> str:
        return translate(message, self.language, **values)


def _safety_text(item: SafetyFirst, words: _Words) -> str:
    because, do, avoid = words(N_("Because:")), words(N_("Do:")), words(N_("Avoid:"))
    lines = [item.summary, item.detail]
    lines += [f"{because} {describe_risk(basis, words.language)}" for basis in item.because]
    lines += [f"{do} {text}" for text in item.do]
    lines += [f"{avoid} {text}" for text in item.avoid]
    lines.append(words(N_("Basis: %(source)s"), source=item.source))
    return "\n".join(lines)


def _activity_text(rec: Recommendation, words: _Words) -> str:
    do, avoid = words(N_("Do:")), words(N_("Avoid:"))
    lines = [rec.summary, rec.detail]
    lines += [f"{do} {item}" for item in rec.do]
    lines += [f"{avoid} {item}" for item in rec.avoid]
    return "\n".join(line for line in lines if line)


def bundle(
    resources: Iterable[dict[str, Any]],
    *,
    kind: Literal["collection", "searchset"] = "collection",
    bundle_id: str | None = None,
    timestamp: datetime | None = None,
    base: FhirBase | None = None,
) -> dict[str, Any]:
    """A Bundle of ``resources`` (each with ``fullUrl``), validated as R4B.

    A searchset marks the Patient as the ``match`` and everything else ``include``, and
    gives the ``total`` of matches, as ``$everything`` does.
    """
    base = base or FhirBase()
    entries = []
    for resource in resources:
        entry: dict[str, Any] = {"fullUrl": base.full_url(resource), "resource": resource}
        if kind == "searchset":
            mode = "match" if resource["resourceType"] == "Patient" else "include"
            entry["search"] = {"mode": mode}
        entries.append(entry)
    data: dict[str, Any] = {"resourceType": "Bundle", "type": kind, "entry": entries}
    if bundle_id:
        data["id"] = fhir_id(bundle_id)
    if timestamp:
        data["timestamp"] = timestamp.isoformat()
    if kind == "searchset":
        data["total"] = sum(1 for e in entries if e["search"]["mode"] == "match")
    return validated(data)
