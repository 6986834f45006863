"""Audited use cases per second: the audit chain's cost, on SQLite and on PostgreSQL.

1. SQLite, ``synchronous=FULL`` (the default) vs ``NORMAL``: each use case is one
   transaction that appends a keyed (HMAC-SHA256) audit entry, so the figure is what a
   clinic feels: every commit is synced to disk under FULL, only at checkpoints under
   NORMAL. The baseline is the same workload on a NORMAL database in the same process.

2. PostgreSQL, the audit chains of issue 13 vs the single chain they replace: audited
   writes (``register_patient``) and audited reads (``get_patient``, which appends its
   entry in a short write of its own) per second with 1, 4 and 16 threads. The baseline
   ("one lock") is the append before migration 0016, kept here: every append takes
   ``pg_advisory_xact_lock(7106100)`` and reads the newest entry, and holds the lock until
   its transaction commits; it writes to a copy of the old table (same columns, same
   "only the next entry" trigger). The new append ("16 chains") is the real one. Both run
   in the same process on the same database, phase after phase, and the ratio new/old is
   printed per thread count (median of ``--rounds`` rounds, the schemes alternating), with
   the mean time an append waited for its lock (the advisory lock, or a chain's head row:
   the statement that takes it, one round trip included). Without ``--postgres URL`` (an
   EMPTY database; its tables are created by the migrations) a throw-away cluster is
   started as the tests do (initdb + pg_ctl), but with ``fsync`` on as in production (each
   commit waits for its WAL flush, which the old lock made every other append wait for);
   ``--no-postgres`` skips this part.

Data: synthetic clinicians and patients.
Run: python bench/audited_writes.py [--seconds 2] [--rounds 3] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

import attunement.services._audit as audit_module
from attunement.security import GENESIS_HASH, AuditKeyring, entry_mac
from attunement.services import (
    OperatorActor,
    PatientCreate,
    ServiceContext,
    UserActor,
    UserCreate,
    create_user,
    get_patient,
    register_patient,
    service_context,
    verify_audit_chain,
)
from attunement.services._audit_chains import ChainHead
from attunement.services._ids import audit_subject
from attunement.store import SqliteSynchronous, make_engine, migrate

OPERATOR = OperatorActor(name="bench")
KEYS = AuditKeyring(["bench-audit-key-SYNTHETIC-0123456789abcdef"])
N = 400
THREADS = (1, 4, 16)


def _context(engine: Engine) -> tuple[ServiceContext, UserActor, int]:
    ctx = service_context(engine, signing_key="bench-" + "x" * 32, audit_keys=KEYS)
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
    patient = register_patient(ctx, ana, PatientCreate(display_name="Synthetic Patient")).id
    return ctx, ana, patient


# --------------------------------------------------------------------------- 1. SQLite


def _run_sqlite(folder: Path, synchronous: SqliteSynchronous) -> tuple[float, float]:
    engine = make_engine(
        f"sqlite:///{folder / f'{synchronous}.sqlite3'}", sqlite_synchronous=synchronous
    )
    migrate(engine)
    ctx, ana, patient = _context(engine)
    started = time.perf_counter()
    for _ in range(N):
        get_patient(ctx, ana, patient)
    writes = N / (time.perf_counter() - started)
    started = time.perf_counter()
    result = verify_audit_chain(ctx, OPERATOR)
    verify = result.entries / (time.perf_counter() - started)
    assert result.intact
    engine.dispose()
    return writes, verify


def sqlite_part() -> None:
    with tempfile.TemporaryDirectory() as folder:
        normal_writes, normal_verify = _run_sqlite(Path(folder), "NORMAL")
        full_writes, full_verify = _run_sqlite(Path(folder), "FULL")
    print("audited use cases on SQLite (synthetic clinic), this machine:")
    print(f"{'synchronous':<12} {'use cases/s':>12} {'verify entries/s':>17}")
    print(f"{'NORMAL':<12} {normal_writes:>12.0f} {normal_verify:>17.0f}")
    print(f"{'FULL':<12} {full_writes:>12.0f} {full_verify:>17.0f}")
    print(f"ratio FULL/NORMAL (use cases/s): {full_writes / normal_writes:.2f}")


# --------------------------------------------------------------------------- 2. PostgreSQL

_OLD_TABLE = "bench_single_chain_audit_log"
_OLD_LOCK_KEY = 7_106_100  # the advisory lock of the single chain (before migration 0016)


def _create_old_table(engine: Engine) -> None:
    """The audit table as it was before 0016, with its "only the next entry" trigger."""
    with engine.begin() as connection:
        connection.execute(text(f"DROP TABLE IF EXISTS {_OLD_TABLE}"))
        connection.execute(
            text(
                f"CREATE TABLE {_OLD_TABLE} (seq INTEGER PRIMARY KEY, "
                "at TIMESTAMPTZ NOT NULL, actor VARCHAR(100) NOT NULL, role VARCHAR(20), "
                "action VARCHAR(60) NOT NULL, patient_id INTEGER, target VARCHAR(100), "
                "outcome VARCHAR(20) NOT NULL, detail JSON NOT NULL, "
                "prev_hash VARCHAR(64) NOT NULL, entry_hash VARCHAR(64) NOT NULL UNIQUE, "
                "key_id VARCHAR(40) NOT NULL)"
            )
        )
        connection.execute(text(f"CREATE INDEX ON {_OLD_TABLE} (action)"))
        connection.execute(text(f"CREATE INDEX ON {_OLD_TABLE} (patient_id)"))
        connection.execute(
            text(
                "CREATE OR REPLACE FUNCTION bench_old_next_only() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN IF NEW.seq IS DISTINCT FROM "
                f"COALESCE((SELECT max(seq) FROM {_OLD_TABLE}), 0) + 1 THEN "
                "RAISE EXCEPTION 'only the next entry'; END IF; RETURN NEW; END $$"
            )
        )
        connection.execute(
            text(
                f"CREATE TRIGGER bench_old_next_only BEFORE INSERT ON {_OLD_TABLE} "
                "FOR EACH ROW EXECUTE FUNCTION bench_old_next_only()"
            )
        )


def single_chain_append(
    session: Session,
    ctx: ServiceContext,
    *,
    actor: str,
    role: str | None,
    action: str,
    patient_id: int | None = None,
    target: str | None = None,
    outcome: str = "success",
    detail: Mapping[str, Any] | None = None,
) -> None:
    """The append before migration 0016: one advisory lock until commit, one chain."""
    patient_id, target = audit_subject(patient_id, target)
    waited = time.perf_counter()
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _OLD_LOCK_KEY})
    _WAITS.add(time.perf_counter() - waited)
    last = session.execute(
        text(f"SELECT seq, entry_hash FROM {_OLD_TABLE} ORDER BY seq DESC LIMIT 1")
    ).first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    fields: dict[str, Any] = {
        "seq": seq,
        "at": ctx.now(),
        "actor": actor,
        "role": role,
        "action": action,
        "patient_id": patient_id,
        "target": target,
        "outcome": outcome,
        "detail": dict(detail or {}),
        "prev_hash": prev_hash,
    }
    key = ctx.audit_keys.signing
    session.execute(
        text(
            f"INSERT INTO {_OLD_TABLE} (seq, at, actor, role, action, patient_id, target, "
            "outcome, detail, prev_hash, entry_hash, key_id) VALUES (:seq, :at, :actor, :role, "
            ":action, :patient_id, :target, :outcome, CAST(:detail AS JSON), :prev_hash, "
            ":entry_hash, :key_id)"
        ),
        {
            **fields,
            "detail": json.dumps(fields["detail"]),
            "entry_hash": entry_mac(key, **fields),
            "key_id": key.key_id,
        },
    )


class _Waits:
    """Time appends spent waiting for the audit lock (the old one, or a chain's head row)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self.total, self.count = 0.0, 0

    def add(self, seconds: float) -> None:
        with self._mutex:
            self.total, self.count = self.total + seconds, self.count + 1

    def take_mean_ms(self) -> float:
        with self._mutex:
            mean = 1000 * self.total / self.count if self.count else 0.0
            self.total, self.count = 0.0, 0
            return mean


_WAITS = _Waits()


def _timed_claim(session: Session) -> ChainHead:
    waited = time.perf_counter()
    head = _real_claim(session)
    _WAITS.add(time.perf_counter() - waited)
    return head


_real_claim = audit_module.claim_chain


@contextmanager
def _scheme(name: str) -> Iterator[None]:
    """Use the single-chain append for the block (``name == "one lock"``), and time the
    lock either way."""
    real = audit_module.append_audit
    if name == "one lock":
        audit_module.append_audit = single_chain_append  # type: ignore[assignment]
    audit_module.claim_chain = _timed_claim
    try:
        yield
    finally:
        audit_module.append_audit = real
        audit_module.claim_chain = _real_claim


def _rate(threads: int, seconds: float, work: Callable[[int], None]) -> float:
    """Use cases per second by ``threads`` threads, each running ``work`` until time."""
    counts = [0] * threads
    start = threading.Barrier(threads + 1)
    deadline = [0.0]

    def loop(index: int) -> None:
        start.wait()
        while time.perf_counter() < deadline[0]:
            work(index)
            counts[index] += 1

    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - began)


