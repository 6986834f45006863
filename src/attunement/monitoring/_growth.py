"""The empirical expected treatment response: a growth model fitted to completed episodes.

Model (Finch, Lambert & Schaalje 2001, *Clin Psychol Psychother* 8:231, for the OQ-45;
random intercept and slope per patient on log(session), intake score as predictor)::

    score_ij = β0 + β1·log(s_ij) + β2·intake_i + β3·intake_i·log(s_ij)
               + b0_i + b1_i·log(s_ij) + e_ij
    (b0_i, b1_i) ~ N(0, Ψ) with Ψ unstructured 2 × 2,   e_ij ~ N(0, σ²)

fitted by restricted maximum likelihood (REML), see :mod:`attunement.monitoring._reml`.

The fitted model and its prediction live in :mod:`attunement.monitoring._growth_model`,
which needs no numpy (an episode's status uses a model without fitting one).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from attunement.errors import InputError
from attunement.monitoring._growth_model import FIXED_EFFECTS, GrowthModel
from attunement.monitoring._reml import block_statistics, fit_reml

__all__ = ["EpisodeTable", "fit_growth_model"]


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
