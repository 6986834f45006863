"""Recompute the clinic report's headline numbers from the research export alone.

    attune export --format csv --deidentify --output research/
    python examples/reproduce_clinic_report.py research/ [--json]

Reads only the files of the export (``attunement_export.csv`` or ``.parquet``, and the
``attunement_episodes``, ``attunement_plan``, ``attunement_accommodations``,
``attunement_plan_followed`` and ``attunement_risk_events`` tables beside it) with pandas,
numpy and statsmodels — no Attunement code — and prints what the clinic report prints:

* the outcome measure most episodes are monitored with, and its episodes;
* the Jacobson & Truax (1991) category of each episode at its latest scored session (the
  monitored row with the highest session that has a score): recovered, improved,
  unchanged, deteriorated, "not enough data" (no category: fewer than two scored sessions),
  and the shares of the episodes with a category;
* response and remission at that session (episodes for which they are judged), with
  Wilson 95% intervals (statsmodels ``proportion_confint(method="wilson")``);
* reliable improvement by session 8: among the episodes scored at session 8 or later, the
  category at their last scored session up to 8;
* the pre–post effect size over the episodes with two or more scored sessions (first and
  last score): the standardized mean change with raw-score standardization and Hedges'
  small-sample correction J (Becker 1988, Br J Math Stat Psychol 41:257–278; Morris 2000,
  Br J Math Stat Psychol 53:17–29; Hedges 1981, J Educ Stat 6:107–128)::

      d = J(n−1)·(M_pre − M_post)/SD_pre,   J(m) = Γ(m/2) / (√(m/2)·Γ((m−1)/2))
      v = 2(1 − r)/n + d²/(2n),              95% CI = d ± 1.96·√v

  (``--higher-is-better`` turns the sign for a measure where a higher score is better);
* from the episode table, over the ended episodes only: their number by end reason, the
  pre–post effect size and reliable improvement by session 8 the report sets beside the
  published benchmarks — the effect size is also the learning section's clinic figure;
* the episodes whose plan accommodates a strong preference or makes a cultural adaptation,
  of the episodes with a plan;
* the outcome by intake severity: per intake band (the ``band`` column of the episode's
  first monitored row with a band, as the report takes it), the episodes in each
  Jacobson–Truax category;
* the episodes per alert level at their latest session (``status_alert`` of the last
  monitored row that has one; "not_assessable" without), and the episodes whose patient has
  an open risk event (``open`` in ``attunement_risk_events``);
* the open risk events and the patients with one — every exported patient's, including
  those with no episode of this measure, as the report counts them;
* the rows per clinician, keyed by the export's clinician id (a pseudonym when
  de-identified; never a name) and ordered by that key, never ranked: episodes, category
  counts (with "not enough data"), red alerts and episodes with an open risk event.

* the responsiveness associations of the learning section ("does following the plan go
  with better outcome?"), from ``attunement_plan_followed`` (whether each dimension of the
  plan was followed, as the report read it) and the episode table: for each dimension that
  applied to enough of the ended episodes with two or more scores, two multilevel models
  with a random intercept per therapist (statsmodels ``MixedLM``, REML)::

      final score ~ 1 + followed + intake (centred on the ended episodes' mean) + (1|therapist)
      dropout     ~ 1 + followed + intake (centred)                       + (1|therapist)

  the coefficient of ``followed`` with its 95% Wald interval. A dimension is estimated when
  it applied to at least ``--minimum-dimension-episodes`` episodes (30, the value shipped in
  the app's ``learning.yaml``; pass the clinic's own if it was changed) with 5 followed and 5
  not followed. The optimisers are tried as the app tries them (Powell then L-BFGS; else
  Nelder-Mead), since a therapist variance on the boundary (zero) can stop the default one
  at a degenerate point.

* the therapist feedback rows of the learning section, keyed by the export's (pseudonymous)
  clinician id and never ranked: each therapist's change, reliable improvement, recovery,
  deterioration and dropout adjusted for intake severity with a random intercept per
  therapist and shrunk by empirical Bayes, with 95% intervals
  (``reproduce_therapist_feedback.py`` beside this script says how; a therapist with fewer
  than ``--minimum-therapist-episodes`` ended episodes, 20 in ``learning.yaml``, is counted
  but not shown).

Without the plan-followed table (an older export) the script says the association cannot
be estimated instead of guessing. An episode with no questionnaire at all has no row in the
export, so the episode count is of episodes with at least one monitored administration.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
from reproduce_therapist_feedback import MINIMUM_THERAPIST_EPISODES, therapist_feedback
from statsmodels.regression.mixed_linear_model import MixedLM
from statsmodels.stats.proportion import proportion_confint

REPORT_SESSION = 8
CATEGORIES = ("recovered", "improved", "unchanged", "deteriorated")
ALERT_LEVELS = ("red", "yellow", "not_assessable", "green", "white")
_BOOLS = ("monitored", "status_response", "status_remission", "synthetic", "followed", "open")
MINIMUM_DIMENSION_EPISODES = 30  # learning.yaml: minimum_dimension_episodes
MINIMUM_EACH = 5  # followed and not followed, each
Z95 = NormalDist().inv_cdf(0.975)


def read_table(folder: Path, stem: str) -> pd.DataFrame | None:
    """One table of the export (CSV or Parquet), booleans as booleans; None when absent."""
    if (folder / f"{stem}.parquet").exists():
        return pd.read_parquet(folder / f"{stem}.parquet")
    if not (folder / f"{stem}.csv").exists():
        return None
    frame = pd.read_csv(folder / f"{stem}.csv", dtype=str, keep_default_na=False)
    for column in frame.columns:
        if column in _BOOLS:
            frame[column] = frame[column].map({"true": True, "false": False, "": None})
        elif column in {"session", "value"}:
            frame[column] = pd.to_numeric(frame[column].replace("", np.nan))
        else:
            frame[column] = frame[column].replace("", None)
    return frame


def _share(count: int, n: int) -> dict[str, Any]:
    if n == 0:
        return {"count": 0, "n": 0, "share": None, "ci_low": None, "ci_high": None}
    low, high = proportion_confint(count, n, alpha=0.05, method="wilson")
    return {"count": count, "n": n, "share": count / n, "ci_low": low, "ci_high": high}


def hedges_j(m: int) -> float:
    """Hedges' (1981) exact small-sample correction for m degrees of freedom."""
    return math.exp(math.lgamma(m / 2) - 0.5 * math.log(m / 2) - math.lgamma((m - 1) / 2))


