"""A plan's parts in plain words, in the reader's language: its patient facts, the open risk
behind its safety item, its setting values and its citations (issue 17: the plan's wording
lives here, over the tailoring core, which words nothing itself).

The brief (:mod:`attunement.wording._brief`), the web pages, the reports, the FHIR CarePlan
and the CDS cards word a plan's parts with these functions, the same way everywhere.
"""

from __future__ import annotations

from attunement import instruments  # loads its names on first use
from attunement.errors import UnknownInstrument
from attunement.i18n import N_, NC_, SOURCE_LANGUAGE, translate, translate_in_context
from attunement.profile import Provenance
from attunement.tailoring import EvidenceCitation, PatientFact, RiskBasis
from attunement.wording._citations import format_citation
from attunement.wording._names import instrument_name, item_label
from attunement.wording._numbers import format_number
from attunement.wording._profile_labels import (
    aspect_label,
    field_label,
    field_value_words,
    strength_label,
)

__all__ = [
    "EVIDENCE_LEGEND",
    "cite_short",
    "describe_fact",
    "describe_risk",
    "evidence_status_words",
    "flag_message",
    "setting_value_words",
    "source_words",
]

#: The gettext context of a plan setting's value ("high" directiveness is not a "high" band).
SETTING_CONTEXT = "plan setting"

#: The label of every value a plan setting may take (``rules/settings.yaml``).
_SETTING_VALUES = {
    "low": NC_("plan setting", "low"),
    "moderate": NC_("plan setting", "moderate"),
    "high": NC_("plan setting", "high"),
    "nurturing_parent": NC_("plan setting", "nurturing parent"),
    "socratic_teacher": NC_("plan setting", "socratic teacher"),
    "experienced_coach": NC_("plan setting", "experienced coach"),
    "consultant": NC_("plan setting", "consultant"),
    "symptom_skill": NC_("plan setting", "symptom skill"),
    "insight_interpersonal": NC_("plan setting", "insight interpersonal"),
    "balanced": NC_("plan setting", "balanced"),
    "lower": NC_("plan setting", "lower"),
    "maintain": NC_("plan setting", "maintain"),
    "raise": NC_("plan setting", "raise"),
}

#: How to read the numbers (Cohen 1988, Statistical Power Analysis for the Behavioral
#: Sciences, 2nd ed.: d .2/.5/.8 and r .1/.3/.5 as small/medium/large; read in Wuensch,
#: "Cohen's conventions for small, medium, and large effects", East Carolina University).
EVIDENCE_LEGEND = N_(
    "k = number of studies, N = number of patients. r is a correlation with outcome "
    "(.1 small, .3 medium, .5 large); d and g are standardised differences between groups "
    "(0.2 small, 0.5 medium, 0.8 large; Cohen 1988); OR is an odds ratio. 'Second-hand only' "
    "marks a figure read in a secondary summary, not found in a primary source."
)


def describe_fact(fact: PatientFact, language: str = SOURCE_LANGUAGE) -> str:
    """``reactance = high (clinician rating, 2024-05-02)``; preferences read naturally; in
    ``language``, every label from the one place that labels it (the profile's labels, in
    ``language``: :mod:`attunement.wording._profile_labels`).

    A value derived from a score says so, and a level that rests on an assumed cut-off is
    never shown as a plain fact: ``distress = low (from PHQ-9 total 8, by an assumed
    cut-off: No published equivalence ...; PHQ-9 v1.0, 2024-05-02)``. The assumption is the
    instrument definition's own text (English: it is not a catalogue message).
    """
    if fact.field.startswith("preferences."):
        what = translate(
            N_("%(strength)s preference - %(aspect)s: %(value)s"),
            language,
            strength=strength_label(str(fact.strength), language),
            aspect=aspect_label(fact.field.removeprefix("preferences."), language),
            value=field_value_words(fact.field, fact.value, language),
        )
    else:
        label = field_label(fact.field, language)
        shown = (
            format_number(fact.value, 2)
            if isinstance(fact.value, float)
            else field_value_words(fact.field, fact.value, language)
        )
        what = translate(
            N_("%(field)s = %(value)s"), language, field=label[:1].lower() + label[1:], value=shown
        )
    return f"{what} ({_derived(fact, language)}{source_words(fact.provenance, language)})"


