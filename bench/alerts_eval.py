"""Do the outcome alerts see the patients who end badly, and spare those who end well? (SYNTHETIC)

A fair evaluation (issue 11): the synthetic clinic (``attunement.simulate``) has measurement
noise from the PHQ-9's published SEM (Löwe et al. 2004), responders of their own speed and
depth, responders with a temporary worsening, slow responders, flat non-responders, early
and late deteriorators, uneven episode lengths, missed sessions and dropout. Ground truth is
each episode's *true* final outcome (``attunement.simulate.evaluation``), never the alert.

The alert assumptions were chosen on the TRAINING seed (101, ``bench/alerts_tune.py``); the
EVALUATION seed (2024) was not used to choose anything. Both are reported, each with:

* **rational** — the rational expected-treatment-response method (no clinic data);
* **empirical** — the growth model fitted on a SEPARATE synthetic clinic (seed + 1), as a
  clinic's completed episodes would give it (``attune etr fit``);
* **empirical (own)** — the growth model fitted on the evaluated clinic itself
  (in-sample: optimistic, for comparison only).

For each it prints eventual deteriorators yellow-or-red (and red) by session 3 and 4 (all
of them, and those whose worsening starts at once), eventual non-responders (< 25% true
improvement) yellow-or-red by session 6, eventual responders (>= 50%) ever red and ever
yellow-or-red, and partial responders for comparison; then a diagnosis of the responders
who went red (which rule, and whether their true score had worsened at all) and of the
rule that first made responders yellow or red.

Goals (issue 11): >= 90% of deteriorators by session 4, >= 85% of non-responders by session 6,
<= 3% of eventual responders ever red, <= 30% ever yellow-or-red.

What-if (for the lead's decision; the data files are not touched):
``--what-if-red-change 6`` judges red with the NHS Talking Therapies convention (6 points)
instead of the Jacobson-Truax bound from the published SEM (6.93).

Run: ``python bench/alerts_eval.py`` (``--train N --eval N --seeds 101,2024``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from unittest import mock

from attunement.monitoring import GrowthModel, _status_rules, fit_growth_model
from attunement.simulate import SYNTHETIC_LABEL, SyntheticClinic, simulate_clinic
from attunement.simulate.evaluation import AlertHistory, alert_histories, rate, training_table

START = dt.date(2024, 1, 1)
RED = ("red",)


def fit_model(clinic: SyntheticClinic) -> GrowthModel:
    """The growth model fitted on a synthetic clinic's episodes, as `etr fit` would."""
    return fit_growth_model(
        training_table(clinic), instrument="phq9", data_label=f"SYNTHETIC seed {clinic.seed}"
    )


@contextlib.contextmanager
def red_change(points: float | None) -> Iterator[None]:
    """Judge red with ``points`` instead of the data file's red threshold (None: as is)."""
    if points is None:
        yield
        return
    with mock.patch.object(_status_rules, "red_threshold", return_value=points):
        yield


def _first(history: AlertHistory, levels: Sequence[str]) -> int | None:
    return next((i for i, level in enumerate(history.levels) if level in levels), None)


def diagnosis(histories: list[AlertHistory]) -> list[str]:
    """Why eventual responders went red, and which rule first made them yellow or red.

    At the first red session, the true score (noise-free) is compared with the true intake:
    "no true worsening" (<= 0: measurement noise alone), "small" (0-5) or "real" (>= 5, the
    minimal clinically important change of Löwe et al. 2004 — a temporary worsening)."""
    responders = [h for h in histories if h.outcome == "responder"]
    reds: Counter[tuple[str, str]] = Counter()
    observed: Counter[int] = Counter()
    for history in responders:
        at = _first(history, ("red",))
        if at is None:
            continue
        true_worse = history.true_scores[at] - history.true_scores[0]
        cause = (
            "no true worsening (noise)"
            if true_worse <= 0
            else "true worsening 0-5"
            if true_worse < 5
            else "true worsening >= 5 (temporary loss)"
        )
        reds[(history.rules[at], cause)] += 1
        observed[round(history.observed[at] - history.observed[0])] += 1
    n = len(responders)
    lines = [f"eventual responders who went red ({sum(reds.values())} of {n}):"]
    lines += [f"  {rule:<24} {cause:<38} {k:>4}" for (rule, cause), k in sorted(reds.items())]
    seen = ", ".join(f"+{k}: {v}" for k, v in sorted(observed.items()))
    lines.append(f"  observed worsening since intake at the first red: {seen or 'none'}")
    first: Counter[str] = Counter()
    for history in responders:
        at = _first(history, ("yellow", "red"))
        if at is not None:
            first[f"{history.levels[at]} {history.rules[at]}"] += 1
    lines.append(f"rule of the first yellow or red of eventual responders ({sum(first.values())}):")
    lines += [f"  {rule:<40} {k:>4}" for rule, k in first.most_common()]
    missed: Counter[tuple[str, str]] = Counter()
    for history in histories:
        if history.outcome != "deteriorated" or len(history.levels) <= 4:
            continue
        if any(level in ("yellow", "red") for level in history.levels[:4]):
            continue
        true_worse = history.true_scores[3] - history.true_scores[0]
        state = "truly worse at session 4" if true_worse > 0 else "not yet worse at session 4"
        missed[(history.course, state)] += 1
    lines.append(f"eventual deteriorators not yellow or red by session 4 ({sum(missed.values())}):")
    lines += [f"  {course:<24} {state:<38} {k:>4}" for (course, state), k in sorted(missed.items())]
    return lines


