"""Benchmark: the expected-treatment-response growth model fit against statsmodels and lme4.

Everything here is SYNTHETIC: a seeded log-linear generator, not patient data.

The model (Finch, Lambert & Schaalje 2001): score ~ log(session) * intake with a random
intercept and slope on log(session) per patient, unstructured 2 x 2 covariance, REML.
Fitted on the same data in the same run with

* attunement.monitoring.fit_growth_model (ours),
* statsmodels MixedLM: ``score ~ log_s * intake``, ``re_formula="~log_s"``,
  ``groups=patient``, ``fit(reml=True)`` (default optimiser settings),
* R lme4 ``lmer(score ~ log_s * intake + (log_s | patient), REML = TRUE)`` via Rscript,
  when ``Rscript -e 'library(lme4)'`` works.

Prints the time of each, the speed ratios, and the largest relative difference of the
fixed effects and of the variance components (Psi00, Psi01, Psi11, sigma^2).

    python bench/etr_fit.py                       # 100,000 episodes (~1,000,000 rows)
    python bench/etr_fit.py --reference-episodes 20000   # references on a subset only
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from attunement.monitoring import FIXED_EFFECTS, EpisodeTable, fit_growth_model

SYNTHETIC = "SYNTHETIC (bench/etr_fit.py log-linear generator, seeded)"

# Generating values (arbitrary, PHQ-9-like magnitudes): not estimates of anything.
TRUE_BETA = (1.0, -1.0, 0.9, -0.15)
TRUE_PSI = ((4.0, -1.0), (-1.0, 1.5))
TRUE_SIGMA = 2.0


def generate(n_episodes: int, seed: int) -> dict[str, np.ndarray]:
    """SYNTHETIC episodes: 4-16 sessions each (mean 10), score log-linear in session."""
    rng = np.random.default_rng(seed)
    n_sessions = rng.integers(4, 17, n_episodes)
    intake = rng.normal(15.0, 5.0, n_episodes)
    b = rng.multivariate_normal([0.0, 0.0], TRUE_PSI, n_episodes)
    patient = np.repeat(np.arange(n_episodes), n_sessions)
    starts = np.repeat(np.cumsum(n_sessions) - n_sessions, n_sessions)
    session = (np.arange(len(patient)) - starts + 1).astype(float)
    log_s = np.log(session)
    i = intake[patient]
    b0, b1, b2, b3 = TRUE_BETA
    score = (
        b0
        + b1 * log_s
        + b2 * i
        + b3 * i * log_s
        + b[patient, 0]
        + b[patient, 1] * log_s
        + rng.normal(0.0, TRUE_SIGMA, len(patient))
    )
    return {"patient": patient, "session": session, "score": score, "intake": i}


def estimates_ours(d: dict[str, np.ndarray]) -> tuple[float, np.ndarray, np.ndarray]:
    t = time.perf_counter()
    model = fit_growth_model(
        EpisodeTable.from_arrays(d["patient"], d["session"], d["score"], d["intake"]),
        data_label=SYNTHETIC,
    )
    seconds = time.perf_counter() - t
    psi = np.array(model.random_effects_covariance)
    fe = np.array([model.coefficients[k] for k in FIXED_EFFECTS])
    vc = np.array([psi[0, 0], psi[0, 1], psi[1, 1], model.residual_variance])
    return seconds, fe, vc


def estimates_statsmodels(d: dict[str, np.ndarray]) -> tuple[float, np.ndarray, np.ndarray]:
    import pandas as pd
    import statsmodels.formula.api as smf

    frame = pd.DataFrame(
        {
            "score": d["score"],
            "log_s": np.log(d["session"]),
            "intake": d["intake"],
            "patient": d["patient"],
        }
    )
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = smf.mixedlm(
            "score ~ log_s * intake", frame, groups=frame["patient"], re_formula="~log_s"
        ).fit(reml=True)
    seconds = time.perf_counter() - t
    fe = result.fe_params[["Intercept", "log_s", "intake", "log_s:intake"]].to_numpy()
    psi = result.cov_re.to_numpy()
    vc = np.array([psi[0, 0], psi[0, 1], psi[1, 1], result.scale])
    return seconds, fe, vc


_R_SCRIPT = r"""
suppressMessages(library(lme4))
d <- read.csv(commandArgs(TRUE)[1])
t <- system.time(f <- lmer(score ~ log_s * intake + (log_s | patient), data = d, REML = TRUE))
v <- as.matrix(VarCorr(f)$patient)
cat(sprintf("%.17g", c(t[["elapsed"]], fixef(f), v[1, 1], v[1, 2], v[2, 2], sigma(f)^2)),
    sep = "\n")
