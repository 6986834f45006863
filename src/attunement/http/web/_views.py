"""What the clinician pages show, built from the services' results (display only).

Each function turns a service result (``CaseloadEntry``, ``PatientPublic``, ``Plan``,
``AdministrationPublic`` …) into the plain rows a template loops over. Order, alert level,
scores, flags and recommendations are the core's; this module only words them, with the
tailoring engine's own wording for patient facts (``describe_fact``: a level that rests on
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
from attunement.profile import (
    DIMENSIONS,
    PREFERENCE_ASPECTS,
    Profile,
    Provenance,
    fact_words,
    field_value_words,
)
from attunement.risk import describe_profile_flag
from attunement.services import CaseloadEntry
from attunement.tailoring import (
    Plan,
    Recommendation,
    cite_short,
    describe_fact,
)
from attunement.wording import field_label, format_number, value_words

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


def caseload_rows(entries: Sequence[CaseloadEntry]) -> list[CaseloadRow]:
    """The caseload in the service's order (risk, red, yellow … white; severity within)."""
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
            latest=format_number(entry.latest),
            change=value_words(entry.category) if entry.category else "—",
            session=str(entry.session) if entry.session is not None else "—",
            last_seen=short_date(entry.last_seen_on) if entry.last_seen_on else "—",
            last_measure=_last_measure(entry),
            overdue=entry.overdue,
            due_on=short_date(entry.measure_due_on) if entry.measure_due_on else "—",
            synthetic=entry.synthetic,
        )
        for entry in entries
    ]


def _last_measure(entry: CaseloadEntry) -> str:
    """When the latest outcome score was taken, and at which session."""
    if entry.latest_on is None:
        return "—"
    at = f" (session {entry.latest_session})" if entry.latest_session is not None else ""
    return f"{short_date(entry.latest_on)}{at}"


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


def _sub(path: str, value: object) -> str:
    if isinstance(value, float):
        return f"{field_label(path)[:1].lower()}{field_label(path)[1:]}: {format_number(value, 2)}"
    return fact_words(path, value)  # a language by its name, never its tag


def _source(field: str, value: str | float | bool, provenance: Provenance) -> str:
    """Where a value came from; a value derived from a score as the plan words it."""
    return derived_fact(field, value, provenance) or provenance.describe()


def dimension_views(profile: Profile | None, patient_language: str = "en") -> list[DimensionView]:
    """One entry per profile dimension, assessed or not, with where each value came from
    (a level derived from a score on an assumed cut-off says so). A preference in the
    patient's own words (a free-text aspect) keeps them, marked ``patient_language``."""
    views = []
    for dimension in DIMENSIONS:
        label = field_label(dimension)
        value = getattr(profile, dimension, None) if profile is not None else None
        if not value:
            views.append(DimensionView(label, "not assessed", None, assessed=False))
            continue
        if dimension == "preferences":
            for preference in value:
                aspect = PREFERENCE_ASPECTS.get(preference.aspect)
                name = aspect.label if aspect else value_words(preference.aspect)
                path = f"preferences.{preference.aspect}"
                if aspect is not None and aspect.values is None:  # the patient's own words
                    views.append(
                        DimensionView(
                            f"Preference: {name}",
                            preference.value,
                            preference.provenance.describe(),
                            assessed=True,
                            lang=patient_language,
                            note=f"({preference.strength})",
                        )
                    )
                    continue
                views.append(
                    DimensionView(
                        f"Preference: {name}",
                        f"{field_value_words(path, preference.value)} ({preference.strength})",
                        preference.provenance.describe(),
                        assessed=True,
                    )
                )
            continue
        if hasattr(value, "value"):
            text = field_value_words(dimension, value.value)
            source = _source(dimension, value.value, value.provenance)
        else:
            parts = value.model_dump(exclude={"provenance"}, exclude_none=True)
            text = " · ".join(_sub(f"{dimension}.{k}", v) for k, v in parts.items())
            derived = [
                _source(f"{dimension}.{k}", v, value.provenance)
                for k, v in parts.items()
                if value.provenance.derivation(f"{dimension}.{k}") is not None
            ]
            source = "; ".join(derived) or value.provenance.describe()
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


def _recommendation(rec: Recommendation) -> RecommendationView:
    return RecommendationView(
        title=rec.summary,
        text=rec.detail,
        because=[describe_fact(f) for f in rec.because],
        evidence=[cite_short(c) + (f" ({c.why})" if c.why else "") for c in rec.evidence],
        do=list(rec.do),
        avoid=list(rec.avoid),
        risk=rec.risk,
    )


def plan_view(plan: Plan) -> PlanView:
    """The plan for the page: safety first (while a risk event is open) and what it held
    back, then the settings, the recommendations, conflicts, what to assess, assumptions."""
    held, reason = held_back(plan)
    settings = [
        ("Directiveness", value_words(plan.directiveness)),
        ("Stance", value_words(plan.stance) if plan.stance else "not set"),
        ("Focus", value_words(plan.focus)),
        ("Intensity", value_words(plan.intensity)),
        ("Arousal", value_words(plan.arousal)),
    ]
    return PlanView(
        safety=list(safety_views(plan)),
        held_back=held,
        held_back_reason=reason,
        settings=settings,
        setting_notes=[
            f"{value_words(d.setting).capitalize()}: {d.note}"
            for d in plan.settings
            if d.basis == "risk"
        ],
        flags=[describe_profile_flag(f.instrument, f.item, f.answer, f.kind) for f in plan.flags],
        foundations=[_recommendation(r) for r in plan.foundations],
        recommendations=[_recommendation(r) for r in plan.recommendations],
        conflicts=[
            f"{' vs '.join(field_label(d) for d in c.between)}: {c.resolution}"
            for c in plan.conflicts
            if c.kind != "risk"
        ],
        assess=[
            AssessView(field_label(n.field), n.question, _short_names(n.instruments), n.why)
            for n in plan.not_assessed
        ],
        assumptions=[f"{a.statement} {a.reasoning} ({a.source})" for a in plan.assumptions],
        disclaimer=plan.disclaimer,
    )
