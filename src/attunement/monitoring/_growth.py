"""The empirical expected treatment response: a growth model fitted to completed episodes.

Model (Finch, Lambert & Schaalje 2001, *Clin Psychol Psychother* 8:231, for the OQ-45;
random intercept and slope per patient on log(session), intake score as predictor)::

    score_ij = β0 + β1·log(s_ij) + β2·intake_i + β3·intake_i·log(s_ij)
               + b0_i + b1_i·log(s_ij) + e_ij
    (b0_i, b1_i) ~ N(0, Ψ) with Ψ unstructured 2 × 2,   e_ij ~ N(0, σ²)

fitted by restricted maximum likelihood (REML), see :mod:`attunement.monitoring._reml`.

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
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from attunement.errors import InputError
from attunement.monitoring._models import Expectation
from attunement.monitoring._reml import block_statistics, fit_reml

__all__ = [
    "BOUNDARY_CORRELATION",
    "FIXED_EFFECTS",
    "SINGULAR_TOLERANCE",
    "EpisodeTable",
    "GrowthModel",
    "fit_growth_model",
]

#: Names of the fixed effects, in order.
FIXED_EFFECTS = ("intercept", "log_session", "intake", "intake_x_log_session")
FORMULA = "score ~ log(session) * intake + (1 + log(session) | patient)"
FITTED_WITH = (
    "attunement.monitoring REML: profiled deviance over the relative Cholesky factor "
    "(3 parameters), analytic gradient, scipy L-BFGS-B"
)
_FROZEN = ConfigDict(frozen=True, extra="forbid")

#: A diagonal entry of the relative Cholesky factor below this is on the boundary (a zero
#: variance): lme4's ``isSingular(tol = 1e-4)`` default (Bates, Mächler, Bolker & Walker 2015).
SINGULAR_TOLERANCE = 1e-4
#: *Assumption*: a random intercept–slope correlation this close to ±1 means the two random
#: effects are not separately identified (the covariance is near-singular): reported as a
#: boundary fit. lme4's tolerance alone misses a correlation of 0.99998 when the slope
#: variance is large.
BOUNDARY_CORRELATION = 0.99


@dataclass(frozen=True, eq=False)
class EpisodeTable:
    """Session rows of completed reference episodes, one entry per session.

    ``patient`` may hold any ids (ints or strings); ``session`` numbers start at 1 (the
    intake); ``intake`` is the patient's intake score repeated on each of their rows.
    Use :meth:`from_arrays`, which validates and converts.
    """

    patient: npt.NDArray[np.intp]  # 0-based codes
    session: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]
    intake: npt.NDArray[np.float64]
    n_patients: int

    @classmethod
    def from_arrays(cls, patient: Any, session: Any, score: Any, intake: Any) -> EpisodeTable:
        """Validate four equal-length arrays (InputError names the field and the row)."""
        try:
            ids = np.asarray(patient)
            arrays = [np.asarray(a, dtype=np.float64) for a in (session, score, intake)]
        except (TypeError, ValueError) as exc:
            raise InputError("episodes", "non-numeric values", "numbers") from exc
        ses, sco, ink = arrays
        n = len(ids)
        for name, arr in (("session", ses), ("score", sco), ("intake", ink)):
            if arr.ndim != 1 or len(arr) != n:
                raise InputError(f"episodes.{name}", f"length {len(arr)}", f"length {n}")
            bad = np.flatnonzero(~np.isfinite(arr))
            if len(bad):
                raise InputError(f"episodes.{name}[{bad[0]}]", arr[bad[0]], "a finite number")
        low = np.flatnonzero(ses < 1)
        if len(low):
            raise InputError(f"episodes.session[{low[0]}]", ses[low[0]], "a session >= 1")
        if n == 0:
            raise InputError("episodes", "no rows", "at least one session row")
        _, first_row, codes = np.unique(ids, return_index=True, return_inverse=True)
        codes = codes.reshape(-1).astype(np.intp)
        g = len(first_row)
        differs = np.flatnonzero(ink != ink[first_row][codes])
        if len(differs):
            i = differs[0]
            raise InputError(
                f"episodes.intake[{i}]", ink[i], f"the same intake on every row of patient {ids[i]}"
            )
        return cls(patient=codes, session=ses, score=sco, intake=ink, n_patients=g)

    def sha256(self) -> str:
        """Hash of the data in a canonical row order (patient code, session)."""
        order = np.lexsort((self.session, self.patient))
        h = hashlib.sha256()
        for arr in (self.patient.astype(np.int64), self.session, self.score, self.intake):
            h.update(np.ascontiguousarray(arr[order]).tobytes())
        return h.hexdigest()


class GrowthModel(BaseModel):
    """A fitted growth model, frozen and serialisable to JSON for versioned storage.

    ``instrument`` names the instrument scale the scores are on (e.g. "phq9" or
    "phq9/total"); ``version`` is a hash of every stored field; ``data_sha256`` identifies
    the episodes it was fitted to; ``data_label`` says what the data were ("SYNTHETIC …").
    """

    model_config = _FROZEN

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
        (c00, c01), (_, c11) = self.random_effects_covariance
        sigma2 = self.residual_variance
        theta0 = math.sqrt(max(c00, 0.0) / sigma2) if sigma2 > 0 else 0.0
        theta1 = c01 / sigma2 / theta0 if theta0 > 0 else 0.0
        theta2 = math.sqrt(max(c11 / sigma2 - theta1 * theta1, 0.0)) if sigma2 > 0 else 0.0
        rho = self.random_effects_correlation
        if theta0 < SINGULAR_TOLERANCE:
            return (
                "singular fit: the random-intercept variance is estimated at about zero "
                f"(relative Cholesky diagonal {theta0:.2g} < {SINGULAR_TOLERANCE:g}); the band's "
                "patient-variation part rests on a degenerate covariance"
            )
        if theta2 < SINGULAR_TOLERANCE:
            what = (
                f"random intercept-slope correlation {rho:.5f}"
                if rho is not None
                else "the random-slope variance is about zero"
            )
            return (
                f"singular fit: {what} (relative Cholesky "
                f"diagonal {theta2:.2g} < {SINGULAR_TOLERANCE:g}); the band's patient-variation "
                "part rests on a degenerate covariance"
            )
        if rho is not None and abs(rho) >= BOUNDARY_CORRELATION:
            return (
                f"singular (boundary) fit: random intercept-slope correlation {rho:.5f}, "
                f"|r| >= {BOUNDARY_CORRELATION:g}; intercept and slope variation are not "
                "separately identified, so the band's patient-variation part is uncertain"
            )
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
        x = np.array([1.0, ls, i0, i0 * ls])
        zv = np.array([1.0, ls])
        beta = np.array([self.coefficients[k] for k in FIXED_EFFECTS])
        var = (
            float(x @ np.array(self.coefficient_covariance) @ x)
            + float(zv @ np.array(self.random_effects_covariance) @ zv)
            + self.residual_variance
        )
        value = float(x @ beta)
        half = NormalDist().inv_cdf(0.5 + level / 2.0) * math.sqrt(var)
        notes = []
        if not self.session_range[0] <= session <= self.session_range[1]:
            notes.append(f"session {session} is outside the fitted sessions {self.session_range}")
        if not self.intake_range[0] <= i0 <= self.intake_range[1]:
            notes.append(f"intake {i0:g} is outside the fitted intakes {self.intake_range}")
        basis = (
            f"empirical: growth model {self.version} fitted by REML to {self.n_patients} "
            f"episodes ({self.n_obs} sessions); {level:.0%} prediction band"
        )
        if self.data_label:
            basis += f"; data: {self.data_label}"
        if notes:
            basis += "; extrapolated: " + "; ".join(notes)
        if self.boundary_note is not None:
            basis += f"; {self.boundary_note}"
        return Expectation(
            session=session,
            intake=i0,
            value=value,
            low=value - half,
            high=value + half,
            method="empirical",
            basis=basis,
            level=level,
            sources=(
                "Finch AE, Lambert MJ, Schaalje BG (2001) Psychotherapy quality control: the "
                "statistical generation of expected recovery curves for integration into an "
                "early warning system. Clin Psychol Psychother 8:231-242",
                f"model {self.version}, data sha256 {self.data_sha256[:16]}",
                "level: assumption",
            ),
        )


def fit_growth_model(
    episodes: EpisodeTable, *, instrument: str = "", data_label: str = ""
) -> GrowthModel:
    """Fit the growth model by REML to completed reference episodes.

    Needs at least 3 patients and more rows than patients (so that slopes vary within
    patients); raises InputError otherwise, or when the data cannot identify the model
    (e.g. every patient has the same intake).
    """
    e = episodes
    if e.n_patients < 3 or len(e.score) <= e.n_patients + len(FIXED_EFFECTS):
        raise InputError(
            "episodes",
            f"{e.n_patients} patients, {len(e.score)} sessions",
            "at least 3 patients with repeated sessions",
        )
    ls = np.log(e.session)
    x = np.column_stack([np.ones_like(ls), ls, e.intake, e.intake * ls])
    z = x[:, :2]
    try:
        fit = fit_reml(block_statistics(e.patient, x, z, e.score))
    except np.linalg.LinAlgError as exc:
        raise InputError(
            "episodes", "data that cannot identify the model", "varied sessions and intakes"
        ) from exc
    cov = fit.random_covariance
    return GrowthModel(
        instrument=instrument,
        coefficients=dict(zip(FIXED_EFFECTS, (float(b) for b in fit.beta), strict=True)),
        coefficient_covariance=tuple(tuple(float(v) for v in row) for row in fit.beta_covariance),
        random_effects_covariance=(
            (float(cov[0, 0]), float(cov[0, 1])),
            (float(cov[1, 0]), float(cov[1, 1])),
        ),
        residual_variance=fit.residual_variance,
        n_patients=e.n_patients,
        n_obs=len(e.score),
        session_range=(float(e.session.min()), float(e.session.max())),
        intake_range=(float(e.intake.min()), float(e.intake.max())),
        reml_deviance=fit.deviance,
        converged=fit.converged,
        iterations=fit.iterations,
        data_sha256=e.sha256(),
        data_label=data_label,
    )
