"""The command line: help for everything, clean errors for bad configuration, the demo."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from attunement.cli import app
from attunement.monitoring import load_end_reasons

runner = CliRunner()


def _all_commands() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, command: Any) -> None:
        found.append((prefix, command))
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}".strip(), sub)

    walk("", get_command(app))
    return found


@pytest.mark.parametrize(("path", "command"), _all_commands()[1:], ids=str)
def test_every_command_and_option_has_help_text(path: str, command: Any) -> None:
    assert command.help or command.short_help, f"attune {path} has no help text"
    for parameter in command.params:
        if parameter.param_type_name == "option":
            assert parameter.help, f"attune {path} {parameter.opts[0]} has no help text"
    result = runner.invoke(app, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "path", [path for path, command in _all_commands()[1:] if not hasattr(command, "commands")]
)
def test_every_command_is_documented_in_the_readme(path: str) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"attune {path}" in readme, f"README.md does not mention `attune {path}`"


def test_top_level_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in get_command(app).commands:  # type: ignore[attr-defined]
        assert name in result.output


def test_malformed_database_url_is_one_line_exit_2() -> None:
    result = runner.invoke(app, ["db", "upgrade", "--db", "nonsense://x"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: ATTUNE_DATABASE_URL:")
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_unreachable_database_names_the_setting_without_password() -> None:
    result = runner.invoke(
        app, ["db", "upgrade", "--db", "postgresql+psycopg://u:hunter2@127.0.0.1:1/x"]
    )
    assert result.exit_code == 2
    assert "ATTUNE_DATABASE_URL" in result.output
    assert "hunter2" not in result.output


def test_unwritable_data_dir_is_one_line_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["db", "upgrade"], env={"ATTUNE_DATA_DIR": str(blocker / "sub")})
    assert result.exit_code == 2
    assert result.output.startswith("error: ATTUNE_DATA_DIR:")


def test_db_upgrade_migrates_an_empty_database(empty_database_url: str) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--db", empty_database_url])
    assert result.exit_code == 0, result.output
    assert "newest schema" in result.output


def test_demo_runs_twice_safely_and_labels_synthetic(tmp_path: Path) -> None:
    env = {"ATTUNE_DATA_DIR": str(tmp_path)}
    first = runner.invoke(app, ["demo", "--out", str(tmp_path / "out")], env=env)
    assert first.exit_code == 0, first.output
    assert "SYNTHETIC" in first.output
    ended = next(line for line in first.output.splitlines() if "ended episodes" in line)
    labels = [reason.label for reason in load_end_reasons().reasons.values()]
    assert any(label in ended for label in labels)  # by their labels (issue 16), not keys
    assert "planned end" not in ended
    second = runner.invoke(app, ["demo", "--out", str(tmp_path / "out")], env=env)
    assert second.exit_code == 0, second.output
    assert "already present" in second.output
    assert "caseload, most urgent first" in second.output
    assert "plan for the most urgent patient" in second.output
    plans = list((tmp_path / "out").glob("patient-*-plan.md"))
    assert plans
    assert "SYNTHETIC" in plans[0].read_text(encoding="utf-8")
    with sqlite3.connect(tmp_path / "demo.sqlite3") as connection:
        patients = connection.execute("select count(*) from patients").fetchone()[0]
        real = connection.execute("select count(*) from patients where synthetic = 0").fetchone()
    assert patients == 24
    assert real[0] == 0


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite: the test above
def test_demo_on_postgresql(database_url: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["demo", "--db", database_url, "--patients", "4", "--out", str(tmp_path)],
        env={"ATTUNE_DATA_DIR": str(tmp_path)},
    )
    assert result.exit_code == 0, result.output
    assert "4 patients" in result.output


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "attunement", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "Usage" in done.stdout
