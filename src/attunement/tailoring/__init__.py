"""The tailoring engine: from a patient profile to an explained, evidence-cited plan.

Rules are data (``rules/*.yaml``: a condition over the profile, the recommendation, the
settings it contributes, the evidence element it rests on, its weight). ``plan(profile)``
evaluates them, orders them by evidence strength, resolves conflicts explicitly and returns
a :class:`Plan`; ``render_markdown`` and ``render_text`` turn it into a one-page brief, and
``cite_short``, ``describe_fact`` and ``dimension_label`` word its parts for other views
(the web pages) the same way.
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
from attunement.tailoring._wording import cite_short, describe_fact, dimension_label

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
    "cite_short",
    "describe_fact",
    "dimension_label",
    "load_rulebook",
    "plan",
    "render_markdown",
    "render_text",
]
