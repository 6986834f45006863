"""Plain-language wording shared by the brief's Markdown and text forms."""

from __future__ import annotations

from attunement.profile import PREFERENCE_ASPECTS
from attunement.tailoring._models import EvidenceCitation, PatientFact, RiskBasis

__all__ = [
    "EVIDENCE_LEGEND",
    "cite_short",
    "describe_fact",
    "describe_risk",
    "dimension_label",
    "effect_text",
]

#: How to read the numbers (Cohen 1988, Statistical Power Analysis for the Behavioral
#: Sciences, 2nd ed.: d .2/.5/.8 and r .1/.3/.5 as small/medium/large; read in Wuensch,
#: "Cohen's conventions for small, medium, and large effects", East Carolina University).
EVIDENCE_LEGEND = (
    "k = number of studies, N = number of patients. r is a correlation with outcome "
    "(.1 small, .3 medium, .5 large); d and g are standardised differences between groups "
    "(0.2 small, 0.5 medium, 0.8 large; Cohen 1988); OR is an odds ratio. 'Talk summary only' "
    "marks a figure not found in a primary source."
)

_DIMENSION_LABELS = {
    "relationship": "Relationship",
    "reactance": "Reactance",
    "stage_of_change": "Stage of change",
    "coping_style": "Coping style",
    "preferences": "Preferences",
    "culture": "Culture",
    "religion_spirituality": "Religion and spirituality",
    "attachment": "Attachment",
    "expectations": "Expectations",
    "functional_impairment": "Functional impairment",
    "distress": "Distress",
    "risk": "Open risk event",
}


def dimension_label(dimension: str) -> str:
    """``"stage_of_change"`` → ``"Stage of change"``."""
    head, _, tail = dimension.partition(".")
    label = _DIMENSION_LABELS.get(head, head.replace("_", " ").capitalize())
    return f"{label}: {tail.replace('_', ' ')}" if tail else label


def describe_fact(fact: PatientFact) -> str:
    """``reactance = high (clinician rating, 2024-05-02)``; preferences read naturally.

    A value derived from a score says so, and a level that rests on an assumed cut-off is
    never shown as a plain fact: ``distress = low (from PHQ-9 total 8, by an assumed
    cut-off: No published equivalence ...; phq9 v1.0, 2024-05-02)``.
    """
    if fact.field.startswith("preferences."):
        aspect = fact.field.removeprefix("preferences.")
        label = PREFERENCE_ASPECTS[aspect].label if aspect in PREFERENCE_ASPECTS else aspect
        what = f"{fact.strength} preference - {label}: {str(fact.value).replace('_', ' ')}"
    else:
        value = fact.value
        if isinstance(value, bool):
            shown = "yes" if value else "no"
        elif isinstance(value, float):
            shown = f"{round(value, 2):g}"
        else:
            shown = str(value).replace("_", " ")
        what = f"{dimension_label(fact.field).lower()} = {shown}"
    return f"{what} ({_derived(fact)}{fact.provenance.describe()})"


def _derived(fact: PatientFact) -> str:
    derivation = fact.derivation
    if derivation is None:
        return ""
    score = f"{round(derivation.score, 2):g}"
    if derivation.assumption is not None:
        first = derivation.assumption.split(". ", 1)[0].rstrip(".")
        return f"from {derivation.scale_name} {score}, by an assumed cut-off: {first}; "
    if isinstance(fact.value, float) and fact.value == derivation.score:
        return ""  # the value is the score itself (ECR-R means)
    return f"from {derivation.scale_name} {score}; "


def describe_risk(basis: RiskBasis) -> str:
    """``PHQ-9 item phq9_9 endorsed (answer 2) at session 3, first 2024-05-02: <message>``."""
    what = "endorsed" if basis.kind == "endorsed" else "left unanswered"
    text = f"{basis.instrument} item {basis.item} {what}"
    if basis.answer is not None:
        text += f" (answer {round(basis.answer, 2):g})"
    if basis.sessions:
        text += f" at session{'s' if len(basis.sessions) > 1 else ''} "
        text += ", ".join(str(s) for s in basis.sessions)
    if basis.first_on is not None:
        text += f", first {basis.first_on.isoformat()}"
    origin = "open risk event" if basis.origin == "risk_event" else "questionnaire in the profile"
    if basis.event_id is not None:
        origin += f" {basis.event_id}"
    return f"{text} ({origin}): {basis.message}"


def effect_text(citation: EvidenceCitation) -> str:
    """``d = 0.79``, ``r = .278``, ``OR = 1.79``; empty when the citation has no number."""
    if citation.value is None or citation.metric is None:
        return ""
    value = citation.value
    if citation.metric == "r":
        number = f"{value:.3f}".rstrip("0").rstrip(".")
        number = number.replace("0.", ".", 1) if abs(value) < 1 else number
    else:
        number = f"{value:.2f}"
    return f"{citation.metric} = {number.replace('-', '−')}"


def cite_short(citation: EvidenceCitation) -> str:
    """One line: effect, k, N, what it is about, authors and year, status."""
    parts: list[str] = []
    effect = effect_text(citation)
    if effect:
        parts.append(effect)
    if citation.k_text or citation.k:
        parts.append(f"k = {citation.k_text or citation.k}")
    if citation.n_text or citation.n:
        parts.append(f"N = {citation.n_text or f'{citation.n:,}'}")
    qualifier = ", ".join(x for x in (citation.outcome, citation.scope) if x)
    head = citation.element_name + (f" ({qualifier})" if qualifier else "")
    text = f"{head}: " + (", ".join(parts) if parts else "")
    if citation.statement:
        text += ("; " if parts else "") + f"\u201c{citation.statement.strip()}\u201d"
    if citation.authors:
        who = f"{citation.authors} {citation.year}"
    else:  # a matching caution: its source up to the quoted claim
        who = citation.source.split(": ", 1)[0]
    if citation.edition:
        who += f", {_ordinal(citation.edition)} ed."
    text += f" - {who}"
    if citation.status == "summary-only":
        text += " [talk summary only, not found in a primary source]"
    return text


def _ordinal(number: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(number, f"{number}th")
