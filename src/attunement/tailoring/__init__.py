"""The tailoring engine: from a patient profile to an explained, evidence-cited plan.

Rules are data (``rules/*.yaml``: a condition over the profile, the recommendation, the
settings it contributes, the evidence element it rests on, its weight, and the risk-excluded
methods it uses). ``plan(profile, *, open_risk_events=(), clinic_language="en")`` evaluates
them, orders them by evidence strength, resolves conflicts explicitly and returns a
:class:`Plan`; while a risk event is open (or the profile carries a risk flag) the plan
leads with safety and records what ``rules/risk.yaml`` held back. The core words nothing:
``attunement.wording`` turns a plan into the one-page brief (``render_markdown``,
``render_text``) and words its parts (``describe_fact``, ``describe_risk``, ``cite_short``)
for every view, over this package (issue 17).

The package imports no submodule itself: each name loads on first use (``attune status``
imports the monitoring, which replans with :func:`plan` but never while it starts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attunement._lazy import lazy_exports

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use
    from attunement.tailoring._engine import ASSUMED_CUTOFF, plan
    from attunement.tailoring._loader import build_rulebook, load_rulebook
    from attunement.tailoring._models import (
        Arousal,
        Assumption,
        Directiveness,
        EvidenceCitation,
        Focus,
        Intensity,
        NotAssessed,
        PatientFact,
        Plan,
        PlanConflict,
        PlanFlag,
        Recommendation,
        RiskBasis,
        SafetyFirst,
        SettingDecision,
        SettingOption,
        Stance,
    )
    from attunement.tailoring._risk import HELD_BACK, HELD_BECAUSE
    from attunement.tailoring._rulebook import Rule, RuleBook, SettingVocabulary
    from attunement.tailoring._template import refill_translation

__all__ = [
    "ASSUMED_CUTOFF",
    "HELD_BACK",
    "HELD_BECAUSE",
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
    "Rule",
    "RuleBook",
    "SafetyFirst",
    "SettingDecision",
    "SettingOption",
    "SettingVocabulary",
    "Stance",
    "build_rulebook",
    "load_rulebook",
    "plan",
    "refill_translation",
]

_SUBMODULES: dict[str, tuple[str, ...]] = {
    "_engine": ("ASSUMED_CUTOFF", "plan"),
    "_loader": (
        "build_rulebook",
        "load_rulebook",
    ),
    "_models": (
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
    ),
    "_risk": (
        "HELD_BACK",
        "HELD_BECAUSE",
    ),
    "_rulebook": (
        "Rule",
        "RuleBook",
        "SettingVocabulary",
    ),
    "_template": ("refill_translation",),
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _SUBMODULES)
