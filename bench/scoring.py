"""Scoring throughput on synthetic PHQ-9 administrations (synthetic data, not patients).

Scores 1,000,000 administrations through the vectorised batch path and 100,000 through the
single path, and compares the batch path with a bare numpy row sum over the same array in
the same run. Targets (issue 4): batch >= 2,000,000/s and >= 1/4 of the bare row-sum speed;
single >= 50,000/s.

Run: ``python bench/scoring.py`` (optionally ``--batch N --single N --missing P``).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from attunement.instruments import load_instrument, score, score_batch

BATCH_TARGET = 2_000_000
SINGLE_TARGET = 50_000
RATIO_TARGET = 0.25


def synthetic_phq9(n: int, missing: float, seed: int = 2024) -> np.ndarray:
    """SYNTHETIC answers 0-3 with a share of answers missing (NaN)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, size=(n, 9)).astype(np.float64)
    x[rng.random((n, 9)) < missing] = np.nan
    return x


def best_of(repeats: int, work: Callable[[], object]) -> float:
    """The fastest of ``repeats`` timed runs, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=100_000)
    parser.add_argument("--missing", type=float, default=0.002, help="share of missing answers")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    phq9 = load_instrument("phq9")
    x = synthetic_phq9(args.batch, args.missing)
    score_batch(phq9, x[:1000])  # compile the plan once
    t_batch = best_of(args.repeats, lambda: score_batch(phq9, x))
    t_numpy = best_of(args.repeats, lambda: x.sum(axis=1))

    rows = [[None if np.isnan(v) else int(v) for v in row] for row in x[: args.single]]

    def single() -> None:
        for row in rows:
            score(phq9, row)

    t_single = best_of(max(1, args.repeats // 2), single)

    batch_rate = args.batch / t_batch
    numpy_rate = args.batch / t_numpy
    single_rate = args.single / t_single
    ratio = batch_rate / numpy_rate
    print("SYNTHETIC PHQ-9 administrations (not patient data)")
    print(f"missing answers: {args.missing:.1%} of items")
    print(
        f"batch path : {args.batch:>9,} in {t_batch * 1e3:8.1f} ms = {batch_rate:>13,.0f}/s "
        f"(target {BATCH_TARGET:,}/s) {'OK' if batch_rate >= BATCH_TARGET else 'BELOW TARGET'}"
    )
    print(
        f"numpy sum  : {args.batch:>9,} in {t_numpy * 1e3:8.1f} ms = {numpy_rate:>13,.0f}/s "
        "(bare x.sum(axis=1), same array)"
    )
    print(
        f"ratio batch/numpy: {ratio:.2f} (target >= {RATIO_TARGET}) "
        f"{'OK' if ratio >= RATIO_TARGET else 'BELOW TARGET'}"
    )
    print(
        f"single path: {args.single:>9,} in {t_single * 1e3:8.1f} ms = {single_rate:>13,.0f}/s "
        f"(target {SINGLE_TARGET:,}/s) {'OK' if single_rate >= SINGLE_TARGET else 'BELOW TARGET'}"
    )


if __name__ == "__main__":
    main()
