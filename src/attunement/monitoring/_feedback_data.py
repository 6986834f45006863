"""The feedback knowledge as validated data: alliance rules, dropout indicators, prompts.

``feedback_rules/alliance.yaml`` holds the alliance thresholds (each a sourced figure or an
explicit ``shown_assumption``: clinical text a clinician reads as the limit's basis, in the
clinic's language), the rupture markers and the repair options; ``dropout.yaml`` the
dropout-risk indicators; ``support_prompts/<domain>.yaml`` one clinical-support prompt per
domain. The loaders reject unknown fields, missing citations, unknown evidence elements,
instruments and profile dimensions, naming the file and the dotted field.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, model_validator

from attunement import evidence  # loads its names on first use: only to check a file
from attunement._knowledge_cache import packaged
from attunement._model_config import FROZEN
from attunement.errors import AttunementError, DefinitionError
from attunement.instruments import INSTRUMENT_IDS
from attunement.knowledge import (
    KnowledgeDocument,
    parse_knowledge,
    path_of,
    validate_part,
)
from attunement.profile import DIMENSIONS

__all__ = [
    "PROMPT_ACTIONS",
    "PROMPT_SIGNALS",
    "AlertLimits",
    "AllianceRules",
    "DropoutRules",
    "PromptAction",
    "PromptDefinition",
    "PromptSignal",
    "RedDeterioration",
    "ShownFigure",
    "alert_limits_from",
    "load_alert_limits",
    "load_alliance_rules",
    "load_dropout_rules",
    "load_support_prompts",
]

Colour = Literal["white", "green", "yellow", "red"]
MarkerKind = Literal["withdrawal", "confrontation"]
DropoutIndicatorId = Literal[
    "weak_alliance",
    "low_expectancy",
    "precontemplation",
    "unaccommodated_strong_preference",
    "missed_sessions",
]
#: What in a patient's stored status and profile can make a support prompt apply (the
#: facts behind each are found by :func:`attunement.monitoring.support_prompts`).
PromptSignal = Literal[
    "open_risk",
    "deterioration",
    "alliance_rupture",
    "alliance_at_risk",
    "precontemplation",
    "low_expectancy",
    "stage_mismatch",
    "unaccommodated_strong_preference",
]
PROMPT_SIGNALS: tuple[str, ...] = PromptSignal.__args__  # type: ignore[attr-defined]
#: Where a prompt can send the clinician to act (besides re-assessing a profile dimension).
PromptAction = Literal["record_risk_response", "edit_plan"]
PROMPT_ACTIONS: tuple[str, ...] = PromptAction.__args__  # type: ignore[attr-defined]
AlertColour = Literal["white", "green", "yellow", "red", "not_assessable"]
_M = TypeVar("_M", bound=BaseModel)


class Figure(BaseModel):
    """A threshold with its basis: a ``source`` or an explicit ``assumption`` (not neither)."""

    model_config = FROZEN

    value: float
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _has_basis(self) -> Figure:
        if not (self.source or self.assumption):
            raise ValueError("a threshold needs a source or a stated assumption")
        return self

    @property
    def basis(self) -> str:
        """``source`` or ``"assumption: …"``."""
        return self.source or f"assumption: {self.assumption}"


class ShownFigure(BaseModel):
    """A threshold whose basis a clinician reads (the outer limit's basis on the latest
    expected band shows it): a ``source`` (a citation, shown as cited) or a
    ``shown_assumption``. Unlike a :class:`Figure`'s ``assumption`` (a note for maintainers,
    never translated), a shown assumption is clinical text: a knowledge text of the
    catalogue (``attunement.i18n.extract``), read in the clinic's language."""

    model_config = FROZEN

    value: float
    source: str | None = None
    shown_assumption: str | None = None

    @model_validator(mode="after")
    def _has_basis(self) -> ShownFigure:
        if not (self.source or self.shown_assumption):
            raise ValueError("a threshold needs a source or a stated shown_assumption")
        return self


class InstrumentAllianceRule(BaseModel):
    model_config = FROZEN

    scale: str
    threshold: ShownFigure | None = None
    drop: ShownFigure | None = None
    noise_floor: ShownFigure | None = None


class DefaultAllianceRule(BaseModel):
    model_config = FROZEN

    drop_fraction_of_range: ShownFigure
    noise_floor_fraction_of_range: ShownFigure


class AtRiskRule(BaseModel):
    model_config = FROZEN

    rule: str
    source: str = Field(min_length=1)


class MarkerDefinition(BaseModel):
    model_config = FROZEN

    kind: MarkerKind
    label: str = Field(min_length=1)


class RepairDefinition(BaseModel):
    model_config = FROZEN

    kind: Literal["immediate", "exploratory"]
    text: str = Field(min_length=1)
    marker: MarkerKind | None = None