cat(as.character(packageVersion("lme4")), "\n")
"""


def lme4_available() -> bool:
    try:
        done = subprocess.run(
            ["Rscript", "-e", "suppressMessages(library(lme4))"],
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def estimates_lme4(d: dict[str, np.ndarray]) -> tuple[float, np.ndarray, np.ndarray, str]:
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "episodes.csv"
        data = np.column_stack([d["patient"], np.log(d["session"]), d["intake"], d["score"]])
        np.savetxt(csv, data, delimiter=",", header="patient,log_s,intake,score", comments="")
        script = Path(tmp) / "fit.R"
        script.write_text(_R_SCRIPT)
        out = subprocess.run(
            ["Rscript", str(script), str(csv)], capture_output=True, text=True, check=True
        ).stdout.split()
    values = np.array([float(v) for v in out[:9]])
    return float(values[0]), values[1:5], values[5:9], out[9]


def max_rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.abs(b)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-episodes", type=int, default=100_000)
    parser.add_argument(
        "--reference-episodes",
        type=int,
        default=None,
        help="fit the references (and ours again) on the first N episodes only "
        "(default: the same data as ours)",
    )
    parser.add_argument("--seed", type=int, default=20010)
    parser.add_argument("--no-statsmodels", action="store_true")
    parser.add_argument("--no-lme4", action="store_true")
    args = parser.parse_args()

    print(f"data: {SYNTHETIC}")
    full = generate(args.n_episodes, args.seed)
    ours_t, ours_fe, ours_vc = estimates_ours(full)
    print(f"ours      : {args.n_episodes:>7} episodes {len(full['score']):>9} rows {ours_t:8.2f} s")
    print(f"  fixed {np.round(ours_fe, 5)}  variance components {np.round(ours_vc, 5)}")
    print(f"  truth {np.array(TRUE_BETA)}  {[4.0, -1.0, 1.5, TRUE_SIGMA**2]}")

    ref = full
    if args.reference_episodes and args.reference_episodes < args.n_episodes:
        ref = generate(args.reference_episodes, args.seed)
        ours_t, ours_fe, ours_vc = estimates_ours(ref)
        n_ref = args.reference_episodes
        print(f"ours      : {n_ref:>7} episodes {len(ref['score']):>9} rows {ours_t:8.2f} s")
    n_ref_ep = int(ref["patient"].max()) + 1

    rows = []
    if not args.no_statsmodels:
        sm_t, sm_fe, sm_vc = estimates_statsmodels(ref)
        rows.append(("statsmodels MixedLM", sm_t, sm_fe, sm_vc))
    if not args.no_lme4:
        if lme4_available():
            r_t, r_fe, r_vc, version = estimates_lme4(ref)
            rows.append((f"R lme4 {version} (lmer only)", r_t, r_fe, r_vc))
        else:
            print("lme4: Rscript with lme4 not available (e.g. apt-get install r-cran-lme4)")
    for name, t, fe, vc in rows:
        print(
            f"{name:<28}: {n_ref_ep:>7} episodes {len(ref['score']):>9} rows {t:8.2f} s  "
            f"ours {ours_t / t * 100:.2f}% of its time ({t / ours_t:,.0f}x faster); "
            f"max rel diff fixed {max_rel(ours_fe, fe):.2e}, variance {max_rel(ours_vc, vc):.2e}"
        )
    print(
        json.dumps(
            {
                "n_episodes": n_ref_ep,
                "n_rows": len(ref["score"]),
                "ours_seconds": round(ours_t, 3),
                "references": {
                    name: {
                        "seconds": round(t, 3),
                        "speedup": round(t / ours_t, 1),
                        "max_rel_fixed": max_rel(ours_fe, fe),
                        "max_rel_variance": max_rel(ours_vc, vc),
                    }
                    for name, t, fe, vc in rows
                },
            }
        )
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
