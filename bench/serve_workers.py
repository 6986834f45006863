"""``attune serve --workers N``: status reads per second with 1 and N worker processes (issue 13).

On the PostgreSQL database given with ``--database-url`` (a throw-away one: the script
migrates it and adds a synthetic clinician, patient and episode), this starts, one after
the other, on loopback:

* the baseline: a bare FastAPI app served by uvicorn that reads the same stored status row
  by primary key (no auth, no audit), with 1 and with N worker processes;
* ``attune serve --workers 1`` and ``attune serve --workers N``;

and loads each for ``--seconds`` with ``--connections`` keep-alive connections (threads of
this process) on ``GET /api/v1/episodes/{id}/status``. It prints requests per second, p50
and p99, the ratio of each Attunement run to the bare app with the same number of
processes, and N workers against 1. The load generator runs on the same machine and takes
CPU from the servers; on a shared 2-core machine the ratios are what to compare.
Everything is synthetic.
Run: python bench/serve_workers.py --database-url postgresql+psycopg://… [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

PHQ9 = [2, 2, 2, 2, 2, 2, 1, 1, 0]
PASSWORD = "synthetic bench password four words"


def bare_from_env() -> object:
    """The baseline app (a uvicorn factory): one primary-key read of a stored status."""
    from fastapi import FastAPI
    from sqlalchemy import select

    from attunement.store import EpisodeStatusRecord, make_engine

    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    app = FastAPI()

    @app.get("/api/v1/episodes/{episode_id}/status")
    def status(episode_id: int) -> object:
        with engine.connect() as connection:
            row = connection.execute(
                select(EpisodeStatusRecord).where(EpisodeStatusRecord.episode_id == episode_id)
            ).first()
        return {"found": row is not None}

    return app


def _seed(url: str) -> tuple[int, str]:
    """A synthetic clinician, patient and episode with three sessions: (episode id, username)."""
    from attunement.security import AuditKeyring
    from attunement.services import (
        EpisodeCreate,
        OperatorActor,
        PatientCreate,
        TherapySessionAdministration,
        TherapySessionCreate,
        UserActor,
        UserCreate,
        create_user,
        record_session,
        register_patient,
        service_context,
        start_episode,
    )
    from attunement.store import make_engine, migrate

    engine = make_engine(url)
    migrate(engine)
    ctx = service_context(
        engine,
        signing_key=os.environ["ATTUNE_SECRET_KEY"],
        audit_keys=AuditKeyring([os.environ["ATTUNE_AUDIT_KEY"]]),
    )
    name = f"bench_{secrets.token_hex(3)}"
    made = create_user(
        ctx,
        OperatorActor(name="bench"),
        UserCreate(
            username=name, display_name="Synthetic Bench", role="clinician", password=PASSWORD
        ),
    )
    actor = UserActor(user_id=made.id, username=name, role="clinician")
    patient = register_patient(ctx, actor, PatientCreate(display_name="Synthetic Bench")).id
    episode = start_episode(ctx, actor, patient, EpisodeCreate()).id
    phq9 = TherapySessionAdministration(instrument="phq9", answers=PHQ9)
    for _ in range(3):
        record_session(ctx, actor, episode, TherapySessionCreate(administrations=[phq9]))
    engine.dispose()
    return episode, name


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(command: list[str], env: dict[str, str], base: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/api/v1/episodes/0/status", timeout=2)
            return process
        except httpx.TransportError:
            if process.poll() is not None:
                raise SystemExit(f"server exited early: {' '.join(command)}") from None
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"server did not start: {' '.join(command)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _load(url: str, headers: dict[str, str], seconds: float, connections: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run() -> None:
        mine: list[float] = []
        failed = 0
        with httpx.Client(headers=headers, timeout=30) as client:
            while time.monotonic() < stop_at:
                began = time.perf_counter()
                try:
                    ok = client.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    mine.append(time.perf_counter() - began)
                else:
                    failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=run) for _ in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    ordered = sorted(latencies) or [float("nan")]
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "errors": float(errors[0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a throw-away PostgreSQL URL")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=10)
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        raise SystemExit("--database-url: a PostgreSQL URL (several workers need PostgreSQL)")
    os.environ.setdefault("ATTUNE_SECRET_KEY", secrets.token_urlsafe(32))
    os.environ.setdefault("ATTUNE_AUDIT_KEY", secrets.token_urlsafe(32))
    episode, username = _seed(args.database_url)
    data_dir = tempfile.mkdtemp(prefix="attune-bench-")
    env = os.environ | {
        "ATTUNE_MODE": "dev",
        "ATTUNE_DATA_DIR": data_dir,
        "ATTUNE_DATABASE_URL": args.database_url,
        "BENCH_DATABASE_URL": args.database_url,
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]
        ),
    }
    path = f"/api/v1/episodes/{episode}/status"
    results: dict[str, dict[str, float]] = {}
    for workers in (1, args.workers):
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        bare = [sys.executable, "-m", "uvicorn", "serve_workers:bare_from_env", "--factory"]
        bare += ["--port", str(port), "--workers", str(workers), "--no-access-log"]
        bare += ["--log-level", "warning"]
        process = _start(bare, env, base)
        try:
            results[f"bare x{workers}"] = _load(base + path, {}, args.seconds, args.connections)
        finally:
            _stop(process)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        served = [sys.executable, "-m", "attunement", "serve", "--port", str(port)]
        served += ["--workers", str(workers), "--insecure-cookies"]
        process = _start(served, env, base)
        try:
            token = httpx.post(
                f"{base}/api/v1/auth/token",
                data={"username": username, "password": PASSWORD},
                timeout=30,
            ).json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            results[f"attune x{workers}"] = _load(base + path, auth, args.seconds, args.connections)
        finally:
            _stop(process)
    print(
        f"status reads, {args.connections} connections, {args.seconds:g} s each, "
        f"{os.cpu_count()} cores (synthetic data)"
    )
    print(f"{'server':<12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  ratio")
    for name, figures in results.items():
        workers = name.split("x")[1]
        ratio = ""
        if name.startswith("attune"):
            ratio = f"{figures['rps'] / results[f'bare x{workers}']['rps']:.1%} of bare x{workers}"
        print(
            f"{name:<12} {figures['rps']:>8.1f} {figures['p50']:>8.1f} {figures['p99']:>8.1f} "
            f"{figures['errors']:>7.0f}  {ratio}"
        )
    one, many = results["attune x1"]["rps"], results[f"attune x{args.workers}"]["rps"]
    print(f"attune x{args.workers} / attune x1: {many / one:.2f}")


if __name__ == "__main__":
    main()