class AllianceRules(BaseModel):
    model_config = FROZEN

    instruments: dict[str, InstrumentAllianceRule]
    default: DefaultAllianceRule
    at_risk: AtRiskRule
    markers: dict[str, MarkerDefinition] = Field(min_length=1)
    markers_source: str = Field(min_length=1)
    repairs: tuple[RepairDefinition, ...] = Field(min_length=1)
    repairs_source: str = Field(min_length=1)
    evidence: tuple[str, ...] = Field(min_length=1)


class IndicatorDefinition(BaseModel):
    model_config = FROZEN

    title: str = Field(min_length=1)
    message: str = Field(min_length=1)
    evidence: tuple[str, ...] = ()
    basis: str = Field(min_length=1)


class DropoutRules(BaseModel):
    model_config = FROZEN

    indicators: dict[DropoutIndicatorId, IndicatorDefinition]

    @model_validator(mode="after")
    def _all_indicators(self) -> DropoutRules:
        missing = set(DropoutIndicatorId.__args__) - set(self.indicators)  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"missing indicators: {', '.join(sorted(missing))}")
        return self


class ProfileUpdateDefinition(BaseModel):
    model_config = FROZEN

    field: str
    instruments: tuple[str, ...] = ()
    reason: str = Field(min_length=1)


class PromptDefinition(BaseModel):
    """One clinical-support prompt (a Lambert domain or an Attunement addition).

    A **targeted** prompt lists the ``signals`` that make it apply: a patient with none of
    them does not get it. A ``general`` prompt has no signal in the stored data (social
    support, life events) and is offered after the targeted ones. ``priority`` ranks the
    prompts (risk first, then deterioration, alliance, motivation, preferences).
    """

    model_config = FROZEN

    domain: str = Field(pattern=r"^[a-z_]+$")
    title: str = Field(min_length=1)
    priority: int
    alerts: tuple[AlertColour, ...] = Field(min_length=1)
    signals: tuple[PromptSignal, ...] = ()
    general: bool = False
    actions: tuple[PromptAction, ...] = ()
    prompt: str = Field(min_length=1)
    questions: tuple[str, ...] = ()
    evidence: tuple[str, ...] = Field(min_length=1)
    source: str = Field(min_length=1)
    profile_updates: tuple[ProfileUpdateDefinition, ...] = ()

    @model_validator(mode="after")
    def _targeted_or_general(self) -> PromptDefinition:
        if self.general == bool(self.signals):
            raise ValueError("a prompt lists the signals it applies on, or is general: not both")
        return self


class EmpiricalLimits(BaseModel):
    model_config = FROZEN

    outer_level: ShownFigure


class RationalLimits(BaseModel):
    model_config = FROZEN

    outer_in_sdiff: ShownFigure


class RedDeterioration(BaseModel):
    """An instrument's published standard error of measurement for the red alert."""

    model_config = FROZEN

    scale: str
    standard_error_of_measurement: Figure


class RedConfirmation(BaseModel):
    """Red needs the reliable deterioration at consecutive scored sessions, or a worsening
    beyond the same bound at a stricter level (``at_once_z``) at once."""

    model_config = FROZEN

    consecutive_scored_sessions: Figure
    at_once_z: Figure


class LessThanExpectedTrend(BaseModel):
    """Less progress than expected is judged on the trend of at least ``minimum_scores``."""

    model_config = FROZEN

    minimum_scores: Figure


class AlertLimits(BaseModel):
    """The limits of the outcome alert: the red threshold, and per expected-treatment-response
    method the outer limit beyond which a worsening is yellow at once."""

    model_config = FROZEN

    empirical: EmpiricalLimits
    rational: RationalLimits
    worse_than_intake_in_sdiff: ShownFigure
    red_confirmation: RedConfirmation
    less_than_expected_trend: LessThanExpectedTrend
    red_deterioration: dict[str, RedDeterioration] = {}


def read_rules(folder: str, name: str) -> KnowledgeDocument:
    """A packaged feedback file, parsed by the knowledge loader (file, line and field)."""
    text = resources.files("attunement.monitoring").joinpath(folder, name).read_text("utf-8")
    return parse_knowledge(text, name)


def model_from_file(model: type[_M], document: KnowledgeDocument) -> _M:
    """Validate ``document`` as ``model``; DefinitionError names file, line and field."""
    return validate_part(model, document.data, document)


def _check_elements(ids: tuple[str, ...], document: KnowledgeDocument, field: str) -> None:

    base = evidence.load_evidence()
    for index, element_id in enumerate(ids):
        try:
            base.element(element_id)
        except AttunementError as error:
            raise document.error(path_of(f"{field}[{index}]"), error.message) from None


@cache
def load_alert_limits() -> AlertLimits:
    """The alert limits (``feedback_rules/outcome_alerts.yaml``), validated and cached
    (kept across starts of the CLI: :mod:`attunement._knowledge_cache`)."""
    return packaged("alert-limits", AlertLimits, _load_alert_limits)


