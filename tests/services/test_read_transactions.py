"""Reads never block on writes (issue 13): read snapshots, audited reads, safe numbering.

Every test runs on a file SQLite database (WAL) and on PostgreSQL. Threads meet at a
barrier and wait on events with a generous limit: the assertions are about completion
(the other side finished while this one was still open), never about timings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from attunement.errors import AttunementError, StorageError
from attunement.services import (
    ServiceContext,
    TherapySessionAdministration,
    TherapySessionCreate,
    get_patient,
    get_status,
    list_audit,
    list_sessions,
    record_session,
    verify_audit_chain,
)
from attunement.services._audit import use_case
from attunement.services._transaction import read_transaction, transaction
from attunement.store import Patient, TherapySession, make_engine
from tests.services.world import OPERATOR, START, World

WAIT = 60.0  # seconds a thread waits for the other side before the test fails


def _patients(ctx: ServiceContext) -> int:
    with read_transaction(ctx.sessions) as session:
        return int(session.scalar(select(func.count(Patient.id))) or 0)


def _patient(name: str, world: World) -> Patient:
    return Patient(
        display_name=name, clinician_id=world.ana.user_id, synthetic=True, created_at=START
    )


def _phq9() -> TherapySessionAdministration:
    return TherapySessionAdministration(instrument="phq9", answers=[2, 2, 2, 2, 2, 2, 1, 1, 0])


def _run_both(first: Callable[[], object], second: Callable[[], object]) -> None:
    """Run the two sides in threads; re-raise the first failure of either."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(first), pool.submit(second)]
        for future in futures:
            future.result(timeout=WAIT * 2)


def test_a_long_read_transaction_does_not_hold_up_a_write(
    ctx: ServiceContext, world: World
) -> None:
    reading = threading.Barrier(2, timeout=WAIT)
    written = threading.Event()
    seen: list[int] = []

    def reader() -> None:
        with read_transaction(ctx.sessions) as session:
            seen.append(int(session.scalar(select(func.count(Patient.id))) or 0))
            reading.wait()  # the snapshot is open
            assert written.wait(WAIT), "the write did not finish while the read was open"
            seen.append(int(session.scalar(select(func.count(Patient.id))) or 0))

    def writer() -> None:
        reading.wait()
        with transaction(ctx.sessions) as session:
            session.add(_patient("Synthetic Late", world))
        written.set()

    before = _patients(ctx)
    _run_both(reader, writer)
    assert seen == [before, before]  # one snapshot for the whole read
    assert _patients(ctx) == before + 1


def test_an_open_write_transaction_does_not_hold_up_a_read(
    ctx: ServiceContext, world: World
) -> None:
    writing = threading.Barrier(2, timeout=WAIT)
    read_done = threading.Event()
    seen: list[int] = []
    before = _patients(ctx)

    def writer() -> None:
        with transaction(ctx.sessions) as session:
            session.add(_patient("Synthetic Pending", world))
            session.flush()  # written, not committed: the write lock is held
            writing.wait()
            assert read_done.wait(WAIT), "the read did not finish while the write was open"

    def reader() -> None:
        writing.wait()
        seen.append(_patients(ctx))
        read_done.set()

    _run_both(writer, reader)
    assert seen == [before]  # the uncommitted row is not seen
    assert _patients(ctx) == before + 1


def test_a_read_use_case_in_progress_does_not_hold_up_a_write_use_case(
    ctx: ServiceContext, world: World
) -> None:
    reading = threading.Barrier(2, timeout=WAIT)
    recorded = threading.Event()

    def reader() -> None:
        with use_case(ctx, world.ana, "patient.read", patient_id=world.patient_a, read=True):
            reading.wait()
            assert recorded.wait(WAIT), "the session was not recorded while the read ran"

    def writer() -> None:
        reading.wait()
        record_session(ctx, world.ana, world.episode_a, TherapySessionCreate())
        recorded.set()

    _run_both(reader, writer)
    assert [s.number for s in list_sessions(ctx, world.ana, world.episode_a)] == [1]
    actions = [e.action for e in list_audit(ctx, OPERATOR, after=0, limit=1000)]
    assert actions[-3:] == ["session.record", "patient.read", "session.list"]


