"""Benchmark: the app over HTTP under load, against a bare FastAPI endpoint (issue 13), SYNTHETIC.

Bounded and loopback only. In one run:

1. a PostgreSQL server: a throw-away cluster started as the test suite starts one
   (``initdb``/``pg_ctl``, ``fsync=off``, removed at the end), or ``--postgres URL`` of a
   server whose user may create databases (the bench creates and drops its own);
2. a SYNTHETIC clinic of ``--patients N`` (default 10,000) from the demo's simulator
   (``simulate_clinic``), all patients with one clinician so that the caseload holds all of
   them, seeded the way a clinic moving from another system would: written as the import CSV
   files and imported by ``attune import csv``'s use case (``services.bulk_import``: every
   administration scored by the batch engine, risk events recorded, every stored status
   computed by the app's own refresh, one transaction and audit entry per batch); or, with
   ``--seed-with demo``, as ``attune demo`` seeds one (``seed_demo_clinic``, one patient at a
   time: about 5 patients/s on a loaded 2-core machine). The seed time is printed. Two more
   clinics of 100 and 1,000 patients are seeded the same way for the caseload's growth;
3. ``attune serve`` (a real uvicorn process on 127.0.0.1, ``ATTUNE_MODE=dev``) and, in
   the same run, a bare FastAPI app under uvicorn (``bench/_bare_app.py``) that does one
   primary-key read on the same database;
4. a load generator driving each endpoint with ``--connections`` (50) for ``--seconds`` (20):
   the bare read, ``GET /api/v1/episodes/{id}/status``, ``GET /api/v1/caseload`` (first
   page), ``GET /patients/{id}`` (the web page, signed-in cookie) and ``POST
   /api/v1/episodes/{id}/administrations``, then the bare read again (the ratios are taken
   against the faster of its two runs: one run moved by up to ±25% from the next on this
   shared machine). ``--generator wrk`` (the default when ``wrk`` is
   installed; ``bench/_wrk.py``) runs the C load generator ``wrk -t2`` with a Lua script per
   endpoint; ``--generator httpx`` an async httpx client (one pool) in this process. Either
   prints requests/s (responses with the expected status), p50, p99, errors (any other
   status, or a transport error) and the throughput ratio to the bare read, with the
   issue's targets;
5. the caseload's first page, one request at a time (median of ``--repeat``), on the 100,
   1,000 and N-patient clinics, each on a freshly started server before any load (after
   the recording endpoint's load the database is still vacuuming what it wrote).

``--workers N`` serves the app (``attune serve --workers N``) and the bare app with N
uvicorn processes each, as the production layout does (one per core; PostgreSQL only).

``--only status,caseload`` drives only the app endpoints whose label holds one of the words
(the bare read always runs), to iterate on one path.

``--sqlite`` runs steps 2-5 on SQLite files too. The load generator shares the 2 cores
with the servers and the database, as any client on this machine would (wrk far less than
httpx in this process): compare ratios.

Run: ``python bench/http_load.py`` (``--patients 1000 --seconds 5`` while iterating).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from pydantic import SecretStr
from sqlalchemy import select, update

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))  # the test suite's throw-away PostgreSQL cluster

from _wrk import THREADS, lua_script, run_wrk  # noqa: E402
from attunement.exports import ImportRow, patient_units, read_csv_rows  # noqa: E402
from attunement.http import create_app  # noqa: E402
from attunement.http.deps import SESSION_COOKIE  # noqa: E402
from attunement.services import (  # noqa: E402
    OperatorActor,
    UserActor,
    UserCreate,
    create_user,
    login_for_session,
    login_for_token,
    seed_demo_clinic,
)
from attunement.services.bulk_import import run_import  # noqa: E402
from attunement.settings import Settings  # noqa: E402
from attunement.simulate import (  # noqa: E402
    SYNTHETIC_LABEL,
    SyntheticClinic,
    SyntheticClinician,
    simulate_clinic,
)
from attunement.simulate._csv import clinic_csv  # noqa: E402
from attunement.store import Episode, User, make_engine, make_sessionmaker, migrate  # noqa: E402

SECRET = "bench-http-load-secret-0123456789abcdef"  # a throwaway dev-mode app in a temp folder
PASSWORD = "synthetic bench password 0123"
CLINICIAN = SyntheticClinician(username="bench", display_name="Synthetic Bench Clinician")
PHQ9 = [1, 2, 1, 1, 2, 1, 1, 0, 0]


@dataclass(frozen=True)
class Endpoint:
    """One endpoint under load; each request puts the next of ``ids`` where ``{id}`` is."""

    label: str
    method: str
    path: str
    ids: list[int]
    expected: int
    headers: dict[str, str]
    body: str | None = None

    def path_for(self, n: int) -> str:
        """The ``n``-th request's path: the ids taken in a stride that visits them all."""
        if not self.ids:
            return self.path
        return self.path.replace("{id}", str(self.ids[(n * 7919) % len(self.ids)]))


