"""Start and use a throw-away PostgreSQL cluster for the storage tests."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url


@dataclass
class PostgresServer:
    """A server reachable at ``admin_url``; ``stop`` shuts it down when we started it."""

    admin_url: str
    stop: Callable[[], None] | None

    def url_for(self, database: str) -> str:
        url = make_url(self.admin_url).set(drivername="postgresql+psycopg", database=database)
        return url.render_as_string(hide_password=False)

    def _admin_dsn(self) -> str:
        url = make_url(self.admin_url).set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    def create_database(self, name: str, template: str | None = None) -> None:
        clause = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(self._admin_dsn(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"{clause}')  # type: ignore[arg-type]

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self._admin_dsn(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]

    def shutdown(self) -> None:
        if self.stop is not None:
            self.stop()


def _find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_throwaway_cluster(*, fsync: bool = False) -> tuple[PostgresServer | None, str]:
    """initdb + pg_ctl start in a new temporary folder; (server, "") or (None, reason).

    ``fsync`` off (the tests) skips syncing commits to disk; a benchmark of commits turns
    it on, as in production.

    The folder lives directly under the system temp directory so that the ``postgres``
    user can reach it (pytest's own temp folders are private to root).
    """
    folder = Path(tempfile.mkdtemp(prefix="attune-pg-"))
    initdb, pg_ctl = _find_binary("initdb"), _find_binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        return None, "initdb/pg_ctl not found (install Debian's 'postgresql' package)"
    prefix: list[str] = []
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            return None, "running as root and there is no 'postgres' user to run the server"
        os.chown(folder, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()
    log = folder / "server.log"
    steps = [
        [initdb, "-D", str(data), "-A", "trust", "-U", "attune", "-E", "UTF8", "--no-sync"],
        [
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 "
            f"-c fsync={'on' if fsync else 'off'}",
            "start",
        ],
    ]
    for step in steps:
        done = subprocess.run([*prefix, *step], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return (
                None,
                f"{Path(step[0]).name} failed: {(done.stderr or done.stdout).strip()[:300]}",
            )

    def stop() -> None:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)

    return PostgresServer(f"postgresql+psycopg://attune@127.0.0.1:{port}/postgres", stop), ""