def _postgres_url(given: str | None) -> tuple[str, Callable[[], None]]:
    if given:
        return given, lambda: None
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.support.postgres import start_throwaway_cluster

    server, reason = start_throwaway_cluster(fsync=True)
    if server is None:
        raise SystemExit(f"no PostgreSQL server ({reason}); pass --postgres URL")
    server.create_database("bench_audit")
    return server.url_for("bench_audit"), server.shutdown


def postgres_part(url: str, seconds: float, rounds: int) -> None:
    engine = create_engine(
        url, pool_pre_ping=True, pool_size=20, max_overflow=4, hide_parameters=True
    )
    migrate(engine)
    _create_old_table(engine)
    with engine.connect() as connection:
        fsync = connection.execute(text("SHOW fsync")).scalar()
        commit = connection.execute(text("SHOW synchronous_commit")).scalar()
    ctx, ana, patient = _context(engine)

    def write(index: int) -> None:
        register_patient(ctx, ana, PatientCreate(display_name=f"Synthetic patient {index}"))

    def read(_: int) -> None:
        get_patient(ctx, ana, patient)

    work: dict[str, Callable[[int], None]] = {"writes": write, "reads": read}
    samples: dict[tuple[str, str, int], list[float]] = {}
    waits: dict[tuple[str, str, int], list[float]] = {}
    for _ in range(rounds):  # the schemes alternate, so a busy moment hits both
        for kind, run in work.items():
            for threads in THREADS:
                for scheme in ("one lock", "16 chains"):
                    with _scheme(scheme):
                        rate = _rate(threads, seconds, run)
                    samples.setdefault((kind, scheme, threads), []).append(rate)
                    waits.setdefault((kind, scheme, threads), []).append(_WAITS.take_mean_ms())
    rates = {phase: statistics.median(values) for phase, values in samples.items()}
    wait = {phase: statistics.median(values) for phase, values in waits.items()}
    started = time.perf_counter()
    result = verify_audit_chain(ctx, OPERATOR)
    verify = result.entries / (time.perf_counter() - started)
    assert result.intact, result.problem
    with engine.connect() as connection:
        old_entries = connection.execute(text(f"SELECT count(*) FROM {_OLD_TABLE}")).scalar()
    engine.dispose()
    print()
    print(
        f"audited use cases on PostgreSQL (synthetic clinic; median of {rounds} rounds of "
        f"{seconds:g} s a phase; "
        f"fsync={fsync}, synchronous_commit={commit}):"
    )
    print(
        f"{'use case':<8} {'threads':>7} {'one lock /s':>12} {'16 chains /s':>13} "
        f"{'ratio':>6} {'lock wait ms: one lock':>23} {'16 chains':>10}"
    )
    for kind in work:
        for threads in THREADS:
            old, new = rates[(kind, "one lock", threads)], rates[(kind, "16 chains", threads)]
            old_wait, new_wait = (
                wait[(kind, "one lock", threads)],
                wait[(kind, "16 chains", threads)],
            )
            print(
                f"{kind:<8} {threads:>7} {old:>12.0f} {new:>13.0f} {new / old:>6.2f} "
                f"{old_wait:>23.2f} {new_wait:>10.2f}"
            )
    chains = ", ".join(f"{c.chain}: {c.entries}" for c in result.chains)
    print(f"entries: {result.entries} in chains ({chains}); single chain: {old_entries}")
    print(f"verify (16 chains): {verify:.0f} entries/s, intact")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postgres", help="an EMPTY PostgreSQL database URL")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite part only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL part only")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of each phase")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (the median is shown)")
    args = parser.parse_args()
    if not args.no_sqlite:
        sqlite_part()
    if not args.no_postgres:
        url, stop = _postgres_url(args.postgres)
        try:
            postgres_part(url, args.seconds, args.rounds)
        finally:
            stop()


if __name__ == "__main__":
    main()
