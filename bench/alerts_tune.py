"""Choose the alert parameters on a TUNING clinic (SYNTHETIC, seed 101), never the reported one.

The assumptions of the outcome alert that no source gives — the expected band's half-width k
(``expected_response.yaml: band_half_width_in_sdiff`` for the rational method,
``empirical_band_half_width_in_sdiff`` for the empirical one), the number of scored sessions the
trend of less-than-expected progress needs n (``less_than_expected_trend.minimum_scores``),
the rational outer limit m (beyond it a worsening is yellow at once) and the outer limit's
margin over the intake c (``outcome_alerts.yaml``) — are varied over a small
grid with the real ``assess_each_session`` (the loaded rule data are swapped in memory, the
files are not touched). For each setting it prints the four goals of issue 11 for the
rational method, and marks the settings that meet all four. The chosen values are written
into the YAML files by hand, with this script named as their basis; ``bench/alerts_eval.py``
then reports them on another seed (2024).

Run: ``python bench/alerts_tune.py`` (``--episodes N --seed S``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from unittest import mock

from attunement.monitoring import _expected_data, _status_maths, _status_rules, fit_growth_model
from attunement.monitoring._feedback_data import Figure, ShownFigure, load_alert_limits
from attunement.simulate import SYNTHETIC_LABEL, simulate_clinic
from attunement.simulate.evaluation import alert_histories, rate, training_table

START = dt.date(2024, 1, 1)


def _figure(value: float) -> Figure:
    return Figure(value=value, assumption="tuning grid (bench/alerts_tune.py)")


def _shown_figure(value: float) -> ShownFigure:
    """A figure the outer limit's basis shows (the tuning run's bases are not shown)."""
    return ShownFigure(value=value, shown_assumption="tuning grid (bench/alerts_tune.py)")


@contextmanager
def parameters(k: float, n: int, m: float, c: float) -> Iterator[None]:
    """The rule data with k, n, m and c replaced, for the duration of the block."""
    expected = _expected_data.load_expected_response()
    limits = load_alert_limits()
    new_expected = expected.model_copy(  # k for both methods; each method's rows are its own
        update={
            "band_half_width_in_sdiff": _figure(k),
            "empirical_band_half_width_in_sdiff": _figure(k),
        }
    )
    new_limits = limits.model_copy(
        update={
            "rational": limits.rational.model_copy(update={"outer_in_sdiff": _shown_figure(m)}),
            "worse_than_intake_in_sdiff": _shown_figure(c),
            "less_than_expected_trend": limits.less_than_expected_trend.model_copy(
                update={"minimum_scores": _figure(n)}
            ),
        }
    )
    _clear()
    with (
        mock.patch.object(_expected_data, "load_expected_response", return_value=new_expected),
        mock.patch.object(_status_maths, "load_alert_limits", return_value=new_limits),
        mock.patch.object(_status_rules, "load_alert_limits", return_value=new_limits),
    ):
        yield
    _clear()


def _clear() -> None:
    """Forget what was worked out with the previous rule data (parameters, band makers)."""
    _expected_data.rational_parameters.cache_clear()
    _status_maths._rational_maker.cache_clear()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--episodes", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=101, help="the tuning seed (not 2024)")
    parser.add_argument(
        "--bands",
        default="0.3,0.4,0.45,0.5,0.6",
        help="band half-widths k to try (comma-separated), with n = 3, m = 3, c = 1.5",
    )
    args = parser.parse_args(argv)
    print(SYNTHETIC_LABEL)
    clinic = simulate_clinic(seed=args.seed, n_patients=args.episodes, start=START)
    separate = simulate_clinic(seed=args.seed + 1, n_patients=args.episodes, start=START)
    model = fit_growth_model(
        training_table(separate), instrument="phq9", data_label=f"SYNTHETIC seed {args.seed + 1}"
    )
    print(
        f"tuning clinic: {args.episodes} episodes, seed {args.seed}; rational method, and "
        f"empirical (growth model fitted on seed {args.seed + 1})"
    )
    print("| method    |    k | n |   m |   c | det. by 4 (>=90%) | non-resp. by 6 (>=85%) "
          "| resp. ever red (<=3%) | resp. ever y/r (<=30%) | all |")  # fmt: skip
    print("|-----------|------|---|-----|-----|-------------------|------------------------"
          "|-----------------------|------------------------|-----|")  # fmt: skip
    began = time.perf_counter()
    grid = [(float(k), 3) for k in args.bands.split(",")]
    for (k, n), m, c in itertools.product(grid, (3.0,), (1.5,)):
        for method, growth in (("rational", None), ("empirical", model)):
            with parameters(k, n, m, c):
                histories = alert_histories(clinic, growth_model=growth)
            det = rate(histories, outcome="deteriorated", by=4)
            non = rate(histories, outcome="non_responder", by=6)
            red = rate(histories, outcome="responder", by=None, levels=("red",))
            off = rate(histories, outcome="responder", by=None)
            ok = (
                (det.share or 0) >= 0.90
                and (non.share or 0) >= 0.85
                and (red.share or 1) <= 0.03
                and (off.share or 1) <= 0.30
            )
            print(
                f"| {method:<9} | {k:4.2f} | {n} | {m:3.1f} | {c:3.1f} | {det!s:<17} "
                f"| {non!s:<22} | {red!s:<21} | {off!s:<22} | {'yes' if ok else 'no':<3} |",
                flush=True,
            )
    print(f"({time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
