"""The tailoring engine: from a patient profile to an explained, evidence-cited plan.

Rules are data (``rules/*.yaml``: a condition over the profile, the recommendation, the
settings it contributes, the evidence element it rests on, its weight). ``plan(profile)``
evaluates them, orders them by evidence strength, resolves conflicts explicitly and returns
a :class:`Plan`; ``render_markdown`` and ``render_text`` turn it into a one-page brief.
"""

from __future__ import annotations

from attunement.tailoring._engine import plan
from attunement.tailoring._loader import RuleFileError, build_rulebook, load_rulebook
from attunement.tailoring._models import (
    Arousal,
    Assumption,
    Conflict,
    Directiveness,
    EvidenceCitation,
    Focus,
    Intensity,
    NotAssessed,
    PatientFact,
    Plan,
    PlanFlag,
    Recommendation,
    SettingDecision,
    SettingOption,
    Stance,
)
from attunement.tailoring._render import render_markdown, render_text
from attunement.tailoring._rulebook import Rule, RuleBook

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
    "Rule",
    "RuleBook",
    "RuleFileError",
    "SettingDecision",
    "SettingOption",
    "Stance",
    "build_rulebook",
    "load_rulebook",
    "plan",
    "render_markdown",
    "render_text",
]