def test_a_read_use_case_writes_its_audit_entry_and_the_chain_verifies(
    ctx: ServiceContext, world: World
) -> None:
    before = verify_audit_chain(ctx, OPERATOR).entries
    assert get_patient(ctx, world.ana, world.patient_a).id == world.patient_a
    entries = list_audit(ctx, OPERATOR, after=0, limit=1000)
    read = [e for e in entries if e.action == "patient.read"][-1]
    assert (read.actor, read.patient_id, read.outcome) == (
        world.ana.audit_name,
        world.patient_a,
        "success",
    )
    after = verify_audit_chain(ctx, OPERATOR)
    assert after.intact
    assert after.entries == before + 2  # the read, then the audit listing (also a read)


def test_concurrent_reads_and_writes_keep_one_unbroken_chain(
    ctx: ServiceContext, world: World
) -> None:
    before = verify_audit_chain(ctx, OPERATOR).entries

    def work(index: int) -> object:
        if index % 4 == 0:
            return record_session(ctx, world.ana, world.episode_a, TherapySessionCreate())
        return get_patient(ctx, world.ana, world.patient_a)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(work, range(24)))
    after = verify_audit_chain(ctx, OPERATOR)
    assert after.intact
    assert after.entries == before + 24


def _refuse_audit_of(engine: Engine, action: str) -> None:
    """A trigger that refuses every audit entry of ``action`` (the store failing)."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_test_audit BEFORE INSERT ON audit_log "
                    f"WHEN NEW.action = '{action}' "
                    "BEGIN SELECT RAISE(ABORT, 'audit store refused'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_test_audit() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'audit store refused' USING ERRCODE = 'check_violation';"
                    " END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_test_audit BEFORE INSERT ON audit_log FOR EACH ROW "
                    f"WHEN (NEW.action = '{action}') EXECUTE FUNCTION refuse_test_audit()"
                )
            )


def test_a_read_whose_audit_entry_cannot_be_written_returns_nothing(
    ctx: ServiceContext, world: World, engine: Engine
) -> None:
    assert get_patient(ctx, world.ana, world.patient_a).id == world.patient_a
    _refuse_audit_of(engine, "patient.read")
    with pytest.raises(AttunementError):
        get_patient(ctx, world.ana, world.patient_a)
    assert verify_audit_chain(ctx, OPERATOR).intact


def test_a_read_use_case_cannot_write_and_leaves_its_connection_writable(
    ctx: ServiceContext, world: World
) -> None:
    before = _patients(ctx)

    def sneak_a_write() -> None:
        with use_case(ctx, world.ana, "patient.read", patient_id=world.patient_a, read=True) as uc:
            uc.session.add(_patient("Synthetic Sneaky", world))
            uc.session.flush()

    with pytest.raises((StorageError, DBAPIError)):
        sneak_a_write()
    assert _patients(ctx) == before
    for name in ("Synthetic One", "Synthetic Two", "Synthetic Three"):  # pooled connections
        with transaction(ctx.sessions) as session:
            session.add(_patient(name, world))
    assert _patients(ctx) == before + 3


def test_sessions_posted_at_once_to_one_episode_get_distinct_consecutive_numbers(
    ctx: ServiceContext, world: World
) -> None:
    threads = 8
    record_session(ctx, world.ana, world.episode_a, TherapySessionCreate())  # number 1
    start = threading.Barrier(threads, timeout=WAIT)

    def post(_: int) -> int:
        start.wait()
        return record_session(ctx, world.ana, world.episode_a, TherapySessionCreate()).number

    with ThreadPoolExecutor(max_workers=threads) as pool:
        numbers = list(pool.map(post, range(threads)))
    assert sorted(numbers) == list(range(2, threads + 2))
    with read_transaction(ctx.sessions) as session:
        stored = session.scalars(
            select(TherapySession.number).where(TherapySession.episode_id == world.episode_a)
        ).all()
    assert sorted(stored) == list(range(1, threads + 2))


def test_status_reads_beside_a_writer_that_never_pauses_all_succeed(
    ctx: ServiceContext, world: World
) -> None:
    record_session(ctx, world.ana, world.episode_a, TherapySessionCreate(administrations=[_phq9()]))
    stop = threading.Event()
    started = threading.Event()

    def writer() -> int:
        recorded = 0
        while not stop.is_set():
            record_session(ctx, world.ben, world.episode_b, TherapySessionCreate())
            recorded += 1
            started.set()
        return recorded

    with ThreadPoolExecutor(max_workers=1) as pool:
        writing = pool.submit(writer)
        try:
            assert started.wait(WAIT)
            statuses = [get_status(ctx, world.ana, world.episode_a) for _ in range(40)]
        finally:
            stop.set()
        assert writing.result(timeout=WAIT) >= 1
    assert len(statuses) == 40
    assert verify_audit_chain(ctx, OPERATOR).intact


def test_a_file_sqlite_database_runs_in_wal_mode(tmp_path: Path) -> None:
    created = make_engine(f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    try:
        with created.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    finally:
        created.dispose()
    assert mode == "wal"  # readers take snapshots and never wait for the writer


@contextmanager
def _audit_store_held(engine: Engine, ctx: ServiceContext) -> Iterator[None]:
    """Hold up every audit append until the block ends: on PostgreSQL another transaction
    locks every chain's head row, on SQLite a write transaction of this thread holds the
    one write lock (readers' snapshots carry on in both)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection, connection.begin():
            connection.execute(text("SELECT chain FROM audit_chain_heads FOR UPDATE"))
            yield
    else:
        with transaction(ctx.sessions):
            yield


def _reads_in_flight(
    engine: Engine, ctx: ServiceContext, reads: list[Callable[[], object]]
) -> list[object]:
    """Run ``reads`` in threads while the audit store is held, then let it go; each read's
    result, or the error it raised."""

    def attempt(read: Callable[[], object]) -> object:
        try:
            return read()
        except AttunementError as error:
            return error

    with ThreadPoolExecutor(max_workers=len(reads)) as pool:
        with _audit_store_held(engine, ctx):
            futures = [pool.submit(attempt, read) for read in reads]
            time.sleep(1.0)  # the reads take their snapshots and queue for their entries
        return [future.result(timeout=WAIT) for future in futures]


def test_reads_queued_behind_a_busy_audit_store_share_its_next_write_transaction(
    ctx: ServiceContext, world: World, engine: Engine
) -> None:
    record_session(ctx, world.ana, world.episode_a, TherapySessionCreate(administrations=[_phq9()]))
    before = max(e.seq for e in list_audit(ctx, OPERATOR, after=0, limit=1000))
    reads = 8
    results = _reads_in_flight(
        engine, ctx, [lambda: get_status(ctx, world.ana, world.episode_a)] * reads
    )
    assert all(not isinstance(result, AttunementError) for result in results)
    entries = [
        e for e in list_audit(ctx, OPERATOR, after=before, limit=1000) if e.action == "status.read"
    ]
    assert len(entries) == reads  # one entry per read, each committed before it returned
    assert verify_audit_chain(ctx, OPERATOR).intact
    if engine.dialect.name == "postgresql":  # xmin: the transaction that wrote each row
        with engine.connect() as connection:
            transactions = connection.execute(
                text(
                    "SELECT count(DISTINCT xmin::text) FROM audit_log "
                    "WHERE seq > :s AND action = 'status.read'"
                ),
                {"s": before},
            ).scalar_one()
        # the first read's group waited for a chain; the reads queued meanwhile went in
        # one transaction after it (a third only if a read was slower than the second)
        assert transactions <= 3 < reads


def test_an_entry_the_store_refuses_fails_its_read_and_no_other_read_of_its_group(
    ctx: ServiceContext, world: World, engine: Engine
) -> None:
    record_session(ctx, world.ana, world.episode_a, TherapySessionCreate(administrations=[_phq9()]))
    _refuse_audit_of(engine, "patient.read")
    status_read = lambda: get_status(ctx, world.ana, world.episode_a)  # noqa: E731
    patient_read = lambda: get_patient(ctx, world.ana, world.patient_a)  # noqa: E731
    results = _reads_in_flight(engine, ctx, [status_read, patient_read] * 4)
    assert [isinstance(result, AttunementError) for result in results] == [False, True] * 4
    assert verify_audit_chain(ctx, OPERATOR).intact
