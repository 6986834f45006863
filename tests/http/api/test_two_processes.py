"""Two real ``attune serve`` processes on one PostgreSQL database share one truth (issue 13).

Each property is proved with real HTTP against two separate server processes (distinct
loopback ports, one throw-away database), as two machines behind a load balancer would run:
the sign-in lockout counts failures at both, a session or token ended at one is ended at the
other, a patient link is spent once whichever process takes it, a CDS Hooks token accepted by
one is a replay at the other, an ``Idempotency-Key`` answers the first result at both, and
the audit chain stays verifiable after concurrent writes to both. ``attune serve --workers 2``
runs two worker processes on one port and stops them all on SIGTERM.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from attunement.http import create_app
from attunement.settings import Settings
from attunement.store import AuditEntry, Invitation, make_engine
from tests.services.world import PASSWORD, World, build_world, fast_passwords
from tests.support.interop import EhrKeys
from tests.support.postgres import PostgresServer

#: Random-looking secrets (dev mode; both processes get the same ones from the environment).
SECRET = "nYc4Lk0sA7uQ2pXw9EbT5rVz3HmG8dJf1KqW6oNe"
AUDIT_KEY = "Qm7vT2xR9pL4wK8nZ3cF6hJ1bD5gS0aYeU"
PUBLIC_URL = "https://attunement.example"
PHQ9_5 = [1, 1, 1, 1, 1, 0, 0, 0, 0]
INSECURE = ("--insecure-cookies",)  # plain http on loopback (dev mode)
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(process: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, "attune serve exited early"
        assert time.monotonic() < deadline, "attune serve did not start"
        time.sleep(0.3)


def _stop(process: subprocess.Popen[str], workers: tuple[int, ...] = ()) -> str:
    """SIGTERM, as a service manager stops it; if that fails, kill it and its workers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        for pid in (process.pid, *workers):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        output, _ = process.communicate(timeout=30)
    return output


@dataclass
class Clinic:
    database_url: str
    env: dict[str, str]
    world: World
    ehr: EhrKeys
    bases: tuple[str, str]


def _fresh_database(server: PostgresServer, template: str) -> tuple[str, str]:
    name = f"attune_two_{uuid.uuid4().hex[:12]}"
    server.create_database(name, template=template)
    return name, server.url_for(name)


