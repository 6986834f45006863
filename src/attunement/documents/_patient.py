"""Assemble the patient progress report from the core's results (pure).

Inputs are what the core already computed — the episode's Status (change, category,
expected trajectory, alerts, prompts), the outcome and alliance Series, the item answers,
the Profile, the Plan and the patient's risk events — and what the report prints is picked
from them, never recomputed: the chart's expected band is ``Status.trajectory``, the
reliable-change band is ``Status.reliable_change`` around ``Status.intake``. The report
leads with the open risk events and keeps the answered ones as history, in the one wording
of a risk event (``attunement.wording.describe_event``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from attunement.documents._assemble import (
    held_back,
    instrument_notice,
    plan_items,
    plan_notes,
    profile_rows,
    risk_event_views,
    safety_views,
)
from attunement.documents._chart_data import (
    AllianceChartData,
    AlliancePoint,
    ExpectedPoint,
    ItemHeatStripData,
    OutcomeChartData,
    OutcomePoint,
)
from attunement.documents._models import (
    PatientPage,
    PatientReport,
    ReportHeader,
    ReportStatusView,
    SupportPromptView,
)
from attunement.i18n import N_, SOURCE_LANGUAGE, falls_back, resolve_language, translate
from attunement.instruments import InstrumentDefinition
from attunement.monitoring import Series, Status, red_limit
from attunement.profile import Profile
from attunement.risk import RiskEvent
from attunement.tailoring import Plan
from attunement.wording import (
    alliance_limits_words,
    element_name,
    higher_is_worse,
    plan_in,
    repair_words,
    scale_digits,
    status_figures,
    status_in,
)

__all__ = [
    "ITEM_STRIP_SESSIONS",
    "alliance_chart_data",
    "build_patient_report",
    "outcome_chart_data",
    "status_view",
]

#: How many of the latest administrations the item heat strip shows.
ITEM_STRIP_SESSIONS = 5


def status_view(status: Status, language: str = SOURCE_LANGUAGE) -> ReportStatusView:
    """The Status flattened for print (nothing recomputed)."""
    expected = status.expected
    alliance = status.alliance
    limits = alliance_limits_words(alliance, language)
    return ReportStatusView(
        session=status.session,
        instrument=status_figures(status).measure,
        intake=status.intake,
        latest=status.latest,
        change=status.change,
        rci=status.rci,
        reliable_change=status.reliable_change,
        category=status.category,
        response=status.response,
        remission=status.remission,
        alert=status.alert,
        expected_value=expected.value if expected else None,
        expected_low=expected.low if expected else None,
        expected_high=expected.high if expected else None,
        expected_method=expected.method if expected else None,
        alliance_state=alliance.state if alliance else None,
        alliance_alerts=tuple(a.message for a in alliance.alerts) if alliance else (),
        repair_options=tuple(
            repair_words(o.kind, o.text, language) for o in alliance.repair_options
        )
        if alliance
        else (),
        dropout_risks=tuple(f"{r.title}: {r.message}" for r in status.dropout_risks),
        norms_source=status.norms.source,
        alliance_limits=limits.message if limits else None,
        alliance_limits_values=dict(limits.values) if limits else {},
    )


def expected_points(status: Status | None) -> tuple[ExpectedPoint, ...]:
    """The expected trajectory and its band as chart points (``Status.trajectory``), the same
    on the web page and in the documents; a band with a missing (non-finite) number is a
    gap in the band, not a failed chart."""
    if status is None:
        return ()
    return tuple(
        ExpectedPoint(
            session=band.session,
            value=band.value,
            low=min(band.low, band.value),
            high=max(band.high, band.value),
        )
        for band in status.trajectory
        if all(math.isfinite(x) for x in (band.value, band.low, band.high))
    )


def outcome_chart_data(
    series: Series, status: Status | None, definition: InstrumentDefinition
) -> OutcomeChartData:
    """Observed values, ``Status.trajectory`` (one per session from the baseline on), the
    cut-off and the reliable-change band."""
    scale = definition.scale(series.scale)
    return OutcomeChartData(
        instrument=definition.short_name,
        points=tuple(
            OutcomePoint(
                session=p.session,
                value=p.value,
                risk=any(f.endorsed for f in p.flags),
            )
            for p in series.points
            if p.attended
        ),
        expected=expected_points(status),
        expected_method=status.expected.method if status and status.expected else None,
        cutoff=status.norms.cutoff if status else (scale.cutoff.value if scale.cutoff else None),
        reliable_change=status.reliable_change if status else None,
        red_limit=red_limit(status) if status else None,
        scale_min=scale.range[0],
        scale_max=scale.range[1],
        higher_is_worse=higher_is_worse(scale.direction),
        digits=scale_digits(scale),
    )


def alliance_chart_data(
    series: Series, status: Status | None, definition: InstrumentDefinition
) -> AllianceChartData:
    scale = definition.scale(series.scale)
    alliance = status.alliance if status else None
    return AllianceChartData(
        instrument=definition.short_name,
        points=tuple(
            AlliancePoint(session=p.session, value=p.value) for p in series.points if p.attended
        ),
        threshold=alliance.threshold if alliance else None,
        threshold_note=alliance.threshold_basis if alliance else None,
        threshold_note_worded=alliance.threshold_basis_worded if alliance else None,
        scale_min=scale.range[0],
        scale_max=scale.range[1],
    )


def item_chart_data(
    answers: Sequence[tuple[int, Sequence[float | None]]], definition: InstrumentDefinition
) -> ItemHeatStripData | None:
    latest = sorted(answers)[-ITEM_STRIP_SESSIONS:]
    if not latest:
        return None
    values = [
        o.value for item in definition.items for o in definition.response_sets[item.responses]
    ]
    items = tuple(str(i + 1) for i in range(len(definition.items)))
    flagged = {f.item for f in definition.flags}
    return ItemHeatStripData(
        instrument=definition.short_name,
        items=items,
        sessions=tuple(s for s, _ in latest),
        values=tuple(tuple(row) for _, row in latest),
        answer_min=min(values),
        answer_max=max(values),
        risk_items=tuple(
            label for label, item in zip(items, definition.items, strict=True) if item.id in flagged
        ),
    )


def build_patient_report(
    *,
    patient_name: str,
    patient_key: str,
    clinician: str,
    preferred_language: str,
    synthetic: bool,
    episode_started: dt.date,
    sessions_held: int,
    outcome_definition: InstrumentDefinition,
    outcome_series: Series | None,
    status: Status | None,
    alliance_definition: InstrumentDefinition | None = None,
    alliance_series: Series | None = None,
    item_answers: Sequence[tuple[int, Sequence[float | None]]] = (),
    profile: Profile | None = None,
    plan: Plan | None = None,
    risk_events: Sequence[RiskEvent] = (),
    generated_on: dt.date,
    patient_page: bool = True,
    synthetic_label: str | None = None,
    clinic_language: str = SOURCE_LANGUAGE,
) -> PatientReport:
    """The patient progress report; every risk event of the patient is always included
    (open ones first, answered ones as history). The clinician pages are in
    ``clinic_language`` (an available language, :func:`attunement.i18n.resolve_language`):
    the knowledge files' texts of the status and the plan too."""
    status = status_in(status, clinic_language) if status is not None else None
    plan = plan_in(plan, clinic_language) if plan is not None else None
    events = risk_event_views(
        risk_events, clinic_language, current_session=status.session if status is not None else None
    )
    held, held_reason = held_back(plan, clinic_language) if plan else ((), None)
    outcome_chart = (
        outcome_chart_data(outcome_series, status, outcome_definition) if outcome_series else None
    )
    language = resolve_language(preferred_language)
    page = None
    if patient_page:
        page = PatientPage(
            language=language,
            fallback=falls_back(preferred_language),
            instrument=outcome_definition.short_name,
            intake=status.intake if status else None,
            latest=status.latest if status else None,
            session=status.latest_session or status.session if status else 1,
            category=status.category if status else None,
            risk=any(e.open for e in events),
            outcome_chart=outcome_chart,
        )
    definitions = [outcome_definition, *([alliance_definition] if alliance_definition else [])]
    return PatientReport(
        header=ReportHeader(
            title=translate(N_("Progress report — %(name)s"), clinic_language, name=patient_name),
            generated_on=generated_on,
            synthetic=synthetic,
            synthetic_label=synthetic_label,
        ),
        patient_name=patient_name,
        patient_key=patient_key,
        clinician=clinician,
        preferred_language=preferred_language,
        episode_started=episode_started,
        sessions_held=sessions_held,
        status=status_view(status, clinic_language) if status else None,
        risk_events=tuple(e for e in events if e.open),
        risk_history=tuple(e for e in events if not e.open),
        support_prompts=tuple(
            SupportPromptView(
                domain=p.domain,
                title=p.title,
                prompt=p.prompt,
                evidence=tuple(element_name(e, clinic_language) for e in p.evidence),
            )
            for p in (status.support_prompts if status else ())
        ),
        profile=profile_rows(profile, clinic_language) if profile else (),
        safety=safety_views(plan, clinic_language) if plan else (),
        held_back=held,
        held_back_reason=held_reason,
        plan=plan_items(plan, clinic_language) if plan else (),
        plan_notes=plan_notes(plan, clinic_language) if plan else (),
        outcome_chart=outcome_chart,
        alliance_chart=alliance_chart_data(alliance_series, status, alliance_definition)
        if alliance_series and alliance_definition
        else None,
        item_chart=item_chart_data(item_answers, outcome_definition),
        notices=tuple(instrument_notice(d, clinic_language) for d in definitions),
        patient_page=page,
    )
