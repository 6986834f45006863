"""Standardized mean change (pre–post effect size) with its interval.

Pre–post effect size (:func:`pre_post_effect_size`)
    The standardized mean change with raw-score standardization (Becker 1988), i.e. a
    paired pre–post Cohen's *d* that divides by the SD of the intake scores, with the small-
    sample correction *J* (Hedges 1981)::

        d  = J(n − 1) · (M_pre − M_post) / SD_pre          (positive = improvement)
        J(m) = Γ(m/2) / (√(m/2) · Γ((m − 1)/2))            (≈ 1 − 3 / (4m − 1))
        v  = 2(1 − r) / n + d² / (2n)                       (Becker 1988; Morris 2000)
        CI = d ± z₁₋α/₂ · √v

    where *r* is the pre–post correlation. It equals metafor's ``escalc(measure="SMCR")``
    (Viechtbauer 2010), against whose published test values the tests check it.
    Becker, B. J. (1988). Synthesizing standardized mean-change measures. *Br J Math Stat
    Psychol* 41:257–278. Morris, S. B. (2000). Distribution of the standardized mean change
    effect size for meta-analysis on repeated measures. *Br J Math Stat Psychol* 53:17–29.
    Hedges, L. V. (1981). *J Educ Stat* 6:107–128.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from attunement.errors import InputError

__all__ = [
    "InsufficientData",
    "InsufficientKind",
    "StandardizedMeanChange",
    "hedges_correction",
    "pre_post_effect_size",
    "standardized_mean_change",
]

#: Why a statistic was not computed, as a fact (``attunement.wording`` says it in words):
#: fewer pairs than it needs, intake scores that do not vary, or another reason (the
#: message names it).
InsufficientKind = Literal["too_few_pairs", "constant_intake", "other"]


class InsufficientData(InputError):
    """Too few or degenerate values for a statistic (names which and why); ``kind`` is the
    reason as a fact, for a report that says it in its reader's language."""

    def __init__(
        self, field: str, value: object, allowed: str, *, kind: InsufficientKind = "other"
    ) -> None:
        super().__init__(field, value, allowed)
        self.kind: InsufficientKind = kind


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StandardizedMeanChange(_Frozen):
    """A pre–post standardized mean change with its confidence interval."""

    d: float
    ci_low: float
    ci_high: float
    variance: float = Field(ge=0)
    n: int = Field(ge=3)
    mean_pre: float
    mean_post: float
    sd_pre: float = Field(gt=0)
    r_pre_post: float
    confidence: float
    #: the estimator, by metafor's name of it (``escalc(measure="SMCR")``: the standardized
    #: mean change with raw-score standardization); ``attunement.wording`` gives its formula
    measure: Literal["SMCR"] = "SMCR"


def hedges_correction(m: int) -> float:
    """Hedges' (1981) exact small-sample correction J(m) for m degrees of freedom (m ≥ 2)."""
    if m < 2:
        raise InsufficientData("degrees of freedom", m, "2 or more")
    return float(math.exp(math.lgamma(m / 2) - 0.5 * math.log(m / 2) - math.lgamma((m - 1) / 2)))


def standardized_mean_change(
    *,
    mean_pre: float,
    mean_post: float,
    sd_pre: float,
    r: float,
    n: int,
    higher_is_worse: bool = True,
    confidence: float = 0.95,
) -> StandardizedMeanChange:
    """The standardized mean change from summary statistics (see the module docstring).

    Equals metafor's ``escalc("SMCR", m1i=mean_post, m2i=mean_pre, sd1i=sd_pre, ni=n,
    ri=r)`` with the sign turned so that improvement is positive.
    """
    if n < 3:
        raise InsufficientData(
            "pairs", n, "3 or more patients with an intake and a later score", kind="too_few_pairs"
        )
    if not sd_pre > 0:
        raise InsufficientData(
            "intake SD", sd_pre, "above 0 (intake scores that vary)", kind="constant_intake"
        )
    if not -1 <= r <= 1:
        raise InputError("r", r, "a correlation between −1 and 1")
    if not 0 < confidence < 1:
        raise InputError("confidence", confidence, "between 0 and 1")
    direction = 1.0 if higher_is_worse else -1.0
    d = hedges_correction(n - 1) * direction * (mean_pre - mean_post) / sd_pre
    variance = 2 * (1 - r) / n + d**2 / (2 * n)
    half = NormalDist().inv_cdf(0.5 + confidence / 2) * math.sqrt(variance)
    return StandardizedMeanChange(
        d=d,
        ci_low=d - half,
        ci_high=d + half,
        variance=variance,
        n=n,
        mean_pre=mean_pre,
        mean_post=mean_post,
        sd_pre=sd_pre,
        r_pre_post=r,
        confidence=confidence,
    )


def pre_post_effect_size(
    pre: Sequence[float],
    post: Sequence[float],
    *,
    higher_is_worse: bool = True,
    confidence: float = 0.95,
) -> StandardizedMeanChange:
    """The paired pre–post standardized mean change of raw scores.

    ``pre[i]`` and ``post[i]`` belong to the same patient. ``d`` is positive when scores
    moved toward health (down for a ``higher_is_worse`` scale such as PHQ-9). SD_pre is the
    sample SD (n − 1); r is Pearson's correlation of pre and post (0 when post is constant,
    which gives the larger, safer variance).

    Raises
    ------
    InsufficientData
        Fewer than 3 pairs, unequal lengths, or intake scores that do not vary.
    """
    if len(pre) != len(post):
        raise InsufficientData("post", len(post), f"one value per intake value ({len(pre)})")
    if len(pre) < 3:
        raise InsufficientData(
            "pairs",
            len(pre),
            "3 or more patients with an intake and a later score",
            kind="too_few_pairs",
        )
    x = np.asarray(pre, dtype=float)
    y = np.asarray(post, dtype=float)
    sd_pre = float(x.std(ddof=1))
    if sd_pre == 0:
        raise InsufficientData(
            "intake scores", "all equal", "intake scores that vary", kind="constant_intake"
        )
    # Pearson's r from the centred sums, as the running moments compute it: a post equal to
    # the intake gives r = 1 exactly (np.corrcoef gave 1 - 2e-16, and a CI of ±2e-8 around
    # a change of 0)
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy = float(dx @ dx), float(dy @ dy)
    r = float(dx @ dy) / math.sqrt(sxx * syy) if syy > 0 else 0.0
    return standardized_mean_change(
        mean_pre=float(x.mean()),
        mean_post=float(y.mean()),
        sd_pre=sd_pre,
        r=min(1.0, max(-1.0, r)),
        n=len(x),
        higher_is_worse=higher_is_worse,
        confidence=confidence,
    )
