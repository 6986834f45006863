"""Typed inputs and results of the change and expected-treatment-response maths.

Inputs are described twice: as small frozen models (:class:`ChangeNorms`,
:class:`ResponseRule`, :class:`RemissionRule`) and as Protocols (:class:`NormsLike`, …), so
any object with the same attributes — for example ``ScaleDefinition.norms`` from
``attunement.instruments`` — can be passed without this package importing it. Every
result carries the norms it used, with their source.
"""

from __future__ import annotations

import math
from typing import Literal, Protocol

from pydantic import BaseModel, Field, model_validator

from attunement._model_config import FROZEN
from attunement.errors import InputError
from attunement.monitoring._worded import Worded

__all__ = [
    "ChangeNorms",
    "ChangeRuleLike",
    "Direction",
    "Expectation",
    "NormsLike",
    "RemissionRule",
    "ResponseRule",
]

Direction = Literal["higher_is_worse", "higher_is_better"]
DIRECTIONS: tuple[Direction, ...] = ("higher_is_worse", "higher_is_better")


class NormsLike(Protocol):
    """Anything that carries change norms under these names (e.g. ``ScaleDefinition.norms``)."""

    @property
    def sd(self) -> float | None: ...
    @property
    def reliability(self) -> float | None: ...
    @property
    def published_rci(self) -> float | None: ...
    @property
    def clinical_mean(self) -> float | None: ...
    @property
    def clinical_sd(self) -> float | None: ...
    @property
    def normal_mean(self) -> float | None: ...
    @property
    def normal_sd(self) -> float | None: ...
    @property
    def cutoff(self) -> float | None: ...
    @property
    def direction(self) -> str: ...
    @property
    def source(self) -> str: ...


def _check_finite(field: str, value: float | None) -> None:
    if value is not None and not math.isfinite(value):
        raise InputError(field, value, "a finite number")


def _check_positive(field: str, value: float | None) -> None:
    _check_finite(field, value)
    if value is not None and value <= 0:
        raise InputError(field, value, "a number > 0")


class ChangeNorms(BaseModel):
    """The norms reliable and clinically significant change are computed from.

    Attributes
    ----------
    sd : float or None
        Standard deviation of the scale in the reference sample (Jacobson & Truax 1991 use
        the pretreatment, normal or control group SD).
    reliability : float or None
        Reliability r_xx in (0, 1] (test-retest or internal consistency, as published).
    published_rci : float or None
        A published reliable-change threshold in raw points (e.g. CORE-10: 6, Barkham 2013).
    clinical_mean, clinical_sd, normal_mean, normal_sd : float or None
        Means and SDs of the clinical and the normal (functional) population, for the
        Jacobson–Truax cut-offs a, b and c.
    cutoff : float or None
        The instrument's own published clinical cut-off (e.g. PHQ-9: 10).
    direction : {"higher_is_worse", "higher_is_better"}
    source : str
        Where these figures come from. Required: a norm without a source is not used.
    """

    model_config = FROZEN

    sd: float | None = None
    reliability: float | None = None
    published_rci: float | None = None
    clinical_mean: float | None = None
    clinical_sd: float | None = None
    normal_mean: float | None = None
    normal_sd: float | None = None
    cutoff: float | None = None
    direction: Direction = "higher_is_worse"
    source: str

    @model_validator(mode="after")
    def _check(self) -> ChangeNorms:
        for name in ("sd", "published_rci", "clinical_sd", "normal_sd"):
            _check_positive(f"norms.{name}", getattr(self, name))
        for name in ("clinical_mean", "normal_mean", "cutoff"):
            _check_finite(f"norms.{name}", getattr(self, name))
        r = self.reliability
        if r is not None and not (math.isfinite(r) and 0.0 < r <= 1.0):
            raise InputError("norms.reliability", r, "a number in (0, 1]")
        if not self.source.strip():
            raise InputError("norms.source", self.source, "a non-empty citation")
        return self

    @classmethod
    def from_norms(cls, norms: NormsLike) -> ChangeNorms:
        """Copy and validate any norms-like object (raises InputError naming the field)."""
        if isinstance(norms, ChangeNorms):
            return norms
        direction = str(norms.direction)
        if direction not in DIRECTIONS:
            raise InputError("norms.direction", direction, DIRECTIONS)
        return cls(
            sd=norms.sd,
            reliability=norms.reliability,
            published_rci=norms.published_rci,
            clinical_mean=norms.clinical_mean,
            clinical_sd=norms.clinical_sd,
            normal_mean=norms.normal_mean,
            normal_sd=norms.normal_sd,
            cutoff=norms.cutoff,
            direction="higher_is_better" if direction == "higher_is_better" else "higher_is_worse",
            source=norms.source,
        )


class ChangeRuleLike(Protocol):
    """A response or remission rule (``ScaleDefinition.response`` / ``.remission``).

    ``kind="relative_reduction"``: response when ``(intake − score) / intake >= threshold``
    (PHQ-9: 0.5). ``kind="below"``: remission when ``score < threshold`` (PHQ-9: 5).
    """

    @property
    def kind(self) -> str: ...
    @property
    def threshold(self) -> float: ...
    @property
    def source(self) -> str: ...


class ResponseRule(BaseModel):
    """Response = a reduction from intake of at least ``threshold`` × the intake score."""

    model_config = FROZEN

    kind: Literal["relative_reduction"] = "relative_reduction"
    threshold: float
    source: str

    @model_validator(mode="after")
    def _check(self) -> ResponseRule:
        m = self.threshold
        if not (math.isfinite(m) and 0.0 < m <= 1.0):
            raise InputError("response.threshold", m, "a proportion in (0, 1]")
        return self


class RemissionRule(BaseModel):
    """Remission = a score below ``threshold`` (above it for a higher-is-better scale)."""

    model_config = FROZEN

    kind: Literal["below"] = "below"
    threshold: float
    source: str

    @model_validator(mode="after")
    def _check(self) -> RemissionRule:
        _check_finite("remission.threshold", self.threshold)
        return self


class Expectation(BaseModel):
    """The expected score at a session and its band, with how it was obtained.

    ``low <= value <= high`` on the raw scale whatever the direction. ``method`` says which
    expected-treatment-response method produced it; ``basis`` says, in words, what it rests
    on (including a fall-back from the empirical to the rational method and why);
    ``sources`` lists the citations and assumptions.
    """

    model_config = FROZEN

    session: int
    intake: float
    value: float
    low: float
    high: float
    method: Literal["rational", "empirical"]
    basis: str
    level: float | None = None
    sources: tuple[str, ...] = ()
    #: ``basis`` with the message ids and values it was written from (the empirical
    #: method's; for the status's band only, never serialised)
    basis_worded: Worded | None = Field(default=None, exclude=True)
