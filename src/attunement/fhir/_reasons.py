"""Why a FHIR resource was refused or ignored, and the notes on one imported, as sentences a
clinic reads in its own language.

Each is kept twice (``attunement.monitoring.Worded``): the English ``text`` that the import
report lists as data (the API's JSON), and the message id (``template``, marked here) with
its values, so that an adapter — the EHR card for data Attunement could not read, ``attune
import fhir`` — says it in the clinic's language. Values are what the resource holds (a
linkId, a status, a canonical URL, as quoted by :func:`attunement.errors.quote`) and stay as
sent; a figure (a total score) stays a number, written at the edge. A FHIR validator's own
message (``problem``) is the library's text and is quoted as it is.
"""

from __future__ import annotations

from typing import Final

from attunement.i18n import N_
from attunement.monitoring import Worded, WordedValue, english_figure

__all__ = [
    "ANSWER_WITHOUT_SCORE",
    "ANSWER_WITHOUT_VALUE",
    "NOT_AN_ITEM",
    "NOT_AN_OPTION",
    "NOT_A_STATUS",
    "NOT_FINAL",
    "NOT_IMPORTED_TYPE",
    "NOT_IN_QUESTIONNAIRE",
    "NOT_SCORED",
    "NOT_VALID",
    "NO_ANSWERS_HERE",
    "NO_CANONICAL",
    "NO_ITEM_MAPPED",
    "NO_KNOWN_PANEL",
    "NO_RESOURCE",
    "ONE_ANSWER_ONLY",
    "OTHER_VERSION",
    "QUESTIONNAIRE_NOT_VALID",
    "QUESTIONNAIRE_USED",
    "REQUIRED",
    "TOTAL_AGREES",
    "TOTAL_DIFFERS",
    "UNKNOWN_QUESTIONNAIRE",
    "WITH_PROBLEM",
    "WRONG_VALUE_TYPE",
    "reason",
]

# --- against the Questionnaire (fhir._check): each names the linkId
NOT_A_STATUS: Final = N_("status %(status)s is not a QuestionnaireResponse status")
NOT_IN_QUESTIONNAIRE: Final = N_("linkId %(link_id)s is not in the Questionnaire")
NO_ANSWERS_HERE: Final = N_("linkId %(link_id)s is a %(kind)s item and cannot have answers")
ONE_ANSWER_ONLY: Final = N_("linkId %(link_id)s has %(count)s answers but does not repeat")
ANSWER_WITHOUT_VALUE: Final = N_("linkId %(link_id)s: an answer has no value")
WRONG_VALUE_TYPE: Final = N_(
    "linkId %(link_id)s: %(value_type)s does not fit a %(kind)s question; allowed: %(allowed)s"
)
NOT_AN_OPTION: Final = N_("linkId %(link_id)s: %(value)s is not one of the answer options")
REQUIRED: Final = N_("linkId %(link_id)s is required but has no answer")

# --- the import (fhir._import): each names the resource
NO_RESOURCE: Final = N_("entry has no resource")
NOT_VALID: Final = N_("%(name)s: not a valid FHIR R4 QuestionnaireResponse (%(problem)s)")
NOT_FINAL: Final = N_(
    "%(name)s: status %(status)s; only completed or amended responses are imported"
)
NO_CANONICAL: Final = N_("%(name)s: no questionnaire canonical, so the instrument is unknown")
WITH_PROBLEM: Final = N_("%(name)s %(problem)s")
NO_KNOWN_PANEL: Final = N_(
    "%(name)s: Questionnaire %(url)s has no LOINC panel code of a known instrument"
)
UNKNOWN_QUESTIONNAIRE: Final = N_(
    "%(name)s: questionnaire %(canonical)s is not known; send its Questionnaire (with a "
    "LOINC panel code) in the Bundle or use an Attunement canonical URL"
)
ANSWER_WITHOUT_SCORE: Final = N_(
    "%(name)s linkId %(link_id)s: answer %(answer)s has no score among %(allowed)s"
)
NOT_SCORED: Final = N_("%(name)s: %(problem)s")
NO_ITEM_MAPPED: Final = N_("%(name)s: no answer maps to an item of %(instrument)s")

# --- ignored resources (fhir._import): the resource is named beside the reason
QUESTIONNAIRE_USED: Final = N_("used to check and map the responses that cite it")
QUESTIONNAIRE_NOT_VALID: Final = N_("not a valid FHIR R4 Questionnaire (%(problem)s); not used")
NOT_IMPORTED_TYPE: Final = N_(
    "Attunement imports QuestionnaireResponses; scores and plans are recomputed from them"
)

# --- notes on an imported response (fhir._import)
NOT_AN_ITEM: Final = N_("linkId %(link_id)s is not an item of %(instrument)s; not scored")
TOTAL_AGREES: Final = N_(
    "the response's own total %(reported)s agrees with Attunement's score %(ours)s"
)
TOTAL_DIFFERS: Final = N_(
    "the response's own total %(reported)s DIFFERS from Attunement's score %(ours)s"
)
OTHER_VERSION: Final = N_(
    "exported for %(instrument)s version %(version)s; scored with version %(scored)s"
)


def reason(
    template: str,
    /,
    parts: dict[str, Worded] | None = None,
    formats: dict[str, str] | None = None,
    **values: WordedValue,
) -> Worded:
    """``template`` filled with ``values`` (numbers written with ``formats``) and the English
    of ``parts``, kept with both."""
    inner, specs = parts or {}, formats or {}
    filled = {name: english_figure(value, specs.get(name, "")) for name, value in values.items()}
    filled.update({name: part.text for name, part in inner.items()})
    return Worded(
        text=template % filled, template=template, values=values, formats=specs, parts=inner
    )
