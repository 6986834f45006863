"""Clinic report for a 500-patient SYNTHETIC clinic: time from the database to the PDF.

Seeds a synthetic clinic (``attunement.simulate``; not patients) into a temporary SQLite
database, then times, in the same run:

1. gathering — ``services.reports.clinic_report``: every episode read, its Status from the
   app's one path, the plan per patient, the statistics (audit entries included);
2. HTML with charts — ``render_clinic_html`` (two matplotlib SVG charts);
3. PDF — WeasyPrint on that HTML;

and, as the baseline, rendering the bare HTML template without charts from the same report
model. Target (issue 7): the whole report (1 + 2 + 3) in under 10 s.

Run: ``python bench/clinic_report.py`` (optionally ``--patients N --repeats R``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from attunement.reports import render_clinic_html, render_pdf
from attunement.services import OperatorActor, seed_demo_clinic, service_context
from attunement.services.reports import clinic_report
from attunement.simulate import SYNTHETIC_LABEL, simulate_clinic
from attunement.store import make_engine, migrate

TARGET_SECONDS = 10.0


def timed(repeats: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeats`` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    print(SYNTHETIC_LABEL)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        migrate(engine)
        ctx = service_context(engine, signing_key="bench-" + "x" * 32)
        now = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
        clinic = simulate_clinic(
            seed=7, n_patients=args.patients, start=now.date() - dt.timedelta(days=200)
        )
        start = time.perf_counter()
        seed_demo_clinic(ctx.sessions, clinic, now=now)
        print(f"seeded {args.patients} synthetic patients in {time.perf_counter() - start:.1f} s")
        operator = OperatorActor(name="bench")
        render_pdf(render_clinic_html(clinic_report(ctx, operator)))  # warm fonts and caches

        t_gather, report = timed(args.repeats, lambda: clinic_report(ctx, operator))
        t_html, html = timed(args.repeats, lambda: render_clinic_html(report))
        t_pdf, pdf = timed(args.repeats, lambda: render_pdf(html))
        t_bare, _ = timed(args.repeats, lambda: render_clinic_html(report, charts=False))
        engine.dispose()

    total = t_gather + t_html + t_pdf
    print(f"episodes in the report        {report.episodes}")
    print(f"gather (DB + core + stats)    {t_gather:8.3f} s")
    print(f"HTML with charts              {t_html:8.3f} s")
    print(f"PDF (WeasyPrint)              {t_pdf:8.3f} s   ({len(pdf) / 1024:.0f} KiB)")
    print(
        f"whole report                  {total:8.3f} s   target < {TARGET_SECONDS:.0f} s: "
        f"{'met' if total < TARGET_SECONDS else 'NOT MET'}"
    )
    print(f"bare HTML template (baseline) {t_bare * 1000:8.2f} ms")
    print(f"ratio whole report / bare     {total / t_bare:8.0f} x")
    print(f"ratio HTML+charts / bare      {t_html / t_bare:8.1f} x")


if __name__ == "__main__":
    main()