@dataclass
class Load:
    """What the load generator saw for one endpoint."""

    served: int  # responses with the expected status
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # responses with another status, and transport (socket) errors
    kinds: Counter[str] = field(default_factory=Counter)  # status code or error name

    @property
    def rate(self) -> float:
        return self.served / self.seconds if self.seconds else 0.0


def _percentile(latencies: list[float], q: float) -> float:
    if not latencies:
        return float("nan")
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def warm_up(base_url: str, endpoint: Endpoint, count: int) -> None:
    """``count`` requests one at a time before the load (not counted), for either generator."""
    with httpx.Client(base_url=base_url, headers=endpoint.headers, timeout=60) as client:
        for n in range(count):
            client.request(endpoint.method, endpoint.path_for(n), content=endpoint.body)


async def drive_httpx(
    base_url: str, endpoint: Endpoint, *, seconds: float, connections: int
) -> Load:
    """``connections`` workers in this process sending requests back to back for ``seconds``.

    Latencies are of the responses with the expected status.
    """
    latencies: list[float] = []
    kinds: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=60, headers=endpoint.headers
    ) as client:
        counter = iter(range(10**9))
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                path = endpoint.path_for(next(counter))
                started = time.perf_counter()
                try:
                    response = await client.request(endpoint.method, path, content=endpoint.body)
                    kind = str(response.status_code)
                except httpx.HTTPError as error:
                    kind = type(error).__name__
                if kind == str(endpoint.expected):
                    latencies.append((time.perf_counter() - started) * 1000)
                else:
                    kinds[kind] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return Load(
        served=len(latencies),
        seconds=elapsed,
        p50_ms=_percentile(latencies, 0.5),
        p99_ms=_percentile(latencies, 0.99),
        errors=sum(kinds.values()),
        kinds=kinds,
    )


def drive_wrk(
    base_url: str, endpoint: Endpoint, *, seconds: float, connections: int, folder: Path
) -> Load:
    """wrk (``bench/_wrk.py``) on the endpoint; its script is written into ``folder``.

    Latencies are of every response (wrk's histogram), whatever its status.
    """
    script = folder / f"wrk-{re.sub('[^a-z0-9]+', '-', endpoint.label.lower()).strip('-')}.lua"
    script.write_text(
        lua_script(
            method=endpoint.method,
            path=endpoint.path,
            ids=endpoint.ids,
            headers={"Host": base_url.removeprefix("http://"), **endpoint.headers},
            body=endpoint.body,
            expected=endpoint.expected,
        ),
        encoding="utf-8",
    )
    figures = run_wrk(script, base_url, connections=connections, seconds=math.ceil(seconds))
    return Load(
        served=figures.served,
        seconds=figures.seconds,
        p50_ms=figures.p50_ms,
        p99_ms=figures.p99_ms,
        errors=figures.errors,
        kinds=figures.unexpected + figures.socket_errors,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(command: list[str], env: dict[str, str], health: str, log: Path) -> Iterator[None]:
    """Run a server process until the block ends; wait until ``health`` answers."""
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 300
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{command[2:4]} exited; see {log}")
                try:
                    if httpx.get(health, timeout=2).status_code < 500:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{health} did not answer in 300 s; see {log}")
                time.sleep(0.3)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass
class Clinic:
    url: str
    settings: Settings
    episodes: list[int]  # open episodes, their patients listed on the caseload
    patients: list[int]
    seed_seconds: float
    administrations: int
    token: str
    cookie: str

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "ATTUNE_MODE": "dev",
            "ATTUNE_SECRET_KEY": SECRET,
            "ATTUNE_DATA_DIR": str(self.settings.data_dir),
            "ATTUNE_DATABASE_URL": self.url,
            "BENCH_DATABASE_URL": self.url,
        }


