"""Published outcome benchmarks (``data/outcome_benchmarks.yaml``) and a clinic's comparison.

Benchmarks are evidence: data with their sources, loaded with the elements by the evidence
loader, which refuses an unknown field or a missing source naming the file, line and field.
The comparison is descriptive only — it says where the clinic's estimate lies relative to
the benchmark's interval, and never claims that a clinic is "better" or "worse": case mix
and measures differ (see each benchmark's note).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from attunement._model_config import FROZEN
from attunement.knowledge import PrimarySource, format_references

__all__ = ["BenchmarkComparison", "OutcomeBenchmark", "compare_to_benchmark"]

CompareWith = Literal["pre_post_d", "reliable_improvement_by_session_8"]


class OutcomeBenchmark(BaseModel):
    """One published outcome figure of routine care (a pre–post d or a share) and where it
    was read; ``compare_with`` names the clinic statistic it is set against.

    ``sources`` are the primary sources a clinical document prints (:attr:`source`);
    ``verified_from`` is the maintainers' note of how the figure was read, never printed;
    ``k_note`` (what its k counts) and ``caveat`` (what a reader must know to compare a
    clinic with it) are printed beside the figure, in the report's language.
    """

    model_config = FROZEN

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1)
    compare_with: CompareWith
    metric: Literal["d", "share"]
    value: float
    ci_low: float | None = None
    ci_high: float | None = None
    k: int | None = None
    k_note: str | None = None
    approximate: bool = False
    sources: tuple[PrimarySource, ...] = Field(min_length=1)
    verified_from: str | None = None
    caveat: str | None = None

    @property
    def source(self) -> str:
        """The primary sources in the one citation layout (``wording.format_reference``)."""
        return format_references(self.sources)


class BenchmarkComparison(BaseModel):
    """The clinic's estimate beside one benchmark."""

    model_config = FROZEN

    benchmark: OutcomeBenchmark
    clinic_value: float | None
    clinic_ci_low: float | None
    clinic_ci_high: float | None
    relation: Literal["above", "within", "below", "overlapping", "not_available"]


def compare_to_benchmark(
    benchmark: OutcomeBenchmark,
    value: float | None,
    ci_low: float | None = None,
    ci_high: float | None = None,
) -> BenchmarkComparison:
    """Where the clinic's estimate (and interval) lies relative to the benchmark.

    With both intervals: ``above``/``below`` when they do not overlap, else
    ``overlapping``. With a point benchmark: ``above``/``below`` when the clinic's interval
    excludes it, else ``within``.
    """
    relation: Literal["above", "within", "below", "overlapping", "not_available"]
    interval = benchmark.ci_low is not None and benchmark.ci_high is not None
    low = benchmark.ci_low if interval and benchmark.ci_low is not None else benchmark.value
    high = benchmark.ci_high if interval and benchmark.ci_high is not None else benchmark.value
    if value is None or ci_low is None or ci_high is None:
        relation = "not_available"
    elif ci_low > high:
        relation = "above"
    elif ci_high < low:
        relation = "below"
    else:
        relation = "overlapping" if interval else "within"
    return BenchmarkComparison(
        benchmark=benchmark,
        clinic_value=value,
        clinic_ci_low=ci_low,
        clinic_ci_high=ci_high,
        relation=relation,
    )
