"""The plan: what the engine recommends for one patient, and why.

Every recommendation carries ``because`` (the patient facts that triggered it, each with its
provenance and, for a value derived from a score, whether its cut-off is published or
assumed) and ``evidence`` (findings pulled from :mod:`attunement.evidence`, never typed into
the rules). Conflicts between rules are kept in the plan with the reason for the
resolution, and missing dimensions say how they could be assessed. While a risk event is
open the plan leads with ``safety`` and lists what it suppressed as ``risk`` conflicts.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

from attunement._model_config import FROZEN
from attunement.profile import Derivation, Provenance

__all__ = [
    "Arousal",
    "Assumption",
    "Directiveness",
    "EvidenceCitation",
    "Focus",
    "Intensity",
    "NotAssessed",
    "PatientFact",
    "Plan",
    "PlanConflict",
    "PlanFlag",
    "Recommendation",
    "RiskBasis",
    "SafetyFirst",
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
    model_config = FROZEN


class PatientFact(_Frozen):
    """One thing known about the patient that a rule used (``reactance = high``).

    ``derivation`` is set when the value was derived from an instrument score: the score,
    and whether the cut-off that turned it into this value is published or assumed.
    """

    field: str
    value: str | float | bool
    strength: str | None = None
    provenance: Provenance
    derivation: Derivation | None = None


class EvidenceCitation(_Frozen):
    """A finding (or a matching caution) from the evidence base, as cited by a rule.

    ``k``/``n``/``metric``/``value`` are ``None`` for narrative findings and matching
    cautions, which carry their words in ``statement``. ``why`` says what the rule cites it for.
    A matching caution keeps its own name in ``caution_name`` beside the English
    ``element_name`` ("Not for routine matching: <caution>"), so that an adapter words the
    frame and the name apart (``attunement.wording.plan_in``); a plan stored before it has none.
    """

    element: str
    element_name: str
    caution_name: str | None = None
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
    methods: tuple[str, ...] = ()


class SettingOption(_Frozen):
    """One value a rule proposed for a setting."""

    value: str
    rule: str
    dimension: str


class PlanConflict(_Frozen):
    """Two parts of the profile pulling in different directions, and how it was resolved.

    ``kind`` ``risk``: a recommendation, tension, setting value or process of change that was
    suppressed because a risk event is open (``rules/risk.yaml``); ``resolution`` says what
    was suppressed and ``reason`` why. For a recommendation or tension held back, ``held``
    is its English text and ``methods`` the labels of the methods that held it back: the
    two sentences are written from them (``tailoring.HELD_BACK``, ``HELD_BECAUSE``), so a
    page words them in its language (``wording.plan_in``).
    """

    id: str
    kind: Literal["setting", "tension", "risk"]
    setting: str | None = None
    between: tuple[str, ...]
    options: tuple[SettingOption, ...] = ()
    chosen: str | None = None
    resolution: str
    reason: str
    because: tuple[PatientFact, ...] = ()
    evidence: tuple[EvidenceCitation, ...] = ()
    from_data: bool = True
    held: str | None = None
    methods: tuple[str, ...] = ()


class SettingDecision(_Frozen):
    """How one setting of the plan (directiveness, stance ...) was decided."""

    setting: str
    value: str | None
    basis: Literal["rule", "conflict", "default", "risk"]
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
    """A threshold or mapping the rules rely on that no source fixes; stated openly.

    For an assumed cut-off behind a patient fact, ``scale_name`` and ``field`` say which
    score was mapped to which profile field: ``statement`` is written from them
    (``tailoring.ASSUMED_CUTOFF``), so a page words it in its language (``wording.plan_in``).
    A plan stored before they were kept has neither, and its statement reads as stored.
    """

    id: str
    statement: str
    reasoning: str
    source: str
    scale_name: str | None = None
    field: str | None = None


class PlanFlag(_Frozen):
    """A flag from instrument scoring (a risk item first): always shown first.

    ``kind`` says whether the risk item was endorsed or left unanswered; ``answer`` is the
    answer given (None when unanswered).
    """

    id: str
    severity: Literal["critical", "warning", "info"]
    dimension: str
    instrument: str
    item: str
    message: str
    kind: Literal["endorsed", "unanswered"] = "endorsed"
    answer: float | None = None


class RiskBasis(_Frozen):
    """An open risk item the plan's safety item rests on.

    ``origin`` ``risk_event``: an open event (``event_id`` its stored id, ``sessions`` where
    the item was endorsed or left blank, ``first_on`` the first date); ``profile``: a risk
    flag raised by a questionnaire given in the profile (an intake PHQ-9, say).
    """

    origin: Literal["risk_event", "profile"]
    kind: Literal["endorsed", "unanswered"]
    instrument: str
    item: str
    message: str
    answer: float | None = None
    event_id: int | None = None
    sessions: tuple[int, ...] = ()
    first_on: date | None = None


class SafetyFirst(_Frozen):
    """What the plan leads with while a risk event is open (``rules/risk.yaml``)."""

    id: str
    kind: Literal["endorsed", "unanswered"]
    summary: str
    detail: str
    do: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    because: tuple[RiskBasis, ...]
    source: str


class Plan(_Frozen):
    """The tailored plan for one patient (``Plan.model_dump(mode="json")`` is the JSON).

    ``safety`` is non-empty exactly while a risk event is open (or the profile carries a risk
    flag): it comes first, and nothing in the plan then raises arousal or suggests
    confrontive, evocative, experiential or exposure methods.
    """

    safety: tuple[SafetyFirst, ...] = ()
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
    conflicts: tuple[PlanConflict, ...] = ()
    not_assessed: tuple[NotAssessed, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    disclaimer: str