def _seed_by_import(url: str, clinic: SyntheticClinic, now: dt.datetime, folder: Path) -> int:
    """The clinic as the import CSV files, imported as a clinic admin; its administrations."""
    settings = Settings(database_url=url, data_dir=folder, secret_key=SecretStr(SECRET), mode="dev")
    engine = make_engine(url)
    context = create_app(settings, engine=engine, secure_cookies=False).state.context
    operator = OperatorActor(name="bench")
    for username, role in (("bench", "clinician"), ("bench_admin", "admin")):
        created = create_user(
            context,
            operator,
            UserCreate(
                username=username,
                display_name=f"Synthetic Bench {role.title()}",
                role=role,
                password=PASSWORD,
            ),
        )
    admin = UserActor(user_id=created.id, username="bench_admin", role="admin")
    rows: list[ImportRow] = []
    for name, chunks in clinic_csv(clinic, today=now.date()).items():
        path = folder / name
        path.write_text("".join(chunks), encoding="utf-8")
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(read_csv_rows(handle, file=name))
    report = run_import(context, admin, list(patient_units(rows)), batch_size=1000)
    engine.dispose()
    return report.imported["administration"]


def seed_clinic(
    url: str, patients: int, data_dir: Path, *, reuse: bool = False, seed_with: str = "import"
) -> Clinic:
    """Migrate, seed ``patients`` synthetic patients with one clinician, sign in.

    With ``reuse``, a clinic this function seeded before with the same ``data_dir`` (its
    ``seeded.json`` records the size, the seed time and the administrations) is kept.
    """
    settings = Settings(
        database_url=url, data_dir=data_dir, secret_key=SecretStr(SECRET), mode="dev"
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    migrate(engine)
    now = dt.datetime.now(dt.UTC)
    simulated = simulate_clinic(  # the demo's simulator, its patients all with one clinician
        seed=7, n_patients=patients, start=now.date() - dt.timedelta(days=150)
    )
    clinic = SyntheticClinic(
        seed=simulated.seed,
        clinicians=(CLINICIAN,),
        patients=tuple(p.model_copy(update={"clinician": "bench"}) for p in simulated.patients),
    )
    record = data_dir / "seeded.json"
    seeded = json.loads(record.read_text()) if reuse and record.exists() else {}
    if seeded.get("patients") != patients:
        started = time.perf_counter()
        if seed_with == "demo":
            administrations = seed_demo_clinic(
                make_sessionmaker(engine), clinic, now=now
            ).administrations
        else:
            administrations = _seed_by_import(url, clinic, now, data_dir)
        seeded = {
            "patients": patients,
            "seconds": time.perf_counter() - started,
            "administrations": administrations,
            "seeded_with": seed_with,
        }
        record.write_text(json.dumps(seeded))
    context = create_app(settings, engine=engine, secure_cookies=False).state.context
    with context.sessions.begin() as session:  # the bench's own sign-in for the clinician
        session.execute(
            update(User)
            .where(User.username == "bench")
            .values(password_hash=context.passwords.hash(PASSWORD), active=True)
        )
        open_episodes = session.execute(
            select(Episode.id, Episode.patient_id)
            .where(Episode.ended_on.is_(None))
            .order_by(Episode.id)
        ).all()
    token = login_for_token(context, username="bench", password=PASSWORD).access_token
    cookie = login_for_session(context, username="bench", password=PASSWORD).token
    engine.dispose()
    return Clinic(
        url=url,
        settings=settings,
        episodes=[e for e, _ in open_episodes],
        patients=[p for _, p in open_episodes],
        seed_seconds=seeded["seconds"],
        administrations=seeded["administrations"],
        token=token,
        cookie=cookie,
    )


def app_server(
    clinic: Clinic, port: int, log: Path, workers: int = 1
) -> AbstractContextManager[None]:
    command = [sys.executable, "-m", "attunement", "serve", "--port", str(port)]
    return serving(
        [*command, "--insecure-cookies", "--workers", str(workers)],
        clinic.env(),
        f"http://127.0.0.1:{port}/api/v1/health",
        log,
    )


def bare_server(
    clinic: Clinic, port: int, log: Path, workers: int = 1
) -> AbstractContextManager[None]:
    command = [sys.executable, "-m", "uvicorn", "_bare_app:create", "--factory"]
    command += ["--workers", str(workers)]
    path = [str(BENCH), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**clinic.env(), "PYTHONPATH": os.pathsep.join(path)}
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    return serving(command, env, f"http://127.0.0.1:{port}/patients/1", log)


def caseload_time(base_url: str, token: str, repeat: int) -> float:
    """Median milliseconds of the caseload's first page, one request at a time."""
    times = []
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        for _ in range(repeat + 3):
            started = time.perf_counter()
            response = client.get("/api/v1/caseload")
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"caseload: {response.status_code}")
    return statistics.median(times[3:])