def pre_post_effect(
    pre: np.ndarray, post: np.ndarray, *, higher_is_worse: bool = True
) -> dict[str, float] | None:
    """The standardized mean change (see the module docstring); None below 3 pairs."""
    n = len(pre)
    if n < 3 or not pre.std(ddof=1) > 0:
        return None
    sd_pre = float(pre.std(ddof=1))
    r = float(np.corrcoef(pre, post)[0, 1]) if post.std() > 0 else 0.0
    sign = 1.0 if higher_is_worse else -1.0
    d = hedges_j(n - 1) * sign * float(pre.mean() - post.mean()) / sd_pre
    variance = 2 * (1 - r) / n + d**2 / (2 * n)
    half = NormalDist().inv_cdf(0.975) * math.sqrt(variance)
    return {"d": d, "ci_low": d - half, "ci_high": d + half, "n": n}


def _episode(rows: pd.DataFrame) -> dict[str, Any]:
    """One episode's figures from its monitored rows (sorted by session)."""
    scored = rows[rows["value"].notna()]
    latest = scored.iloc[-1] if len(scored) else None
    bands = rows["band"].dropna()
    alerts = rows["status_alert"].dropna()
    upto_8 = scored[scored["session"] <= REPORT_SESSION]
    reached_8 = len(scored) and scored["session"].max() >= REPORT_SESSION
    return {
        "category": latest["status_category"] if latest is not None else None,
        "response": latest["status_response"] if latest is not None else None,
        "remission": latest["status_remission"] if latest is not None else None,
        "intake": float(scored["value"].iloc[0]) if len(scored) >= 2 else None,
        "latest": float(scored["value"].iloc[-1]) if len(scored) >= 2 else None,
        "category_at_8": upto_8["status_category"].iloc[-1] if reached_8 and len(upto_8) else None,
        "intake_band": bands.iloc[0] if len(bands) else None,
        "alert": alerts.iloc[-1] if len(alerts) else "not_assessable",
        "clinician_key": rows["clinician_id"].iloc[0],  # the export's id: never a name
        "patient_id": rows["patient_id"].iloc[0],
    }


