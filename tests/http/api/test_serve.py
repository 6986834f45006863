"""``attune serve`` for real: migrates, listens, sends the headers, keeps tokens out of logs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from attunement.security import new_token


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_migrates_and_answers_with_tokens_redacted_from_the_access_log(
    tmp_path: Path,
) -> None:
    port = _free_port()
    env = os.environ | {"ATTUNE_MODE": "dev", "ATTUNE_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "attunement", "serve", "--port", str(port)]
    command += ["--db", f"sqlite:///{tmp_path / 'served.sqlite3'}", "--insecure-cookies"]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    secret = new_token("inv")
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"{base}/api/v1/health", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, "attune serve exited early"
                assert time.monotonic() < deadline, "attune serve did not start"
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        assert health.headers["x-frame-options"] == "DENY"
        httpx.get(f"{base}/self-report/{secret}", timeout=5)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
    assert "GET /api/v1/health" in output
    assert secret not in output
    assert "GET /self-report/{token}" in output  # the route, never the path