GENERATORS = {
    "wrk": f"wrk (-t{THREADS} -c{{connections}} -d{{seconds}}s --latency, a Lua script each)",
    "httpx": "httpx (async, one pool, in this Python process)",
}
BARE = "bare FastAPI: one primary-key read"
#: The bare read again, after the app's endpoints: on this shared 2-core machine one bare
#: run moved by up to ±25% from the next, so each ratio is taken against the faster of the
#: two runs (the stricter baseline; the second runs after the recording's writes).
BARE_AGAIN = "bare FastAPI again, after the app"


def endpoints(clinic: Clinic) -> tuple[Endpoint, list[Endpoint]]:
    """The bare read, and the four app endpoints with the clinician's credentials."""
    bearer = {"Authorization": f"Bearer {clinic.token}"}
    episodes, patients = clinic.episodes, clinic.patients
    record = json.dumps({"instrument": "phq9", "answers": PHQ9})
    return Endpoint(BARE, "GET", "/patients/{id}", patients, 200, {}), [
        Endpoint(
            "GET /api/v1/episodes/{id}/status",
            "GET",
            "/api/v1/episodes/{id}/status",
            episodes,
            200,
            bearer,
        ),
        Endpoint("GET /api/v1/caseload (first page)", "GET", "/api/v1/caseload", [], 200, bearer),
        Endpoint(
            "GET /patients/{id} (web page)",
            "GET",
            "/patients/{id}",
            patients,
            200,
            {"Cookie": f"{SESSION_COOKIE}={clinic.cookie}"},
        ),
        Endpoint(
            "POST /api/v1/episodes/{id}/administrations",
            "POST",
            "/api/v1/episodes/{id}/administrations",
            episodes,
            201,
            {**bearer, "Content-Type": "application/json"},
            record,
        ),
    ]


