"""The ``attunement-patient-view`` CDS Service: discovery, prefetch handling, the response.

CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/):

- § Discovery — the service is advertised with its ``hook`` (``patient-view``), ``id``,
  ``description`` and the *prefetch templates* it wants;
- § Prefetch Template — "If the CDS Client has no data to populate a template prefetch key,
  the prefetch template key MUST have a value of null"; a key the client chose not to (or
  could not) satisfy is *omitted*; "If the CDS Service is unable to obtain required data
  because it cannot access the FHIR server and the request did not contain the necessary
  prefetch keys, the service SHALL respond with an HTTP 412 Precondition Failed";
- hook ``patient-view`` (hook catalog): ``context.patientId`` is REQUIRED.

Attunement never queries the EHR's FHIR server (``fhirServer``/``fhirAuthorization`` are
ignored), so ``questionnaireResponses`` is the *required* prefetch: without it the service
cannot know whether a risk item was endorsed. When the key is missing the service falls back
to what Attunement itself holds for the patient, and answers 412 only when it holds nothing.
Risk items are the union of both sources (never hidden because the other source is quieter):
Attunement's open risk events, and the prefetched responses' risk items it does not hold.
Prefetched QuestionnaireResponses are scored for risk items; ones that cannot be read are
named on a warning card. ``observations`` and ``patient`` are accepted and parsed but not
yet used for cards (outcome, alliance and plan cards come from Attunement's own record).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from attunement.cds_hooks._cards import CardContext, build_cards
from attunement.cds_hooks._models import CdsRequest, CdsResponse, CdsService, DiscoveryResponse
from attunement.cds_hooks._signals import PatientSignals
from attunement.errors import AttunementError, InputError, quote
from attunement.i18n import N_
from attunement.monitoring import Worded

__all__ = [
    "HOOK",
    "OPTIONAL_PREFETCH",
    "PREFETCH",
    "REQUIRED_PREFETCH",
    "SERVICE_ID",
    "PatientViewData",
    "PrefetchMissing",
    "discovery_document",
    "merge_signals",
    "patient_view_response",
    "read_patient_view",
]

SERVICE_ID = "attunement-patient-view"
HOOK = "patient-view"

#: Prefetch templates (CDS Hooks 2.0, § Prefetch query restrictions: an instance read, and
#: type-level searches by patient reference with token equality only).
PREFETCH: dict[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "questionnaireResponses": (
        "QuestionnaireResponse?patient={{context.patientId}}&status=completed"
    ),
    "observations": "Observation?patient={{context.patientId}}&category=survey",
}
REQUIRED_PREFETCH: tuple[str, ...] = ("questionnaireResponses",)
OPTIONAL_PREFETCH: tuple[str, ...] = ("patient", "observations")

#: A prefetch the EHR reported as failed (a message id: the card says it in the clinic's
#: language).
_CLIENT_ERROR = N_("the client reported an error (OperationOutcome)")
#: A prefetch that holds something else than its resource type (values as sent).
_NOT_A_RESOURCE = N_("expected a FHIR resource or Bundle, got %(found)s")
_WRONG_TYPE = N_("expected %(expected)s or a Bundle of them, got %(found)s")
#: One prefetch problem: the prefetch key (as the EHR names it) and why.
_PREFETCH_PROBLEM = N_("%(key)s: %(problem)s")

_EXPECTED_TYPES = {
    "patient": "Patient",
    "questionnaireResponses": "QuestionnaireResponse",
    "observations": "Observation",
}


class PrefetchMissing(AttunementError):
    """Required prefetch was not sent and Attunement holds nothing for the patient (HTTP 412)."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__(
            "required prefetch missing: "
            + ", ".join(missing)
            + "; Attunement does not query the EHR's FHIR server and holds no data for this "
            "patient. Send the prefetch keys listed in the discovery document."
        )
        self.missing = missing


def discovery_document() -> DiscoveryResponse:
    """The ``GET /cds-services`` answer: one service on the ``patient-view`` hook."""
    return DiscoveryResponse(
        services=(
            CdsService(
                hook=HOOK,
                id=SERVICE_ID,
                title="Attunement: outcome, alliance and risk at a glance",
                description=(
                    "When a patient's chart is opened, shows endorsed risk items (critical), "
                    "an outcome alert when the patient is not on track or an alliance rupture "
                    "(warning), and a summary of the evidence-based tailored treatment plan "
                    "(info), from routine outcome monitoring questionnaires such as the PHQ-9."
                ),
                prefetch=dict(PREFETCH),
                usage_requirements=(
                    "Send the 'questionnaireResponses' prefetch (completed QuestionnaireResponses "
                    "for the patient); Attunement does not query the EHR's FHIR server. "
                    "Without it, cards come from Attunement's own record of the patient, "
                    "matched on context.patientId = the patient's external id, and the call is "
                    "refused with 412 when there is none. Authenticate with an RS384 or ES384 "
                    "signed JWT from a configured issuer."
                ),
            ),
        )
    )


