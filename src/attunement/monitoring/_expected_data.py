"""The expected-response knowledge as validated data (``feedback_rules/expected_response.yaml``).

The loader rejects unknown fields and figures without a source or a stated assumption,
names the file and the dotted field, and checks every instrument and scale it names.
:func:`rational_parameters` turns the file and an instrument's definition into the
:class:`RationalParameters` of one scale (cached: definitions are immutable).
"""

from __future__ import annotations

import math
from functools import cache
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from attunement._knowledge_cache import packaged
from attunement._model_config import FROZEN
from attunement.errors import DefinitionError
from attunement.instruments import INSTRUMENT_IDS, load_instrument
from attunement.knowledge import KnowledgeDocument, path_of
from attunement.monitoring._change import reliable_change_bound
from attunement.monitoring._feedback_data import Figure, model_from_file, read_rules

__all__ = [
    "ExpectedResponseRules",
    "RationalParameters",
    "load_expected_response",
    "rational_parameters",
]

_FILE = "expected_response.yaml"


class InstrumentReference(BaseModel):
    """Published reference points of one outcome scale."""

    model_config = FROZEN

    scale: str
    reference_intake: Figure | None = None
    healthy_reference: Figure | None = None


class RuleStatement(BaseModel):
    """A rule without a number, with its basis (a source or a stated assumption)."""

    model_config = FROZEN

    rule: Literal["proportional"]
    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _has_basis(self) -> RuleStatement:
        if not (self.source or self.assumption):
            raise ValueError("a rule needs a source or a stated assumption")
        return self

    @property
    def basis(self) -> str:
        """``source`` or ``"assumption: …"``."""
        return self.source or f"assumption: {self.assumption}"


class ClinicNormsRules(BaseModel):
    model_config = FROZEN

    minimum_episodes: Figure
    retake_growth: Figure


class ExpectedResponseRules(BaseModel):
    """The file's content (see the file's header for the rule)."""

    model_config = FROZEN

    anchor_session: Figure
    anchor_improvement_in_bounds: Figure
    dose_curve: Figure
    severity: RuleStatement
    default_share_at_anchor: Figure
    band_half_width_in_sdiff: Figure
    empirical_band_half_width_in_sdiff: Figure
    instruments: dict[str, InstrumentReference]
    default_healthy_reference: Figure
    clinic_norms: ClinicNormsRules


class RationalParameters(BaseModel):
    """The rational method's parameters for one scale, each with its basis.

    ``share_at_anchor`` is the share of the distance between intake and
    ``healthy_reference`` expected to be gone after ``anchor_session`` attended sessions;
    ``healthy_reference`` None means the healthy end of the scale range given to the maths.
    """

    model_config = FROZEN

    anchor_session: float = Field(gt=1)
    share_at_anchor: float = Field(gt=0, le=1)
    dose_power: float = Field(gt=0)
    healthy_reference: float | None = None
    band_half_width_in_sdiff: float = Field(gt=0)
    sources: tuple[str, ...] = ()


def _positive(rules: ExpectedResponseRules, name: str, document: KnowledgeDocument) -> None:
    value = getattr(rules, name).value
    if not (math.isfinite(value) and value > 0):
        raise document.error((name, "value"), "a number > 0")


@cache
def load_expected_response() -> ExpectedResponseRules:
    """The file, validated and cached (also across starts of the CLI:
    :mod:`attunement._knowledge_cache`)."""
    return packaged("expected-response", ExpectedResponseRules, _load_expected_response)