def run_load(
    clinic: Clinic, folder: Path, args: argparse.Namespace
) -> tuple[dict[str, Load], float]:
    """Each endpoint under load for ``args.seconds``; the caseload one request at a time."""
    app_port, bare_port = _free_port(), _free_port()
    bare, app = endpoints(clinic)

    def go(port: int, endpoint: Endpoint) -> Load:
        base_url = f"http://127.0.0.1:{port}"
        warm_up(base_url, endpoint, min(args.connections, 20))
        if args.generator == "wrk":
            return drive_wrk(
                base_url,
                endpoint,
                seconds=args.seconds,
                connections=args.connections,
                folder=folder,
            )
        return asyncio.run(
            drive_httpx(base_url, endpoint, seconds=args.seconds, connections=args.connections)
        )

    results: dict[str, Load] = {}
    with bare_server(clinic, bare_port, folder / "bare.log", args.workers):
        results[BARE] = go(bare_port, bare)
    with app_server(clinic, app_port, folder / "app.log", args.workers):
        # before the load, as on the smaller clinics: after it the database is still
        # vacuuming and checkpointing what the recording endpoint wrote
        one_at_a_time = caseload_time(f"http://127.0.0.1:{app_port}", clinic.token, args.repeat)
        for endpoint in app:
            if not args.only or any(word in endpoint.label for word in args.only):
                results[endpoint.label] = go(app_port, endpoint)
    with bare_server(clinic, bare_port, folder / "bare-again.log", args.workers):
        results[BARE_AGAIN] = go(bare_port, bare)
    return results, one_at_a_time


TARGETS = {
    "GET /api/v1/episodes/{id}/status": "≥ 50% of bare req/s",
    "GET /api/v1/caseload (first page)": "≥ 30% of bare req/s",
    "GET /patients/{id} (web page)": "p99 < 300 ms",
    "POST /api/v1/episodes/{id}/administrations": "p99 < 150 ms",
}


def report(
    name: str,
    clinic: Clinic,
    results: dict[str, Load],
    small: dict[int, float],
    args: argparse.Namespace,
) -> None:
    rate = len(clinic.patients) and clinic.seed_seconds
    print(
        f"\n{name}: {SYNTHETIC_LABEL}; {clinic.administrations:,} administrations seeded in "
        f"{clinic.seed_seconds:.1f} s ({clinic.administrations / rate:,.0f} administrations/s)"
    )
    print(f"load generator: {args.generator}; uvicorn workers (app and bare alike): {args.workers}")
    bare = max(results[BARE].rate, results[BARE_AGAIN].rate)
    print("vs bare: against the faster of the two runs of the bare read (before and after)")
    print(f"{'endpoint':<46}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'vs bare':>9}")
    for label, load in results.items():
        print(
            f"{label:<46}{load.rate:>9.0f}{load.p50_ms:>9.1f}"
            f"{load.p99_ms:>9.1f}{load.errors:>8}{load.rate / bare:>8.0%}"
            f"   {TARGETS.get(label, '')}"
        )
        if load.kinds:
            print(f"{'':<46}errors: {dict(load.kinds)}")
    print("caseload first page, one request at a time (median ms), target: flat")
    for size, ms in small.items():
        print(f"  {size:>7,} patients: {ms:8.1f} ms   ({ms / min(small.values()):.2f}x)")


def _postgres(args: argparse.Namespace) -> tuple[Callable[[str], str], Callable[[], None]]:
    """A function naming a fresh database URL, and the clean-up."""
    from tests.support.postgres import PostgresServer, start_throwaway_cluster

    if args.postgres:
        server = PostgresServer(args.postgres, None)
    else:
        started, reason = start_throwaway_cluster()
        if started is None:
            raise SystemExit(f"no PostgreSQL: {reason}; give --postgres URL")
        server = started
    made: list[str] = []

    def fresh(name: str) -> str:
        database = f"attune_http_load_{name}"
        if not args.reuse:
            server.drop_database(database)
            made.append(database)
        with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # --reuse: kept
            server.create_database(database)
        return server.url_for(database)

    def cleanup() -> None:
        for database in made:
            server.drop_database(database)
        server.shutdown()

    return fresh, cleanup


