"""What a patient-view card can say, as plain typed facts.

Cards are built from these small records rather than straight from the monitoring
``Status`` or the tailoring ``Plan`` so that the wording of a card depends on one stable
shape, whichever source the facts came from: Attunement's own records, or the
QuestionnaireResponses and Observations an EHR prefetched. :mod:`._cds_adapt` fills them
from the core models; nothing here computes a score, a change index or an alert.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from attunement.monitoring import Worded

__all__ = [
    "AllianceSignal",
    "CdsExpectedBand",
    "CdsPlanItem",
    "CdsSupportPrompt",
    "EvidenceLine",
    "OutcomeSignal",
    "PatientSignals",
    "PlanSignal",
    "RiskSignal",
    "SafetySignal",
]

DataSource = Literal["attunement", "ehr"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EvidenceLine(_Frozen):
    """One meta-analytic finding behind a card, exactly as the evidence base records it."""

    element: str
    element_name: str | None = None
    authors: str | None = None
    year: int | None = None
    k: int | None = None
    n: int | None = None
    metric: str | None = None
    value: float | None = None
    outcome: str | None = None
    scope: str | None = None
    source: str


class RiskSignal(_Frozen):
    """An open risk event, or a risk item in the EHR's prefetched data: a critical card.

    ``message`` is the instrument's risk message in the clinic's language. ``headline`` and
    ``lines`` are the one wording of a risk event (``attunement.wording.describe_event``, or
    ``describe_endorsement`` for a prefetched item): when set, the card says exactly that.
    ``endorsed_on`` are the dates of every endorsement of the event, so a prefetched
    response that Attunement already holds as an event is not shown twice. ``event_id`` is
    the stored event's id (None for the EHR's data).
    """

    instrument: str
    item: str
    message: str
    kind: Literal["endorsed", "unanswered"] = "endorsed"
    headline: str | None = None
    lines: tuple[str, ...] = ()
    session: int | None = None
    observed_on: date | None = None
    endorsed_on: tuple[date, ...] = ()
    event_id: int | None = None
    source: DataSource = "attunement"

    def covers(self, other: RiskSignal) -> bool:
        """True when ``other`` (a prefetched item) is one of this event's endorsements."""
        return (
            self.instrument == other.instrument
            and self.item == other.item
            and other.observed_on is not None
            and other.observed_on in self.endorsed_on
        )


class CdsExpectedBand(_Frozen):
    value: float
    low: float
    high: float
    method: str


class CdsSupportPrompt(_Frozen):
    domain: str
    prompt: str
    #: the prompt's title as the Status gives it (in the clinic's language: ``status_in``)
    title: str | None = None
    evidence: tuple[EvidenceLine, ...] = ()


class OutcomeSignal(_Frozen):
    """The latest outcome status of the episode (alert colour and the numbers behind it)."""

    alert: Literal["white", "green", "yellow", "red"]
    instrument: str
    scale: str
    session: int
    intake: float | None = None
    latest: float | None = None
    change: float | None = None
    rci: float | None = None
    category: str | None = None
    expected: CdsExpectedBand | None = None
    norms_source: str | None = None
    support_prompts: tuple[CdsSupportPrompt, ...] = ()
    evidence: tuple[EvidenceLine, ...] = ()
    source: DataSource = "attunement"


class AllianceSignal(_Frozen):
    state: Literal["ok", "at_risk", "rupture"]
    instrument: str | None = None
    alerts: tuple[str, ...] = ()
    repair_options: tuple[str, ...] = ()
    evidence: tuple[EvidenceLine, ...] = ()


class CdsPlanItem(_Frozen):
    summary: str
    detail: str | None = None
    because: tuple[str, ...] = ()
    evidence: tuple[EvidenceLine, ...] = ()


class SafetySignal(_Frozen):
    """The plan's safety item while a risk event is open, and what it held back meanwhile."""

    summary: str
    detail: str
    do: tuple[str, ...] = ()
    because: tuple[str, ...] = ()
    held_back: tuple[str, ...] = ()


class PlanSignal(_Frozen):
    """The tailored plan in brief: safety first (while a risk event is open), its headline
    settings and its recommendations."""

    safety: tuple[SafetySignal, ...] = ()
    directiveness: str | None = None
    stance: str | None = None
    focus: str | None = None
    recommendations: tuple[CdsPlanItem, ...] = ()
    not_assessed: tuple[str, ...] = ()


class PatientSignals(_Frozen):
    """Everything the patient-view service knows about one patient, ready for cards.

    ``risks`` are the open risk events (one critical card each); ``risk_history`` the
    answered ones, which give no urgent card (they are history: a clinician has recorded a
    risk response) but keep a prefetched copy of the same response from reopening them.
    """

    risks: tuple[RiskSignal, ...] = ()
    risk_history: tuple[RiskSignal, ...] = ()
    outcome: OutcomeSignal | None = None
    alliance: AllianceSignal | None = None
    plan: PlanSignal | None = None
    #: Prefetched data that could not be read (so not checked for risk items), with why.
    unread: tuple[str, ...] = ()
    #: The same reasons with their message ids and values (each the twin of the ``unread``
    #: text it matches), so the card says them in the clinic's language.
    unread_worded: tuple[Worded, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.risks
            or self.risk_history
            or self.outcome
            or self.alliance
            or self.plan
            or self.unread
        )