def source_words(provenance: Provenance, language: str = SOURCE_LANGUAGE) -> str:
    """Where a value came from, in ``language``: ``PHQ-9 v1.0, 2024-05-02``, ``clinician
    rating``, ``patient's statement`` (an instrument by its name, never its id)."""
    if provenance.source == "instrument":
        text = instrument_name(str(provenance.instrument))
        if provenance.version:
            text += f" v{provenance.version}"
    elif provenance.source == "clinician_rating":
        text = translate(N_("clinician rating"), language)
    else:
        text = translate(N_("patient's statement"), language)
    if provenance.assessed_on is not None:
        text += f", {provenance.assessed_on.isoformat()}"
    return text


def _derived(fact: PatientFact, language: str) -> str:
    derivation = fact.derivation
    if derivation is None:
        return ""
    score = format_number(derivation.score, 2)
    if derivation.assumption is not None:
        first = derivation.assumption.split(". ", 1)[0].rstrip(".")
        return translate(
            N_("from %(scale)s %(score)s, by an assumed cut-off: %(assumption)s; "),
            language,
            scale=derivation.scale_name,
            score=score,
            assumption=first,
        )
    if isinstance(fact.value, float) and fact.value == derivation.score:
        return ""  # the value is the score itself (ECR-R means)
    return translate(
        N_("from %(scale)s %(score)s; "), language, scale=derivation.scale_name, score=score
    )


def describe_risk(basis: RiskBasis, language: str = SOURCE_LANGUAGE) -> str:
    """``PHQ-9 item 9 endorsed (answer 2) at session 3, first 2024-05-02: <message>``, in
    ``language`` (the message is the risk flag's own text)."""
    item = item_label(basis.instrument, basis.item, language)
    what = (
        translate(N_("%(item)s endorsed"), language, item=item)
        if basis.kind == "endorsed"
        else translate(N_("%(item)s left unanswered"), language, item=item)
    )
    parts = [what]
    if basis.answer is not None:
        parts.append(
            translate(N_("(answer %(answer)s)"), language, answer=format_number(basis.answer, 2))
        )
    text = " ".join(parts)
    if basis.sessions:
        sessions = ", ".join(str(s) for s in basis.sessions)
        text += " " + (
            translate(N_("at sessions %(sessions)s"), language, sessions=sessions)
            if len(basis.sessions) > 1
            else translate(N_("at session %(session)s"), language, session=sessions)
        )
    if basis.first_on is not None:
        text += translate(N_(", first %(date)s"), language, date=basis.first_on.isoformat())
    if basis.origin == "risk_event":
        origin = translate(N_("open risk event"), language)
        if basis.event_id is not None:
            origin += f" {basis.event_id}"
    else:
        origin = translate(N_("questionnaire in the profile"), language)
    message = flag_message(basis.instrument, basis.item, basis.kind, basis.message, language)
    return f"{text} ({origin}): {message}"


def flag_message(instrument: str, item: str, kind: str, message: str, language: str) -> str:
    """A risk item's message (the instrument definition's instruction to the clinician) in
    ``language`` where the definition gives it; ``message`` as stored otherwise."""
    if language == SOURCE_LANGUAGE:
        return message
    try:
        definition = instruments.load_instrument(instrument)
    except UnknownInstrument:
        return message
    rule = next((r for r in definition.flags if r.item == item), None)
    if rule is None:
        return message
    flag = rule.id if kind == "endorsed" else f"{rule.id}_unanswered"
    return definition.flag_message(flag, language) or message


def setting_value_words(value: str, language: str = SOURCE_LANGUAGE) -> str:
    """A plan setting's value in words, in ``language``: ``socratic_teacher`` → "socratic
    teacher" (a value without a label in words)."""
    label = _SETTING_VALUES.get(value)
    if label is None:
        return value.replace("_", " ")
    return translate_in_context(SETTING_CONTEXT, label, language)


def cite_short(citation: EvidenceCitation, language: str = SOURCE_LANGUAGE) -> str:
    """One line: what it is about, who, effect, k, N (``wording.format_citation``), then the
    quoted statement and whether the figure was found in a primary source."""
    text = format_citation(citation, element=True)
    if not citation.authors:  # a matching caution: its source up to the quoted claim
        text += f" - {citation.source.split(': ', 1)[0]}"
    if citation.statement:
        text += f"; \u201c{citation.statement.strip()}\u201d"
    status = evidence_status_words(citation.status, language)
    return f"{text} {status}" if status else text


def evidence_status_words(status: str, language: str = SOURCE_LANGUAGE) -> str | None:
    """A cited figure's status, when it is not verified from a primary source: ``summary-only``
    → "[second-hand only, not found in a primary source]" in ``language``; None when verified."""
    if status == "verified":
        return None
    if status == "summary-only":
        return translate(N_("[second-hand only, not found in a primary source]"), language)
    return f"[{status}]"
