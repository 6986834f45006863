"""CDS Hooks 2.0 for Attunement: the ``attunement-patient-view`` service.

The public face of the CDS Hooks implementation (HL7 CDS Hooks 2.0,
https://cds-hooks.hl7.org/2.0/). The pieces live in private modules:

=====================  ==========================================================
``_models``            the wire format: discovery, request, card, response, feedback
``_service``           discovery document, prefetch handling, 412, merging sources
``_cards``             cards from a patient's signals (critical / warning / info)
``_signals``           the facts a card can state (risk, outcome, alliance, plan)
``_adapt``             signals from Attunement's core models and from prefetched FHIR
``_auth``              the EHR's signed JWT: issuers, keys, aud, exp/iat, jti replay
``_trust_file``        the trust file (ATTUNE_CDS_TRUST_FILE): issuers and their keys
``_feedback``          accepted / overridden cards as records to store
``_schemas``           JSON schemas of the messages, written from the specification
=====================  ==========================================================
"""

from attunement.cds_hooks._adapt import outcome_and_alliance, plan_signal
from attunement.cds_hooks._auth import (
    ALLOWED_ALGORITHMS,
    MAX_JTI_LENGTH,
    CdsClientTrust,
    Clock,
    TrustedIssuer,
    VerifiedClient,
    verify_client_jwt,
)
from attunement.cds_hooks._cards import CARD_NAMESPACE, CardContext, build_cards, fit_summary
from attunement.cds_hooks._feedback import FeedbackRecord, feedback_records
from attunement.cds_hooks._models import (
    SUMMARY_LIMIT,
    Card,
    CardSource,
    CdsCoding,
    CdsRequest,
    CdsResponse,
    CdsService,
    DiscoveryResponse,
    FeedbackItem,
    FeedbackRequest,
    Indicator,
    Link,
    OverrideReason,
    wire,
)
from attunement.cds_hooks._risk import event_signals, risk_signals
from attunement.cds_hooks._schemas import SchemaName, cds_schema
from attunement.cds_hooks._service import (
    HOOK,
    OPTIONAL_PREFETCH,
    PREFETCH,
    REQUIRED_PREFETCH,
    SERVICE_ID,
    PatientViewData,
    PrefetchMissing,
    discovery_document,
    merge_signals,
    patient_view_response,
    read_patient_view,
)
from attunement.cds_hooks._signals import (
    AllianceSignal,
    CdsExpectedBand,
    CdsPlanItem,
    CdsSupportPrompt,
    EvidenceLine,
    OutcomeSignal,
    PatientSignals,
    PlanSignal,
    RiskSignal,
    SafetySignal,
)
from attunement.cds_hooks._trust_file import load_client_trust

__all__ = [
    "ALLOWED_ALGORITHMS",
    "CARD_NAMESPACE",
    "HOOK",
    "MAX_JTI_LENGTH",
    "OPTIONAL_PREFETCH",
    "PREFETCH",
    "REQUIRED_PREFETCH",
    "SERVICE_ID",
    "SUMMARY_LIMIT",
    "AllianceSignal",
    "Card",
    "CardContext",
    "CardSource",
    "CdsClientTrust",
    "CdsCoding",
    "CdsExpectedBand",
    "CdsPlanItem",
    "CdsRequest",
    "CdsResponse",
    "CdsService",
    "CdsSupportPrompt",
    "Clock",
    "DiscoveryResponse",
    "EvidenceLine",
    "FeedbackItem",
    "FeedbackRecord",
    "FeedbackRequest",
    "Indicator",
    "Link",
    "OutcomeSignal",
    "OverrideReason",
    "PatientSignals",
    "PatientViewData",
    "PlanSignal",
    "PrefetchMissing",
    "RiskSignal",
    "SafetySignal",
    "SchemaName",
    "TrustedIssuer",
    "VerifiedClient",
    "build_cards",
    "cds_schema",
    "discovery_document",
    "event_signals",
    "feedback_records",
    "fit_summary",
    "load_client_trust",
    "merge_signals",
    "outcome_and_alliance",
    "patient_view_response",
    "plan_signal",
    "read_patient_view",
    "risk_signals",
    "verify_client_jwt",
    "wire",
]
