"""What a report shows, as frozen models: the templates render these and compute nothing.

A :class:`PatientReport` or :class:`ClinicReport` is assembled from the core's results
(Status, Plan, Score, the clinic statistics) by ``reports._assemble`` and
``reports._clinic``; the HTML and the PDF are two renderings of the same model, so a number
in either equals the number in the model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from attunement.documents._chart_data import (
    AlertCounts,
    AllianceChartData,
    CategoryCounts,
    ItemHeatStripData,
    OutcomeChartData,
    SeverityGroup,
)
from attunement.evidence import BenchmarkComparison
from attunement.learning import LearningReport
from attunement.stats import Proportion, StandardizedMeanChange

__all__ = [
    "ClinicReport",
    "ClinicianRow",
    "EndedCount",
    "InstrumentNotice",
    "PatientPage",
    "PatientReport",
    "PlanItem",
    "ProfileRow",
    "ReportHeader",
    "ReportRiskEventView",
    "ReportStatusView",
    "SafetyView",
    "SupportPromptView",
]


DEFAULT_SYNTHETIC_LABEL = "SYNTHETIC DATA — not real patients"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReportHeader(_Frozen):
    """Title, date (an argument, not the clock) and the synthetic label when it applies."""

    title: str
    generated_on: dt.date
    synthetic: bool
    synthetic_label: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _synthetic_is_labelled(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("synthetic") and not data.get("synthetic_label"):
            return {**data, "synthetic_label": DEFAULT_SYNTHETIC_LABEL}
        return data


class InstrumentNotice(_Frozen):
    """An instrument's copyright/licence notice and citation, printed with its scores."""

    short_name: str
    name: str
    version: str
    licence: str
    notice: str | None
    citation: str


class ProfileRow(_Frozen):
    """One profile value. ``derived`` is the value as a patient fact when it was derived
    from a score (``wording.describe_fact``: a level on an assumed cut-off says so)."""

    dimension: str
    value: str
    provenance: str
    derived: str | None = None


class PlanItem(_Frozen):
    """One recommendation as an option, with the patient facts and the evidence behind it."""

    element: str
    recommendation: str
    because: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    verdict: str | None = None
    accommodation: bool = False


class ReportRiskEventView(_Frozen):
    """One risk event in the one wording (``attunement.wording.describe_event``): an open event
    leads with what was endorsed and the instruction; an answered one reads as history."""

    open: bool
    lines: tuple[str, ...]
    sessions: tuple[int, ...] = ()


class SafetyView(_Frozen):
    """The plan's safety item while a risk event is open (``tailoring.Plan.safety``)."""

    summary: str
    detail: str
    because: tuple[str, ...] = ()
    do: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    source: str


class SupportPromptView(_Frozen):
    domain: str
    title: str = ""
    prompt: str
    evidence: tuple[str, ...] = ()


class ReportStatusView(_Frozen):
    """The monitoring Status of the episode at its latest session, flattened for print."""

    session: int
    instrument: str
    intake: float | None
    latest: float | None
    change: float | None
    rci: float | None
    reliable_change: float | None
    category: str | None
    response: bool | None
    remission: bool | None
    alert: str
    expected_value: float | None = None
    expected_low: float | None = None
    expected_high: float | None = None
    expected_method: str | None = None
    alliance_state: str | None = None
    alliance_alerts: tuple[str, ...] = ()
    repair_options: tuple[str, ...] = ()
    dropout_risks: tuple[str, ...] = ()
    norms_source: str | None = None
    #: which limits the alliance was judged by, and why: a message id and its values
    #: (``wording.alliance_limits_words``), translated in the template and printed beside
    #: the alliance alerts they explain
    alliance_limits: str | None = None
    alliance_limits_values: dict[str, str] = {}


class PatientPage(_Frozen):
    """The plain-language page for the patient, in their language."""

    language: str
    fallback: bool
    instrument: str
    intake: float | None
    latest: float | None
    session: int
    category: str | None
    risk: bool
    outcome_chart: OutcomeChartData | None


class PatientReport(_Frozen):
    """Everything the one-page clinician report (and the optional patient page) shows."""

    header: ReportHeader
    patient_name: str
    patient_key: str
    clinician: str
    preferred_language: str
    episode_started: dt.date
    sessions_held: int
    status: ReportStatusView | None
    risk_events: tuple[ReportRiskEventView, ...] = ()
    risk_history: tuple[ReportRiskEventView, ...] = ()
    support_prompts: tuple[SupportPromptView, ...]
    profile: tuple[ProfileRow, ...]
    safety: tuple[SafetyView, ...] = ()
    held_back: tuple[str, ...] = ()
    held_back_reason: str | None = None
    plan: tuple[PlanItem, ...]
    plan_notes: tuple[str, ...] = ()
    outcome_chart: OutcomeChartData | None
    alliance_chart: AllianceChartData | None
    item_chart: ItemHeatStripData | None
    notices: tuple[InstrumentNotice, ...]
    patient_page: PatientPage | None = None


class ClinicianRow(_Frozen):
    clinician: str
    episodes: int
    counts: CategoryCounts
    red_alerts: int
    risk_flags: int  # episodes whose patient has an open risk event


class EndedCount(_Frozen):
    """How many reported episodes ended for one reason."""

    reason: str
    label: str
    episodes: int


class ClinicReport(_Frozen):
    """Caseload outcomes, effect size, benchmarks, alerts and accommodation shares."""

    header: ReportHeader
    instrument: str
    episodes: int
    period_start: dt.date | None
    period_end: dt.date | None
    categories: CategoryCounts
    response: Proportion
    remission: Proportion
    reliable_improvement_by_session_8: Proportion
    effect_size: StandardizedMeanChange | None
    effect_size_problem: str | None = None
    benchmarks: tuple[BenchmarkComparison, ...]
    alerts: AlertCounts
    open_risk_events: int = 0
    open_risk_patients: int = 0
    accommodated: Proportion
    accommodated_preference: Proportion
    accommodated_culture: Proportion
    severity: tuple[SeverityGroup, ...]
    clinicians: tuple[ClinicianRow, ...]
    notices: tuple[InstrumentNotice, ...]
    category_rule: str
    excluded_other_instrument: int = 0
    #: the ended episodes the benchmarks are compared with, and their count per end reason
    benchmark_episodes: int = 0
    ended_by_reason: tuple[EndedCount, ...] = ()
    #: "What this clinic's data say": the learning report (therapist rows cut to those the
    #: reader may see); None when it could not be read (``learning_problem`` says why)
    learning: LearningReport | None = None
    learning_problem: str | None = None
