"""One way to fit the multilevel models of this package: statsmodels' ``MixedLM``.

Patients are nested within therapists: a random intercept per therapist (REML), so that
an effect is estimated within therapists and each therapist's own estimate is shrunk
towards the clinic's by empirical Bayes (the BLUP, with its conditional variance).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt

from attunement.stats import InsufficientData

__all__ = [
    "Z95",
    "LogisticRandomIntercept",
    "RandomInterceptFit",
    "fit_logistic_random_intercept",
    "fit_random_intercept",
]

Z95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class RandomInterceptFit:
    """Fixed effects with standard errors; each group's shrunken deviation and its SE."""

    names: tuple[str, ...]
    coefficients: npt.NDArray[np.float64]
    standard_errors: npt.NDArray[np.float64]
    group_variance: float
    residual_variance: float
    deviations: dict[str, float]
    deviation_se: dict[str, float]
    converged: bool

    def effect(self, name: str) -> tuple[float, float, float]:
        """A coefficient and its 95% Wald interval."""
        i = self.names.index(name)
        b, se = float(self.coefficients[i]), float(self.standard_errors[i])
        return b, b - Z95 * se, b + Z95 * se


#: Optimisers tried in turn. statsmodels' default (BFGS) can stop at a degenerate point
#: when the therapist variance is on the boundary (zero): an infinite log-likelihood and an
#: intercept of 0 with a standard error of 10^7. Powell's method, then Nelder-Mead, reach
#: the boundary fit, which then equals ordinary least squares, as it should.
_OPTIMISERS: tuple[list[str], ...] = (["powell", "lbfgs"], ["nm"])


def _fit_mixed(
    y: npt.NDArray[np.float64], x: npt.NDArray[np.float64], groups: list[str]
) -> tuple[Any, npt.NDArray[np.float64]]:
    """The first REML fit with a finite likelihood and finite standard errors."""
    # The app, the CLI and every server import this module; statsmodels and scipy take a
    # good part of a second to import. start-up: only fitting a model needs them
    from statsmodels.regression.mixed_linear_model import MixedLM

    for methods in _OPTIMISERS:
        with warnings.catch_warnings():
            # boundary fits (a therapist variance of 0) are legitimate answers, not errors
            warnings.simplefilter("ignore")
            result = MixedLM(y, x, groups=np.asarray(groups)).fit(reml=True, method=methods)
            standard_errors = np.asarray(result.bse_fe, dtype=np.float64)
        sane = np.all(standard_errors < 1e6 * (1 + np.abs(np.asarray(result.fe_params))))
        if np.isfinite(result.llf) and np.all(np.isfinite(standard_errors)) and sane:
            return result, standard_errors
    raise InsufficientData(
        "episodes", len(y), "data the multilevel model can be fitted to (it did not converge)"
    )


def fit_random_intercept(
    outcome: npt.ArrayLike,
    covariates: Mapping[str, npt.ArrayLike],
    groups: list[str],
) -> RandomInterceptFit:
    """``outcome ~ 1 + covariates + (1 | group)`` by REML (statsmodels ``MixedLM``)."""
    y = np.asarray(outcome, dtype=np.float64)
    names = ("intercept", *covariates)
    x = np.column_stack(
        [np.ones_like(y), *(np.asarray(v, np.float64) for v in covariates.values())]
    )
    if len(y) < len(names) + 3 or len(set(groups)) < 2:
        raise InsufficientData(
            "episodes", len(y), f"at least {len(names) + 3} episodes of 2 or more therapists"
        )
    result, standard_errors = _fit_mixed(y, x, groups)
    group_variance = float(np.asarray(result.cov_re)[0, 0])
    labels = sorted({str(g) for g in groups})
    if group_variance <= 1e-12:  # on the boundary: every group shrinks to the clinic exactly
        deviations = dict.fromkeys(labels, 0.0)
        deviation_se = dict.fromkeys(labels, 0.0)
    else:
        deviations = {str(g): float(np.asarray(v)[0]) for g, v in result.random_effects.items()}
        deviation_se = {
            str(g): float(np.sqrt(max(float(np.asarray(v)[0, 0]), 0.0)))
            for g, v in result.random_effects_cov.items()
        }
    return RandomInterceptFit(
        names=names,
        coefficients=np.asarray(result.fe_params, dtype=np.float64),
        standard_errors=standard_errors,
        group_variance=group_variance,
        residual_variance=float(result.scale),
        deviations=deviations,
        deviation_se=deviation_se,
        converged=bool(result.converged),
    )


@dataclass(frozen=True)
class LogisticRandomIntercept:
    """``logit P(y) = 1 + covariates + (1 | group)``: fixed effects and each group's
    posterior deviation (mean and SD), by variational Bayes."""

    names: tuple[str, ...]
    coefficients: npt.NDArray[np.float64]
    standard_errors: npt.NDArray[np.float64]
    deviations: dict[str, float]
    deviation_se: dict[str, float]


def fit_logistic_random_intercept(
    outcome: npt.ArrayLike, covariates: Mapping[str, npt.ArrayLike], groups: list[str]
) -> LogisticRandomIntercept:
    """A multilevel logistic model (statsmodels ``BinomialBayesMixedGLM.fit_vb``; Gaussian
    priors with statsmodels' defaults) for a yes/no outcome of patients within therapists."""
    # start-up: statsmodels and scipy only when fitting (see _fit_mixed)
    from scipy import sparse
    from statsmodels.genmod.bayes_mixed_glm import BinomialBayesMixedGLM

    y = np.asarray(outcome, dtype=np.float64)
    names = ("intercept", *covariates)
    x = np.column_stack(
        [np.ones_like(y), *(np.asarray(v, np.float64) for v in covariates.values())]
    )
    labels = sorted(set(groups))
    if len(y) < len(names) + 3 or len(labels) < 2:
        raise InsufficientData(
            "episodes", len(y), f"at least {len(names) + 3} episodes of 2 or more therapists"
        )
    code = {g: i for i, g in enumerate(labels)}
    columns = np.array([code[g] for g in groups])
    z = sparse.csr_matrix(
        (np.ones(len(y)), (np.arange(len(y)), columns)), shape=(len(y), len(labels))
    )
    # statsmodels starts the posterior SDs at a random draw (fresh entropy: log SD
    # −0.5 + 0.1·N(0, 1)) unless given; the same episodes then gave figures differing in
    # the 7th digit from one report to the next. Every SD starts at the draw's centre, so a
    # report is reproducible, whatever the order of the episodes and therapists.
    start = np.full(x.shape[1] + 1 + len(labels), math.exp(-0.5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = BinomialBayesMixedGLM(y, x, z, np.zeros(len(labels), dtype=int))
        result = model.fit_vb(sd=start)
    return LogisticRandomIntercept(
        names=names,
        coefficients=np.asarray(result.fe_mean, dtype=np.float64),
        standard_errors=np.asarray(result.fe_sd, dtype=np.float64),
        deviations={g: float(result.vc_mean[i]) for g, i in code.items()},
        deviation_se={g: float(result.vc_sd[i]) for g, i in code.items()},
    )
