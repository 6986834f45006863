"""Benchmark: the patient page and its charts, cold and warm (issue 13), SYNTHETIC patients.

A fresh migrated SQLite database (in a temporary directory) holds one clinician with N
synthetic patients, each with an open episode of S sessions (a PHQ-9 and a WAI-SR at every
session), recorded through the services so that every stored status is the app's own.
Then, through the whole app in this process (``create_app`` under Starlette's TestClient,
signed in with a web session cookie), the requests per second of:

* the baseline: ``GET /api/v1/health`` (a bare endpoint: one ``SELECT 1``, no audit);
* the patient page (``/patients/{id}``), which since issue 13 draws no chart;
* a chart, **cold**: the first ``GET …/charts/outcome.svg`` of each patient (drawn by
  matplotlib and stored in ``episode_charts``);
* a chart, **warm**: the same request again (served from the table, no drawing);
* a chart, **revalidated**: the same request with ``If-None-Match`` (304, no body);
* for comparison, what the page used to pay on every view before issue 13: drawing both
  charts (``reports.render_chart``, outside any request);
* the page's reads alone, outside HTTP, in the same run: **before** the one-read page, the
  seven audited read use cases it ran per view (patient, episodes, risk events, plan,
  administrations, status, chart data: seven read snapshots and seven audit appends);
  **after**, the one use case ``patient_page`` (one snapshot, one audit append).

Every page and chart request is an audited read (its audit entry is committed), so on SQLite
with ``synchronous=FULL`` each includes a disk sync; ``--synchronous NORMAL`` shows the
queries alone. Figures are medians over the patients; requests per second is 1 / median.

Run: ``python bench/patient_page.py`` (``--patients N``, ``--sessions S``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select, update

from attunement.documents import render_chart
from attunement.http import create_app
from attunement.http.deps import SESSION_COOKIE
from attunement.security import Passwords
from attunement.services import (
    AdministrationCreate,
    EpisodeCreate,
    OperatorActor,
    PatientCreate,
    ServiceContext,
    UserActor,
    UserCreate,
    create_user,
    episode_chart_data,
    get_patient,
    get_plan,
    get_status,
    list_administrations,
    list_episodes,
    list_risk_events,
    login_for_session,
    patient_page,
    record_administration,
    register_patient,
    start_episode,
)
from attunement.settings import Settings
from attunement.simulate import SYNTHETIC_LABEL
from attunement.store import Episode, Patient, make_engine, migrate

PASSWORD = "synthetic-bench-password-1"  # a throwaway account in a temporary database


def _phq9(total: int) -> list[int | float | None]:
    """Nine PHQ-9 answers with ``total`` spread over items 1-8 (item 9 never endorsed)."""
    return [total // 8 + (1 if i < total % 8 else 0) for i in range(8)] + [0]


def seed(ctx: ServiceContext, patients: int, sessions: int) -> tuple[UserActor, list[int]]:
    """One clinician and ``patients`` synthetic patients with ``sessions`` sessions each."""
    created = create_user(
        ctx,
        OperatorActor(name="bench"),
        UserCreate(
            username="bench",
            display_name="Synthetic Clinician",
            role="clinician",
            password=PASSWORD,  # type: ignore[arg-type]
        ),
    )
    actor = UserActor(user_id=created.id, username="bench", role=created.role)
    ids = []
    start = ctx.now().date() - dt.timedelta(days=7 * sessions + 7)
    for n in range(patients):
        patient = register_patient(
            ctx, actor, PatientCreate(display_name=f"Synthetic Patient {n:04d}")
        )
        episode = start_episode(
            ctx, actor, patient.id, EpisodeCreate(started_on=start, alliance_instrument="wai_sr")
        )
        for number in range(1, sessions + 1):
            total = max(2, 20 - number + (n + number) % 3)
            for instrument, answers in (("phq9", _phq9(total)), ("wai_sr", [4] * 12)):
                record_administration(
                    ctx,
                    actor,
                    episode.id,
                    AdministrationCreate(
                        instrument=instrument, answers=answers, session_number=number
                    ),
                )
        ids.append(patient.id)
    with ctx.sessions.begin() as session:  # labelled synthetic, as the demo's patients are
        session.execute(update(Patient).values(synthetic=True))
    return actor, ids


def median_ms(calls: list[Callable[[], object]]) -> float:
    times = []
    for call in calls:
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _get(client: TestClient, path: str, status: int, **headers: str) -> Callable[[], object]:
    def call() -> object:
        response = client.get(path, headers=headers)
        if response.status_code != status:
            raise RuntimeError(f"{path}: {response.status_code}")
        return response

    return call


def seven_reads(ctx: ServiceContext, actor: UserActor, patient_id: int) -> object:
    """What the page read per view before ``patient_page``: seven audited use cases."""
    patient = get_patient(ctx, actor, patient_id)
    episode = list_episodes(ctx, actor, patient_id)[0]
    events = list_risk_events(ctx, actor, patient_id)
    plan = get_plan(ctx, actor, patient_id)
    history = list_administrations(ctx, actor, episode.id, include_voided=True)
    status = get_status(ctx, actor, episode.id)
    charts = episode_chart_data(ctx, actor, patient_id, episode.id)
    return patient, events, plan, history, status, charts


def run(patients: int, sessions: int, synchronous: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url, sqlite_synchronous=synchronous)  # type: ignore[arg-type]
        migrate(engine)
        settings = Settings(
            database_url=url,
            data_dir=Path(folder),
            secret_key=SecretStr("bench-secret-0123456789abcdef0123"),
            mode="dev",
        )
        app = create_app(
            settings,
            engine=engine,
            passwords=Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)),
            secure_cookies=False,
        )
        ctx: ServiceContext = app.state.context
        actor, ids = seed(ctx, patients, sessions)
        episodes = {
            pid: episode_chart_data(ctx, actor, pid, episode)
            for pid, episode in _episodes(ctx, ids)
        }
        with TestClient(app, base_url="http://127.0.0.1") as client:
            issued = login_for_session(ctx, username="bench", password=PASSWORD)
            client.cookies.set(SESSION_COOKIE, issued.token)
            charts = {
                pid: f"/patients/{pid}/episodes/{data.episode_id}/charts/outcome.svg"
                for pid, data in episodes.items()
            }
            etags = {}
            results = {
                "baseline: GET /api/v1/health": median_ms(
                    [_get(client, "/api/v1/health", 200) for _ in ids]
                ),
                "patient page": median_ms([_get(client, f"/patients/{pid}", 200) for pid in ids]),
                "chart, cold (drawn, stored)": median_ms(
                    [_get(client, charts[p], 200) for p in ids]
                ),
                "chart, warm (from the store)": median_ms(
                    [_get(client, charts[p], 200) for p in ids]
                ),
            }
            for pid in ids:
                etags[pid] = client.get(charts[pid]).headers["etag"]
            results["chart, revalidated (304)"] = median_ms(
                [_get(client, charts[p], 304, **{"If-None-Match": etags[p]}) for p in ids]
            )
            results["patient page, second view"] = median_ms(
                [_get(client, f"/patients/{pid}", 200) for pid in ids]
            )
        results["page reads before: seven use cases"] = median_ms(
            [partial(seven_reads, ctx, actor, pid) for pid in ids]
        )
        results["page reads after: patient_page, one use case"] = median_ms(
            [partial(patient_page, ctx, actor, pid) for pid in ids]
        )
        drawings = [
            (data.outcome, data.alliance) for data in episodes.values() if data.outcome is not None
        ]
        results["before issue 13: drawing both charts per page view"] = median_ms(
            [
                lambda o=outcome, a=alliance: (
                    render_chart(o, chart_id="outcome"),
                    render_chart(a, chart_id="alliance") if a is not None else None,
                )
                for outcome, alliance in drawings
            ]
        )
        engine.dispose()
        return results


def _episodes(ctx: ServiceContext, ids: list[int]) -> list[tuple[int, int]]:
    with ctx.sessions() as session:
        found = session.execute(
            select(Episode.patient_id, Episode.id).where(Episode.patient_id.in_(ids))
        ).all()
    return [(pid, eid) for pid, eid in found]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--patients", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=12)
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL"), default="FULL")
    args = parser.parse_args(argv)
    print(f"{SYNTHETIC_LABEL}: {args.patients} patients x {args.sessions} sessions, SQLite")
    print(f"synchronous={args.synchronous}, whole app in process (TestClient)\n")
    results = run(args.patients, args.sessions, args.synchronous)
    baseline = results["baseline: GET /api/v1/health"]
    print(f"{'request':54} {'median ms':>10} {'req/s':>8} {'x baseline':>11}")
    for name, ms in results.items():
        print(f"{name:54} {ms:10.1f} {1000 / ms:8.1f} {ms / baseline:11.1f}")
    drawn = results["before issue 13: drawing both charts per page view"]
    page = results["patient page"]
    cold = results["chart, cold (drawn, stored)"]
    warm = results["chart, warm (from the store)"]
    print(
        f"\nthe page no longer pays {drawn:.0f} ms of drawing per view; a warm chart costs"
        f" {warm:.1f} ms against {cold:.1f} ms cold ({cold / warm:.1f}x)."
        f"\npage + its two charts warm ≈ {page + 2 * warm:.0f} ms"
        f" vs page + drawing ≈ {page + drawn:.0f} ms before."
    )
    before = results["page reads before: seven use cases"]
    after = results["page reads after: patient_page, one use case"]
    print(
        f"the page's reads: {before:.1f} ms as seven use cases, {after:.1f} ms as one"
        f" ({before / after:.1f}x)."
    )


if __name__ == "__main__":
    main()
