"""Published outcome benchmarks (``data/benchmarks.yaml``) and the clinic's comparison.

Benchmarks are data with their sources; the loader refuses an unknown field or a missing
source, naming the file and the field. The comparison is descriptive only — it says where
the clinic's estimate lies relative to the benchmark's interval, and never claims that a
clinic is "better" or "worse": case mix and measures differ (see each benchmark's note).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from attunement.knowledge import validate_knowledge

__all__ = ["Benchmark", "BenchmarkComparison", "compare", "load_benchmarks", "parse_benchmarks"]

_FILE = "benchmarks.yaml"
CompareWith = Literal["pre_post_d", "reliable_improvement_by_session_8"]


class Benchmark(BaseModel):
    """One published figure and where it was read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

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
    source: str = Field(min_length=10)
    note: str | None = None


class BenchmarkComparison(BaseModel):
    """The clinic's estimate beside one benchmark."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    benchmark: Benchmark
    clinic_value: float | None
    clinic_ci_low: float | None
    clinic_ci_high: float | None
    relation: Literal["above", "within", "below", "overlapping", "not_available"]


class _BenchmarksFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    benchmarks: tuple[Benchmark, ...]


def parse_benchmarks(text: str, source: str = _FILE) -> tuple[Benchmark, ...]:
    """Validate a benchmarks YAML text; DefinitionError names ``source``, line and field."""
    return validate_knowledge(_BenchmarksFile, text, source).benchmarks


@cache
def load_benchmarks() -> tuple[Benchmark, ...]:
    """The packaged benchmarks, validated (cached)."""
    text = resources.files("attunement.documents").joinpath("data", _FILE).read_text("utf-8")
    return parse_benchmarks(text)


def compare(
    benchmark: Benchmark,
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
    if value is None or ci_low is None or ci_high is None:
        relation = "not_available"
    elif benchmark.ci_low is not None and benchmark.ci_high is not None:
        if ci_low > benchmark.ci_high:
            relation = "above"
        elif ci_high < benchmark.ci_low:
            relation = "below"
        else:
            relation = "overlapping"
    elif ci_low > benchmark.value:
        relation = "above"
    elif ci_high < benchmark.value:
        relation = "below"
    else:
        relation = "within"
    return BenchmarkComparison(
        benchmark=benchmark,
        clinic_value=value,
        clinic_ci_low=ci_low,
        clinic_ci_high=ci_high,
        relation=relation,
    )
