"""Benchmark: the caseload page at 100 and 10,000 patients (issue 13: "O(page)"), SYNTHETIC.

For each clinic size, a fresh migrated database holds one clinician with N synthetic
patients, each with an open episode and its stored status row (``episode_statuses``,
bulk-inserted with spread alerts, deteriorations, last-seen dates and open risk events:
this benchmark measures the read path; the write path that computes the rows is
``bench/audited_writes.py``'s). Then, in the same process:

* the baseline: one audited primary-key read of a patient (``services.get_patient``);
* the caseload's first page (50 rows), a filtered page (``alert=red``), a late page
  (page 100 when there is one) and a name search, through ``services.caseload``, counting
  the SQL statements of each request. The name search ("patient 0004": 10 patients of
  10,000) starts from the trigram index (``store._name_search``); a two-character key has
  no trigram and reads every patient's search name (the last line).

Goal: the caseload's time and statement count flat from 100 to 10,000 patients (ratios
near 1). Wall-clock milliseconds are medians of ``--repeat`` requests.

Each request appends its audit entry and commits, so on SQLite with ``synchronous=FULL`` a
request includes one disk sync, whose time varies with the machine's other I/O; compare
with ``--synchronous NORMAL`` to see the queries alone.

Run: ``python bench/caseload_scale.py`` (``--sizes 100 10000``; ``--synchronous NORMAL``;
``--postgres URL`` to run on an empty PostgreSQL database too, wiped before each size).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert, text

from attunement.services import (
    CaseloadFilter,
    UserActor,
    caseload,
    get_patient,
    service_context,
)
from attunement.simulate import SYNTHETIC_LABEL
from attunement.store import (
    Episode,
    EpisodeStatusRecord,
    Patient,
    User,
    make_engine,
    migrate,
)

NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
ALERTS = ("red", "yellow", "not_assessable", "green", "white")


def seed(engine: Engine, n: int) -> None:
    """One clinician, ``n`` synthetic patients with an open episode and a stored status."""
    with engine.begin() as connection:
        connection.execute(
            insert(User),
            [
                {
                    "id": 1,
                    "username": "bench",
                    "display_name": "Synthetic Clinician",
                    "role": "clinician",
                    "active": True,
                    "synthetic": True,
                    "created_at": NOW,
                }
            ],
        )
        connection.execute(
            insert(Patient),
            [
                {
                    "id": i,
                    "display_name": f"Synthetic Patient {i:05d}",
                    "preferred_language": "en",
                    "clinician_id": 1,
                    "profile": {},
                    "synthetic": True,
                    "created_at": NOW,
                }
                for i in range(1, n + 1)
            ],
        )
        connection.execute(
            insert(Episode),
            [
                {
                    "id": i,
                    "patient_id": i,
                    "clinician_id": 1,
                    "started_on": NOW.date() - dt.timedelta(days=i % 200),
                    "outcome_instrument": "phq9",
                }
                for i in range(1, n + 1)
            ],
        )
        connection.execute(insert(EpisodeStatusRecord), [_status(i) for i in range(1, n + 1)])


def _status(i: int) -> dict[str, Any]:
    alert = ALERTS[i % len(ALERTS)]
    risk = 1 if i % 97 == 0 else 0
    rank = 0 if risk else ALERTS.index(alert) + 1
    seen = NOW.date() - dt.timedelta(days=i % 90)
    return {
        "episode_id": i,
        "patient_id": i,
        "clinician_id": 1,
        "listed": True,
        "rank": rank,
        "deterioration": round((i % 13) / 4, 2) if alert == "red" else 0.0,
        "last_seen_on": seen,
        "measure_due_from": seen,
        "alert": alert,
        "alert_rule": "bench",
        "open_risk_events": risk,
        "outcome_instrument": "phq9",
        "monitored_scale": "total",
        "session": 4,
        "latest": 12.0,
        "latest_session": 4,
        "latest_on": seen,
        "change": -3.0,
        "category": "unchanged",
        "status": None,
        "problem": None,
        "inputs_version": "bench",
        "version": 1,
        "computed_at": NOW,
    }


def measure(call: Callable[[], object], engine: Engine, repeat: int) -> tuple[float, int]:
    """Median milliseconds and statements per request."""
    statements: list[int] = []

    def count(*_args: object) -> None:
        statements[-1] += 1

    event.listen(engine, "before_cursor_execute", count)
    times = []
    try:
        for _ in range(repeat):
            statements.append(0)
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statistics.median(times), max(statements)


def run(url: str, n: int, repeat: int, synchronous: str) -> dict[str, tuple[float, int]]:
    engine = make_engine(url, sqlite_synchronous=synchronous)  # type: ignore[arg-type]
    migrate(engine)
    seed(engine, n)
    ctx = service_context(
        engine, signing_key="bench-signing-key-0123456789abcdef", clock=lambda: NOW
    )
    actor = UserActor(user_id=1, username="bench", role="clinician")
    late = min(100, max(1, n // 50))
    cases: dict[str, Callable[[], object]] = {
        "baseline: one patient read": lambda: get_patient(ctx, actor, n // 2),
        "caseload page 1 (50 rows)": lambda: caseload(ctx, actor, CaseloadFilter()),
        "caseload alert=red": lambda: caseload(ctx, actor, CaseloadFilter(alert="red")),
        "caseload late page (≤ 100)": lambda: caseload(ctx, actor, CaseloadFilter(page=late)),
        "caseload name search": lambda: caseload(ctx, actor, CaseloadFilter(name="patient 0004")),
        "caseload name search, 2 chars": lambda: caseload(ctx, actor, CaseloadFilter(name="42")),
    }
    results = {name: measure(call, engine, repeat) for name, call in cases.items()}
    engine.dispose()
    return results


def _fresh_postgres(url: str) -> str:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres", help="an EMPTY PostgreSQL database URL (it is wiped)")
    parser.add_argument(
        "--synchronous",
        choices=("FULL", "NORMAL"),
        default="FULL",
        help="SQLite synchronous (each caseload view commits its audit entry: FULL syncs it)",
    )
    args = parser.parse_args(argv)
    print(SYNTHETIC_LABEL)
    targets: list[tuple[str, Callable[[int], str]]] = []
    folder = Path(tempfile.mkdtemp(prefix="attune-caseload-bench-"))
    targets.append(("sqlite", lambda n: f"sqlite:///{folder / f'clinic-{n}.sqlite3'}"))
    if args.postgres:
        targets.append(("postgresql", lambda _n: _fresh_postgres(args.postgres)))
    for dialect, url_for in targets:
        by_size = {n: run(url_for(n), n, args.repeat, args.synchronous) for n in args.sizes}
        small, large = min(args.sizes), max(args.sizes)
        print(f"\n{dialect}: median ms per request (statements), {args.repeat} requests each")
        header = f"{'request':<30}" + "".join(f"{n:>18,}" for n in args.sizes)
        print(header + f"{'ratio ' + str(large) + '/' + str(small):>18}")
        for name in by_size[small]:
            cells = "".join(
                f"{by_size[n][name][0]:>11.2f} ms ({by_size[n][name][1]:>2})" for n in args.sizes
            )
            ratio = by_size[large][name][0] / by_size[small][name][0]
            print(f"{name:<30}{cells}{ratio:>17.2f}x")
        for n in args.sizes:
            base = by_size[n]["baseline: one patient read"][0]
            page = by_size[n]["caseload page 1 (50 rows)"][0]
            print(f"  {n:,} patients: caseload page 1 = {page / base:.2f}x the one-patient read")
        searched = [by_size[n]["caseload name search"][0] for n in (small, large)]
        print(
            f"  name search (trigram index): {searched[0]:.2f} ms at {small:,} patients, "
            f"{searched[1]:.2f} ms at {large:,} ({searched[1] / searched[0]:.2f}x)"
        )


if __name__ == "__main__":
    main()
