"""The fitted growth model of the empirical expected treatment response, and its prediction.

Fitting needs numpy and scipy (:mod:`attunement.monitoring._growth`); using a fitted model
needs neither: a prediction is two quadratic forms of at most four terms. Kept apart so an
episode's status (``attune status``) starts without the numerical stack (issue 13).

Prediction for a new patient with intake I at session s, x = (1, ln s, I, I ln s),
z = (1, ln s)::

    expected = xᵀβ̂
    var      = xᵀ Cov(β̂) x + zᵀ Ψ z + σ²     (fixed-effect uncertainty + patient + residual)
    band     = expected ± Φ⁻¹((1 + level)/2) · √var

so the band is a ``level`` prediction interval for one patient's score at that session.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Literal

from pydantic import BaseModel

from attunement._model_config import FROZEN
from attunement.errors import InputError
from attunement.monitoring import _empirical_basis as empirical_basis
from attunement.monitoring._models import Expectation
from attunement.monitoring._worded import Worded

__all__ = [
    "BOUNDARY_CORRELATION",
    "FITTED_WITH",
    "FIXED_EFFECTS",
    "FORMULA",
    "SINGULAR_TOLERANCE",
    "GrowthModel",
]

#: Names of the fixed effects, in order.
FIXED_EFFECTS = ("intercept", "log_session", "intake", "intake_x_log_session")
FORMULA = "score ~ log(session) * intake + (1 + log(session) | patient)"
FITTED_WITH = (
    "attunement.monitoring REML: profiled deviance over the relative Cholesky factor "
    "(3 parameters), analytic gradient, scipy L-BFGS-B"
)

#: A diagonal entry of the relative Cholesky factor below this is on the boundary (a zero
#: variance): lme4's ``isSingular(tol = 1e-4)`` default (Bates, Mächler, Bolker & Walker 2015).
SINGULAR_TOLERANCE = 1e-4
#: *Assumption*: a random intercept–slope correlation this close to ±1 means the two random
#: effects are not separately identified (the covariance is near-singular): reported as a
#: boundary fit. lme4's tolerance alone misses a correlation of 0.99998 when the slope
#: variance is large.
BOUNDARY_CORRELATION = 0.99


def _quadratic_form(x: Sequence[float], matrix: Sequence[Sequence[float]]) -> float:
    """xᵀ M x, summed exactly (``math.fsum``)."""
    return math.fsum(x[i] * matrix[i][j] * x[j] for i in range(len(x)) for j in range(len(x)))


class GrowthModel(BaseModel):
    """A fitted growth model, frozen and serialisable to JSON for versioned storage.

    ``instrument`` names the instrument scale the scores are on (e.g. "phq9" or
    "phq9/total"); ``version`` is a hash of every stored field; ``data_sha256`` identifies
    the episodes it was fitted to; ``data_label`` says what the data were ("SYNTHETIC …").
    """

    model_config = FROZEN

    schema_version: Literal[1] = 1
    instrument: str = ""
    formula: str = FORMULA
    coefficients: dict[str, float]
    coefficient_covariance: tuple[tuple[float, ...], ...]
    random_effects_covariance: tuple[tuple[float, float], tuple[float, float]]
    residual_variance: float
    n_patients: int
    n_obs: int
    session_range: tuple[float, float]
    intake_range: tuple[float, float]
    reml_deviance: float
    converged: bool
    iterations: int
    fitted_with: str = FITTED_WITH
    data_sha256: str
    data_label: str = ""

    @property
    def version(self) -> str:
        """First 16 hex digits of the SHA-256 of the canonical JSON of this model."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def random_effects_correlation(self) -> float | None:
        """Correlation of the random intercept and slope (None if a variance is zero)."""
        (c00, c01), (_, c11) = self.random_effects_covariance
        if c00 <= 0 or c11 <= 0:
            return None
        return c01 / math.sqrt(c00 * c11)

    @property
    def singular(self) -> bool:
        """A singular (boundary) fit: a random-effect variance of about zero, or a random
        intercept–slope correlation of about ±1 (see ``boundary_note``)."""
        return self.boundary_note is not None

    @property
    def boundary_note(self) -> str | None:
        """Why the fit is on the boundary of its parameter space, or None."""
        words = self.boundary_words
        return None if words is None else words.text

    @property
    def boundary_words(self) -> Worded | None:
        """:attr:`boundary_note` with the message id and figures it is written from."""
        (c00, c01), (_, c11) = self.random_effects_covariance
        sigma2 = self.residual_variance
        theta0 = math.sqrt(max(c00, 0.0) / sigma2) if sigma2 > 0 else 0.0
        theta1 = c01 / sigma2 / theta0 if theta0 > 0 else 0.0
        theta2 = math.sqrt(max(c11 / sigma2 - theta1 * theta1, 0.0)) if sigma2 > 0 else 0.0
        rho = self.random_effects_correlation
        if theta0 < SINGULAR_TOLERANCE:
            return empirical_basis.singular_intercept(theta0, SINGULAR_TOLERANCE)
        if theta2 < SINGULAR_TOLERANCE:
            return empirical_basis.singular_slope(rho, theta2, SINGULAR_TOLERANCE)
        if rho is not None and abs(rho) >= BOUNDARY_CORRELATION:
            return empirical_basis.boundary_correlation(rho, BOUNDARY_CORRELATION)
        return None

    def to_json(self) -> str:
        """JSON text that :meth:`from_json` reads back to an equal model."""
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> GrowthModel:
        """Read a model written by :meth:`to_json`."""
        return cls.model_validate_json(text)

    def expected(self, intake: float, session: int, *, level: float = 0.80) -> Expectation:
        """Expected score and ``level`` prediction band at ``session`` for this intake.

        ``level`` = 0.80 by default: an *assumption* (a band that flags about one in ten
        on-course sessions on each side), not a published figure.
        """
        i0 = float(intake)
        if not math.isfinite(i0):
            raise InputError("intake", intake, "a finite score")
        if isinstance(session, bool) or not isinstance(session, int) or session < 1:
            raise InputError("session", session, "a whole session number >= 1 (1 = intake)")
        if not (0.0 < level < 1.0):
            raise InputError("level", level, "a probability in (0, 1)")
        ls = math.log(session)
        x = (1.0, ls, i0, i0 * ls)
        beta = [self.coefficients[k] for k in FIXED_EFFECTS]
        var = (
            _quadratic_form(x, self.coefficient_covariance)
            + _quadratic_form(x[:2], self.random_effects_covariance)
            + self.residual_variance
        )
        value = math.fsum(xi * bi for xi, bi in zip(x, beta, strict=True))
        half = NormalDist().inv_cdf(0.5 + level / 2.0) * math.sqrt(var)
        notes = []
        if not self.session_range[0] <= session <= self.session_range[1]:
            notes.append(empirical_basis.session_outside(session, self.session_range))
        if not self.intake_range[0] <= i0 <= self.intake_range[1]:
            notes.append(empirical_basis.intake_outside(i0, self.intake_range))
        basis = empirical_basis.model_basis(
            version=self.version,
            episodes=self.n_patients,
            sessions=self.n_obs,
            level=level,
            data_label=self.data_label,
            extrapolated=notes,
            boundary=self.boundary_words,
        )
        return Expectation(
            session=session,
            intake=i0,
            value=value,
            low=value - half,
            high=value + half,
            method="empirical",
            basis=basis.text,
            basis_worded=basis,
            level=level,
            sources=(
                "Finch AE, Lambert MJ, Schaalje BG (2001) Psychotherapy quality control: the "
                "statistical generation of expected recovery curves for integration into an "
                "early warning system. Clin Psychol Psychother 8:231-242",
                f"model {self.version}, data sha256 {self.data_sha256[:16]}",
                "level: assumption",
            ),
        )
