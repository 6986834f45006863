"""Running moments of paired values: a pre–post effect size in constant memory.

The clinic report aggregates its episodes as it reads them (issue 13), so the pre–post
effect size cannot wait for the whole list: :class:`PairedMoments` keeps the running means,
sums of squared deviations and co-moment, and gives the same standardized mean change as
:func:`attunement.stats.pre_post_effect_size` over the same pairs.

References
----------
Welford, B. P. (1962). Note on a method for calculating corrected sums of squares and
products. *Technometrics* 4:419–420.

Chan, T. F., Golub, G. H., & LeVeque, R. J. (1983). Algorithms for computing the sample
variance: analysis and recommendations. *The American Statistician* 37:242–247.
"""

from __future__ import annotations

import math

from attunement.stats._effect_sizes import (
    InsufficientData,
    StandardizedMeanChange,
    standardized_mean_change,
)

__all__ = ["PairedMoments"]


class PairedMoments:
    """Running means, sums of squared deviations and co-moment of (pre, post) pairs.

    Welford's (1962) update, extended to the co-moment (Chan, Golub & LeVeque 1983): after
    each pair ``x, y`` with ``n`` pairs seen, ``δx = x − x̄ₙ₋₁``, ``x̄ₙ = x̄ₙ₋₁ + δx/n``,
    ``M2x += δx·(x − x̄ₙ)``, ``Cxy += δx·(y − ȳₙ)``. The SD of the intake scores is
    ``√(M2x/(n − 1))`` and Pearson's r is ``Cxy/√(M2x·M2y)``, so the pre–post effect size
    (:func:`attunement.stats.standardized_mean_change`) needs memory independent of ``n``
    and equals :func:`attunement.stats.pre_post_effect_size` over the same pairs (to
    floating-point rounding).

    Examples
    --------
    >>> moments = PairedMoments()
    >>> for pre, post in [(20, 12), (15, 9), (18, 14), (22, 10)]:
    ...     moments.add(pre, post)
    >>> round(moments.effect_size().d, 2)
    1.82
    """

    __slots__ = ("co_moment", "m2_post", "m2_pre", "mean_post", "mean_pre", "n")

    def __init__(self) -> None:
        self.n = 0
        self.mean_pre = self.mean_post = 0.0
        self.m2_pre = self.m2_post = self.co_moment = 0.0

    def add(self, pre: float, post: float) -> None:
        """Take one (pre, post) pair into the running sums."""
        self.n += 1
        d_pre = pre - self.mean_pre
        self.mean_pre += d_pre / self.n
        d_post = post - self.mean_post
        self.mean_post += d_post / self.n
        self.m2_pre += d_pre * (pre - self.mean_pre)
        self.m2_post += d_post * (post - self.mean_post)
        self.co_moment += d_pre * (post - self.mean_post)

    def effect_size(self, *, higher_is_worse: bool = True) -> StandardizedMeanChange:
        """The paired pre–post standardized mean change (see ``pre_post_effect_size``:
        r is 0 when the post scores do not vary).

        Raises
        ------
        InsufficientData
            Fewer than 3 pairs, or intake scores that do not vary (the same reasons as
            ``pre_post_effect_size``).
        """
        if self.n < 3:
            raise InsufficientData(
                "pairs",
                self.n,
                "3 or more patients with an intake and a later score",
                kind="too_few_pairs",
            )
        sd_pre = math.sqrt(self.m2_pre / (self.n - 1))
        if sd_pre == 0:
            raise InsufficientData(
                "intake scores", "all equal", "intake scores that vary", kind="constant_intake"
            )
        r = self.co_moment / math.sqrt(self.m2_pre * self.m2_post) if self.m2_post > 0 else 0.0
        return standardized_mean_change(
            mean_pre=self.mean_pre,
            mean_post=self.mean_post,
            sd_pre=sd_pre,
            r=min(1.0, max(-1.0, r)),
            n=self.n,
            higher_is_worse=higher_is_worse,
        )
