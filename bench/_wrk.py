"""wrk, a C load generator, as ``bench/http_load.py``'s load generator (``--generator wrk``).

A load generator in the benchmark's own Python process shares the 2 cores with the servers
and spends them on its own event loop; wrk's event loop in C costs far less per request.
For each endpoint this module writes a Lua script (the endpoint's settings, then
``bench/wrk/endpoint.lua``), runs ``wrk -t2 -c{connections} -d{seconds}s --latency`` on it
against a loopback URL, and parses the line the script's ``done()`` prints.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ENDPOINT_LUA = Path(__file__).resolve().parent / "wrk" / "endpoint.lua"
MARKER = "wrk-figures "
THREADS = 2
TIMEOUT_SECONDS = 60  # a slower response is a timeout error; the httpx generator waits as long


@dataclass(frozen=True)
class WrkFigures:
    """What wrk saw for one endpoint; latencies are of every response, served or not."""

    requests: int  # responses of any status
    seconds: float
    served: int  # responses with the expected status
    p50_ms: float
    p99_ms: float
    unexpected: Counter[str] = field(default_factory=Counter)  # status -> responses
    socket_errors: Counter[str] = field(default_factory=Counter)  # connect, read, ... -> count

    @property
    def errors(self) -> int:
        """Responses with another status than the expected one, and socket errors."""
        return sum(self.unexpected.values()) + sum(self.socket_errors.values())


def parse_wrk_figures(output: str) -> WrkFigures:
    """The figures of the ``wrk-figures {...}`` line ``endpoint.lua``'s ``done()`` prints."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            figures = json.loads(line.removeprefix(MARKER))
            break
    else:
        raise ValueError(f"no {MARKER.strip()!r} line in wrk's output:\n{output}")
    return WrkFigures(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        served=figures["served"],
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        unexpected=Counter(figures["unexpected"]),
        socket_errors=Counter({k: v for k, v in figures["socket_errors"].items() if v}),
    )


def lua_string(text: str) -> str:
    """``text`` as a Lua string literal: printable ASCII kept, every other byte escaped."""
    escaped = "".join(
        chr(b) if 32 <= b < 127 and b not in b'"\\' else f"\\{b:03d}" for b in text.encode()
    )
    return f'"{escaped}"'


def lua_script(
    *,
    method: str,
    path: str,
    ids: list[int],
    headers: dict[str, str],
    body: str | None,
    expected: int,
) -> str:
    """The script for one endpoint; ``path`` holds ``{id}`` where each request puts an id."""
    prefix, _, suffix = path.partition("{id}")
    lines = [
        f"method = {lua_string(method)}",
        f"prefix = {lua_string(prefix)}",
        f"suffix = {lua_string(suffix)}",
        "ids = {" + ", ".join(map(str, ids)) + "}",
        "headers = {"
        + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
        + "}",
        f"body = {'nil' if body is None else lua_string(body)}",
        f"expected = {expected}",
        f"thread_count = {THREADS}",
    ]
    return "\n".join(lines) + "\n\n" + ENDPOINT_LUA.read_text(encoding="utf-8")


def run_wrk(script: Path, url: str, *, connections: int, seconds: int) -> WrkFigures:
    """``wrk`` on ``url`` (loopback) for ``seconds``, killed if it runs a minute longer."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"the load stays on loopback, not {url}")
    command = ["wrk", f"-t{THREADS}", f"-c{max(connections, THREADS)}", f"-d{seconds}s"]
    command += ["--latency", f"--timeout={TIMEOUT_SECONDS}s", "-s", str(script), url]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if done.returncode != 0 or MARKER not in done.stdout:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr}")
    return parse_wrk_figures(done.stdout)