def _judged(values: pd.Series) -> tuple[int, int]:
    known = values.dropna()
    return int(known.astype(bool).sum()), len(known)


def _counts(categories: pd.Series) -> dict[str, int]:
    """The Jacobson–Truax category counts of some episodes, "insufficient" for none."""
    found = categories.value_counts()
    counts = {name: int(found.get(name, 0)) for name in CATEGORIES}
    return counts | {"insufficient": len(categories) - sum(counts.values())}


def severity_and_clinicians(episodes: pd.DataFrame, risk: pd.DataFrame | None) -> dict[str, Any]:
    """The report's alert counts, open risk events, outcome by intake severity band and its
    rows per clinician (keyed by the export's clinician id, in key order, never ranked).

    An episode's risk flag is its patient's having an open risk event (``open`` in
    ``attunement_risk_events``); the headline counts every open event of every exported
    patient, those without an episode of this measure included."""
    open_events = risk[risk["open"].astype(bool)] if risk is not None else None
    at_risk = set(open_events["patient_id"]) if open_events is not None else set()
    flagged = episodes["patient_id"].isin(at_risk)
    alerts = episodes["alert"].value_counts()
    banded = episodes.dropna(subset=["intake_band"])
    result: dict[str, Any] = {
        "alerts": {level: int(alerts.get(level, 0)) for level in ALERT_LEVELS}
        | {"risk": int(flagged.sum())},
        "severity": {
            str(band): _counts(group["category"])
            for band, group in sorted(banded.groupby("intake_band"))
        },
        "clinicians": {
            str(key): {
                "episodes": len(group),
                "categories": _counts(group["category"]),
                "red_alerts": int((group["alert"] == "red").sum()),
                "risk_flags": int(flagged[group.index].sum()),
            }
            for key, group in sorted(episodes.groupby("clinician_key"), key=lambda kv: str(kv[0]))
        },
    }
    if open_events is not None:
        result["open_risk_events"] = len(open_events)
        result["open_risk_patients"] = int(open_events["patient_id"].nunique())
    return result


def ended_figures(
    episodes: pd.DataFrame, table: pd.DataFrame, *, higher_is_worse: bool
) -> dict[str, Any]:
    """What the report compares with the published benchmarks, over the ended episodes
    (``end_reason`` set) only; the learning section's clinic effect size is the same one
    (ended episodes with two or more scores)."""
    reasons = table.set_index("episode_id")["end_reason"].dropna()
    mine = episodes[episodes["episode_id"].isin(reasons.index)]
    pairs = mine.dropna(subset=["intake", "latest"])
    at_8 = mine["category_at_8"].dropna()
    by_reason = reasons[reasons.index.isin(mine["episode_id"])].value_counts()
    return {
        "episodes": len(mine),
        "by_reason": {str(k): int(v) for k, v in sorted(by_reason.items())},
        "effect_size": pre_post_effect(
            pairs["intake"].to_numpy(float),
            pairs["latest"].to_numpy(float),
            higher_is_worse=higher_is_worse,
        ),
        "improved_by_session_8": _share(int(at_8.isin(["recovered", "improved"]).sum()), len(at_8)),
    }