class PatientViewData(BaseModel):
    """The parts of a ``patient-view`` call that Attunement uses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str
    hook_instance: str
    patient: dict[str, Any] | None = None
    questionnaire_responses: tuple[dict[str, Any], ...] = ()
    observations: tuple[dict[str, Any], ...] = ()
    satisfied: frozenset[str] = frozenset()
    prefetch_problems: tuple[str, ...] = ()
    #: the same problems with their message ids, for the card in the clinic's language
    prefetch_problems_worded: tuple[Worded, ...] = ()

    @property
    def missing_required(self) -> tuple[str, ...]:
        return tuple(key for key in REQUIRED_PREFETCH if key not in self.satisfied)


def read_patient_view(request: CdsRequest) -> PatientViewData:
    """Check the hook and context, and sort the prefetch into what was and was not sent.

    Raises InputError (HTTP 400) for a request this service cannot be called with: another
    hook, or no ``context.patientId``. A prefetch value that is an OperationOutcome (the
    client's way to report a failed prefetch) or holds the wrong resource type counts as not
    sent and is listed in ``prefetch_problems``.
    """
    if request.hook != HOOK:
        raise InputError("hook", request.hook, (HOOK,))
    patient_id = request.context.get("patientId")
    if not isinstance(patient_id, str) or not patient_id:
        raise InputError("context.patientId", patient_id, "the FHIR id of the patient (string)")
    prefetch = request.prefetch or {}
    satisfied: set[str] = set()
    problems: list[Worded] = []
    found: dict[str, tuple[dict[str, Any], ...]] = {}
    for key, expected in _EXPECTED_TYPES.items():
        if key not in prefetch:
            continue
        resources, problem = _resources(prefetch[key], expected)
        if problem:
            problems.append(_said(_PREFETCH_PROBLEM, {"key": key}, {"problem": problem}))
            continue
        satisfied.add(key)
        found[key] = resources
    patients = found.get("patient", ())
    return PatientViewData(
        patient_id=patient_id,
        hook_instance=request.hook_instance,
        patient=patients[0] if patients else None,
        questionnaire_responses=found.get("questionnaireResponses", ()),
        observations=found.get("observations", ()),
        satisfied=frozenset(satisfied),
        prefetch_problems=tuple(p.text for p in problems),
        prefetch_problems_worded=tuple(problems),
    )


def _said(template: str, values: dict[str, str], parts: dict[str, Worded] | None = None) -> Worded:
    """A sentence in English kept with its message id and values (the card words it)."""
    inner = parts or {}
    text = template % {**values, **{name: part.text for name, part in inner.items()}}
    return Worded(text=text, template=template, values=values, parts=inner)


def _resources(value: Any, expected: str) -> tuple[tuple[dict[str, Any], ...], Worded | None]:
    if value is None:
        return (), None  # the client has no data: satisfied, empty
    if not isinstance(value, dict):
        return (), _said(_NOT_A_RESOURCE, {"found": type(value).__name__})
    kind = value.get("resourceType")
    if kind == "OperationOutcome":
        return (), _said(_CLIENT_ERROR, {})
    if kind == expected:
        return (value,), None
    if kind == "Bundle":
        entries = value.get("entry") or []
        resources = []
        for entry in entries:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict) and resource.get("resourceType") == expected:
                resources.append(resource)
        return tuple(resources), None
    return (), _said(_WRONG_TYPE, {"expected": expected, "found": quote(kind)})


def merge_signals(
    from_ehr: PatientSignals | None, from_attunement: PatientSignals | None
) -> PatientSignals:
    """One set of signals: EHR data first for outcome and alliance, Attunement's plan.

    Risk signals are the union of both (a risk item is never hidden because the other
    source did not see it), except that a prefetched risk item Attunement already holds as
    a risk event — open (it has its own card) or answered (a clinician recorded the
    response; it is history) — is not repeated.
    """
    ehr = from_ehr or PatientSignals()
    own = from_attunement or PatientSignals()
    held = (*own.risks, *own.risk_history)
    risks = [r for r in ehr.risks if not any(event.covers(r) for event in held)]
    seen = {(r.instrument, r.item, r.observed_on, r.session) for r in risks}
    risks += [r for r in own.risks if (r.instrument, r.item, r.observed_on, r.session) not in seen]
    return PatientSignals(
        risks=tuple(risks),
        risk_history=own.risk_history,
        outcome=ehr.outcome or own.outcome,
        alliance=ehr.alliance or own.alliance,
        plan=own.plan or ehr.plan,
        unread=ehr.unread + own.unread,
        unread_worded=ehr.unread_worded + own.unread_worded,
    )


def patient_view_response(
    data: PatientViewData,
    *,
    from_ehr: PatientSignals | None,
    from_attunement: PatientSignals | None,
    context: CardContext,
) -> CdsResponse:
    """The cards for a ``patient-view`` call, or PrefetchMissing (412) when nothing is known.

    ``from_ehr`` are the signals computed from the prefetched resources (``None`` when the
    required prefetch was not sent); ``from_attunement`` those from Attunement's own record
    (``None`` when the patient is unknown to Attunement).
    """
    has_own = from_attunement is not None and not from_attunement.is_empty
    if data.missing_required and not has_own:
        raise PrefetchMissing(data.missing_required)
    signals = merge_signals(from_ehr if not data.missing_required else None, from_attunement)
    return CdsResponse(cards=build_cards(signals, context))
