"""What the clinician pages show, built from the services' results (display only).

Each function turns a service result (``CaseloadEntry``, ``PatientPublic``, ``Plan``,
``AdministrationPublic`` …) into the plain rows a template loops over. Order, alert level,
scores, flags and recommendations are the core's; this module only words them, with the
plan's one wording for patient facts (``wording.describe_fact``: a level that rests on
an assumed cut-off says so) and for the open risk items behind the plan's safety item
(``describe_risk``) — the safety item and what the plan held back are worded once, for the
page and the report alike (``reports._assemble.safety_views`` / ``held_back``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from attunement.documents import SafetyView, derived_fact, held_back, safety_views
from attunement.http.web._display import short_date
from attunement.http.web._questionnaires import definition_or_none
from attunement.i18n import N_, SOURCE_LANGUAGE, knowledge_text, translate
from attunement.profile import (
    DIMENSIONS,
    PREFERENCE_ASPECTS,
    Profile,
    Provenance,
)
from attunement.services import CaseloadEntry
from attunement.tailoring import Plan, Recommendation, load_rulebook
from attunement.wording import (
    category_words,
    cite_short,
    describe_fact,
    describe_profile_flag,
    field_label,
    field_value_words,
    format_number,
    setting_value_words,
    source_words,
    strength_label,
)

__all__ = [
    "AssessView",
    "CaseloadRow",
    "DimensionView",
    "PlanView",
    "RecommendationView",
    "caseload_rows",
    "dimension_views",
    "plan_view",
]


@dataclass(frozen=True)
class CaseloadRow:
    patient_id: int
    episode_id: int | None
    patient_name: str
    clinician_name: str
    alert: str | None
    risk: bool
    open_risk: int
    no_episode: bool
    latest: str
    change: str
    session: str
    last_seen: str
    last_measure: str
    overdue: bool
    due_on: str
    synthetic: bool


def caseload_rows(entries: Sequence[CaseloadEntry], language: str = "en") -> list[CaseloadRow]:
    """The caseload in the service's order (risk, red, yellow … white; severity within),
    worded in ``language`` (the clinic's)."""
    return [
        CaseloadRow(
            patient_id=entry.patient_id,
            episode_id=entry.episode_id,
            patient_name=entry.display_name,
            clinician_name=entry.clinician,
            alert=entry.alert,
            risk=entry.risk_flag,
            open_risk=entry.open_risk_events,
            no_episode=entry.episode_id is None,
            latest=format_number(entry.latest, language=language),
            change=category_words(entry.category, language) if entry.category else "—",
            session=str(entry.session) if entry.session is not None else "—",
            last_seen=short_date(entry.last_seen_on) if entry.last_seen_on else "—",
            last_measure=_last_measure(entry, language),
            overdue=entry.overdue,
            due_on=short_date(entry.measure_due_on) if entry.measure_due_on else "—",
            synthetic=entry.synthetic,
        )
        for entry in entries
    ]


def _last_measure(entry: CaseloadEntry, language: str) -> str:
    """When the latest outcome score was taken, and at which session."""
    if entry.latest_on is None:
        return "—"
    if entry.latest_session is None:
        return short_date(entry.latest_on)
    return translate(
        N_("%(date)s (session %(session)s)"),
        language,
        date=short_date(entry.latest_on),
        session=entry.latest_session,
    )


# --------------------------------------------------------------------------- profile


@dataclass(frozen=True)
class DimensionView:
    """One profile entry; ``lang`` is set when ``value`` is the patient's own words (a
    free-text preference), quoted on the page in the patient's language."""

    label: str
    value: str
    provenance: str | None
    assessed: bool
    lang: str | None = None
    note: str = ""


def _sub(path: str, value: object, language: str) -> str:
    label = field_label(path, language)
    shown = (
        format_number(value, 2)
        if isinstance(value, float)
        else field_value_words(path, value, language)  # a language by its name, never its tag
    )
    return f"{label[:1].lower()}{label[1:]}: {shown}"


def _source(field: str, value: str | float | bool, provenance: Provenance, language: str) -> str:
    """Where a value came from; a value derived from a score as the plan words it."""
    return derived_fact(field, value, provenance, language) or source_words(provenance, language)


def dimension_views(
    profile: Profile | None, patient_language: str = "en", language: str = SOURCE_LANGUAGE
) -> list[DimensionView]:
    """One entry per profile dimension, assessed or not, with where each value came from
    (a level derived from a score on an assumed cut-off says so), in ``language`` (the
    clinic's). A preference in the patient's own words (a free-text aspect) keeps them,
    marked ``patient_language``."""
    views = []
    for dimension in DIMENSIONS:
        label = field_label(dimension, language)
        value = getattr(profile, dimension, None) if profile is not None else None
        if not value:
            views.append(
                DimensionView(label, translate("not assessed", language), None, assessed=False)
            )
            continue
        if dimension == "preferences":
            for preference in value:
                aspect = PREFERENCE_ASPECTS.get(preference.aspect)
                path = f"preferences.{preference.aspect}"
                strength = strength_label(preference.strength, language)
                source = source_words(preference.provenance, language)
                if aspect is not None and aspect.values is None:  # the patient's own words
                    views.append(
                        DimensionView(
                            field_label(path, language),
                            preference.value,
                            source,
                            assessed=True,
                            lang=patient_language,
                            note=f"({strength})",
                        )
                    )
                    continue
                views.append(
                    DimensionView(
                        field_label(path, language),
                        f"{field_value_words(path, preference.value, language)} ({strength})",
                        source,
                        assessed=True,
                    )
                )
            continue
        if hasattr(value, "value"):
            text = field_value_words(dimension, value.value, language)
            source = _source(dimension, value.value, value.provenance, language)
        else:
            parts = value.model_dump(exclude={"provenance"}, exclude_none=True)
            text = " · ".join(_sub(f"{dimension}.{k}", v, language) for k, v in parts.items())
            derived = [
                _source(f"{dimension}.{k}", v, value.provenance, language)
                for k, v in parts.items()
                if value.provenance.derivation(f"{dimension}.{k}") is not None
            ]
            source = "; ".join(derived) or source_words(value.provenance, language)
        views.append(DimensionView(label, text, source, assessed=True))
    return views


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class RecommendationView:
    title: str
    text: str
    because: list[str]
    evidence: list[str]
    do: list[str]
    avoid: list[str]
    risk: bool


@dataclass(frozen=True)
class AssessView:
    label: str
    question: str
    instruments: str
    why: str


@dataclass(frozen=True)
class PlanView:
    safety: list[SafetyView]
    held_back: tuple[str, ...]
    held_back_reason: str | None
    settings: list[tuple[str, str]]
    setting_notes: list[str]
    flags: list[str]
    foundations: list[RecommendationView]
    recommendations: list[RecommendationView]
    conflicts: list[str]
    assess: list[AssessView]
    assumptions: list[str]
    disclaimer: str


def _short_names(ids: Sequence[str]) -> str:
    names = []
    for instrument_id in ids:
        definition = definition_or_none(instrument_id)
        names.append(definition.short_name if definition else instrument_id)
    return ", ".join(names)


def _recommendation(rec: Recommendation, language: str) -> RecommendationView:
    return RecommendationView(
        title=rec.summary,
        text=rec.detail,
        because=[describe_fact(f, language) for f in rec.because],
        evidence=[cite_short(c, language) + (f" ({c.why})" if c.why else "") for c in rec.evidence],
        do=list(rec.do),
        avoid=list(rec.avoid),
        risk=rec.risk,
    )


#: The plan's settings in the order the page shows them, each by its label in the rules'
#: settings file (``rules/settings.yaml``), shown in the page's language.
_SETTINGS = ("directiveness", "stance", "focus", "intensity", "arousal")


def plan_view(plan: Plan, language: str = SOURCE_LANGUAGE) -> PlanView:
    """The plan for the page: safety first (while a risk event is open) and what it held
    back, then the settings, the recommendations, conflicts, what to assess, assumptions;
    the words around the plan's texts and every patient fact in ``language`` (the plan's
    own texts as ``wording.plan_in`` gave them)."""
    held, reason = held_back(plan, language)
    vocabulary = load_rulebook().settings

    def label(setting: str) -> str:
        return knowledge_text(vocabulary[setting].label, language)

    def setting_value(value: str | None) -> str:
        return setting_value_words(value, language) if value else translate("not set", language)

    versus = f" {translate('vs', language)} "
    return PlanView(
        safety=list(safety_views(plan, language)),
        held_back=held,
        held_back_reason=reason,
        settings=[(label(s), setting_value(getattr(plan, s))) for s in _SETTINGS],
        setting_notes=[f"{label(d.setting)}: {d.note}" for d in plan.settings if d.basis == "risk"],
        flags=[
            describe_profile_flag(f.instrument, f.item, f.answer, f.kind, language)
            for f in plan.flags
        ],
        foundations=[_recommendation(r, language) for r in plan.foundations],
        recommendations=[_recommendation(r, language) for r in plan.recommendations],
        conflicts=[
            f"{versus.join(field_label(d, language) for d in c.between)}: {c.resolution}"
            for c in plan.conflicts
            if c.kind != "risk"
        ],
        assess=[
            AssessView(
                field_label(n.field, language), n.question, _short_names(n.instruments), n.why
            )
            for n in plan.not_assessed
        ],
        assumptions=[f"{a.statement} {a.reasoning} ({a.source})" for a in plan.assumptions],
        disclaimer=plan.disclaimer,
    )
