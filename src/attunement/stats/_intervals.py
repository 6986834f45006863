"""Intervals for shares.

A share with the Wilson (1927) score interval, which stays inside [0, 1] and behaves at small
n and at 0 % or 100 %. Wilson, E. B. (1927). Probable inference, the law of succession, and
statistical inference. *JASA* 22:209–212.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from pydantic import BaseModel, ConfigDict, Field

from attunement.errors import InputError

__all__ = ["Proportion", "proportion"]


class Proportion(BaseModel):
    """``count`` of ``n`` with the Wilson score interval (share None when n = 0)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    count: int = Field(ge=0)
    n: int = Field(ge=0)
    share: float | None
    ci_low: float | None
    ci_high: float | None


def proportion(count: int, n: int, *, confidence: float = 0.95) -> Proportion:
    """``count`` of ``n`` with the Wilson (1927) score interval."""
    if n < 0 or not 0 <= count <= n:
        raise InputError("count", count, f"0 to n ({n})")
    if n == 0:
        return Proportion(count=0, n=0, share=None, ci_low=None, ci_high=None)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = count / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return Proportion(
        count=count,
        n=n,
        share=p,
        # the interval always contains p; clamping removes rounding error at 0 % and 100 %
        ci_low=min(p, max(0.0, centre - half)),
        ci_high=max(p, min(1.0, centre + half)),
    )