def _load_alert_limits() -> AlertLimits:
    return alert_limits_from(read_rules("feedback_rules", "outcome_alerts.yaml"))


def alert_limits_from(
    raw: KnowledgeDocument | dict[str, Any], name: str = "outcome_alerts.yaml"
) -> AlertLimits:
    """Validate the alert limits of ``raw`` (DefinitionError names the file and the field)."""

    document = raw if isinstance(raw, KnowledgeDocument) else KnowledgeDocument(name, raw, {})

    def fail(field: str, problem: str) -> DefinitionError:
        return document.error(path_of(field), problem)

    limits = model_from_file(AlertLimits, document)
    if not 0.8 < limits.empirical.outer_level.value < 1:
        raise fail("empirical.outer_level.value", "a level in (0.8, 1)")
    if not limits.rational.outer_in_sdiff.value > 0:
        raise fail("rational.outer_in_sdiff.value", "a number > 0")
    runs = limits.red_confirmation.consecutive_scored_sessions.value
    if runs < 1 or runs != int(runs):
        field = "red_confirmation.consecutive_scored_sessions.value"
        raise fail(field, "a whole number >= 1")
    if not limits.red_confirmation.at_once_z.value >= 1.96:
        raise fail("red_confirmation.at_once_z.value", "a z value >= 1.96 (the red threshold's)")
    scores = limits.less_than_expected_trend.minimum_scores.value
    if scores < 2 or scores != int(scores):
        field = "less_than_expected_trend.minimum_scores.value"
        raise fail(field, "a whole number >= 2 (a line needs two scores)")
    if limits.worse_than_intake_in_sdiff.value < 0:
        raise fail("worse_than_intake_in_sdiff.value", "a number >= 0")
    for instrument, red in limits.red_deterioration.items():
        if instrument not in INSTRUMENT_IDS:
            raise fail(f"red_deterioration.{instrument}", "not an instrument")
        if not red.standard_error_of_measurement.value > 0:
            field = f"red_deterioration.{instrument}.standard_error_of_measurement.value"
            raise fail(field, "a number > 0")
    return limits


@cache
def load_alliance_rules() -> AllianceRules:
    """The alliance rules (``feedback_rules/alliance.yaml``), validated and cached
    (kept across starts of the CLI: :mod:`attunement._knowledge_cache`)."""
    return packaged("alliance-rules", AllianceRules, _load_alliance_rules)


def _load_alliance_rules() -> AllianceRules:
    document = read_rules("feedback_rules", "alliance.yaml")
    rules = model_from_file(AllianceRules, document)
    _check_elements(rules.evidence, document, "evidence")
    return rules


@cache
def load_dropout_rules() -> DropoutRules:
    """The dropout-risk indicators (``feedback_rules/dropout.yaml``), validated and cached
    (kept across starts of the CLI: :mod:`attunement._knowledge_cache`)."""
    return packaged("dropout-rules", DropoutRules, _load_dropout_rules)


def _load_dropout_rules() -> DropoutRules:
    document = read_rules("feedback_rules", "dropout.yaml")
    rules = model_from_file(DropoutRules, document)
    for key, indicator in rules.indicators.items():
        _check_elements(indicator.evidence, document, f"indicators.{key}.evidence")
    return rules


@cache
def load_support_prompts() -> tuple[PromptDefinition, ...]:
    """Every clinical-support prompt (``support_prompts/*.yaml``), ordered by priority
    (kept across starts of the CLI: :mod:`attunement._knowledge_cache`)."""
    return packaged("support-prompts", tuple, _load_support_prompts)


def _load_support_prompts() -> tuple[PromptDefinition, ...]:
    folder = resources.files("attunement.monitoring").joinpath("support_prompts")
    prompts: list[PromptDefinition] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        document = read_rules("support_prompts", entry.name)
        prompt = model_from_file(PromptDefinition, document)
        if prompt.domain != entry.name.removesuffix(".yaml"):
            raise document.error(("domain",), "must equal the file name")
        _check_elements(prompt.evidence, document, "evidence")
        for index, update in enumerate(prompt.profile_updates):
            where = ("profile_updates", index)
            if update.field not in DIMENSIONS:
                raise document.error((*where, "field"), f"not a profile dimension: {update.field}")
            unknown = [i for i in update.instruments if i not in INSTRUMENT_IDS]
            if unknown:
                raise document.error((*where, "instruments"), f"unknown: {unknown}")
        prompts.append(prompt)
    ranks = [p.priority for p in prompts]
    if len(set(ranks)) != len(ranks):
        raise DefinitionError("support_prompts", "priority", "each prompt needs its own rank")
    return tuple(sorted(prompts, key=lambda p: (p.priority, p.domain)))
