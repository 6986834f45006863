"""Every command that reads a file or writes an output: bad input exits 2 with one line.

Issue 18 found 11 of 61 bad inputs printing a traceback (a binary file to ``attune
status``, JSON nested 10,000 deep, a YAML date ``2026-13-45``, ``--output /proc/nope``).
Each command below is fed each kind of bad file, and each writer an output it cannot
write; the answer must be exit code 2, one line on stderr, no traceback, and no file
written where an output was refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.documents.conftest import seeded
from typer.testing import CliRunner

from attunement.cli import app
from attunement.cli._files import MAX_INPUT_BYTES, MAX_NODES
from attunement.store import make_engine, migrate

runner = CliRunner()

EPISODE = {"outcome": {"instrument": "phq9", "sessions": [{"session": 1, "score": 15}]}}
PHQ9_CSV = "id," + ",".join(f"phq9_{n}" for n in range(1, 10)) + "\nx,1,1,1,1,1,1,1,1,0\n"


def _binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def _not_utf8(path: Path) -> None:
    path.write_bytes("reactance: alta — \u00e9\n".encode("latin-1", "replace"))


def _nested(path: Path) -> None:
    path.write_text("[" * 10_000 + "]" * 10_000, encoding="utf-8")


def _huge(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"padding": "')
        handle.write("x" * (MAX_INPUT_BYTES + 1))
        handle.write('"}')


def _bad_date(path: Path) -> None:
    path.write_text("outcome:\n  started_on: 2026-13-45\n", encoding="utf-8")


def _self_reference(path: Path) -> None:
    path.write_text("a: &loop [*loop]\n", encoding="utf-8")


def _not_json(path: Path) -> None:
    path.write_text('{"resourceType": "Bundle",', encoding="utf-8")


BAD_FILES: dict[str, Callable[[Path], None]] = {
    "binary": _binary,
    "not-utf8": _not_utf8,
    "nested-10000": _nested,
    "huge": _huge,
    "yaml-date-2026-13-45": _bad_date,
    "yaml-self-reference": _self_reference,
    "truncated-json": _not_json,
}


def _assert_one_line_exit_2(result: object) -> None:
    exit_code = result.exit_code  # type: ignore[attr-defined]
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert exit_code == 2, (exit_code, result.output, result.exception)  # type: ignore[attr-defined]
    assert isinstance(result.exception, SystemExit), result.exception  # type: ignore[attr-defined]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    assert len(lines[0]) < 400, lines[0]  # never the whole bad value
    assert "Traceback" not in result.output  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- readers


def _readers(tmp_path: Path, db: str) -> dict[str, Callable[[Path], list[str]]]:
    episode = tmp_path / "good-episode.json"
    episode.write_text(json.dumps(EPISODE), encoding="utf-8")
    return {
        "status EPISODE": lambda bad: ["status", str(bad), "--etr", "rational"],
        "status --model": lambda bad: ["status", str(episode), "--model", str(bad)],
        "plan PROFILE": lambda bad: ["plan", str(bad)],
        "import fhir FILE": lambda bad: ["import", "fhir", str(bad), "--db", db],
        "import csv FILES": lambda bad: ["import", "csv", str(bad), "--as", "admin", "--db", db],
        "instruments import-text": lambda bad: ["instruments", "import-text", "urica", str(bad)],
        "score --input": lambda bad: [
            "score",
            "phq9",
            "--input",
            str(bad),
            "--output",
            str(tmp_path / "scores.csv"),
        ],
    }


READERS = (
    "status EPISODE",
    "status --model",
    "plan PROFILE",
    "import fhir FILE",
    "import csv FILES",
    "instruments import-text",
    "score --input",
)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize("kind", sorted(BAD_FILES))
@pytest.mark.parametrize("command", READERS)
def test_a_bad_input_file_exits_2_with_one_line(
    command: str, kind: str, suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(tmp_path / "data"))
    bad = tmp_path / f"bad{suffix}"
    BAD_FILES[kind](bad)
    args = _readers(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")[command](bad)
    _assert_one_line_exit_2(runner.invoke(app, args))


@pytest.mark.parametrize("command", READERS)
@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_a_missing_file_or_a_directory_exits_2_with_one_line(
    command: str, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(tmp_path / "data"))
    target = tmp_path / "absent.yaml"
    if kind == "directory":
        target = tmp_path / "folder.yaml"
        target.mkdir()
    args = _readers(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")[command](target)
    _assert_one_line_exit_2(runner.invoke(app, args))


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_file_of_more_values_than_allowed_is_refused_before_it_is_built(
    suffix: str, tmp_path: Path
) -> None:
    many = tmp_path / f"many{suffix}"
    many.write_text("[" + ",".join(["1"] * (MAX_NODES + 1)) + "]", encoding="utf-8")
    result = runner.invoke(app, ["status", str(many)])
    _assert_one_line_exit_2(result)
    assert f"more than {MAX_NODES:,} values" in result.stderr


# --------------------------------------------------------------------------- writers


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SYNTHETIC clinic (the report tests' seeded one) the writers could report on."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    engine = make_engine(url)
    try:
        migrate(engine)
        seeded(engine)
    finally:
        engine.dispose()
    return url


UNWRITABLE = {
    "under-proc": lambda tmp: Path("/proc/nope/out"),
    "a-directory": lambda tmp: tmp,
    "under-a-file": lambda tmp: tmp / "plain-file" / "out",
}

WRITERS = {
    "export fhir --output": lambda db, out: ["export", "fhir", "--patient", "1", "--output", out],
    "report patient --output": lambda db, out: ["report", "patient", "1", "--output", out],
    "report clinic --output": lambda db, out: ["report", "clinic", "--output", out],
    "export --output": lambda db, out: ["export", "--format", "csv", "--output", out],
    "etr fit --export": lambda db, out: ["etr", "fit", "--include-ongoing", "--export", out],
    "score --output": lambda db, out: ["score", "phq9", "--input", db, "--output", out],
}


#: ``attune export --output`` names a directory to write into, so a directory is fine there.
CASES = [
    (command, where)
    for command in sorted(WRITERS)
    for where in sorted(UNWRITABLE)
    if (command, where) != ("export --output", "a-directory")
]


@pytest.mark.parametrize(("command", "where"), CASES)
def test_an_output_that_cannot_be_written_exits_2_with_one_line(
    command: str, where: str, demo_db: str, tmp_path: Path
) -> None:
    (tmp_path / "plain-file").write_text("x", encoding="utf-8")
    out = str(UNWRITABLE[where](tmp_path))
    if command == "score --output":
        source = tmp_path / "answers.csv"
        source.write_text(PHQ9_CSV, encoding="utf-8")
        args = WRITERS[command](str(source), out)
    else:
        args = [*WRITERS[command](demo_db, out), "--db", demo_db]
    _assert_one_line_exit_2(runner.invoke(app, args))
    assert not Path("/proc/nope").exists()
