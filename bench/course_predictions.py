"""Benchmark: the course prediction stored on the intake write, on a 10,000-episode clinic.

Everything here is SYNTHETIC: the ended episodes are the hidden-truth clinic of
``attunement.simulate.hidden_truth`` (their outcome scores and end reasons), stored in a
throw-away SQLite database (bulk inserts, labelled synthetic); the new patients are
"SYNTHETIC newcomer" records entered through the services.

* The first intake write after a restart (no cached index): the write stores the course
  as pending and commits; right after, the same request builds the index in a read
  transaction and stores the course in a short write of its own
  (``services._course_pending``). Printed: the request's latency, and the longest time a
  write transaction held SQLite's write lock during it (measured from ``BEGIN IMMEDIATE``
  to its commit): before issue 15's fix the build ran inside the write, so the two were the
  same (3.6 s on 10,000 episodes); now the lock is held for milliseconds.
* One stored prediction with the index cached (the signature queries, the status read, the
  nearest-neighbour course, the insert): median and 95th percentile over ``--queries`` new
  episodes. Goal (issue 15): under 50 ms.
* The first intake after an episode ended: the newly ended episode is read and the index
  refitted (not rebuilt from the database), after the write's commit; and the same after
  a correction of an ended episode's score (the learning revision).
* The whole intake write (``record_administration``: scoring, status refresh, prediction,
  audit) against a baseline in the same run: the same write for the second session of the
  same episodes, which refreshes the status and stores no prediction; the ratio.

    python bench/course_predictions.py                 # 10,000 ended episodes
    python bench/course_predictions.py --episodes 2000
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, cast

import numpy as np
from sqlalchemy import Engine, Table, delete, event, insert, select

from _learning_clinic import NOW, START, score_rows
from attunement.instruments import load_instrument
from attunement.services import (
    AdministrationCorrection,
    AdministrationCreate,
    EpisodeClose,
    EpisodeCreate,
    OperatorActor,
    PatientCreate,
    ServiceContext,
    UserActor,
    UserCreate,
    close_episode,
    correct_administration,
    create_user,
    record_administration,
    register_patient,
    service_context,
    start_episode,
)
from attunement.services._course_index import clear_course_indexes, index_builds
from attunement.services._course_predictions import record_course_predictions
from attunement.simulate.hidden_truth import simulate_hidden_truth
from attunement.store import (
    Administration,
    CoursePredictionRecord,
    Episode,
    Patient,
    ScoreRecord,
    make_engine,
    migrate,
)


def _table(model: Any) -> Table:
    return cast("Table", model.__table__)


def _seed_ended(ctx: ServiceContext, clinician: int, episodes: int) -> str:
    """Store ``episodes`` ended SYNTHETIC episodes with their PHQ-9 totals (bulk inserts)."""
    clinic = simulate_hidden_truth(seed=1, n_episodes=episodes, n_therapists=40)
    version = load_instrument("phq9").version
    with ctx.sessions() as session:
        session.execute(
            insert(_table(Patient)),
            [
                {
                    "id": k + 1,
                    "display_name": f"SYNTHETIC former patient {k + 1}",
                    "search_name": f"synthetic former patient {k + 1}",
                    "preferred_language": e.language or "en",
                    "clinician_id": clinician,
                    "profile": {},
                    "synthetic": True,
                    "created_at": NOW,
                }
                for k, e in enumerate(clinic.episodes)
            ],
        )
        session.execute(
            insert(_table(Episode)),
            [
                {
                    "id": k + 1,
                    "patient_id": k + 1,
                    "clinician_id": clinician,
                    "started_on": START,
                    "ended_on": START + dt.timedelta(weeks=len(e.scores) + 1),
                    "outcome_instrument": "phq9",
                    "end_reason": "dropout" if e.dropped_out else "planned_end",
                }
                for k, e in enumerate(clinic.episodes)
            ],
        )
        administrations, scores = score_rows(
            [e.scores for e in clinic.episodes], version, rounded=True
        )
        session.execute(insert(_table(Administration)), administrations)
        session.execute(insert(_table(ScoreRecord)), scores)
        session.commit()
    return f"{clinic.label}: {len(clinic.episodes)} ended episodes, {len(scores)} scores"


class LockHolds:
    """How long each write transaction held SQLite's write lock (BEGIN IMMEDIATE → end)."""

    def __init__(self, engine: Engine) -> None:
        self.holds: list[float] = []
        event.listen(engine, "before_cursor_execute", self._begin)
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)

    def _begin(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.strip().upper() == "BEGIN IMMEDIATE":
            conn.info["write_began"] = time.perf_counter()

    def _end(self, conn: Any) -> None:
        began = conn.info.pop("write_began", None)
        if began is not None:
            self.holds.append(time.perf_counter() - began)

    def longest_since(self, mark: int) -> float:
        return max(self.holds[mark:], default=0.0)


def _intake(total: int) -> list[int | float | None]:
    return [total // 8 + (1 if i < total % 8 else 0) for i in range(8)] + [0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="attunement-bench-course-"))
    engine = make_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
    migrate(engine)
    ctx = service_context(
        engine, signing_key="bench-signing-key-0123456789abcdef", clock=lambda: NOW
    )
    user = create_user(
        ctx,
        OperatorActor(name="bench"),
        UserCreate(
            username="dr_bench",
            display_name="SYNTHETIC clinician",
            role="clinician",
            password="a long synthetic bench password",  # type: ignore[arg-type]
        ),
    )
    actor = UserActor(user_id=user.id, username="dr_bench", role="clinician")
    t0 = time.perf_counter()
    label = _seed_ended(ctx, user.id, args.episodes)
    print(f"{label} (stored in {time.perf_counter() - t0:.1f} s)")

    rng = np.random.default_rng(7)
    episodes = []
    for k in range(args.queries):
        patient = register_patient(
            ctx, actor, PatientCreate(display_name=f"SYNTHETIC newcomer {k}")
        )
        episodes.append(start_episode(ctx, actor, patient.id, EpisodeCreate(started_on=START)).id)

    holds = LockHolds(engine)
    clear_course_indexes()  # a restart: no index cached
    builds, mark = index_builds(), len(holds.holds)
    intake_writes, later_writes = [], []
    for number, timings in ((1, intake_writes), (2, later_writes)):
        for episode in episodes:
            total = int(rng.integers(5, 25))
            data = AdministrationCreate(
                instrument="phq9", answers=_intake(total), session_number=number
            )
            t0 = time.perf_counter()
            record_administration(ctx, actor, episode, data)
            timings.append(time.perf_counter() - t0)
    cold = intake_writes.pop(0)  # the first intake write after the restart
    # the intake's own write transaction, then the short one that stored its course
    write_hold, store_hold = holds.holds[mark], holds.holds[mark + 1]
    print(
        f"first intake write after a restart: {cold:.2f} s in the request "
        f"({index_builds() - builds} index build, outside the write lock); write lock held "
        f"{write_hold * 1000:.1f} ms by the intake's write, {store_hold * 1000:.1f} ms by the "
        f"write that stored its course"
    )

    steps, methods = [], []
    with ctx.sessions() as session:
        for episode in episodes:  # the prediction step alone, index cached; rolled back
            session.execute(
                delete(CoursePredictionRecord).where(CoursePredictionRecord.episode_id == episode)
            )
            t0 = time.perf_counter()
            record_course_predictions(session, episode_ids={episode}, now=NOW)
            steps.append(time.perf_counter() - t0)
            methods.append(
                session.scalar(
                    select(CoursePredictionRecord.method).where(
                        CoursePredictionRecord.episode_id == episode
                    )
                )
            )
        session.rollback()
    median, p95 = statistics.median(steps) * 1000, float(np.quantile(steps, 0.95)) * 1000
    share = methods.count("neighbours") / len(methods)
    print(
        f"one stored prediction (index cached): median {median:.1f} ms, p95 {p95:.1f} ms "
        f"(goal < 50 ms); {share:.0%} from similar episodes"
    )
    w_intake = statistics.median(intake_writes) * 1000
    w_later = statistics.median(later_writes) * 1000
    print(
        f"intake write with its prediction: median {w_intake:.1f} ms; baseline, a later "
        f"session's write (no prediction): {w_later:.1f} ms; ratio {w_intake / w_later:.2f}x"
    )
    close_episode(
        ctx, actor, episodes[0], EpisodeClose(end_reason="planned_end", ended_on=NOW.date())
    )
    patient = register_patient(ctx, actor, PatientCreate(display_name="SYNTHETIC newcomer, late"))
    late = start_episode(ctx, actor, patient.id, EpisodeCreate(started_on=START)).id
    mark = len(holds.holds)
    t0 = time.perf_counter()
    record_administration(
        ctx, actor, late, AdministrationCreate(instrument="phq9", answers=_intake(15))
    )
    refit = time.perf_counter() - t0
    print(
        f"first intake write after an episode ended (reads it, refits the index): {refit:.2f} s"
        f"; longest write-lock hold {holds.longest_since(mark) * 1000:.1f} ms"
    )
    with ctx.sessions() as session:  # an ended episode's score corrected (a revision)
        first = session.scalars(
            select(Administration.id).where(Administration.episode_id == 1).limit(1)
        ).one()
    correct_administration(
        ctx, actor, first, AdministrationCorrection(answers=_intake(20), reason="bench")
    )
    patient = register_patient(ctx, actor, PatientCreate(display_name="SYNTHETIC newcomer, 2"))
    after = start_episode(ctx, actor, patient.id, EpisodeCreate(started_on=START)).id
    mark, t0 = len(holds.holds), time.perf_counter()
    record_administration(
        ctx, actor, after, AdministrationCreate(instrument="phq9", answers=_intake(15))
    )
    corrected = time.perf_counter() - t0
    print(
        f"first intake write after a correction of an ended episode (re-reads it, refits): "
        f"{corrected:.2f} s; longest write-lock hold {holds.longest_since(mark) * 1000:.1f} ms"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