def _world(database_url: str, folder: Path) -> World:
    """The clinic's accounts, patients and episodes, written with the servers' own keys."""
    settings = Settings(
        mode="dev",
        secret_key=SECRET,  # type: ignore[arg-type]
        audit_key=AUDIT_KEY,  # type: ignore[arg-type]
        data_dir=folder,
        public_url=PUBLIC_URL,
    )
    engine = make_engine(database_url)
    try:
        app = create_app(settings, engine=engine, passwords=fast_passwords())
        return build_world(app.state.context)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def clinic(
    postgres_server: PostgresServer,
    postgres_template: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Clinic]:
    name, database_url = _fresh_database(postgres_server, postgres_template)
    folder = tmp_path_factory.mktemp("two-processes")
    ehr = EhrKeys()
    trust_file = folder / "cds-trust.json"
    issuers = [{"iss": "https://ehr.example.org/", "jwks": ehr.jwks()}]
    trust_file.write_text(json.dumps({"issuers": issuers}))
    env = os.environ | {
        "ATTUNE_MODE": "dev",
        "ATTUNE_SECRET_KEY": SECRET,
        "ATTUNE_AUDIT_KEY": AUDIT_KEY,
        "ATTUNE_DATA_DIR": str(folder),
        "ATTUNE_PUBLIC_URL": PUBLIC_URL,
        "ATTUNE_CDS_TRUST_FILE": str(trust_file),
        "ATTUNE_DATABASE_URL": database_url,
    }
    world = _world(database_url, folder)
    ports = (_free_port(), _free_port())
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "attunement", "serve", "--port", str(port), *INSECURE],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for port in ports
    ]
    bases = (f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
    try:
        for process, base in zip(processes, bases, strict=True):
            _wait_until_serving(process, base)
        yield Clinic(database_url, env, world, ehr, bases)
    finally:
        outputs = [_stop(process) for process in processes]
        postgres_server.drop_database(name)
    for output in outputs:  # no patient data in either process's log
        assert "Synthetic" not in output
        assert "Traceback" not in output


def _token(base: str, username: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(
        f"{base}/api/v1/auth/token", data={"username": username, "password": password}, timeout=30
    )


def _bearer(base: str, username: str) -> dict[str, str]:
    issued = _token(base, username)
    assert issued.status_code == 200, issued.text
    return {"Authorization": f"Bearer {issued.json()['access_token']}"}


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


# --------------------------------------------------------------------------- the properties


def test_sign_in_failures_at_both_processes_lock_the_account_at_both(clinic: Clinic) -> None:
    first, second = clinic.bases
    for base in (first, second, first, second, first):  # 5 failures: 3 here, 2 there
        assert _token(base, "sam", "not the password").status_code == 401
    for base in clinic.bases:  # neither process alone saw 5, yet both refuse the right one
        locked = _token(base, "sam")
        assert locked.status_code == 429, locked.text


def test_failures_racing_at_both_processes_are_all_counted(clinic: Clinic) -> None:
    """Five wrong passwords at once, split over both processes: none of the counts is lost
    (the throttle rows are locked while counted), so the fifth locks the account."""
    first, second = clinic.bases
    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(
            pool.map(_token, (first, second, first, second, first), ("admin",) * 5, ("x",) * 5)
        )
    assert [a.status_code for a in answers] == [401] * 5
    for base in clinic.bases:
        assert _token(base, "admin").status_code == 429


def test_signing_out_at_one_process_ends_the_web_session_at_the_other(clinic: Clinic) -> None:
    first, second = clinic.bases
    with httpx.Client(base_url=first, timeout=30) as one:
        page = one.get("/login")
        signed_in = one.post(
            "/login",
            data={"username": "ben", "password": PASSWORD, "csrf_token": _csrf(page.text)},
        )
        assert signed_in.status_code == 303, signed_in.text
        with httpx.Client(base_url=second, timeout=30, cookies=one.cookies) as other:
            caseload = other.get("/caseload")
            assert caseload.status_code == 200  # the session signed in at the first process
            ended = other.post("/logout", data={"csrf_token": _csrf(caseload.text)})
            assert ended.status_code == 303
        after = one.get("/caseload")  # still sends the cookie the other process ended
        assert after.status_code == 303, after.status_code
        assert after.headers["location"].startswith("/login")


def test_a_token_revoked_at_one_process_is_refused_by_the_other(clinic: Clinic) -> None:
    first, second = clinic.bases
    auth = _bearer(first, "ben")
    assert httpx.get(f"{second}/api/v1/users/me", headers=auth, timeout=30).status_code == 200
    assert httpx.post(f"{second}/api/v1/auth/revoke", headers=auth, timeout=30).status_code == 204
    assert httpx.get(f"{first}/api/v1/users/me", headers=auth, timeout=30).status_code == 401


def _invite(base: str, auth: dict[str, str], episode: int) -> str:
    issued = httpx.post(
        f"{base}/api/v1/episodes/{episode}/invitations",
        json={"instruments": ["phq9"]},
        headers=auth,
        timeout=30,
    )
    assert issued.status_code == 201, issued.text
    token: str = issued.json()["token"]
    return token


def _self_report(base: str, token: str) -> httpx.Response:
    return httpx.post(
        f"{base}/api/v1/self-report",
        json={"responses": [{"instrument": "phq9", "answers": PHQ9_5}]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


def _count(database_url: str, model: type[Any]) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def test_a_patient_link_used_at_one_process_cannot_be_used_at_the_other(clinic: Clinic) -> None:
    first, second = clinic.bases
    auth = _bearer(first, "ben")
    token = _invite(first, auth, clinic.world.episode_b)
    assert _self_report(first, token).status_code == 201
    replay = _self_report(second, token)
    assert replay.status_code == 401, replay.text


def test_a_link_sent_to_both_processes_at_once_is_spent_exactly_once(clinic: Clinic) -> None:
    first, second = clinic.bases
    auth = _bearer(second, "ben")
    history = f"/api/v1/episodes/{clinic.world.episode_b}/administrations"
    for _ in range(3):
        token = _invite(second, auth, clinic.world.episode_b)
        before = len(httpx.get(f"{first}{history}", headers=auth, timeout=30).json())
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(_self_report, (first, second), (token, token)))
        assert sorted(a.status_code for a in answers) == [201, 401], [a.text for a in answers]
        after = len(httpx.get(f"{first}{history}", headers=auth, timeout=30).json())
        assert after == before + 1
    assert _count(clinic.database_url, Invitation) >= 3


def test_a_cds_hooks_token_accepted_by_one_process_is_a_replay_at_the_other(
    clinic: Clinic,
) -> None:
    first, second = clinic.bases
    token = clinic.ehr.sign(aud=f"{PUBLIC_URL}/cds-services", now=dt.datetime.now(dt.UTC))
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{first}/cds-services", headers=headers, timeout=30).status_code == 200
    replayed = httpx.get(f"{second}/cds-services", headers=headers, timeout=30)
    assert replayed.status_code == 401
    assert "replay" in replayed.text


def test_an_idempotency_key_answers_the_first_result_at_the_other_process(clinic: Clinic) -> None:
    first, second = clinic.bases
    auth = _bearer(first, "ben") | {"Idempotency-Key": str(uuid.uuid4())}
    body = {"display_name": "Synthetic Idem", "preferred_language": "en", "external_id": "ID-2"}
    created = httpx.post(f"{first}/api/v1/patients", json=body, headers=auth, timeout=30)
    assert created.status_code == 201, created.text
    repeated = httpx.post(f"{second}/api/v1/patients", json=body, headers=auth, timeout=30)
    assert repeated.status_code == 201
    assert repeated.headers.get("idempotent-replayed") == "true"
    assert repeated.json()["id"] == created.json()["id"]
    listed = httpx.get(f"{second}/api/v1/patients", headers=auth, timeout=30).json()
    assert [p["external_id"] for p in listed].count("ID-2") == 1


def test_the_audit_chain_stays_linear_and_verifiable_after_writes_to_both(clinic: Clinic) -> None:
    first, second = clinic.bases
    auths = {base: _bearer(base, "ana") for base in clinic.bases}
    before = _count(clinic.database_url, AuditEntry)

    def work(n: int) -> int:
        base = (first, second)[n % 2]
        if n % 3 == 0:
            url = f"{base}/api/v1/patients/{clinic.world.patient_a}"
            return httpx.get(url, headers=auths[base], timeout=60).status_code
        body = {"display_name": f"Synthetic {n}", "preferred_language": "en"}
        return httpx.post(
            f"{base}/api/v1/patients", json=body, headers=auths[base], timeout=60
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(work, range(30)))
    assert set(codes) <= {200, 201}, codes
    assert _count(clinic.database_url, AuditEntry) >= before + 30
    verified = subprocess.run(
        [sys.executable, "-m", "attunement", "audit", "verify", "--json"],
        env=clinic.env,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["intact"] is True


# --------------------------------------------------------------------------- --workers 2


def _workers_of(parent: int) -> list[int]:
    """The spawned worker processes of ``parent`` (its children running spawn_main)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and "spawn_main" in command:
            found.append(int(entry.name))
    return found


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "zombie"  # gone meanwhile


def test_serve_with_two_workers_serves_from_two_processes_and_stops_on_sigterm(
    postgres_server: PostgresServer, postgres_template: str, tmp_path: Path
) -> None:
    name, database_url = _fresh_database(postgres_server, postgres_template)
    env = os.environ | {"ATTUNE_MODE": "dev", "ATTUNE_DATA_DIR": str(tmp_path)}
    env.pop("ATTUNE_SECRET_KEY", None)  # the parent's drawn secret must reach every worker
    env.pop("ATTUNE_DATABASE_URL", None)  # --db must reach every worker
    _world(database_url, tmp_path)
    port = _free_port()
    command = [sys.executable, "-m", "attunement", "serve", "--port", str(port), "--workers", "2"]
    command += ["--db", database_url, "--insecure-cookies"]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    workers: tuple[int, ...] = ()
    try:
        _wait_until_serving(server, base)
        deadline = time.monotonic() + 60
        while len(workers) < 2:
            assert time.monotonic() < deadline, "two worker processes did not start"
            time.sleep(0.3)
            workers = tuple(_workers_of(server.pid))
        assert len(workers) == 2
        auth = _bearer(base, "ben")
        for _ in range(20):  # a fresh connection each time: the kernel spreads them
            with httpx.Client(base_url=base, timeout=30) as fresh:
                assert fresh.get("/api/v1/health").json() == {"status": "ok"}
                assert fresh.get("/api/v1/users/me", headers=auth).status_code == 200
                leak = fresh.get("/api/v1/patients/Synthetic Bruno", headers=auth)
                assert leak.status_code in (404, 422)  # a name where an id belongs
    finally:
        output = _stop(server, workers)
        postgres_server.drop_database(name)
    assert server.returncode == 0, output
    assert "with 2 worker processes" in output
    assert "GET /api/v1/users/me" in output  # the access log works in the workers
    assert "Bearer" not in output
    assert "atk_" not in output
    assert "Synthetic" not in output  # the workers' logs hold no patient data
    for pid in workers:  # each worker stopped too (gone, or a zombie awaiting its reaper)
        assert not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid)
