"""A real ``attune serve``: its stderr holds no health data, a database error is one line
and a proper 500, and ``X-Forwarded-For`` is believed only from a listed proxy.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from typer.testing import CliRunner

from attunement.cli import app as cli
from attunement.security import new_token
from tests.services.world import PASSWORD

MARKER = "Qx7ServeMarker"
SECRET = "serve-test-Kq3vR8zL1mN6pW2xT9bY4cH7dJ0fG5sA"


@dataclass
class Served:
    base: str
    url: str
    log: list[str]  # filled with stderr once the server stopped


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _clinic(tmp_path: Path) -> str:
    """A migrated SQLite clinic with clinician ``ana`` and a database failure on demand."""
    path = tmp_path / "served.sqlite3"
    url = f"sqlite:///{path}"
    made = CliRunner().invoke(
        cli,
        ["users", "create", "ana", "--role", "clinician", "--password-stdin", "--db", url],
        input=PASSWORD + "\n",
    )
    assert made.exit_code == 0, made.output
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON patients WHEN NEW.display_name LIKE '%boom%' "
            "BEGIN SELECT zeroblob(2000000000); END"  # DataError: string or blob too big
        )
    return url


@contextmanager
def served(tmp_path: Path, **env: str) -> Iterator[Served]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    url = _clinic(tmp_path)
    port = _free_port()
    environment = os.environ | {
        "ATTUNE_MODE": "dev",
        "ATTUNE_DATA_DIR": str(tmp_path),
        "ATTUNE_SECRET_KEY": SECRET,
    }
    command = [sys.executable, "-m", "attunement", "serve", "--port", str(port)]
    command += ["--db", url, "--insecure-cookies"]
    server = subprocess.Popen(
        command,
        env=environment | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    result = Served(base=f"http://127.0.0.1:{port}", url=url, log=[])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{result.base}/api/v1/health", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, "attune serve exited early"
                assert time.monotonic() < deadline, "attune serve did not start"
                time.sleep(0.2)
        yield result
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=15)
        result.log.extend([stdout, stderr])


def _web_sign_in(client: httpx.Client) -> None:
    page = client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "the sign-in form carries a CSRF token"
    signed_in = client.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": found.group(1)},
    )
    assert signed_in.status_code in {200, 303}, signed_in.status_code


def test_served_logs_hold_no_marker_and_a_database_error_is_one_line(tmp_path: Path) -> None:
    invitation = new_token("inv")
    with served(tmp_path) as app, httpx.Client(base_url=app.base, timeout=10) as client:
        token = client.post("/api/v1/auth/token", data={"username": "ana", "password": PASSWORD})
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
        listed = client.get("/api/v1/patients", params={"q": MARKER}, headers=auth)
        assert listed.status_code == 200
        failed = client.post(
            "/api/v1/patients", json={"display_name": f"{MARKER} boom"}, headers=auth
        )
        assert failed.status_code == 500
        assert failed.json()["detail"] == "internal error"
        assert failed.headers.get("connection") != "close"
        assert client.get("/api/v1/health").status_code == 200
        client.post("/api/v1/auth/token", data={"username": MARKER, "password": MARKER})
        client.get(f"/self-report/{invitation}")
        _web_sign_in(client)
        assert client.get("/caseload", params={"q": MARKER}).status_code == 200
    stdout, stderr = app.log
    assert MARKER not in stdout + stderr
    assert invitation not in stdout + stderr
    assert '"GET /api/v1/patients" 200' in stderr
    assert '"GET /caseload" 200' in stderr
    unhandled = [line for line in stderr.splitlines() if "unhandled" in line]
    assert len(unhandled) == 1, stderr
    assert "DataError" in unhandled[0]
    assert "POST /api/v1/patients" in unhandled[0]
    assert "Traceback" not in stderr
    assert "Exception in ASGI application" not in stderr


def _lock_pair_then_sign_in(client: httpx.Client) -> int:
    """Five failures claiming one forwarded address, then the right password claiming
    another: 429 when the header is ignored (one pair), 200 when it is believed."""
    for _ in range(5):
        client.post(
            "/api/v1/auth/token",
            data={"username": "ana", "password": "wrong password here"},
            headers={"X-Forwarded-For": "203.0.113.1"},
        )
    response = client.post(
        "/api/v1/auth/token",
        data={"username": "ana", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.99"},
    )
    return response.status_code


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(tmp_path: Path) -> None:
    with served(tmp_path / "plain") as app, httpx.Client(base_url=app.base) as client:
        assert _lock_pair_then_sign_in(client) == 429
    with (
        served(tmp_path / "proxied", ATTUNE_TRUSTED_PROXIES="127.0.0.1") as app,
        httpx.Client(base_url=app.base) as client,
    ):
        assert _lock_pair_then_sign_in(client) == 200
