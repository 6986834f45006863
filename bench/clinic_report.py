"""Clinic report on SYNTHETIC clinics: time, and peak memory against the clinic's size.

Two measurements, each on temporary SQLite databases:

``--pdf`` (issue 7): a 500-patient synthetic clinic seeded through the app
(``seed_demo_clinic``), then, timed in the same run, gathering (``clinic_report``), HTML
with charts, the PDF, and as the baseline the bare HTML template. Target: under 10 s.

memory (issue 13, the default): clinics of 1,000 / 5,000 / 20,000 patients. A template of
``--template`` synthetic patients is seeded through the app, then bulk-copied until the
size is reached (``bench/_copied_clinic.py``). For each size a fresh child process
measures, for the streamed report
(``services.reports.clinic_report``, keyset pages of ``PAGE_SIZE`` episodes from the stored
statuses) and, up to ``--old-up-to`` patients, for the direct computation it replaced
(every patient, episode, series and Status in memory, each Status assessed from the
series):

- the time of one run (the first: caches cold),
- the peak resident set size above the process's size before the run (``ru_maxrss``),
- the peak of Python allocations during a second run (``tracemalloc``).

The must-hold (issue 13): ≤ 300 MB at 100,000 patients. 100,000 is not run here; the line
printed for it is an extrapolation from the largest sizes measured, and says so.

``--export`` measures the research export (CSV) the same way: written row by row as the
pages are read (``write_research_export``) against every row collected in a list first.

Run: ``python bench/clinic_report.py`` (``--sizes 1000 5000 20000 --old-up-to 5000``),
``python bench/clinic_report.py --export --sizes 500 1000 --old-up-to 1000``, or
``python bench/clinic_report.py --pdf`` for the issue 7 timing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from _copied_clinic import NOW, SIGNING_KEY, seed_clinic, seed_template
from _peaks import peaks
from attunement.documents import ClinicReport, ClinicTally, render_clinic_html, render_pdf
from attunement.documents._assemble import instrument_notice
from attunement.documents._episode import episode_outcome, synthetic_label
from attunement.exports._export import write_export
from attunement.instruments import load_instrument
from attunement.services import OperatorActor, service_context
from attunement.services._growth_models import StatusInputs
from attunement.services._risk_records import patient_risk_events
from attunement.services._status import monitored_scale
from attunement.services.reports import (
    _episode,
    _records,
    clinic_report,
    research_export_rows,
    write_research_export,
)
from attunement.simulate import SYNTHETIC_LABEL
from attunement.store import Episode, Patient, make_engine, migrate

TARGET_SECONDS = 10.0
LIMIT_MB_AT_100K = 300.0
OPERATOR = OperatorActor(name="bench")


def timed(repeats: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeats`` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def direct_clinic_report(ctx: Any) -> ClinicReport:
    """The clinic report as it was computed before issue 13 (without its audit entries):
    every patient, episode, administration and Status in memory at once, each Status
    assessed from the series — the baseline of this benchmark."""
    with ctx.sessions() as session:
        # the operator reads every patient and episode, all held at once
        patients = list(session.scalars(select(Patient).order_by(Patient.id)))
        episodes = [
            (episode, patient)
            for episode, patient in session.execute(
                select(Episode, Patient)
                .join(Patient, Patient.id == Episode.patient_id)
                .order_by(Episode.id)
            ).tuples()
        ]
        counts = Counter(e.outcome_instrument for e, _ in episodes)
        instrument = counts.most_common(1)[0][0]
        included = [(e, p) for e, p in episodes if e.outcome_instrument == instrument]
        records = _records(session, [e.id for e, _ in included])
        models = StatusInputs(session, caseness=ctx.caseness)
        events = {p.id: patient_risk_events(session, p.id) for p in patients}
        data = [
            _episode(session, e, p, records[e.id], models, events=events[p.id]) for e, p in included
        ]
        open_events = [sum(e.open for e in found) for found in events.values()]
        definition = load_instrument(instrument)
        scale = definition.scale(monitored_scale(definition))
        synthetic, label = synthetic_label([p.synthetic for p in patients])
        return (
            ClinicTally()
            .add_all([episode_outcome(d) for d in data])
            .report(
                instrument=definition.short_name,
                band_order=[b.label for b in scale.bands.levels] if scale.bands else [],
                generated_on=NOW.date(),
                synthetic=synthetic,
                synthetic_label=label,
                notices=[instrument_notice(definition)],
                higher_is_worse=scale.direction != "higher_is_better",
                excluded_other_instrument=len(episodes) - len(included),
                open_risk_events=sum(open_events),
                open_risk_patients=sum(count > 0 for count in open_events),
            )
        )


def measure(path: Path, way: str) -> dict[str, float]:
    """In this (fresh) process: time and peak RSS of one run, then traced peak of another."""
    engine = make_engine(f"sqlite:///{path}")
    ctx = service_context(engine, signing_key=SIGNING_KEY, clock=lambda: NOW)
    out_dir = Path(tempfile.mkdtemp())
    runs: dict[str, Callable[[], Any]] = {
        "streamed": lambda: clinic_report(ctx, OPERATOR),
        "direct": lambda: direct_clinic_report(ctx),
        # the research export: written row by row as read, or every row in a list first
        "export": lambda: write_research_export(ctx, OPERATOR, fmt="csv", out_dir=out_dir),
        "list": lambda: write_export(
            research_export_rows(ctx, OPERATOR),
            out_dir,
            fmt="csv",
            deidentified=False,
            synthetic=True,
        ),
    }
    run = runs[way]
    load_instrument("phq9")
    measured = peaks(run)
    report = measured.result
    engine.dispose()
    if isinstance(report, ClinicReport):
        episodes = report.episodes
        d = report.effect_size.d if report.effect_size else float("nan")
    else:
        episodes, d = report.rows, float("nan")  # export: rows written
    return {
        "seconds": measured.seconds,
        "rss_mb": measured.rss_mb,
        "traced_mb": measured.traced_mb,
        "episodes": episodes,
        "d": d,
    }


def _child(path: Path, way: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", way, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def memory_bench(sizes: list[int], old_up_to: int, template: int, *, export: bool) -> None:
    print(SYNTHETIC_LABEL)
    print(f"template of {template} synthetic patients seeded through the app, then bulk-copied")
    print(
        f"{'patients':>9} {'way':>9} {'episodes':>9} {'time s':>8} {'peak RSS MB':>12} "
        f"{'traced MB':>10} {'KB/patient':>11}"
    )
    streamed: list[tuple[int, dict[str, float]]] = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.sqlite3"
            seconds = seed_clinic(path, size, template)
            print(f"# seeded {size} patients in {seconds:.1f} s")
            new, old = ("export", "list") if export else ("streamed", "direct")
            ways = [new] + ([old] if size <= old_up_to else [])
            found = {way: _child(path, way) for way in ways}
        for way, figures in found.items():
            print(
                f"{size:>9} {way:>9} {int(figures['episodes']):>9} {figures['seconds']:>8.1f} "
                f"{figures['rss_mb']:>12.1f} {figures['traced_mb']:>10.1f} "
                f"{figures['rss_mb'] * 1024 / size:>11.1f}"
            )
        if len(found) == 2:
            new_way, old_way = found[new], found[old]
            assert new_way["episodes"] == old_way["episodes"]
            if not export:
                assert abs(new_way["d"] - old_way["d"]) < 1e-9, (
                    "the ways disagree on the effect size"
                )
            print(
                f"{'':>9} ratio {old}/{new}: "
                f"peak RSS {old_way['rss_mb'] / new_way['rss_mb']:.1f} x, "
                f"traced {old_way['traced_mb'] / new_way['traced_mb']:.1f} x, "
                f"time {old_way['seconds'] / new_way['seconds']:.2f} x"
            )
        streamed.append((size, found[new]))
    if len(streamed) >= 2 and not export:
        (n1, a), (n2, b) = streamed[-2], streamed[-1]
        slope = max(0.0, (b["rss_mb"] - a["rss_mb"]) / (n2 - n1))
        at_100k = b["rss_mb"] + slope * (100_000 - n2)
        seconds = b["seconds"] / n2 * 100_000
        print(
            f"EXTRAPOLATION (not measured) to 100,000 patients from {n1} and {n2}: peak RSS "
            f"≈ {at_100k:.0f} MB (limit {LIMIT_MB_AT_100K:.0f} MB: "
            f"{'met' if at_100k <= LIMIT_MB_AT_100K else 'NOT MET'}), time ≈ {seconds / 60:.0f} min"
        )


def pdf_bench(patients: int, repeats: int) -> None:
    print(SYNTHETIC_LABEL)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        migrate(engine)
        ctx = service_context(engine, signing_key=SIGNING_KEY)
        start = time.perf_counter()
        seed_template(engine, patients)
        print(f"seeded {patients} synthetic patients in {time.perf_counter() - start:.1f} s")
        render_pdf(render_clinic_html(clinic_report(ctx, OPERATOR)))  # warm fonts and caches

        t_gather, report = timed(repeats, lambda: clinic_report(ctx, OPERATOR))
        t_html, html = timed(repeats, lambda: render_clinic_html(report))
        t_pdf, pdf = timed(repeats, lambda: render_pdf(html))
        t_bare, _ = timed(repeats, lambda: render_clinic_html(report, charts=False))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--old-up-to", type=int, default=5000)
    parser.add_argument("--template", type=int, default=250)
    parser.add_argument("--pdf", action="store_true", help="the issue 7 timing instead")
    parser.add_argument(
        "--export", action="store_true", help="the research export (CSV) instead of the report"
    )
    parser.add_argument("--patients", type=int, default=500, help="with --pdf")
    parser.add_argument("--repeats", type=int, default=3, help="with --pdf")
    parser.add_argument("--measure", nargs=2, metavar=("WAY", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        way, path = args.measure
        print(json.dumps(measure(Path(path), way)))
    elif args.pdf:
        pdf_bench(args.patients, args.repeats)
    else:
        memory_bench(args.sizes, args.old_up_to, args.template, export=args.export)


if __name__ == "__main__":
    main()
