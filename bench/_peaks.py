"""Time and peak memory of one piece of work, for the report and export benchmarks."""

from __future__ import annotations

import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

__all__ = ["Peaks", "peaks"]

_Result = TypeVar("_Result")


@dataclass(frozen=True)
class Peaks(Generic[_Result]):
    result: _Result
    #: the first run (caches cold)
    seconds: float
    #: peak resident set size of the process above its size before the first run
    rss_mb: float
    #: peak of Python allocations during a second run (tracemalloc)
    traced_mb: float


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peaks(run: Callable[[], _Result]) -> Peaks[_Result]:
    """Time and peak RSS of one run of ``run``, then the traced peak of another (in a fresh
    process, so that ``ru_maxrss`` is this work's)."""
    before = _rss_mb()
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
    tracemalloc.start()
    run()
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Peaks(result, seconds, peak_rss, traced / 2**20)
