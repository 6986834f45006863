"""A patient's whole record as one Bundle: Patient, Questionnaires, responses, scores, risk
events (as Flags), plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from attunement.fhir._bundle import bundle, care_plan, patient
from attunement.fhir._common import FhirBase
from attunement.fhir._flag import risk_flag
from attunement.fhir._questionnaire import questionnaire
from attunement.fhir._records import FhirAdministrationRecord, PatientRecord
from attunement.fhir._response import observations, questionnaire_response
from attunement.i18n import SOURCE_LANGUAGE
from attunement.instruments import load_instrument, score

if TYPE_CHECKING:
    from attunement.risk import RiskEvent
    from attunement.tailoring import Plan

__all__ = ["export_record"]


def export_record(
    record: PatientRecord,
    administrations: Sequence[FhirAdministrationRecord],
    *,
    plan: Plan | None = None,
    risk_events: Sequence[RiskEvent] = (),
    generated_at: datetime,
    kind: Literal["collection", "searchset"] = "collection",
    base: FhirBase | None = None,
    language: str = SOURCE_LANGUAGE,
) -> dict[str, Any]:
    """The Bundle of one patient's record; scores are computed here by the scoring engine.
    The CarePlan's own words and the risk Flags' are in ``language`` (the clinic's; the
    plan's texts are in it when it went through ``wording.plan_in``).

    Order: Patient, the Questionnaires used, then per administration (oldest first) its
    QuestionnaireResponse and Observations, then one Flag per stored risk event (open ones
    first; ``active`` while open, ``inactive`` once answered), then the CarePlan (which
    leads with the safety item while a risk event is open). ``generated_at`` stamps the
    Bundle and the CarePlan (time is an argument, never read from the clock).
    """
    base = base or FhirBase()
    resources: list[dict[str, Any]] = [patient(record, base=base)]
    used: dict[str, dict[str, Any]] = {}
    body: list[dict[str, Any]] = []
    for administration in sorted(administrations, key=lambda a: (a.administered_at, a.id)):
        definition = load_instrument(administration.instrument)
        if definition.id not in used:
            used[definition.id] = questionnaire(
                definition,
                base=base,
                language=record.preferred_language
                if record.preferred_language in definition.languages
                else "en",
            )
        result = score(
            definition,
            administration.answers,
            language=administration.language
            if administration.language in definition.languages
            else "en",
        )
        body.append(questionnaire_response(administration, definition, base=base))
        body.extend(observations(administration, definition, result, base=base))
    resources += list(used.values()) + body
    exported = {a.id for a in administrations}
    resources += [
        risk_flag(event, patient_id=record.id, exported=exported, base=base, language=language)
        for event in risk_events
    ]
    if plan is not None:
        resources.append(
            care_plan(
                plan, patient_id=record.id, created=generated_at, base=base, language=language
            )
        )
    return bundle(
        resources,
        kind=kind,
        bundle_id=f"record-{record.id}",
        timestamp=generated_at,
        base=base,
    )