def table(results: dict[str, list[AlertHistory]]) -> list[str]:
    """One row per measure, one column per method."""
    rows: list[tuple[str, str, dict[str, str]]] = []

    def add(label: str, goal: str, **kwargs: object) -> None:
        rows.append(
            (label, goal, {m: str(rate(h, **kwargs)) for m, h in results.items()})  # type: ignore[arg-type]
        )

    add("deteriorators yellow/red by session 3", "", outcome="deteriorated", by=3)
    add("deteriorators yellow/red by session 4", ">= 90%", outcome="deteriorated", by=4)
    add("deteriorators red by session 3", "", outcome="deteriorated", by=3, levels=RED)
    add("deteriorators red by session 4", "", outcome="deteriorated", by=4, levels=RED)
    add(
        "  early-onset deteriorators y/r by 4",
        "",
        outcome="deteriorated",
        by=4,
        course="deteriorator",
    )
    add(
        "  late-onset deteriorators y/r by 4",
        "",
        outcome="deteriorated",
        by=4,
        course="late_deteriorator",
    )
    add("deteriorators ever yellow/red", "", outcome="deteriorated", by=None)
    add("non-responders yellow/red by session 6", ">= 85%", outcome="non_responder", by=6)
    add("responders ever red", "<= 3%", outcome="responder", by=None, levels=RED)
    add("responders ever yellow/red", "<= 30%", outcome="responder", by=None)
    add("partial responders ever yellow/red", "", outcome="partial_responder", by=None)
    methods = list(results)
    width = max(len(r[0]) for r in rows)
    lines = [f"| {'measure':<{width}} | goal   | " + " | ".join(f"{m:<16}" for m in methods) + " |"]
    lines.append(f"|{'-' * (width + 2)}|--------|" + "|".join("-" * 18 for _ in methods) + "|")
    for label, goal, cells in rows:
        lines.append(
            f"| {label:<{width}} | {goal:<6} | "
            + " | ".join(f"{cells[m]:<16}" for m in methods)
            + " |"
        )
    return lines


def evaluate(seed: int, episodes: int, train: int, what_if: float | None) -> None:
    """Print the table and the diagnosis for one seed."""
    began = time.perf_counter()
    separate = fit_model(simulate_clinic(seed=seed + 1, n_patients=train, start=START))
    clinic = simulate_clinic(seed=seed, n_patients=episodes, start=START)
    own = fit_model(clinic)
    with red_change(what_if):
        results = {
            "rational": alert_histories(clinic),
            "empirical": alert_histories(clinic, growth_model=separate),
            "empirical (own)": alert_histories(clinic, growth_model=own),
        }
    truth = Counter(h.outcome for h in results["rational"])
    print(f"## seed {seed}: {episodes} episodes; true outcomes {dict(truth)}")
    for name, model in (("empirical", separate), ("empirical (own)", own)):
        boundary = f"; {model.boundary_note}" if model.boundary_note else ""
        print(
            f"{name}: fitted on {model.data_label} ({model.n_patients} episodes, "
            f"{model.n_obs} sessions), version {model.version}{boundary}"
        )
    if what_if is not None:
        print(f"WHAT-IF: red judged at a worsening of {what_if:g} points (not the data file's)")
    print()
    for line in table(results):
        print(line)
    for name in ("rational", "empirical"):
        print()
        print(f"diagnosis, {name}:")
        for line in diagnosis(results[name]):
            print(line)
    print(f"({time.perf_counter() - began:.0f} s)")
    print()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--train", type=int, default=3000, help="training clinic episodes")
    parser.add_argument("--eval", type=int, default=3000, help="evaluated clinic episodes")
    parser.add_argument(
        "--seeds",
        default="101,2024",
        help="seeds to evaluate, comma-separated (101: training seed, 2024: evaluation seed)",
    )
    parser.add_argument(
        "--what-if-red-change",
        type=float,
        default=None,
        metavar="POINTS",
        help="judge red at this worsening since intake (e.g. 6, the NHS TT convention)",
    )
    args = parser.parse_args(argv)
    print(SYNTHETIC_LABEL)
    print("training seed 101 (the alert assumptions were chosen on it); evaluation seed 2024")
    print()
    for seed in (int(s) for s in args.seeds.split(",")):
        evaluate(seed, args.eval, args.train, args.what_if_red_change)


if __name__ == "__main__":
    main()
