"""From the core's results (Plan, Profile, instrument definitions) to report rows (pure).

Nothing here decides anything clinical: it picks, orders and words what the tailoring
engine and the instrument library already say, for print.
"""

from __future__ import annotations

from collections.abc import Iterable

from attunement.documents._models import (
    InstrumentNotice,
    PlanItem,
    ProfileRow,
    ReportRiskEventView,
    SafetyView,
)
from attunement.exports import PlanLine
from attunement.i18n import N_, SOURCE_LANGUAGE, knowledge_text, localised, translate
from attunement.instruments import InstrumentDefinition
from attunement.profile import PROFILE_FIELDS, Profile, Provenance
from attunement.risk import RiskEvent, open_first
from attunement.tailoring import (
    EvidenceCitation,
    PatientFact,
    Plan,
    Recommendation,
    SettingVocabulary,
    load_rulebook,
)
from attunement.wording import (
    describe_event,
    describe_fact,
    describe_risk,
    evidence_status_words,
    field_label,
    field_value_words,
    format_citation,
    format_source_of,
    setting_value_words,
    source_words,
    strength_label,
)

__all__ = [
    "accommodates_culture",
    "accommodates_faith",
    "accommodates_strong_preference",
    "accommodation_kind",
    "citation_text",
    "derived_fact",
    "held_back",
    "instrument_notice",
    "plan_accommodations",
    "plan_items",
    "plan_lines",
    "plan_notes",
    "profile_rows",
    "risk_event_views",
    "safety_views",
]


def instrument_notice(definition: InstrumentDefinition, language: str = "en") -> InstrumentNotice:
    """The instrument's licence notice (in ``language`` when available) and citation."""
    notices = definition.licence.notice
    return InstrumentNotice(
        short_name=definition.short_name,
        name=definition.name,
        version=definition.version,
        licence=definition.licence.name,
        notice=localised(notices, language),
        citation=definition.citation,
    )


def derived_fact(
    path: str,
    value: str | float | bool,
    provenance: Provenance,
    language: str = SOURCE_LANGUAGE,
) -> str | None:
    """The value as the plan words it when it was derived from a score (else None)."""
    derivation = provenance.derivation(path)
    if derivation is None:
        return None
    fact = PatientFact(field=path, value=value, provenance=provenance, derivation=derivation)
    return describe_fact(fact, language)


def profile_rows(profile: Profile, language: str = SOURCE_LANGUAGE) -> tuple[ProfileRow, ...]:
    """One row per assessed profile field, then one per preference, each with provenance;
    a value derived from a score carries the fact's wording (an assumed cut-off says so)."""
    rows: list[ProfileRow] = []
    for path in PROFILE_FIELDS:
        found = profile.value_at(path)
        if found is None:
            continue
        value, provenance = found
        rows.append(
            ProfileRow(
                dimension=field_label(path, language),
                value=field_value_words(path, value, language),
                provenance=source_words(provenance, language),
                derived=derived_fact(path, value, provenance, language),
            )
        )
    for preference in profile.preferences:
        path = f"preferences.{preference.aspect}"
        shown = field_value_words(path, preference.value, language)
        rows.append(
            ProfileRow(
                dimension=field_label(path, language),
                value=f"{shown} ({strength_label(preference.strength, language)})",
                provenance=source_words(preference.provenance, language),
            )
        )
    return tuple(rows)


#: What a cited narrative finding without its summary is called.
_NARRATIVE = N_("narrative finding")


def citation_text(citation: EvidenceCitation, language: str = SOURCE_LANGUAGE) -> str:
    """``Beutler, Edwards & Someah (2018): d = 0.79, k = 13, N = 1,208`` (or the statement),
    a figure not verified from a primary source marked so in ``language``."""
    if citation.metric and citation.value is not None:
        text = format_citation(citation, edition=False)
    else:
        who = format_source_of(citation, edition=False) or citation.element_name
        statement = citation.statement or translate(_NARRATIVE, language)
        text = f"{who}: {statement}"
    status = evidence_status_words(citation.status, language)
    return f"{text} {status}" if status else text


def _item(recommendation: Recommendation, language: str) -> PlanItem:
    headline = recommendation.evidence[0] if recommendation.evidence else None
    return PlanItem(
        element=recommendation.dimension,
        recommendation=recommendation.summary,
        because=tuple(describe_fact(f, language) for f in recommendation.because),
        evidence=(citation_text(headline, language),) if headline else (),
        verdict=headline.verdict if headline else None,
        accommodation=accommodates_strong_preference(recommendation)
        or accommodates_culture(recommendation),
    )