def run_backend(
    name: str, url_for: Callable[[str], str], folder: Path, args: argparse.Namespace
) -> None:
    sizes = sorted({s for s in (100, 1000) if s < args.patients} | {args.patients})
    small: dict[int, float] = {}
    for size in sizes[:-1]:
        clinic = seed_clinic(
            url_for(str(size)),
            size,
            folder / f"{name}-{size}",
            reuse=args.reuse,
            seed_with=args.seed_with,
        )
        if args.seed_only:
            continue
        port = _free_port()
        with app_server(clinic, port, folder / f"app-{name}-{size}.log"):
            small[size] = caseload_time(f"http://127.0.0.1:{port}", clinic.token, args.repeat)
    clinic = seed_clinic(
        url_for(str(args.patients)),
        args.patients,
        folder / f"{name}-{args.patients}",
        reuse=args.reuse,
        seed_with=args.seed_with,
    )
    print(f"{name}: seeded {args.patients:,} patients in {clinic.seed_seconds:.1f} s", flush=True)
    if args.seed_only:
        return
    results, small[args.patients] = run_load(clinic, folder, args)
    report(name, clinic, results, small, args)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20.0, help="load per endpoint")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=30, help="caseload requests per size")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="uvicorn worker processes of the app and of the bare app alike (attune serve "
        "--workers; several need PostgreSQL, so --sqlite runs keep one)",
    )
    parser.add_argument("--postgres", help="a PostgreSQL URL whose user may create databases")
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite files too")
    parser.add_argument("--workdir", type=Path, help="keep data folders here (default: temp)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --postgres and --workdir: keep the clinics an earlier run seeded there",
    )
    parser.add_argument("--seed-only", action="store_true", help="seed the clinics, then stop")
    parser.add_argument(
        "--only",
        type=lambda words: [w.strip() for w in words.split(",") if w.strip()],
        default=[],
        help="drive only the app endpoints whose label contains one of these comma-separated "
        "words (e.g. 'status,caseload'); the bare read always runs",
    )
    parser.add_argument(
        "--seed-with",
        choices=("import", "demo"),
        default="import",
        help="seed by the bulk import (default) or one patient at a time as `attune demo` does",
    )
    parser.add_argument(
        "--generator",
        choices=("wrk", "httpx"),
        default="wrk" if shutil.which("wrk") else "httpx",
        help="the load generator: wrk (default when installed), or httpx in this process",
    )
    args = parser.parse_args(argv)
    if args.generator == "wrk" and not shutil.which("wrk"):
        parser.error("--generator wrk: no wrk on PATH (Debian package 'wrk'); or --generator httpx")
    if args.reuse and not (args.postgres and args.workdir):
        parser.error("--reuse needs --postgres URL and --workdir DIR (the clinics kept there)")
    if args.workers < 1:
        parser.error(f"--workers {args.workers}: give 1 or more worker processes")
    print(f"{SYNTHETIC_LABEL}: {args.patients:,} patients, {args.connections} connections, ")
    print(f"{args.seconds:g} s per endpoint, loopback; nproc={os.cpu_count()}")
    generator = GENERATORS[args.generator].format(
        connections=args.connections, seconds=math.ceil(args.seconds)
    )
    print(f"load generator: {generator}", flush=True)
    with tempfile.TemporaryDirectory(prefix="attune-http-load-") as tmp:
        folder = args.workdir or Path(tmp)
        fresh, cleanup = _postgres(args)
        try:
            run_backend("PostgreSQL", fresh, folder, args)
        finally:
            cleanup()
        if args.sqlite:
            one_writer = argparse.Namespace(**{**vars(args), "workers": 1})

            def sqlite_url(name: str) -> str:
                return f"sqlite:///{folder / f'clinic-{name}.sqlite3'}"

            run_backend("SQLite", sqlite_url, folder, one_writer)


if __name__ == "__main__":
    main()
