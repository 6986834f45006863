"""REML for a linear mixed model with a random intercept and slope per patient.

The model (Laird & Ware 1982, *Biometrics* 38:963; as Finch, Lambert & Schaalje 2001 fitted
it to the OQ-45)::

    yᵢ = Xᵢ β + Zᵢ bᵢ + eᵢ,   bᵢ ~ N(0, σ² Λ Λᵀ),   eᵢ ~ N(0, σ² I)

with two random effects per patient (the columns of Zᵢ) and an unstructured 2 × 2 covariance
written through its lower-triangular relative Cholesky factor Λ = [[θ₀, 0], [θ₁, θ₂]]
(Bates, Mächler, Bolker & Walker 2015, "Fitting linear mixed-effects models using lme4",
*J Stat Softw* 67(1), section 3).

β and σ² are profiled out in closed form, so only θ (three numbers) is optimised. The
marginal covariance σ²V, V = I + ZΛΛᵀZᵀ, is block-diagonal by patient. With
Mᵢ = ΛᵀSᵢΛ + I, Sᵢ = ZᵢᵀZᵢ and Gᵢ = ΛMᵢ⁻¹Λᵀ (so Vᵢ⁻¹ = I − ZᵢGᵢZᵢᵀ by Woodbury and
|Vᵢ| = |Mᵢ| by the matrix determinant lemma)::

    A = XᵀV⁻¹X = XᵀX − Σᵢ XᵢᵀZᵢ Gᵢ ZᵢᵀXᵢ      XᵀV⁻¹y = Xᵀy − Σᵢ XᵢᵀZᵢ Gᵢ Zᵢᵀyᵢ
    yᵀV⁻¹y = yᵀy − Σᵢ yᵢᵀZᵢ Gᵢ Zᵢᵀyᵢ
    β̂ = A⁻¹XᵀV⁻¹y,   r² = yᵀV⁻¹y − β̂ᵀXᵀV⁻¹y,   σ̂² = r² / (n − p)

and the REML deviance, −2 × the restricted log-likelihood (Bates et al. 2015, eq. 42), is::

    d(θ) = Σᵢ log|Mᵢ| + log|A| + (n − p) [1 + log(2π r² / (n − p))]

Its gradient is the REML score (Harville 1977, *JASA* 72:320) for ∂V/∂θₖ = Σᵢ ZᵢDₖZᵢᵀ,
Dₖ = EₖΛᵀ + ΛEₖᵀ (Eₖ = ∂Λ/∂θₖ)::

    ∂d/∂θₖ = tr(P ∂V/∂θₖ) − (n − p)/r² · (Py)ᵀ(∂V/∂θₖ)(Py) = 2 (QΛ)ₖ
    Q = Σᵢ [ZᵢᵀVᵢ⁻¹Zᵢ − WᵢA⁻¹Wᵢᵀ − (n − p)/r² · uᵢuᵢᵀ]
    Wᵢ = ZᵢᵀVᵢ⁻¹Xᵢ,   uᵢ = ZᵢᵀVᵢ⁻¹(yᵢ − Xᵢβ̂)

Every per-patient quantity is a 2 × 2 closed form, evaluated for all patients at once as
numpy arrays of components; the per-patient sums ZᵢᵀZᵢ, ZᵢᵀXᵢ, Zᵢᵀyᵢ are accumulated once
with ``np.bincount`` before optimising, so one evaluation costs O(patients), not O(rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]

# Diagonal of Λ is a standard deviation ratio: bounded below by 0 (as in lme4).
_BOUNDS = ((0.0, None), (None, None), (0.0, None))


@dataclass(frozen=True)
class BlockStatistics:
    """Per-patient sums for two random effects, and the overall cross-products.

    ``s00, s01, s11``: entries of ZᵢᵀZᵢ; ``x0, x1``: rows of ZᵢᵀXᵢ (patients × p);
    ``y0, y1``: entries of Zᵢᵀyᵢ.
    """

    s00: Array
    s01: Array
    s11: Array
    x0: Array
    x1: Array
    y0: Array
    y1: Array
    xtx: Array
    xty: Array
    yty: float
    n_obs: int


@dataclass(frozen=True)
class RemlFit:
    """The REML estimates and what predictions need."""

    beta: Array
    beta_covariance: Array
    random_covariance: Array
    residual_variance: float
    theta: Array
    deviance: float
    converged: bool
    iterations: int


@dataclass(frozen=True)
class _Evaluation:
    deviance: float
    gradient: Array | None
    beta: Array
    xvx_inv: Array
    r2: float


def block_statistics(group: IndexArray, x: Array, z: Array, y: Array) -> BlockStatistics:
    """Accumulate ZᵢᵀZᵢ, ZᵢᵀXᵢ and Zᵢᵀyᵢ for every patient with ``np.bincount``.

    ``group`` holds 0-based patient indices with every index in ``0..G-1`` present;
    ``z`` has exactly two columns.
    """
    g = int(group.max()) + 1

    def per_patient(weights: Array) -> Array:
        return np.bincount(group, weights=weights, minlength=g).astype(np.float64)

    z0, z1 = z[:, 0], z[:, 1]
    x0 = np.column_stack([per_patient(z0 * x[:, j]) for j in range(x.shape[1])])
    x1 = np.column_stack([per_patient(z1 * x[:, j]) for j in range(x.shape[1])])
    return BlockStatistics(
        s00=per_patient(z0 * z0),
        s01=per_patient(z0 * z1),
        s11=per_patient(z1 * z1),
        x0=x0,
        x1=x1,
        y0=per_patient(z0 * y),
        y1=per_patient(z1 * y),
        xtx=_cross(x, x),
        xty=_vecmat(x, y),
        yty=_dot(y, y),
        n_obs=len(y),
    )


# Sums over patients with np.einsum (its own loops): multi-threaded BLAS buys nothing for
# inner dimensions of 4 and stalls when the cores are busy.
def _cross(a: Array, b: Array) -> Array:
    return np.asarray(np.einsum("gp,gq->pq", a, b), dtype=np.float64)


def _vecmat(a: Array, v: Array) -> Array:
    return np.asarray(np.einsum("gp,g->p", a, v), dtype=np.float64)


def _matvec(a: Array, v: Array) -> Array:
    return np.asarray(np.einsum("gp,p->g", a, v), dtype=np.float64)


def _dot(a: Array, b: Array) -> float:
    return float(np.einsum("g,g->", a, b))


def _evaluate(theta: Array, s: BlockStatistics, *, gradient: bool) -> _Evaluation:
    """The profiled REML deviance at θ and, if asked, its gradient (module docstring)."""
    t0, t1, t2 = (float(v) for v in theta)
    a, b, d = s.s00, s.s01, s.s11
    # M = ΛᵀSΛ + I
    m00 = a * t0 * t0 + 2.0 * b * t0 * t1 + d * t1 * t1 + 1.0
    m01 = t2 * (b * t0 + d * t1)
    m11 = d * t2 * t2 + 1.0
    det = m00 * m11 - m01 * m01
    i00, i01, i11 = m11 / det, -m01 / det, m00 / det
    # G = Λ M⁻¹ Λᵀ
    g00 = t0 * t0 * i00
    g01 = t0 * (t1 * i00 + t2 * i01)
    g11 = t1 * t1 * i00 + 2.0 * t1 * t2 * i01 + t2 * t2 * i11
    gx0 = g00[:, None] * s.x0 + g01[:, None] * s.x1
    gx1 = g01[:, None] * s.x0 + g11[:, None] * s.x1
    gy0 = g00 * s.y0 + g01 * s.y1
    gy1 = g01 * s.y0 + g11 * s.y1

    xvx = s.xtx - _cross(s.x0, gx0) - _cross(s.x1, gx1)
    xvy = s.xty - _vecmat(s.x0, gy0) - _vecmat(s.x1, gy1)
    yvy = s.yty - _dot(s.y0, gy0) - _dot(s.y1, gy1)
    chol = np.linalg.cholesky(xvx)
    xvx_inv = np.asarray(np.linalg.inv(xvx), dtype=np.float64)
    beta = xvx_inv @ xvy
    r2 = yvy - float(beta @ xvy)
    dof = s.n_obs - len(beta)
    deviance = (
        float(np.sum(np.log(det)))
        + 2.0 * float(np.sum(np.log(np.diag(chol))))
        + dof * (1.0 + float(np.log(2.0 * np.pi * r2 / dof)))
    )
    if not gradient:
        return _Evaluation(deviance, None, beta, xvx_inv, r2)

    # SG, then ZᵀV⁻¹Z = S − SGS, W = ZᵀV⁻¹X, u = ZᵀV⁻¹(y − Xβ̂)
    sg00, sg01 = a * g00 + b * g01, a * g01 + b * g11
    sg10, sg11 = b * g00 + d * g01, b * g01 + d * g11
    t00 = float(np.sum(a - (sg00 * a + sg01 * b)))
    t01 = float(np.sum(b - (sg00 * b + sg01 * d)))
    t11 = float(np.sum(d - (sg10 * b + sg11 * d)))
    w0 = s.x0 - (sg00[:, None] * s.x0 + sg01[:, None] * s.x1)
    w1 = s.x1 - (sg10[:, None] * s.x0 + sg11[:, None] * s.x1)
    zr0 = s.y0 - _matvec(s.x0, beta)
    zr1 = s.y1 - _matvec(s.x1, beta)
    u0 = zr0 - (sg00 * zr0 + sg01 * zr1)
    u1 = zr1 - (sg10 * zr0 + sg11 * zr1)
    # Σᵢ WᵢA⁻¹Wᵢᵀ entry by entry: Σᵢ wₐA⁻¹w_bᵀ = sum(A⁻¹ ∘ Σᵢ wₐᵀw_b)
    h00 = float(np.sum(xvx_inv * _cross(w0, w0)))
    h01 = float(np.sum(xvx_inv * _cross(w0, w1)))
    h11 = float(np.sum(xvx_inv * _cross(w1, w1)))
    scale = dof / r2
    q00 = t00 - h00 - scale * _dot(u0, u0)
    q01 = t01 - h01 - scale * _dot(u0, u1)
    q11 = t11 - h11 - scale * _dot(u1, u1)
    grad = 2.0 * np.array([q00 * t0 + q01 * t1, q01 * t0 + q11 * t1, q11 * t2])
    return _Evaluation(deviance, grad, beta, xvx_inv, r2)


def reml_deviance(theta: Array, s: BlockStatistics) -> float:
    """The profiled REML deviance at θ (for tests and diagnostics)."""
    return _evaluate(np.asarray(theta, dtype=np.float64), s, gradient=False).deviance


def fit_reml(s: BlockStatistics, *, max_iterations: int = 500) -> RemlFit:
    """Minimise the profiled REML deviance over θ with L-BFGS-B and the analytic gradient.

    Starts at Λ = I (random-effect covariance equal to the residual variance), lme4's
    default. Stops when the projected gradient is below 1e-7 × (1 + n) or the relative
    reduction of the deviance falls to machine precision.
    """

    # start-up: scipy is loaded only when this runs (tests/cli/test_light_startup.py)
    from scipy import optimize  # imported here: only a fit needs it, not every CLI start

    def objective(th: Array) -> tuple[float, Array]:
        e = _evaluate(np.asarray(th, dtype=np.float64), s, gradient=True)
        grad = e.gradient if e.gradient is not None else np.zeros(3)
        return e.deviance, grad

    result = optimize.minimize(
        objective,
        np.array([1.0, 0.0, 1.0]),
        jac=True,
        method="L-BFGS-B",
        bounds=_BOUNDS,
        options={"ftol": 1e-15, "gtol": 1e-7 * (1.0 + s.n_obs), "maxiter": max_iterations},
    )
    theta = np.asarray(result.x, dtype=np.float64)
    e = _evaluate(theta, s, gradient=False)
    sigma2 = e.r2 / (s.n_obs - len(e.beta))
    lam = np.array([[theta[0], 0.0], [theta[1], theta[2]]])
    return RemlFit(
        beta=e.beta,
        beta_covariance=sigma2 * e.xvx_inv,
        random_covariance=sigma2 * (lam @ lam.T),
        residual_variance=float(sigma2),
        theta=theta,
        deviance=e.deviance,
        converged=bool(result.success),
        iterations=int(result.nit),
    )
