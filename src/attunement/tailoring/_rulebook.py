"""Typed models of the rule files in ``tailoring/rules/``.

* one file per dimension or theme (``reactance.yaml`` …, ``foundations.yaml``): rules;
* ``conflicts.yaml``: how to resolve two rules proposing different values for one setting,
  and tensions between profile facts that need a recorded decision;
* ``assessment.yaml``: how to assess each dimension that is missing;
* ``settings.yaml``: the plan's settings, their plain-language meaning and their defaults;
* ``risk.yaml``: what the plan leads with while a risk event is open, and which methods
  (tagged on rules and tensions as ``methods``), setting values and processes of change it
  suppresses meanwhile, with the reason and the source.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from attunement._model_config import FROZEN
from attunement.tailoring._conditions import Condition, PreferenceMatcher
from attunement.tailoring._models import (
    Arousal,
    Assumption,
    Directiveness,
    Focus,
    Intensity,
    Stance,
)

__all__ = [
    "SETTINGS",
    "AssessmentPrompt",
    "EvidenceRef",
    "RiskPolicy",
    "Rule",
    "RuleBook",
    "RuleFileSpec",
    "RuleSpec",
    "SafetyText",
    "SettingProposal",
    "SettingResolution",
    "SettingVocabulary",
    "SuppressedSetting",
    "Tension",
]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
#: The single-valued settings of a plan, in display order.
SETTINGS: tuple[str, ...] = ("directiveness", "stance", "focus", "intensity", "arousal")


class _Frozen(BaseModel):
    model_config = FROZEN


class EvidenceRef(_Frozen):
    """Which finding a rule rests on.

    ``element`` alone cites the element's headline (newest verified overall finding).
    ``outcome``/``scope`` select a specific finding (an unset one must be empty on the
    finding); ``edition``/``year`` narrow further; ``narrative: true`` cites a narrative
    finding instead. ``caution`` cites a not-for-routine-matching entry by characteristic,
    or ``from_preference`` for the one about the preference's own aspect.
    """

    element: Identifier | None = None
    caution: Identifier | None = None
    outcome: Text | None = None
    scope: Text | None = None
    edition: int | None = None
    year: int | None = None
    narrative: bool = False
    status: Literal["verified", "summary-only"] = "verified"
    why: Text | None = None


class SettingProposal(_Frozen):
    """The plan settings a rule contributes."""

    directiveness: Directiveness | None = None
    stance: Stance | None = None
    focus: Focus | None = None
    intensity: Intensity | None = None
    arousal: Arousal | None = None
    processes_of_change: tuple[Identifier, ...] = ()

    def single(self) -> dict[str, str]:
        """The single-valued settings this proposal sets."""
        return {name: getattr(self, name) for name in SETTINGS if getattr(self, name)}


class RuleSpec(_Frozen):
    """A rule as written in a file (the condition is parsed separately)."""

    id: Identifier
    summary: Text
    detail: Text
    do: tuple[Text, ...] = ()
    avoid: tuple[Text, ...] = ()
    behaviours: tuple[Text, ...] = ()
    sets: SettingProposal = Field(default_factory=SettingProposal)  # built when first used
    evidence: tuple[EvidenceRef, ...] = Field(min_length=1)
    weight: int = Field(default=3, ge=1, le=5)
    risk: bool = False
    assumptions: tuple[Identifier, ...] = ()
    methods: tuple[Identifier, ...] = ()
    source: Text


class RuleFileSpec(_Frozen):
    """A rule file's header; ``rules`` are validated one by one."""

    dimension: Identifier
    description: Text
    foundation: bool = False
    assumptions: tuple[Assumption, ...] = ()


class Rule(_Frozen):
    """A loaded rule: its spec, the file it came from and its parsed condition."""

    spec: RuleSpec
    file: str
    dimension: str
    foundation: bool
    when: Condition
    for_each_preference: PreferenceMatcher | None = None

    @property
    def id(self) -> str:
        """The rule id (unique across all files)."""
        return self.spec.id


class SettingResolution(_Frozen):
    """How to settle two dimensions proposing different values for one setting."""

    id: Identifier
    setting: Literal["directiveness", "stance", "focus", "intensity", "arousal"]
    between: tuple[Identifier, Identifier]
    follow: Identifier | None = None
    value: Text | None = None
    resolution: Text | dict[str, Text]
    reason: Text
    evidence: tuple[EvidenceRef, ...] = Field(min_length=1)


class Tension(_Frozen):
    """A combination of profile facts that needs an explicit, recorded decision."""

    id: Identifier
    when: Condition
    between: tuple[Identifier, ...] = Field(min_length=2)
    resolution: Text
    reason: Text
    evidence: tuple[EvidenceRef, ...] = Field(min_length=1)
    methods: tuple[Identifier, ...] = ()


class AssessmentPrompt(_Frozen):
    """How to assess a dimension (or a key field) when it is missing."""

    field: Text
    instruments: tuple[Identifier, ...] = ()
    question: Text
    why: Text
    element: Identifier | None = None


class SettingVocabulary(_Frozen):
    """A plan setting: what it means in plain words, its values and its default."""

    label: Text
    explanation: Text
    values: dict[str, Text]
    default: str | None
    default_reason: Text


RiskKind = Literal["endorsed", "unanswered"]


class SuppressedSetting(_Frozen):
    """Setting values a plan may not take while a risk event is open, and what it takes."""

    excluded: tuple[Text, ...] = Field(min_length=1)
    instead: Text
    resolution: Text


class SafetyText(_Frozen):
    """The safety item a plan leads with while a risk event of one kind is open."""

    summary: Text
    detail: Text
    do: tuple[Text, ...] = ()
    avoid: tuple[Text, ...] = ()


class RiskPolicy(_Frozen):
    """``risk.yaml``: safety first while a risk event is open.

    ``methods`` is the vocabulary rules and tensions are tagged with; every tagged rule or
    tension is suppressed while a risk event of a kind in ``applies_to`` is open, as are the
    ``settings`` values and ``processes_of_change`` listed. Each suppression is recorded in
    the plan as a conflict with ``reason``.
    """

    version: Text
    applies_to: tuple[RiskKind, ...] = Field(min_length=1)
    methods: dict[Identifier, Text] = Field(min_length=1)
    settings: dict[Identifier, SuppressedSetting] = Field(default_factory=dict)
    processes_of_change: tuple[Identifier, ...] = ()
    reason: Text
    assumption: Assumption
    safety: dict[RiskKind, SafetyText]
    source: Text


class RuleBook(_Frozen):
    """Everything in ``tailoring/rules/``, validated."""

    rules: tuple[Rule, ...]
    resolutions: tuple[SettingResolution, ...]
    tensions: tuple[Tension, ...]
    prompts: tuple[AssessmentPrompt, ...]
    settings: dict[str, SettingVocabulary]
    processes: dict[str, Text]
    assumptions: dict[str, Assumption]
    disclaimer: Text
    risk: RiskPolicy