def plan_items(plan: Plan, language: str = SOURCE_LANGUAGE) -> tuple[PlanItem, ...]:
    """The plan's recommendations in its own order, each with its headline evidence."""
    return tuple(_item(r, language) for r in plan.recommendations)


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def plan_notes(plan: Plan, language: str = SOURCE_LANGUAGE) -> tuple[str, ...]:
    """Settings (with any held while a risk event is open), conflict resolutions, dimensions
    not assessed, the assumptions the plan relies on, and the disclaimer, in ``language``
    (the plan's own texts as ``wording.plan_in`` gave them)."""

    def setting(value: str | None) -> str:
        return setting_value_words(value, language) if value else translate(N_("not set"), language)

    notes = [
        translate(
            N_(
                "Settings: directiveness %(directiveness)s, stance %(stance)s, focus "
                "%(focus)s, intensity %(intensity)s, arousal %(arousal)s."
            ),
            language,
            directiveness=setting(plan.directiveness),
            stance=setting(plan.stance),
            focus=setting(plan.focus),
            intensity=setting(plan.intensity),
            arousal=setting(plan.arousal),
        )
    ]
    labels = load_rulebook().settings
    notes += [
        f"{_setting_label(labels.get(d.setting), d.setting, language)} "
        f"{setting(d.value)}: {_first_sentence(d.note)}"
        for d in plan.settings
        if d.basis == "risk" and d.value is not None
    ]
    versus = f" {translate(N_('vs'), language)} "
    notes += [
        translate(
            N_("Conflict (%(sides)s): %(resolution)s"),
            language,
            sides=versus.join(field_label(b, language) for b in c.between),
            resolution=_first_sentence(c.resolution),
        )
        for c in plan.conflicts
        if c.kind != "risk"
    ]
    if plan.not_assessed:
        missing = ", ".join(field_label(n.field, language) for n in plan.not_assessed)
        notes.append(translate(N_("Not assessed: %(fields)s."), language, fields=missing))
    notes += [
        translate(N_("Assumption: %(statement)s"), language, statement=a.statement)
        for a in plan.assumptions
    ]
    notes.append(plan.disclaimer)
    return tuple(notes)


def _setting_label(vocabulary: SettingVocabulary | None, setting: str, language: str) -> str:
    """A plan setting by its label (``rules/settings.yaml``) in ``language``."""
    if vocabulary is None:
        return setting.replace("_", " ").capitalize()
    return knowledge_text(vocabulary.label, language)


def safety_views(plan: Plan, language: str = SOURCE_LANGUAGE) -> tuple[SafetyView, ...]:
    """The plan's safety items (first while a risk event is open), each with its reasons."""
    return tuple(
        SafetyView(
            summary=item.summary,
            detail=item.detail,
            because=tuple(describe_risk(b, language) for b in item.because),
            do=item.do,
            avoid=item.avoid,
            source=item.source,
        )
        for item in plan.safety
    )


def held_back(plan: Plan, language: str = SOURCE_LANGUAGE) -> tuple[tuple[str, ...], str | None]:
    """What the plan suppressed while a risk event is open, and why (the risk rules' reason)."""
    held = [c for c in plan.conflicts if c.kind == "risk"]
    reasons = list(dict.fromkeys(c.reason for c in held))
    items = []
    for conflict in held:
        because = "; ".join(describe_fact(f, language) for f in conflict.because)
        items.append(
            translate(
                N_("%(resolution)s (because: %(facts)s)"),
                language,
                resolution=conflict.resolution,
                facts=because,
            )
            if because
            else conflict.resolution
        )
    return tuple(dict.fromkeys(items)), " ".join(reasons) or None


def accommodates_strong_preference(recommendation: Recommendation) -> bool:
    """A preferences recommendation triggered by a preference the patient holds strongly."""
    return recommendation.dimension == "preferences" and any(
        fact.strength == "strong" for fact in recommendation.because
    )


def accommodates_culture(recommendation: Recommendation) -> bool:
    """A culture recommendation for a patient who wants a culturally adapted treatment."""
    return recommendation.dimension == "culture" and any(
        fact.field == "culture.wants_adaptation" and fact.value is True
        for fact in recommendation.because
    )


def accommodates_faith(recommendation: Recommendation) -> bool:
    """A religion/spirituality recommendation for a patient who wants their faith brought
    into therapy."""
    return recommendation.dimension == "religion_spirituality" and any(
        fact.field == "religion_spirituality.wants_integration" and fact.value is True
        for fact in recommendation.because
    )


def accommodation_kind(recommendation: Recommendation) -> str | None:
    """What a plan line accommodates — ``preferences``, ``culture`` or
    ``religion_spirituality`` — or None (the research export's ``accommodation``)."""
    if accommodates_strong_preference(recommendation):
        return "preferences"
    if accommodates_culture(recommendation):
        return "culture"
    if accommodates_faith(recommendation):
        return "religion_spirituality"
    return None


def plan_lines(plan: Plan) -> list[PlanLine]:
    """The plan's lines for the research export: the foundations, then the tailored
    recommendations, each with what it accommodates."""
    return [
        *(PlanLine("foundation", r, accommodation_kind(r)) for r in plan.foundations),
        *(PlanLine("recommendation", r, accommodation_kind(r)) for r in plan.recommendations),
    ]


def plan_accommodations(plan: Plan) -> tuple[bool, bool]:
    """(strong preference accommodated, cultural adaptation) for the clinic report."""
    return (
        any(accommodates_strong_preference(r) for r in plan.recommendations),
        any(accommodates_culture(r) for r in plan.recommendations),
    )


def risk_event_views(
    events: Iterable[RiskEvent],
    language: str = SOURCE_LANGUAGE,
    *,
    current_session: int | None = None,
) -> tuple[ReportRiskEventView, ...]:
    """The events open first, each in the one wording of a risk event, in ``language``
    (reports are read by clinicians: the clinic's); an open event from before
    ``current_session`` reads as history awaiting its response."""
    return tuple(
        ReportRiskEventView(
            open=event.open,
            lines=describe_event(event, language, current_session=current_session),
            sessions=event.sessions,
        )
        for event in open_first(events)
    )
