"""The plan: what the engine recommends for one patient, and why.

Every recommendation carries ``because`` (the patient facts that triggered it, each with its
provenance) and ``evidence`` (findings pulled from :mod:`attunement.evidence`, never typed
into the rules). Conflicts between rules are kept in the plan with the reason for the
resolution, and missing dimensions say how they could be assessed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from attunement.profile import Provenance

__all__ = [
    "Arousal",
    "Assumption",
    "Conflict",
    "Directiveness",
    "EvidenceCitation",
    "Focus",
    "Intensity",
    "NotAssessed",
    "PatientFact",
    "Plan",
    "PlanFlag",
    "Recommendation",
    "SettingDecision",
    "SettingOption",
    "Stance",
]

Directiveness = Literal["low", "moderate", "high"]
Stance = Literal["nurturing_parent", "socratic_teacher", "experienced_coach", "consultant"]
Focus = Literal["symptom_skill", "insight_interpersonal", "balanced"]
Intensity = Literal["low", "moderate", "high"]
Arousal = Literal["lower", "maintain", "raise"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PatientFact(_Frozen):
    """One thing known about the patient that a rule used (``reactance = high``)."""

    field: str
    value: str | float | bool
    strength: str | None = None
    provenance: Provenance


class EvidenceCitation(_Frozen):
    """A finding (or a matching caution) from the evidence base, as cited by a rule.

    ``k``/``n``/``metric``/``value`` are ``None`` for narrative findings and matching
    cautions, which carry their words in ``statement``. ``why`` says what the rule cites it for.
    """

    element: str
    element_name: str
    verdict: str
    authors: str | None = None
    year: int | None = None
    edition: int | None = None
    k: int | None = None
    k_text: str | None = None
    n: int | None = None
    n_text: str | None = None
    metric: str | None = None
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    outcome: str | None = None
    scope: str | None = None
    statement: str | None = None
    source: str
    status: str
    note: str | None = None
    why: str | None = None


class Recommendation(_Frozen):
    """One tailored recommendation, phrased as an option for clinical judgement."""

    id: str
    rule: str
    dimension: str
    summary: str
    detail: str
    do: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    behaviours: tuple[str, ...] = ()
    because: tuple[PatientFact, ...] = ()
    evidence: tuple[EvidenceCitation, ...]
    priority: int
    risk: bool = False
    content_source: str


class SettingOption(_Frozen):
    """One value a rule proposed for a setting."""

    value: str
    rule: str
    dimension: str


class Conflict(_Frozen):
    """Two parts of the profile pulling in different directions, and how it was resolved."""

    id: str
    kind: Literal["setting", "tension"]
    setting: str | None = None
    between: tuple[str, ...]
    options: tuple[SettingOption, ...] = ()
    chosen: str | None = None
    resolution: str
    reason: str
    because: tuple[PatientFact, ...] = ()
    evidence: tuple[EvidenceCitation, ...] = ()
    from_data: bool = True


class SettingDecision(_Frozen):
    """How one setting of the plan (directiveness, stance ...) was decided."""

    setting: str
    value: str | None
    basis: Literal["rule", "conflict", "default"]
    rules: tuple[str, ...] = ()
    note: str


class NotAssessed(_Frozen):
    """A dimension (or key field) that is missing, and how to assess it."""

    field: str
    instruments: tuple[str, ...] = ()
    question: str
    why: str
    element: str | None = None


class Assumption(_Frozen):
    """A threshold or mapping the rules rely on that no source fixes; stated openly."""

    id: str
    statement: str
    reasoning: str
    source: str


class PlanFlag(_Frozen):
    """A flag from instrument scoring (a risk item first): always shown first."""

    id: str
    severity: Literal["critical", "warning", "info"]
    dimension: str
    instrument: str
    item: str
    message: str


class Plan(_Frozen):
    """The tailored plan for one patient (``Plan.model_dump(mode="json")`` is the JSON)."""

    directiveness: Directiveness
    stance: Stance | None
    focus: Focus
    intensity: Intensity
    arousal: Arousal
    processes_of_change: tuple[str, ...]
    settings: tuple[SettingDecision, ...]
    flags: tuple[PlanFlag, ...] = ()
    foundations: tuple[Recommendation, ...]
    recommendations: tuple[Recommendation, ...]
    conflicts: tuple[Conflict, ...] = ()
    not_assessed: tuple[NotAssessed, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    disclaimer: str
