"""HL7 FHIR R4 for Attunement: export and import, validated with fhir.resources R4B models.

The public face of the FHIR translation. Export is pure: core models (instrument
definitions, scores, the tailored plan) plus small input records (:class:`PatientRecord`,
:class:`FhirAdministrationRecord`) in, plain FHIR JSON out, every resource checked by building
its R4B model. Import takes a Bundle or a QuestionnaireResponse and returns an
:class:`ImportResult` listing what was imported (answers and score per response), refused
(with reasons naming the resource and linkId) and ignored.

=======================  ==========================================================
``_common``              code systems, ids, the base URL, R4B validation
``_questionnaire``       InstrumentDefinition → Questionnaire
``_response``            administration → QuestionnaireResponse; Score → Observations
``_bundle``              Patient, CarePlan, Bundle
``_flag``                a stored risk event → Flag (active while open)
``_export``              a patient's whole record as one Bundle
``_check``               a response checked against its Questionnaire
``_import``              Bundle / QuestionnaireResponse → ImportResult
``_bulk``                Patient, EpisodeOfCare, QuestionnaireResponse → import rows
=======================  ==========================================================
"""

from attunement.fhir._bulk import FhirRows, read_fhir_rows
from attunement.fhir._bundle import bundle, care_plan, evidence_text, patient
from attunement.fhir._check import check_against_questionnaire
from attunement.fhir._common import (
    HTEST,
    LOINC,
    ORDINAL_VALUE,
    UCUM,
    FhirBase,
    fhir_id,
    validated,
)
from attunement.fhir._export import export_record
from attunement.fhir._flag import risk_flag
from attunement.fhir._import import (
    IgnoredResource,
    ImportedResponse,
    ImportResult,
    RefusedResource,
    import_fhir,
)
from attunement.fhir._questionnaire import answer_coding, computable_name, questionnaire
from attunement.fhir._records import FhirAdministrationRecord, PatientRecord
from attunement.fhir._response import observations, questionnaire_response, response_id

__all__ = [
    "HTEST",
    "LOINC",
    "ORDINAL_VALUE",
    "UCUM",
    "FhirAdministrationRecord",
    "FhirBase",
    "FhirRows",
    "IgnoredResource",
    "ImportResult",
    "ImportedResponse",
    "PatientRecord",
    "RefusedResource",
    "answer_coding",
    "bundle",
    "care_plan",
    "check_against_questionnaire",
    "computable_name",
    "evidence_text",
    "export_record",
    "fhir_id",
    "import_fhir",
    "observations",
    "patient",
    "questionnaire",
    "questionnaire_response",
    "read_fhir_rows",
    "response_id",
    "risk_flag",
    "validated",
]