def _load_expected_response() -> ExpectedResponseRules:
    document = read_rules("feedback_rules", _FILE)
    rules = model_from_file(ExpectedResponseRules, document)
    for name in (
        "anchor_improvement_in_bounds",
        "dose_curve",
        "band_half_width_in_sdiff",
        "empirical_band_half_width_in_sdiff",
        "default_share_at_anchor",
    ):
        _positive(rules, name, document)
    if rules.anchor_session.value <= 1:
        raise document.error(path_of("anchor_session.value"), "a session number > 1")
    if not rules.default_share_at_anchor.value <= 1:
        raise document.error(path_of("default_share_at_anchor.value"), "a share in (0, 1]")
    if rules.clinic_norms.minimum_episodes.value < 2:
        raise document.error(path_of("clinic_norms.minimum_episodes.value"), "at least 2")
    if not rules.clinic_norms.retake_growth.value > 1:
        raise document.error(path_of("clinic_norms.retake_growth.value"), "a factor > 1")
    for instrument, reference in rules.instruments.items():
        if instrument not in INSTRUMENT_IDS:
            raise document.error(path_of(f"instruments.{instrument}"), f"one of {INSTRUMENT_IDS}")
        scales = [s.id for s in load_instrument(instrument).scales]
        if reference.scale not in scales:
            raise document.error(path_of(f"instruments.{instrument}.scale"), f"one of {scales}")
    return rules


def _sources(rules: ExpectedResponseRules, *extra: str) -> tuple[str, ...]:
    return (
        f"anchor session {rules.anchor_session.value:g}: {rules.anchor_session.basis}",
        f"improvement at the anchor: {rules.anchor_improvement_in_bounds.basis}",
        f"dose curve: {rules.dose_curve.basis}",
        f"severity ({rules.severity.rule}): {rules.severity.basis}",
        f"band: {rules.band_half_width_in_sdiff.basis}",
        *extra,
    )


def default_rational_parameters() -> RationalParameters:
    """Parameters for a scale the file does not name (default share, range's healthy end)."""
    rules = load_expected_response()
    return RationalParameters(
        anchor_session=rules.anchor_session.value,
        share_at_anchor=rules.default_share_at_anchor.value,
        dose_power=rules.dose_curve.value,
        band_half_width_in_sdiff=rules.band_half_width_in_sdiff.value,
        sources=_sources(
            rules,
            f"share at the anchor {rules.default_share_at_anchor.value:g}: "
            f"{rules.default_share_at_anchor.basis}",
            f"healthy reference: {rules.default_healthy_reference.basis}",
        ),
    )


@cache
def rational_parameters(instrument: str, scale: str) -> RationalParameters:
    """The rational parameters of one instrument scale (default ones if the file lacks it)."""

    rules = load_expected_response()
    reference = rules.instruments.get(instrument)
    default = default_rational_parameters()
    if reference is None or reference.scale != scale:
        return default
    definition = load_instrument(instrument).scale(scale)
    healthy = reference.healthy_reference
    sources = list(default.sources[:5])
    if healthy is not None:
        sources.append(f"healthy reference {healthy.value:g}: {healthy.basis}")
    else:
        sources.append(f"healthy reference: {rules.default_healthy_reference.basis}")
    share = default.share_at_anchor
    intake = reference.reference_intake
    bound = None
    if definition.norms is not None and definition.norms.published_rci is not None:
        bound = reliable_change_bound(definition.norms).points
    if intake is not None and healthy is not None and bound is not None:
        distance = abs(intake.value - healthy.value)
        if distance <= 0:
            raise DefinitionError(_FILE, f"instruments.{instrument}", "intake equals healthy")
        share = min(1.0, rules.anchor_improvement_in_bounds.value * bound / distance)
        sources.append(
            f"share at the anchor {share:.3g} = {rules.anchor_improvement_in_bounds.value:g} x "
            f"{bound:g} (published reliable change) / |{intake.value:g} - {healthy.value:g}|; "
            f"reference intake: {intake.basis}"
        )
    else:
        sources.append(default.sources[-2])
    return default.model_copy(
        update={
            "share_at_anchor": share,
            "healthy_reference": healthy.value if healthy is not None else None,
            "sources": tuple(sources),
        }
    )


def clinic_norms_minimum() -> Figure:
    """The minimum number of intake scores for clinic-derived norms, with its basis."""
    return load_expected_response().clinic_norms.minimum_episodes


def clinic_norms_retake_growth() -> Figure:
    """By what factor the clinic's count of episodes must grow (or shrink) before the stored
    clinic-derived norms are taken again, with its basis."""
    return load_expected_response().clinic_norms.retake_growth
