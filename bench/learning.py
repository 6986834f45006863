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
* The same, end to end (the goal as a clinic meets it): the same ended episodes stored in
  a throw-away SQLite database (``bench/_learning_clinic.py``: bulk inserts, one clinician
  account per therapist, profiles, plan-adherence records, every status stored by the
  app's refresh), then the use case the clinic report's learning section runs
  (``services.learning.learning_report``: the audited read of the ended episodes and the
  maths), timed whole and the read alone (``read_clinic_episodes``). Baseline in the same
  process: the bare read of the rows it rests on — one ``SELECT`` of every stored PHQ-9
  score of the ended episodes with its episode, fetched. ``--postgres`` repeats it on a
  throw-away PostgreSQL cluster (``tests/support/postgres.py``), ``--postgres-url URL`` on a
  server whose user may create databases.

    python bench/learning.py                 # 10,000 episodes
    python bench/learning.py --episodes 2000
    python bench/learning.py --postgres      # SQLite and PostgreSQL
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from _learning_clinic import NOW, OPERATOR, SIGNING_KEY, store_clinic
from attunement.instruments import load_instrument
from attunement.learning import (
    CourseIndex,
    LearningEpisode,
    responsiveness_report,
    therapist_feedback,
)
from attunement.monitoring import expected_treatment_response, rational_parameters
from attunement.services import service_context
from attunement.services._clinic_episodes import read_clinic_episodes
from attunement.services.learning import learning_report
from attunement.simulate.hidden_truth import simulate_hidden_truth
from attunement.store import Administration, Episode, ScoreRecord, make_engine, migrate

GOAL_SECONDS = 30.0


def bare_read(session: Session) -> int:
    """The baseline: every stored PHQ-9 score of the ended episodes, fetched in one query."""
    rows = session.execute(
        select(Administration.episode_id, Administration.administered_at, ScoreRecord.scales)
        .join(Episode, Administration.episode_id == Episode.id)
        .join(ScoreRecord, ScoreRecord.administration_id == Administration.id)
        .where(Episode.ended_on.is_not(None), Administration.instrument_id == "phq9")
        .order_by(Administration.episode_id, Administration.administered_at)
    ).all()
    return len(rows)


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="attunement-bench-learning-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"


@contextmanager
def postgres_url(server_url: str | None) -> Iterator[str]:
    """A fresh database on a throw-away cluster (or on ``server_url``), dropped after."""
    from tests.support.postgres import PostgresServer, start_throwaway_cluster

    if server_url:
        server = PostgresServer(server_url, None)
    else:
        started, reason = start_throwaway_cluster()
        if started is None:
            raise SystemExit(f"no PostgreSQL: {reason}; give --postgres-url URL")
        server = started
    name = "attune_bench_learning"
    server.drop_database(name)
    server.create_database(name)
    try:
        yield server.url_for(name)
    finally:
        server.drop_database(name)
        server.shutdown()


def _timed(work: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def end_to_end(backend: str, url: str, episodes: Sequence[LearningEpisode]) -> None:
    """Store the clinic at ``url``, then time the learning report's use case whole, its read
    alone and the bare read of the rows, in this order, once each (caches cold for the
    first: the instrument definitions are loaded before)."""
    engine = make_engine(url)
    migrate(engine)
    t_seed, stored = _timed(lambda: store_clinic(engine, episodes))
    print(f"[{backend}] stored {len(episodes)} ended episodes, {stored} scores ({t_seed:.1f} s)")
    ctx = service_context(engine, signing_key=SIGNING_KEY, clock=lambda: NOW)
    t_whole, report = _timed(lambda: learning_report(ctx, OPERATOR))
    with ctx.sessions() as session:
        t_read, clinic = _timed(lambda: read_clinic_episodes(session, "phq9"))
    with ctx.sessions() as session:
        t_bare, rows = _timed(lambda: bare_read(session))
    engine.dispose()
    read = len(getattr(clinic, "episodes", ()))
    assert getattr(report, "episodes", None) == read == len(episodes), "episodes lost in the read"
    met = "met" if t_whole < GOAL_SECONDS else "NOT MET"
    print(
        f"[{backend}] learning report end to end (audited read + maths): {t_whole:.1f} s "
        f"(goal < {GOAL_SECONDS:.0f} s: {met}); its read of {read} episodes alone {t_read:.2f} s"
    )
    print(
        f"[{backend}] baseline bare read of the {rows} score rows: {t_bare:.2f} s; ratio read / "
        f"bare {t_read / t_bare:.1f}x, whole / bare {t_whole / t_bare:.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="also on a throw-away cluster")
    parser.add_argument("--postgres-url", help="a PostgreSQL server to use instead")
    parser.add_argument("--maths-only", action="store_true", help="no database part")
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
    if args.maths_only:
        return
    with sqlite_url() as url:
        end_to_end("SQLite", url, ended)
    if args.postgres or args.postgres_url:
        with postgres_url(args.postgres_url) as url:
            end_to_end("PostgreSQL", url, ended)


if __name__ == "__main__":
    main()