def _fit_followed(y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> dict[str, float] | None:
    """The coefficient of ``followed`` (column 1 of ``x``) of the first REML fit with a
    finite likelihood and sane standard errors, and its 95% Wald interval; None when the
    model cannot be fitted (fewer than x's columns + 3 episodes, one therapist, or no
    convergence): the report then says the dimension was not estimated."""
    if len(y) < x.shape[1] + 3 or len(set(groups)) < 2:
        return None
    for methods in (["powell", "lbfgs"], ["nm"]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # boundary fits are answers, not errors
            fit = MixedLM(y, x, groups=groups).fit(reml=True, method=methods)
            se = np.asarray(fit.bse_fe, dtype=float)
        params = np.asarray(fit.fe_params, dtype=float)
        sane = np.all(np.isfinite(se)) and np.all(se < 1e6 * (1 + abs(params)))
        if np.isfinite(fit.llf) and sane:
            b = float(params[1])
            return {"estimate": b, "low": b - Z95 * float(se[1]), "high": b + Z95 * float(se[1])}
    return None


def learning_episodes(episodes: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The episodes the learning section reads: the ended ones (``end_reason`` set) with two
    or more scores, with their clinician and end reason, in episode order."""
    info = table.set_index("episode_id")[["clinician_id", "end_reason"]]
    ended = episodes.join(info, on="episode_id", how="inner")
    ended = ended[ended["end_reason"].notna()].dropna(subset=["intake", "latest"])
    return ended.sort_values("episode_id")


def responsiveness(
    episodes: pd.DataFrame, table: pd.DataFrame, followed: pd.DataFrame, *, minimum: int
) -> dict[str, Any]:
    """The learning section's associations of following the plan with the final score and
    with dropout, per dimension (see the module docstring), over the ended episodes with
    two or more scores."""
    ended = learning_episodes(episodes, table)
    mean_intake = float(ended["intake"].mean()) if len(ended) else 0.0
    mine = followed[followed["episode_id"].isin(ended["episode_id"])]
    dimensions: dict[str, Any] = {}
    for name, rows in sorted(mine.groupby("dimension")):
        applied = ended.merge(rows[["episode_id", "followed"]], on="episode_id")
        count = int(applied["followed"].astype(bool).sum())
        found: dict[str, Any] = {"episodes": len(applied), "followed": count, "estimated": False}
        if len(applied) >= minimum and min(count, len(applied) - count) >= MINIMUM_EACH:
            x = np.column_stack(
                [
                    np.ones(len(applied)),
                    applied["followed"].astype(float).to_numpy(),
                    applied["intake"].to_numpy(float) - mean_intake,
                ]
            )
            groups = applied["clinician_id"].astype(str).to_numpy()
            dropped = (applied["end_reason"] == "dropout").astype(float).to_numpy()
            final = _fit_followed(applied["latest"].to_numpy(float), x, groups)
            dropout = _fit_followed(dropped, x, groups)
            if final is not None and dropout is not None:
                found |= {"estimated": True, "final_score": final, "dropout": dropout}
        dimensions[str(name)] = found
    return {"episodes": len(ended), "dimensions": dimensions}


def reproduce(
    folder: Path,
    *,
    higher_is_worse: bool = True,
    minimum: int = MINIMUM_DIMENSION_EPISODES,
    minimum_therapist: int = MINIMUM_THERAPIST_EPISODES,
) -> dict[str, Any]:
    """The clinic report's headline numbers, from the export in ``folder``."""
    rows = read_table(folder, "attunement_export")
    if rows is None:
        raise SystemExit(f"no attunement_export.csv or .parquet in {folder}")
    monitored = rows[rows["monitored"].astype(bool)]
    per_instrument = monitored.groupby("instrument")["episode_id"].nunique()
    instrument = sorted(per_instrument.items(), key=lambda item: (-item[1], item[0]))[0][0]
    mine = monitored[monitored["instrument"] == instrument].sort_values(["episode_id", "session"])
    episodes = pd.DataFrame(
        [_episode(group) | {"episode_id": key} for key, group in mine.groupby("episode_id")]
    )
    counts = _counts(episodes["category"])
    assessed = len(episodes) - counts["insufficient"]
    pairs = episodes.dropna(subset=["intake", "latest"])
    at_8 = episodes["category_at_8"].dropna()
    result: dict[str, Any] = {
        "instrument": instrument,
        "episodes": len(episodes),
        "categories": counts,
        "recovered_share": counts["recovered"] / assessed if assessed else None,
        "reliably_improved_share": (counts["recovered"] + counts["improved"]) / assessed
        if assessed
        else None,
        "deteriorated_share": counts["deteriorated"] / assessed if assessed else None,
        "response": _share(*_judged(episodes["response"])),
        "remission": _share(*_judged(episodes["remission"])),
        "improved_by_session_8": _share(int(at_8.isin(["recovered", "improved"]).sum()), len(at_8)),
        "effect_size": pre_post_effect(
            pairs["intake"].to_numpy(float),
            pairs["latest"].to_numpy(float),
            higher_is_worse=higher_is_worse,
        ),
    }
    result |= severity_and_clinicians(episodes, read_table(folder, "attunement_risk_events"))
    ended = read_table(folder, "attunement_episodes")
    if ended is not None:
        result["ended"] = ended_figures(episodes, ended, higher_is_worse=higher_is_worse)
        result["therapist_feedback"] = therapist_feedback(
            learning_episodes(episodes, ended), minimum=minimum_therapist
        )
    plan = read_table(folder, "attunement_plan")
    accommodations = read_table(folder, "attunement_accommodations")
    if plan is not None and accommodations is not None:
        chosen = set(episodes["episode_id"])
        planned = plan[plan["episode_id"].isin(chosen)]["episode_id"].nunique()
        kinds = accommodations[accommodations["episode_id"].isin(chosen)]
        by_kind = kinds.groupby("kind")["episode_id"].nunique()
        result["accommodated_preference"] = _share(int(by_kind.get("preferences", 0)), planned)
        result["accommodated_culture"] = _share(int(by_kind.get("culture", 0)), planned)
    followed = read_table(folder, "attunement_plan_followed")
    if ended is None or followed is None:
        result["responsiveness"] = (
            "not in the export: whether each plan was followed is not in this export, so no "
            "association of following the plan with outcome can be estimated"
        )
    else:
        result["responsiveness"] = responsiveness(episodes, ended, followed, minimum=minimum)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", type=Path, help="folder the research export was written to")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument(
        "--higher-is-better", action="store_true", help="the measure improves upwards"
    )
    parser.add_argument(
        "--minimum-dimension-episodes",
        type=int,
        default=MINIMUM_DIMENSION_EPISODES,
        help="episodes a dimension must apply to before it is estimated (learning.yaml)",
    )
    parser.add_argument(
        "--minimum-therapist-episodes",
        type=int,
        default=MINIMUM_THERAPIST_EPISODES,
        help="ended episodes a therapist needs before their row is shown (learning.yaml)",
    )
    args = parser.parse_args(argv)
    result = reproduce(
        args.export,
        higher_is_worse=not args.higher_is_better,
        minimum=args.minimum_dimension_episodes,
        minimum_therapist=args.minimum_therapist_episodes,
    )
    if args.json:
        json.dump(result, sys.stdout, indent=2, default=float)
        sys.stdout.write("\n")
        return
    for key, value in result.items():
        sys.stdout.write(f"{key}: {value}\n")


if __name__ == "__main__":
    main()
