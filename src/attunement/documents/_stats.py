"""The clinic report's tallies, as pure functions over plain numbers.

The reports render the numbers these (and :mod:`attunement.stats`) return and nothing else,
so a test can compare the figure printed in a report with the figure computed here. Every
tally is also available as a running one (:class:`PairedMoments`, counts by key), so the
clinic report aggregates its episodes as it reads them, in memory independent of the
clinic's size (issue 13).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from attunement.documents._chart_data import CategoryCounts, SeverityGroup
from attunement.errors import InputError
from attunement.monitoring import ALERT_LEVELS
from attunement.stats import InsufficientData, StandardizedMeanChange, standardized_mean_change

__all__ = [
    "AlertCounts",
    "PairedMoments",
    "alerts_from_counts",
    "categories_from_counts",
    "count_alerts",
    "count_categories",
    "group_by_band",
    "groups_from_counts",
]

_CATEGORIES = ("recovered", "improved", "unchanged", "deteriorated", "insufficient")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AlertCounts(_Frozen):
    """Episodes by alert level at their latest session, and those with a risk flag."""

    red: int = 0
    yellow: int = 0
    not_assessable: int = 0
    green: int = 0
    white: int = 0
    risk: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, level) for level in ALERT_LEVELS)


def categories_from_counts(counts: Mapping[str | None, int]) -> CategoryCounts:
    """Jacobson–Truax categories from ``{category: episodes}``; ``None`` (too few scores)
    counts as insufficient."""
    tally = dict.fromkeys(_CATEGORIES, 0)
    for category, count in counts.items():
        key = "insufficient" if category is None else category
        if key not in tally:
            raise InputError("category", category, [*tally, None])
        tally[key] += count
    return CategoryCounts(**tally)


def count_categories(categories: Iterable[str | None]) -> CategoryCounts:
    """Count Jacobson–Truax categories; ``None`` (too few scores) counts as insufficient."""
    return categories_from_counts(Counter(categories))


def alerts_from_counts(levels: Mapping[str, int], *, risk: int) -> AlertCounts:
    """Alert counts from ``{alert level: episodes}`` and the episodes with a risk flag."""
    tally = dict.fromkeys(ALERT_LEVELS, 0)
    for level, count in levels.items():
        if level not in tally:
            raise InputError("alert", level, ALERT_LEVELS)
        tally[level] += count
    return AlertCounts(risk=risk, **tally)


def count_alerts(alerts: Iterable[tuple[str, bool]]) -> AlertCounts:
    """Count ``(alert level, has risk flag)`` pairs, one per episode."""
    levels: Counter[str] = Counter()
    risk = 0
    for level, flagged in alerts:
        levels[level] += 1
        risk += bool(flagged)
    return alerts_from_counts(levels, risk=risk)


def groups_from_counts(
    by_band: Mapping[str, Mapping[str | None, int]], band_order: Sequence[str]
) -> tuple[SeverityGroup, ...]:
    """Categories per intake band (``{band: {category: episodes}}``) in ``band_order``
    (bands never seen are left out)."""
    for band in by_band:
        if band not in band_order:
            raise InputError("intake band", band, band_order)
    return tuple(
        SeverityGroup(band=band, counts=categories_from_counts(by_band[band]))
        for band in band_order
        if sum(by_band.get(band, {}).values())
    )


def group_by_band(
    pairs: Iterable[tuple[str, str | None]], band_order: Sequence[str]
) -> tuple[SeverityGroup, ...]:
    """Categories grouped by intake band, in ``band_order`` (bands never seen are left out)."""
    by_band: dict[str, Counter[str | None]] = {}
    for band, category in pairs:
        by_band.setdefault(band, Counter())[category] += 1
    return groups_from_counts(by_band, band_order)


class PairedMoments:
    """Running means, sums of squared deviations and co-moment of (pre, post) pairs.

    Welford's (1962) update, extended to the co-moment (Chan, Golub & LeVeque 1983): after
    each pair ``x, y`` with ``n`` pairs seen, ``δx = x − x̄ₙ₋₁``, ``x̄ₙ = x̄ₙ₋₁ + δx/n``,
    ``M2x += δx·(x − x̄ₙ)``, ``Cxy += δx·(y − ȳₙ)``. The SD of the intake scores is
    ``√(M2x/(n − 1))`` and Pearson's r is ``Cxy/√(M2x·M2y)``, so the pre–post effect size
    (:func:`attunement.stats.standardized_mean_change`) needs memory independent of ``n``
    and equals :func:`attunement.stats.pre_post_effect_size` over the same pairs (to
    floating-point rounding).
    """

    __slots__ = ("co_moment", "m2_post", "m2_pre", "mean_post", "mean_pre", "n")

    def __init__(self) -> None:
        self.n = 0
        self.mean_pre = self.mean_post = 0.0
        self.m2_pre = self.m2_post = self.co_moment = 0.0

    def add(self, pre: float, post: float) -> None:
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
                "pairs", self.n, "3 or more patients with an intake and a later score"
            )
        sd_pre = math.sqrt(self.m2_pre / (self.n - 1))
        if sd_pre == 0:
            raise InsufficientData("intake scores", "all equal", "intake scores that vary")
        r = self.co_moment / math.sqrt(self.m2_pre * self.m2_post) if self.m2_post > 0 else 0.0
        return standardized_mean_change(
            mean_pre=self.mean_pre,
            mean_post=self.mean_post,
            sd_pre=sd_pre,
            r=min(1.0, max(-1.0, r)),
            n=self.n,
            higher_is_worse=higher_is_worse,
        )
