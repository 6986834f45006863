"""The therapist feedback rows of the clinic report, recomputed from the research export.

Used by ``reproduce_clinic_report.py`` (beside it); reads only what that script read from
the export (pandas, numpy, scipy, statsmodels — no Attunement code). The rows are keyed by
the export's clinician id (a keyed pseudonym when de-identified) and listed by that key,
never ranked; the export holds no therapist name.

Over the ended episodes with two or more scores (the learning section's), with intake the
first score and final the last, intake centred on those episodes' mean:

* change ``final − intake ~ 1 + intake (centred) + (1|therapist)``, REML (statsmodels
  ``MixedLM``; the optimisers tried as the app tries them: Powell then L-BFGS, else
  Nelder-Mead). A therapist's change is the intercept plus their empirical-Bayes
  deviation (the BLUP), its standard error the two standard errors combined in
  quadrature; a therapist variance on the boundary (≤ 1e-12) shrinks every therapist to
  the clinic exactly;
* reliable improvement, recovery and deterioration (the Jacobson & Truax 1991 category
  of the last score against the intake: the export's ``status_category`` of the latest
  scored session, recovered or improved / recovered / deteriorated) and dropout
  (``end_reason`` dropout): ``logit P ~ 1 + intake (centred) + (1|therapist)`` by
  variational Bayes (statsmodels ``BinomialBayesMixedGLM.fit_vb``, its default priors;
  every posterior SD started at exp(−0.5), as the app starts it: statsmodels' own start
  is a random draw around it),
  read at the clinic's mean intake; an outcome no or every episode had is not modelled;
* the adjusted pre–post d of a therapist: minus their change over the SD of intake.

A therapist with fewer than ``minimum`` of these episodes (``minimum_therapist_episodes``
of the app's ``learning.yaml``, 20) is counted but not shown.
"""

from __future__ import annotations

import math
import warnings
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from statsmodels.genmod.bayes_mixed_glm import BinomialBayesMixedGLM
from statsmodels.regression.mixed_linear_model import MixedLM

MINIMUM_THERAPIST_EPISODES = 20  # learning.yaml: minimum_therapist_episodes
OUTCOMES = ("reliable_improvement", "recovery", "deterioration", "dropout")
Z95 = NormalDist().inv_cdf(0.975)


def _mixed(y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> Any:
    """The first REML fit with a finite likelihood and sane standard errors, or None."""
    for methods in (["powell", "lbfgs"], ["nm"]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # boundary fits are answers, not errors
            fit = MixedLM(y, x, groups=groups).fit(reml=True, method=methods)
            se = np.asarray(fit.bse_fe, dtype=float)
        sane = np.all(se < 1e6 * (1 + np.abs(np.asarray(fit.fe_params))))
        if np.isfinite(fit.llf) and np.all(np.isfinite(se)) and sane:
            return fit
    return None


def _logistic(y: np.ndarray, x: np.ndarray, labels: list[str], groups: np.ndarray) -> Any:
    code = {g: i for i, g in enumerate(labels)}
    columns = np.array([code[g] for g in groups])
    z = sparse.csr_matrix(
        (np.ones(len(y)), (np.arange(len(y)), columns)), shape=(len(y), len(labels))
    )
    start = np.full(x.shape[1] + 1 + len(labels), math.exp(-0.5))  # as the app starts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = BinomialBayesMixedGLM(y, x, z, np.zeros(len(labels), dtype=int))
        return model.fit_vb(sd=start)


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _interval(value: float, se: float, raw: float) -> dict[str, float]:
    return {"value": value, "low": value - Z95 * se, "high": value + Z95 * se, "raw": raw}


def therapist_feedback(
    ended: pd.DataFrame, *, minimum: int = MINIMUM_THERAPIST_EPISODES
) -> dict[str, Any] | str:
    """The rows (see the module docstring) from ``ended``: one row per ended episode with
    two or more scores, columns ``intake``, ``latest``, ``category``, ``end_reason`` and
    ``clinician_id``. A string says why there is no feedback, as the report says it."""
    if len(ended) < 5:
        return "not available: fewer than 5 ended episodes with a later score"
    intake = ended["intake"].to_numpy(float)
    final = ended["latest"].to_numpy(float)
    mean_intake, sd = float(intake.mean()), float(intake.std(ddof=1))
    if not sd > 0:
        return "not available: the intake scores do not vary"
    groups = ended["clinician_id"].astype(str).to_numpy()
    labels = sorted(set(groups))
    x = np.column_stack([np.ones(len(ended)), intake - mean_intake])
    if len(ended) < x.shape[1] + 3 or len(labels) < 2:
        return "not available: too few episodes or a single therapist"
    change = _mixed(final - intake, x, groups)
    if change is None:
        return "not available: the multilevel model of change did not converge"
    category = ended["category"]
    flags = {
        "reliable_improvement": category.isin(["recovered", "improved"]).to_numpy(),
        "recovery": (category == "recovered").to_numpy(),
        "deterioration": (category == "deteriorated").to_numpy(),
        "dropout": (ended["end_reason"] == "dropout").to_numpy(),
    }
    logistic = {
        name: _logistic(flag.astype(float), x, labels, groups)
        for name, flag in flags.items()
        if 0 < flag.sum() < len(flag)
    }
    variance = float(np.asarray(change.cov_re)[0, 0])
    boundary = variance <= 1e-12
    intercept, intercept_se = float(change.fe_params[0]), float(change.bse_fe[0])
    rows: dict[str, Any] = {}
    for g in labels:
        mine = groups == g
        if mine.sum() < minimum:
            rows[g] = {"episodes": int(mine.sum()), "shown": False}
            continue
        outcomes = {}
        for name, fit in logistic.items():
            i = labels.index(g)
            eta = float(fit.fe_mean[0]) + float(fit.vc_mean[i])
            se = math.hypot(float(fit.fe_sd[0]), float(fit.vc_sd[i]))
            events = int(flags[name][mine].sum())
            outcomes[name] = {
                "value": _expit(eta),
                "low": _expit(eta - Z95 * se),
                "high": _expit(eta + Z95 * se),
                "raw": events / int(mine.sum()),
                "events": events,
            }
        deviation = 0.0 if boundary else float(np.asarray(change.random_effects[g])[0])
        deviation_se = (
            0.0
            if boundary
            else math.sqrt(max(float(np.asarray(change.random_effects_cov[g])[0, 0]), 0.0))
        )
        raw = float(np.mean((final - intake)[mine]))
        adjusted = _interval(intercept + deviation, math.hypot(intercept_se, deviation_se), raw)
        rows[g] = {
            "episodes": int(mine.sum()),
            "shown": True,
            "outcomes": outcomes,
            "change": adjusted,
            "change_vs_clinic": _interval(
                deviation, deviation_se, raw - float(np.mean(final - intake))
            ),
            "pre_post_d": {
                "value": -adjusted["value"] / sd,
                "low": -adjusted["high"] / sd,
                "high": -adjusted["low"] / sd,
                "raw": -raw / sd,
            },
        }
    return {
        "episodes": len(ended),
        "mean_intake": mean_intake,
        "intake_sd": sd,
        "minimum_episodes": minimum,
        "not_modelled": sorted(set(OUTCOMES) - set(logistic)),
        "therapists": rows,
    }
