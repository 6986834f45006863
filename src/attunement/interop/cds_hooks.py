"""CDS Hooks 2.0 for Attunement: the ``attunement-patient-view`` service.

The public face of the CDS Hooks implementation (HL7 CDS Hooks 2.0,
https://cds-hooks.hl7.org/2.0/). The pieces live in private modules:

=====================  ==========================================================
``_cds_models``        the wire format: discovery, request, card, response, feedback
``_cds_service``       discovery document, prefetch handling, 412, merging sources
``_cds_cards``         cards from a patient's signals (critical / warning / info)
``_cds_signals``       the facts a card can state (risk, outcome, alliance, plan)
``_cds_adapt``         signals from Attunement's core models and from prefetched FHIR
``_cds_auth``          the EHR's signed JWT: issuers, keys, aud, exp/iat, jti replay
``_cds_trust_file``    the trust file (ATTUNE_CDS_TRUST_FILE): issuers and their keys
``_cds_feedback``      accepted / overridden cards as records to store
``_cds_schemas``       JSON schemas of the messages, written from the specification
=====================  ==========================================================
"""

from attunement.interop._cds_auth import (
    ALLOWED_ALGORITHMS,
    MAX_JTI_LENGTH,
    CdsClientTrust,
    Clock,
    TrustedIssuer,
    VerifiedClient,
    verify_client_jwt,
)
from attunement.interop._cds_cards import CARD_NAMESPACE, CardContext, build_cards, fit_summary
from attunement.interop._cds_feedback import FeedbackRecord, feedback_records
from attunement.interop._cds_models import (
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
from attunement.interop._cds_schemas import SchemaName, cds_schema
from attunement.interop._cds_service import (
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
from attunement.interop._cds_signals import (
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
from attunement.interop._cds_trust_file import load_client_trust

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
    "feedback_records",
    "fit_summary",
    "load_client_trust",
    "merge_signals",
    "patient_view_response",
    "read_patient_view",
    "verify_client_jwt",
    "wire",
]
