"""Status reads per second alone, beside a writer, and beside a long read (issue 13).

A status read (``get_status``) reads in a read-only snapshot and then appends its audit
entry in a short write transaction. This script measures, on one file SQLite database
(WAL, ``synchronous=FULL``) or on the PostgreSQL database given with ``--database-url``:

* the baseline: a bare read of the same stored status row, no use case, no audit;
* audited status reads per second with nothing else running;
* the same beside a writer thread recording sessions (without numbers) in a loop;
* the same beside a long read: a thread holding a read use case open for the whole phase
  (what used to hold SQLite's only write lock, so other requests waited up to the 5 s
  busy timeout and then failed).

It prints reads per second, the ratio to the bare read, the writer's sessions per second
and the number of failed reads (StorageError). Everything is synthetic.
Run: python bench/read_write_mix.py [--seconds 3] [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, select

from attunement.errors import StorageError
from attunement.security import AuditKeyring
from attunement.services import (
    EpisodeCreate,
    OperatorActor,
    PatientCreate,
    ServiceContext,
    TherapySessionAdministration,
    TherapySessionCreate,
    UserActor,
    UserCreate,
    create_user,
    get_status,
    record_session,
    register_patient,
    service_context,
    start_episode,
    verify_audit_chain,
)
from attunement.services._audit import use_case
from attunement.store import EpisodeStatusRecord, make_engine, migrate

OPERATOR = OperatorActor(name="bench")
PHQ9 = TherapySessionAdministration(instrument="phq9", answers=[2, 2, 2, 2, 2, 2, 1, 1, 0])


def _clinic(url: str) -> tuple[Engine, ServiceContext, UserActor, int, int]:
    engine = make_engine(url)
    migrate(engine)
    ctx = service_context(
        engine,
        signing_key="bench-" + "x" * 32,
        audit_keys=AuditKeyring(["bench-audit-key-SYNTHETIC-0123456789abcdef"]),
    )
    made = create_user(
        ctx,
        OPERATOR,
        UserCreate(
            username="ana",
            display_name="Synthetic Ana",
            role="clinician",
            password="violet tractor mango cellar",
        ),
    )
    ana = UserActor(user_id=made.id, username="ana", role="clinician")
    episodes = []
    for name in ("Synthetic Read", "Synthetic Write"):
        patient = register_patient(ctx, ana, PatientCreate(display_name=name)).id
        episodes.append(start_episode(ctx, ana, patient, EpisodeCreate()).id)
    record_session(ctx, ana, episodes[0], TherapySessionCreate(administrations=[PHQ9]))
    return engine, ctx, ana, episodes[0], episodes[1]


def _rate(seconds: float, read: Callable[[], object]) -> tuple[float, int]:
    """Reads per second over ``seconds`` and how many failed with StorageError."""
    done = failed = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        try:
            read()
        except StorageError:
            failed += 1
        done += 1
    return (done - failed) / elapsed, failed


class _Beside:
    """Run ``work`` in a loop in a thread while the block runs; count its rounds."""

    def __init__(self, work: Callable[[threading.Event], object]) -> None:
        self.stop = threading.Event()
        self.rounds = 0
        self.failed = 0
        self.seconds = 0.0
        self._work = work
        self._thread = threading.Thread(target=self._loop)

    def _loop(self) -> None:
        started = time.perf_counter()
        while not self.stop.is_set():
            try:
                self._work(self.stop)
                self.rounds += 1
            except StorageError:
                self.failed += 1
        self.seconds = time.perf_counter() - started

    def __enter__(self) -> _Beside:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each phase")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        engine, ctx, ana, read_episode, write_episode = _clinic(url)

        def bare() -> object:
            with ctx.sessions() as session:
                return session.scalar(
                    select(EpisodeStatusRecord.status).where(
                        EpisodeStatusRecord.episode_id == read_episode
                    )
                )

        def status() -> object:
            return get_status(ctx, ana, read_episode)

        def write(_: threading.Event) -> object:
            return record_session(ctx, ana, write_episode, TherapySessionCreate())

        def long_read(stop: threading.Event) -> None:
            with use_case(ctx, ana, "caseload.read", read=True) as uc:
                uc.session.scalar(select(EpisodeStatusRecord.id).limit(1))
                stop.wait()  # the snapshot stays open for the whole phase

        base, _ = _rate(args.seconds, bare)
        alone, alone_failed = _rate(args.seconds, status)
        with _Beside(write) as writer:
            mixed, mixed_failed = _rate(args.seconds, status)
        with _Beside(long_read) as reader:
            held, held_failed = _rate(args.seconds, status)
        chain = verify_audit_chain(ctx, OPERATOR)
        assert chain.intact
        engine.dispose()
    backend = "PostgreSQL" if args.database_url else "SQLite (WAL, synchronous=FULL)"
    print(f"status reads on {backend}, synthetic clinic, this machine:")
    print(f"{'phase':<34} {'reads/s':>9} {'vs bare':>8} {'failed':>7}")
    print(f"{'bare read (no use case, no audit)':<34} {base:>9.0f} {1:>8.2f} {0:>7}")
    for label, rate, failed in (
        ("audited status read, alone", alone, alone_failed),
        ("... beside a writer", mixed, mixed_failed),
        ("... beside a long read use case", held, held_failed),
    ):
        print(f"{label:<34} {rate:>9.1f} {rate / base:>8.3f} {failed:>7}")
    print(
        f"writer: {writer.rounds / writer.seconds:.1f} sessions/s beside the reads "
        f"({writer.failed} failed); the long read stayed open {reader.seconds:.1f} s"
    )
    print(f"ratio beside a writer / alone: {mixed / alone:.2f}; audit chain intact")


if __name__ == "__main__":
    main()
