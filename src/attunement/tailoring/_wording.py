"""Plain-language wording shared by the brief's Markdown and text forms."""

from __future__ import annotations

from attunement.profile import PREFERENCE_ASPECTS, PROFILE_FIELDS, language_name
from attunement.tailoring._models import EvidenceCitation, PatientFact, RiskBasis
from attunement.wording import (
    field_label,
    format_citation,
    format_number,
    item_label,
    value_words,
)

__all__ = [
    "EVIDENCE_LEGEND",
    "cite_short",
    "describe_fact",
    "describe_risk",
]

#: How to read the numbers (Cohen 1988, Statistical Power Analysis for the Behavioral
#: Sciences, 2nd ed.: d .2/.5/.8 and r .1/.3/.5 as small/medium/large; read in Wuensch,
#: "Cohen's conventions for small, medium, and large effects", East Carolina University).
EVIDENCE_LEGEND = (
    "k = number of studies, N = number of patients. r is a correlation with outcome "
    "(.1 small, .3 medium, .5 large); d and g are standardised differences between groups "
    "(0.2 small, 0.5 medium, 0.8 large; Cohen 1988); OR is an odds ratio. 'Second-hand only' "
    "marks a figure read in a secondary summary, not found in a primary source."
)


def describe_fact(fact: PatientFact) -> str:
    """``reactance = high (clinician rating, 2024-05-02)``; preferences read naturally.

    A value derived from a score says so, and a level that rests on an assumed cut-off is
    never shown as a plain fact: ``distress = low (from PHQ-9 total 8, by an assumed
    cut-off: No published equivalence ...; phq9 v1.0, 2024-05-02)``.
    """
    if fact.field.startswith("preferences."):
        aspect = fact.field.removeprefix("preferences.")
        label = PREFERENCE_ASPECTS[aspect].label if aspect in PREFERENCE_ASPECTS else aspect
        spec = PREFERENCE_ASPECTS.get(aspect)
        shown = (
            language_name(str(fact.value))
            if spec is not None and spec.values == "bcp47"
            else value_words(fact.value)
        )
        what = f"{fact.strength} preference - {label}: {shown}"
    else:
        spec_kind = PROFILE_FIELDS[fact.field].kind if fact.field in PROFILE_FIELDS else None
        shown = (
            language_name(str(fact.value)) if spec_kind == "language" else value_words(fact.value)
        )
        what = f"{field_label(fact.field).lower()} = {shown}"
    return f"{what} ({_derived(fact)}{fact.provenance.describe()})"


def _derived(fact: PatientFact) -> str:
    derivation = fact.derivation
    if derivation is None:
        return ""
    score = format_number(derivation.score, 2)
    if derivation.assumption is not None:
        first = derivation.assumption.split(". ", 1)[0].rstrip(".")
        return f"from {derivation.scale_name} {score}, by an assumed cut-off: {first}; "
    if isinstance(fact.value, float) and fact.value == derivation.score:
        return ""  # the value is the score itself (ECR-R means)
    return f"from {derivation.scale_name} {score}; "


def describe_risk(basis: RiskBasis) -> str:
    """``PHQ-9 item 9 endorsed (answer 2) at session 3, first 2024-05-02: <message>``."""
    what = "endorsed" if basis.kind == "endorsed" else "left unanswered"
    text = f"{item_label(basis.instrument, basis.item)} {what}"
    if basis.answer is not None:
        text += f" (answer {format_number(basis.answer, 2)})"
    if basis.sessions:
        text += f" at session{'s' if len(basis.sessions) > 1 else ''} "
        text += ", ".join(str(s) for s in basis.sessions)
    if basis.first_on is not None:
        text += f", first {basis.first_on.isoformat()}"
    origin = "open risk event" if basis.origin == "risk_event" else "questionnaire in the profile"
    if basis.event_id is not None:
        origin += f" {basis.event_id}"
    return f"{text} ({origin}): {basis.message}"


def cite_short(citation: EvidenceCitation) -> str:
    """One line: what it is about, who, effect, k, N (``wording.format_citation``), then the
    quoted statement and whether the figure was found in a primary source."""
    text = format_citation(citation, element=True)
    if not citation.authors:  # a matching caution: its source up to the quoted claim
        text += f" - {citation.source.split(': ', 1)[0]}"
    if citation.statement:
        text += f"; \u201c{citation.statement.strip()}\u201d"
    if citation.status == "summary-only":
        text += " [second-hand only, not found in a primary source]"
    return text
