"""Benchmark: the personalised course and the learning report on a 10,000-episode clinic.

Everything here is SYNTHETIC: the hidden-truth clinic of ``attunement.simulate.hidden_truth``.

* One personalised course (nearest ended episodes, 12 sessions, dropout probability) on a
  clinic of ``--episodes`` ended episodes: median and 95th percentile over ``--queries``
  new patients. Goal (issue 15): under 50 ms. Baseline in the same run: the generic
  expected course of the same patients (``monitoring.expected_treatment_response`` for the
  same sessions, rational method), with the ratio.
* The learning report (therapist feedback: MixedLM + four multilevel logistic models;
  responsiveness: two MixedLM per dimension) on the same clinic. Goal: under 30 s.
  Baseline: ordinary least squares of the change on intake (numpy ``lstsq``), with the ratio.
  Reading the episodes from the database is not included.

    python bench/learning.py                 # 10,000 episodes
    python bench/learning.py --episodes 2000
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from attunement.instruments import load_instrument
from attunement.learning import CourseIndex, responsiveness_report, therapist_feedback
from attunement.monitoring import expected_treatment_response, rational_parameters
from attunement.simulate.hidden_truth import simulate_hidden_truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    norms = load_instrument("phq9").scales[0].norms
    parameters = rational_parameters("phq9", "total")

    t0 = time.perf_counter()
    clinic = simulate_hidden_truth(seed=1, n_episodes=args.episodes + args.queries, n_therapists=40)
    ended, new = clinic.episodes[: args.episodes], clinic.episodes[args.episodes :]
    print(f"{clinic.label}: {len(ended)} ended episodes ({time.perf_counter() - t0:.1f} s)")

    t0 = time.perf_counter()
    index = CourseIndex(ended, norms=norms, score_range=(0, 27), parameters=parameters)
    print(f"index built in {time.perf_counter() - t0:.2f} s (once per clinic, not per query)")

    personal, generic, methods = [], [], []
    for e in new:
        t0 = time.perf_counter()
        course = index.course(e.intake, dimensions=e.dimensions, language=e.language, horizon=12)
        personal.append(time.perf_counter() - t0)
        methods.append(course.method)
        t0 = time.perf_counter()
        for s in range(1, 13):
            expected_treatment_response(
                e.intake, s, norms, score_range=(0, 27), parameters=parameters
            )
        generic.append(time.perf_counter() - t0)
    p_med, g_med = statistics.median(personal) * 1000, statistics.median(generic) * 1000
    p95 = float(np.quantile(personal, 0.95)) * 1000
    share = methods.count("neighbours") / len(methods)
    print(
        f"personalised course: median {p_med:.1f} ms, p95 {p95:.1f} ms (goal < 50 ms); "
        f"{share:.0%} from similar episodes"
    )
    print(f"baseline generic rational course: median {g_med:.1f} ms; ratio {p_med / g_med:.1f}x")

    t0 = time.perf_counter()
    therapist_feedback(ended, norms)
    t_feedback = time.perf_counter() - t0
    t0 = time.perf_counter()
    responsiveness_report(ended)
    t_resp = time.perf_counter() - t0
    total = t_feedback + t_resp
    intake = np.array([e.intake for e in ended])
    change = np.array([e.final - e.intake for e in ended])
    t0 = time.perf_counter()
    np.linalg.lstsq(np.column_stack([np.ones_like(intake), intake]), change, rcond=None)
    t_ols = time.perf_counter() - t0
    print(
        f"learning report: {total:.1f} s (therapist feedback {t_feedback:.1f} s, "
        f"responsiveness {t_resp:.1f} s; goal < 30 s); baseline OLS {t_ols * 1000:.2f} ms, "
        f"ratio {total / t_ols:.0f}x"
    )


if __name__ == "__main__":
    main()
