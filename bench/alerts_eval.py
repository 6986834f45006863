"""How well does the red alert pick out patients who will end badly? (SYNTHETIC data.)

On a synthetic evaluation clinic (``attunement.simulate``), for the red outcome alert raised
at any session up to session 3 and up to session 5, this prints:

* the share of eventual **deteriorators** (reliable deterioration at their last session,
  Jacobson & Truax category "deteriorated") that were red by then,
* the share of eventual **non-responders** (no reliable change at their last session,
  category "unchanged") that were red by then,
* the **false-alarm rate**: the share of eventual responders (category improved or
  recovered) that were red by then, and the share of red patients who were responders,

for both expected-treatment-response methods: the rational method, and the empirical growth
model fitted on a *separate* synthetic training clinic (another seed). Only episodes still
attending after session k are evaluated at k (so the outcome is not the alert itself).
The figures describe the simulator as much as the alerts: they are not a test.

Run: ``python bench/alerts_eval.py`` (``--train N --eval N --seed S``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass

from attunement.monitoring import (
    EpisodeTable,
    GrowthModel,
    Series,
    assess_episode,
    fit_growth_model,
)
from attunement.simulate import SYNTHETIC_LABEL, SyntheticClinic, episode_series, simulate_clinic

START = dt.date(2024, 1, 1)
CHECKPOINTS = (3, 5)


def fit_on(clinic: SyntheticClinic) -> GrowthModel:
    """Fit the growth model to every episode of a (training) clinic, as `etr fit` would."""
    patient: list[int] = []
    session: list[float] = []
    score: list[float] = []
    intake: list[float] = []
    for index, synthetic in enumerate(clinic.patients):
        outcome, _ = episode_series(synthetic.episode)
        scored = outcome.scored
        if len(scored) < 2:
            continue
        first = scored[0]
        for point in scored:
            patient.append(index)
            session.append(point.session - first.session + 1)
            score.append(float(point.value or 0.0))
            intake.append(float(first.value or 0.0))
    table = EpisodeTable.from_arrays(patient, session, score, intake)
    return fit_growth_model(
        table, instrument="phq9", data_label=f"SYNTHETIC training clinic seed {clinic.seed}"
    )


@dataclass
class Case:
    eventual: str  # deteriorated | unchanged | improved | recovered
    last_session: int
    red_by: dict[int, bool]
    off_track_by: dict[int, bool]  # yellow or red


def alerts_by(outcome: Series, model: GrowthModel | None) -> dict[int, str | None]:
    """The alert colour after each attended, scored session up to the last checkpoint."""
    colours: dict[int, str | None] = {}
    for point in outcome.points:
        if point.session > max(CHECKPOINTS) or not point.attended or point.value is None:
            continue
        upto = outcome.upto(point.session)
        if upto is not None:
            colours[point.session] = assess_episode(upto, growth_model=model).alert
    return colours


def evaluate(
    clinic: SyntheticClinic, models: dict[str, GrowthModel | None]
) -> dict[str, list[Case]]:
    cases: dict[str, list[Case]] = {method: [] for method in models}
    for synthetic in clinic.patients:
        outcome, _ = episode_series(synthetic.episode)
        scored = outcome.scored
        if len(scored) < 2:
            continue
        eventual = assess_episode(outcome).category  # the category does not depend on ETR
        if eventual is None:
            continue
        for method, model in models.items():
            colours = alerts_by(outcome, model)
            red = {k: any(c == "red" for s, c in colours.items() if s <= k) for k in CHECKPOINTS}
            off = {
                k: any(c in ("yellow", "red") for s, c in colours.items() if s <= k)
                for k in CHECKPOINTS
            }
            cases[method].append(Case(eventual, scored[-1].session, red, off))
    return cases


def share(numerator: int, denominator: int) -> str:
    if denominator == 0:
        return "   —  "
    return f"{100 * numerator / denominator:5.1f}%"


def rows(method: str, cases: Sequence[Case], flag: str) -> list[str]:
    out: list[str] = []
    for k in CHECKPOINTS:
        evaluable = [c for c in cases if c.last_session > k]
        flagged = [c for c in evaluable if getattr(c, flag)[k]]
        det = [c for c in evaluable if c.eventual == "deteriorated"]
        non = [c for c in evaluable if c.eventual == "unchanged"]
        good = [c for c in evaluable if c.eventual in ("improved", "recovered")]
        caught = [sum(getattr(c, flag)[k] for c in group) for group in (det, non, good)]
        false = sum(c.eventual in ("improved", "recovered") for c in flagged)
        out.append(
            f"{method:<10} {k:>3}  {len(evaluable):>9}  "
            f"{share(caught[0], len(det))} of {len(det):>4}    "
            f"{share(caught[1], len(non))} of {len(non):>4}     "
            f"{share(caught[2], len(good))} of {len(good):>4}          "
            f"{share(false, len(flagged))} of {len(flagged):>4}"
        )
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=4000, help="training clinic episodes")
    parser.add_argument("--eval", type=int, default=3000, help="evaluation clinic episodes")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the evaluation clinic")
    args = parser.parse_args(argv)

    print(SYNTHETIC_LABEL)
    began = time.perf_counter()
    training = simulate_clinic(seed=args.seed + 1, n_patients=args.train, start=START)
    model = fit_on(training)
    print(
        f"empirical model: {model.n_patients} training episodes (seed {args.seed + 1}), "
        f"{model.n_obs} sessions, version {model.version}; "
        f"coefficients {', '.join(f'{k} {v:.3f}' for k, v in model.coefficients.items())}"
    )
    clinic = simulate_clinic(seed=args.seed, n_patients=args.eval, start=START)
    results = evaluate(clinic, {"rational": None, "empirical": model})
    eventual = results["rational"]
    counts = {kind: sum(c.eventual == kind for c in eventual) for kind in
              ("deteriorated", "unchanged", "improved", "recovered")}  # fmt: skip
    print(f"evaluation clinic: {args.eval} episodes (seed {args.seed}); eventual outcome {counts}")
    print()
    header = (
        "method       k  evaluable  deteriorators caught  non-responders caught  "
        "false alarms (responders)  flagged who were responders"
    )
    for flag, title in (
        ("red_by", "RED alert by session k"),
        ("off_track_by", "for comparison: YELLOW or RED by session k"),
    ):
        print(f"{title} — share of each eventual outcome group flagged")
        print(header)
        for method, cases in results.items():
            for line in rows(method, cases, flag):
                print(line)
        print()
    print(f"({time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
