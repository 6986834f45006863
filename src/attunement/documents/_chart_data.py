"""The small typed inputs of the chart builder.

Each chart takes one of these frozen models and nothing else: the numbers are computed
upstream (``attunement.monitoring`` for a Status; the tallies at the end of this module
and :mod:`attunement.stats` for the clinic), so the builder only draws and can be tested
on hand-made values. ``build`` helpers that turn a Status or a series into these models
live in ``reports._assemble``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from attunement.errors import InputError
from attunement.monitoring import ALERT_LEVELS, Worded

__all__ = [
    "CATEGORIES",
    "AlertCounts",
    "AllianceChartData",
    "AlliancePoint",
    "CategoryCounts",
    "ChartData",
    "ExpectedPoint",
    "ItemHeatStripData",
    "OutcomeChartData",
    "OutcomeDistributionData",
    "OutcomePoint",
    "RecoveryBySeverityData",
    "SeverityGroup",
    "alerts_from_counts",
    "categories_from_counts",
    "groups_from_counts",
]

Category = Literal["recovered", "improved", "unchanged", "deteriorated"]
#: Jacobson & Truax (1991) categories, best to worst, in the order charts show them.
CATEGORIES: tuple[Category, ...] = ("recovered", "improved", "unchanged", "deteriorated")


def _finite_or_none(value: object) -> object:
    """A missing number stays missing: NaN or ±inf (which an older stored score may hold)
    becomes None, drawn as a gap and written as "not scorable" or "–", never a failure."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


#: A number a chart may lack (None, NaN and ±inf all mean "no value here").
MaybeNumber = Annotated[float | None, BeforeValidator(_finite_or_none)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OutcomePoint(_Frozen):
    """One administration of the outcome measure (``value`` None = not scorable)."""

    session: int = Field(ge=1)
    value: MaybeNumber
    risk: bool = False


class ExpectedPoint(_Frozen):
    """The expected value at a session and its band (from ``Status.expected``)."""

    session: int = Field(ge=1)
    value: float
    low: float
    high: float

    @model_validator(mode="after")
    def _band_contains_value(self) -> ExpectedPoint:
        if not self.low <= self.value <= self.high:
            raise ValueError(f"expected band {self.low}–{self.high} must contain {self.value}")
        return self


class OutcomeChartData(_Frozen):
    """Outcome over sessions with the expected trajectory, cut-off and reliable-change band.

    ``reliable_change`` is the smallest change in score points that is reliable
    (Jacobson & Truax 1991: 1.96 · √2 · SE); the band drawn is intake ± that amount.
    """

    instrument: str
    points: tuple[OutcomePoint, ...] = Field(min_length=1)
    expected: tuple[ExpectedPoint, ...] = ()
    expected_method: str | None = None
    cutoff: MaybeNumber = None
    reliable_change: Annotated[
        Annotated[float, Field(gt=0)] | None, BeforeValidator(_finite_or_none)
    ] = None
    #: the score the alert reason's red threshold is reached at (``monitoring.red_limit``)
    red_limit: MaybeNumber = None
    scale_min: float
    scale_max: float
    #: the scale's direction (``wording.higher_is_worse``): None for a neutral scale
    higher_is_worse: bool | None = True
    #: decimals of the scale's scores in labels and tooltips (``wording.scale_digits``)
    digits: int = Field(default=1, ge=0, le=3)

    @model_validator(mode="after")
    def _range_is_ordered(self) -> OutcomeChartData:
        if self.scale_min >= self.scale_max:
            raise ValueError("scale_min must be below scale_max")
        return self

    @property
    def intake(self) -> float | None:
        """The first scorable value (the baseline for the reliable-change band)."""
        return next((p.value for p in self.points if p.value is not None), None)


class AlliancePoint(_Frozen):
    session: int = Field(ge=1)
    value: MaybeNumber


class AllianceChartData(_Frozen):
    """Alliance over sessions with its threshold (``threshold_note`` says where it is from)."""

    instrument: str
    points: tuple[AlliancePoint, ...] = Field(min_length=1)
    threshold: MaybeNumber = None
    threshold_note: str | None = None
    #: the note with its message id (the threshold's basis), said in the chart's language
    threshold_note_worded: Worded | None = None
    scale_min: float
    scale_max: float


class ItemHeatStripData(_Frozen):
    """Item answers of the last administrations: ``values[row][item]`` for ``sessions[row]``."""

    instrument: str
    items: tuple[str, ...] = Field(min_length=1)
    sessions: tuple[int, ...] = Field(min_length=1)
    values: tuple[tuple[MaybeNumber, ...], ...]
    answer_min: float = 0
    answer_max: float
    risk_items: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _shape_matches(self) -> ItemHeatStripData:
        if len(self.values) != len(self.sessions):
            raise ValueError("values needs one row per session")
        for row in self.values:
            if len(row) != len(self.items):
                raise ValueError("every row needs one value per item")
        return self


class CategoryCounts(_Frozen):
    """How many episodes fall in each Jacobson–Truax category (+ too few data to say)."""

    recovered: int = Field(default=0, ge=0)
    improved: int = Field(default=0, ge=0)
    unchanged: int = Field(default=0, ge=0)
    deteriorated: int = Field(default=0, ge=0)
    insufficient: int = Field(default=0, ge=0)

    @property
    def assessed(self) -> int:
        """Episodes with a category (insufficient data excluded)."""
        return self.recovered + self.improved + self.unchanged + self.deteriorated

    @property
    def total(self) -> int:
        return self.assessed + self.insufficient

    def count(self, category: str) -> int:
        return int(getattr(self, category))

    def share(self, category: str) -> float | None:
        """Proportion of assessed episodes in ``category`` (None when none assessed)."""
        return self.count(category) / self.assessed if self.assessed else None


class OutcomeDistributionData(_Frozen):
    counts: CategoryCounts


class SeverityGroup(_Frozen):
    band: str
    counts: CategoryCounts


class RecoveryBySeverityData(_Frozen):
    """Outcome categories per intake severity band (bands in severity order)."""

    instrument: str
    groups: tuple[SeverityGroup, ...] = Field(min_length=1)


ChartData = (
    OutcomeChartData
    | AllianceChartData
    | ItemHeatStripData
    | OutcomeDistributionData
    | RecoveryBySeverityData
)


# --------------------------------------------------------------------------- tallies


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
    tally = dict.fromkeys((*CATEGORIES, "insufficient"), 0)
    for category, count in counts.items():
        key = "insufficient" if category is None else category
        if key not in tally:
            raise InputError("category", category, [*tally, None])
        tally[key] += count
    return CategoryCounts(**tally)


def alerts_from_counts(levels: Mapping[str, int], *, risk: int) -> AlertCounts:
    """Alert counts from ``{alert level: episodes}`` and the episodes with a risk flag."""
    tally = dict.fromkeys(ALERT_LEVELS, 0)
    for level, count in levels.items():
        if level not in tally:
            raise InputError("alert", level, ALERT_LEVELS)
        tally[level] += count
    return AlertCounts(risk=risk, **tally)


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
