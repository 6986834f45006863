"""Files with health data are written private to the user (0600), whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from attunement._private_files import (
    create_private,
    write_private,
    write_private_bytes,
    write_private_text,
)
from attunement.store import make_engine


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """A umask that would make ordinary files 0644: the helper must not depend on it."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_text_and_bytes_are_written_0600_even_over_a_public_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "status.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o644)
    write_private_text(target, "{}")
    assert (target.read_text(encoding="utf-8"), _mode(target)) == ("{}", 0o600)
    report = write_private_bytes(tmp_path / "new" / "report.pdf", b"%PDF")
    assert (report.read_bytes(), _mode(report)) == (b"%PDF", 0o600)


def test_a_writer_that_recreates_its_file_still_leaves_it_private(tmp_path: Path) -> None:
    def recreate(temporary: Path) -> None:
        temporary.unlink()
        temporary.write_text("rows", encoding="utf-8")
        os.chmod(temporary, 0o664)

    assert _mode(write_private(tmp_path / "export.csv", recreate)) == 0o600


def test_a_failed_write_leaves_the_target_untouched_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    write_private_text(target, "kept")

    def fail(temporary: Path) -> None:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_private(target, fail)
    assert target.read_text(encoding="utf-8") == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.md"]


def test_create_private_keeps_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(b"data")
    create_private(path)
    assert path.read_bytes() == b"data"


def test_a_new_sqlite_database_and_its_wal_are_private(tmp_path: Path) -> None:
    database = tmp_path / "clinic" / "attunement.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        files = [p for p in database.parent.iterdir() if p.name.startswith("attunement.db")]
        assert database in files
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    finally:
        engine.dispose()
