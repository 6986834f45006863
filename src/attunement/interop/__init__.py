"""Interoperability: HL7 FHIR R4 export/import and a CDS Hooks 2.0 service.

``attunement.interop.cds_hooks`` — the ``attunement-patient-view`` CDS Service (cards,
discovery, EHR JWT authentication, feedback). ``attunement.interop.fhir`` — Questionnaire,
QuestionnaireResponse, Observation, Patient, CarePlan and Bundle export, and import of
QuestionnaireResponses checked against their Questionnaire. Both are pure translations over
the core models; the database work is in ``attunement.services.interop``.
"""
