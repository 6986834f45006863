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
        """``CREATE DATABASE``, from ``template`` when given. On PostgreSQL 15 and later the
        copy is a file copy (``STRATEGY FILE_COPY``): for the small test databases it is
        about a third faster than the default WAL-logged copy (the same files either way)."""
        clause = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(self._admin_dsn(), autocommit=True) as connection:
            if template and connection.info.server_version >= 150000:
                clause += " STRATEGY FILE_COPY"
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


#: A memory-backed folder for a test cluster's files, where the machine has one.
MEMORY_FOLDER = Path("/dev/shm")


#: What the memory folder must have free to be used: a container's default ``/dev/shm`` is
#: 64 MB, which a test cluster (WAL up to 256 MB) or the run's SQLite files would fill.
MEMORY_NEEDED = 2 * 1024**3


def memory_folder_usable() -> bool:
    """Whether ``MEMORY_FOLDER`` exists, is writable and has ``MEMORY_NEEDED`` free."""
    if not (MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK | os.X_OK)):
        return False
    return shutil.disk_usage(MEMORY_FOLDER).free >= MEMORY_NEEDED


def _cluster_parent(in_memory: bool) -> str | None:
    """Where the cluster's folder goes: ``MEMORY_FOLDER`` when asked for and usable, else the
    system temp directory (``None``)."""
    return str(MEMORY_FOLDER) if in_memory and memory_folder_usable() else None


def start_throwaway_cluster(
    *, fsync: bool = False, in_memory: bool = False
) -> tuple[PostgresServer | None, str]:
    """initdb + pg_ctl start in a new temporary folder; (server, "") or (None, reason).

    ``fsync`` off (the tests) skips syncing commits to disk; a benchmark of commits turns
    it on, as in production.

    The folder lives directly under the system temp directory so that the ``postgres``
    user can reach it (pytest's own temp folders are private to root) — or, with
    ``in_memory`` (the tests), under ``/dev/shm`` where there is one: the tests create and
    drop a database for thousands of tests, and on a disk-backed folder of a busy machine
    each ``CREATE DATABASE`` from a template took 0.3–0.45 s (the files of ~150 relations
    created, written and later unlinked), on memory 0.02–0.04 s. The server's WAL is kept
    small there (``max_wal_size``), as it is memory.
    """
    folder = Path(tempfile.mkdtemp(prefix="attune-pg-", dir=_cluster_parent(in_memory)))
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
            f"-c fsync={'on' if fsync else 'off'}"
            + (" -c max_wal_size=256MB -c min_wal_size=64MB" if in_memory else ""),
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
