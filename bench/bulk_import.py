"""Benchmark: bulk import (``attune import csv``) in administrations per second, SYNTHETIC.

For each database (a fresh SQLite file; ``--postgres URL`` an EMPTY PostgreSQL database,
wiped first), in the same process:

1. the synthetic clinic of ``--patients`` patients (``attunement.simulate``) is written as
   the three import CSV files (labelled SYNTHETIC in their first line) and read back;
2. **the import**: ``services.bulk_import.run_import`` as a clinic admin, batches of
   ``--batch-size`` rows — validation, batch scoring, multi-row inserts, risk events,
   stored statuses refreshed and one audit entry per batch. Its wall time is the seed time
   of the clinic through the import;
3. **the baseline**: a bare ``executemany`` of the same administration rows and their
   (already computed) score rows into the same tables, in transactions of the same size,
   with nothing else — the floor any import path pays for the data alone.

Prints administrations/s of both and their ratio, and the import's CPU time in this
process (on SQLite all of the work; on PostgreSQL the server's share is not in it): on a
machine whose cores are busy with other work, the wall time includes waiting for a core.
Goal (issue 13): at least 2,000 administrations/s into PostgreSQL; the 10,000-patient
clinic holds about 185,000 administrations.

Each database is imported into once per ``--workers`` count (default 1, then 2: batches
imported at a time, ``attune import csv --workers``), fresh each time.

Run: ``python bench/bulk_import.py`` (``--patients 10000``, ``--batch-size 1000``,
``--postgres URL``, ``--workers 1 2``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import tempfile
import time
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Engine, delete, insert, select, text

from attunement.exports import AdministrationRow, patient_units, read_csv_rows
from attunement.security import Passwords
from attunement.services import OperatorActor, UserActor, UserCreate, create_user, service_context
from attunement.services.bulk_import import run_import
from attunement.simulate import SYNTHETIC_LABEL, simulate_clinic
from attunement.simulate._csv import clinic_csv
from attunement.store import Administration, ScoreRecord, make_engine, migrate

NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
PASSWORD = "correct horse battery staple"


def _write_csv(n: int, folder: Path) -> None:
    clinic = simulate_clinic(seed=13, n_patients=n, start=NOW.date() - dt.timedelta(days=365))
    for name, chunks in clinic_csv(clinic, today=NOW.date()).items():
        with (folder / name).open("w", encoding="utf-8") as handle:
            handle.writelines(chunks)


def _now() -> dt.datetime:
    return NOW


def _context(engine: Engine) -> Any:
    passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    return service_context(engine, signing_key="bench-" * 6, clock=_now, passwords=passwords)


def _worker_context(url: str) -> Any:
    """The context of an import worker process (``--workers``): its own engine."""
    return _context(make_engine(url))


def _accounts(engine: Engine) -> tuple[Any, UserActor]:
    ctx = _context(engine)
    operator = OperatorActor(name="bench")
    clinic = simulate_clinic(seed=13, n_patients=1, start=NOW.date())
    for member in clinic.clinicians:
        create_user(
            ctx,
            operator,
            UserCreate(
                username=member.username,
                display_name=member.display_name,
                role="clinician",
                password=PASSWORD,  # type: ignore[arg-type]
            ),
        )
    admin = create_user(
        ctx,
        operator,
        UserCreate(
            username="bench_admin",
            display_name="Bench Admin",
            role="admin",
            password=PASSWORD,  # type: ignore[arg-type]
        ),
    )
    return ctx, UserActor(user_id=admin.id, username="bench_admin", role="admin")


def _rows(folder: Path) -> list[Any]:
    rows: list[Any] = []
    for name in ("patients.csv", "episodes.csv", "administrations.csv"):
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            rows.extend(read_csv_rows(handle, file=name))
    return rows


def _baseline(engine: Engine, batch_size: int) -> tuple[int, float]:
    """Re-insert copies of the imported administrations and scores with bare executemany."""
    with engine.connect() as connection:
        administrations = [
            dict(row._mapping)
            for row in connection.execute(
                select(Administration.__table__).order_by(Administration.id)
            )
        ]
        scores = {
            row.administration_id: dict(row._mapping)
            for row in connection.execute(select(ScoreRecord.__table__))
        }
    for row in administrations:
        row["score"] = scores[row["id"]]
    started = time.perf_counter()
    copied: list[int] = []
    for start in range(0, len(administrations), batch_size):
        chunk = administrations[start : start + batch_size]
        with engine.begin() as connection:
            ids = connection.execute(
                insert(Administration.__table__).returning(
                    Administration.id, sort_by_parameter_order=True
                ),
                [{k: v for k, v in a.items() if k not in {"id", "score"}} for a in chunk],
            ).scalars()
            new = list(ids)
            connection.execute(
                insert(ScoreRecord.__table__),
                [
                    {
                        **{k: v for k, v in a["score"].items() if k != "id"},
                        "administration_id": aid,
                    }
                    for a, aid in zip(chunk, new, strict=True)
                ],
            )
            copied.extend(new)
    elapsed = time.perf_counter() - started
    with engine.begin() as connection:  # the copies are not part of the clinic
        for start in range(0, len(copied), 5000):
            part = copied[start : start + 5000]
            connection.execute(delete(ScoreRecord).where(ScoreRecord.administration_id.in_(part)))
            connection.execute(delete(Administration).where(Administration.id.in_(part)))
    return len(administrations), elapsed


def run(url: str, folder: Path, batch_size: int, workers: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    ctx, admin = _accounts(engine)
    started = time.perf_counter()
    rows = _rows(folder)
    units = list(patient_units(rows))
    parsed = time.perf_counter() - started
    n_admin = sum(isinstance(r, AdministrationRow) for r in rows)
    started, cpu = time.perf_counter(), time.process_time()
    last_batch = [started]
    report = run_import(
        ctx,
        admin,
        units,
        batch_size=batch_size,
        workers=workers,
        worker_context=functools.partial(_worker_context, url),
        on_batch=lambda _done: last_batch.append(time.perf_counter()),
    )
    imported, cpu = time.perf_counter() - started, time.process_time() - cpu
    settled = started + imported - last_batch[-1]
    assert report.imported["administration"] == n_admin
    count, bare = _baseline(engine, batch_size)
    engine.dispose()
    patients = report.imported["patient"]
    print(f"  CSV read and grouped:    {parsed:8.2f} s ({len(rows):,} rows)")
    print(f"  of the import, the final status refresh (norms, stale rows): {settled:6.2f} s")
    print(
        f"  import (seed time):      {imported:8.2f} s  {n_admin / imported:8,.0f} "
        f"administrations/s  {patients / imported:6,.0f} patients/s  ({report.batches} batches)"
    )
    print(
        f"  import, this process's CPU time: {cpu:8.2f} s ({n_admin / cpu:,.0f} administrations "
        "per CPU second; on a loaded machine the wall time includes waiting for a core)"
    )
    print(f"  baseline executemany:    {bare:8.2f} s  {count / bare:8,.0f} administrations/s")
    print(f"  import / baseline rate:  {(n_admin / imported) / (count / bare):8.2f}")


def _fresh_postgres(url: str) -> str:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--postgres", help="an EMPTY PostgreSQL database URL (it is wiped)")
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="batches imported at a time"
    )
    args = parser.parse_args(argv)
    print(SYNTHETIC_LABEL)
    folder = Path(tempfile.mkdtemp(prefix="attune-bulk-bench-"))
    _write_csv(args.patients, folder)
    print(f"{args.patients:,} synthetic patients, batches of {args.batch_size} rows")
    for workers in args.workers:
        targets = []
        if workers == 1:  # SQLite has one writer: more workers are refused
            targets.append(("sqlite", f"sqlite:///{folder / 'clinic.sqlite3'}"))
        if args.postgres:
            targets.append(("postgresql", _fresh_postgres(args.postgres)))
        for dialect, url in targets:
            print(f"\n{dialect}, {workers} worker(s):")
            run(url, folder, args.batch_size, workers)


if __name__ == "__main__":
    main()
