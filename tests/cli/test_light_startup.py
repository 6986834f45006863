"""``attune --help`` and the light commands start without the heavy stack (issue 13).

Each command runs in a fresh interpreter the way the ``attune`` console script runs it
(``attunement.cli.main`` through ``python -m attunement``); when the process exits, the
runner writes the names of every module it imported. What is tested is what is imported,
never how long it takes: ``bench/cli_startup.py`` measures the time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperGroup

import attunement
from attunement.cli import app

#: The source tree this test imported, so the child process runs the same code.
SOURCE = str(Path(attunement.__file__).resolve().parents[1])

#: Runs ``attune ARGS`` and, at exit (also after SystemExit), writes sorted(sys.modules).
RUNNER = """
import atexit, json, runpy, sys
out = sys.argv[1]
sys.argv = ["attune", *sys.argv[2:]]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
runpy.run_module("attunement", run_name="__main__")
"""

#: The serving, reporting and interop stack: no light command needs any of it.
SERVING = frozenset(
    {
        "fastapi",
        "starlette",
        "uvicorn",
        "jinja2",
        "matplotlib",
        "weasyprint",
        "pandas",
        "pyarrow",
        "scipy",
        "statsmodels",
        "fhir",
        "fhir_core",
        "argon2",
        "jwt",
        "psycopg",
    }
)
#: The database stack.
DATABASE = frozenset({"sqlalchemy", "alembic"})
#: Numerical maths and the settings machinery, which help and the evidence never need.
CORE_EXTRAS = frozenset({"numpy", "pydantic_settings"})
#: Rich's console: tables of the listings only, never a single definition or a status.
RICH = frozenset({"rich"})

SYNTHETIC_PROFILE = "# SYNTHETIC patient\nreactance: high\nstage_of_change: preparation\n"
SYNTHETIC_EPISODE = {
    "outcome": {
        "instrument": "phq9",
        "sessions": [{"session": 1, "score": 18}, {"session": 4, "score": 11}],
    }
}


def imported(tmp_path: Path, *args: str) -> set[str]:
    """Run ``attune ARGS`` in a new process; the top-level packages it imported."""
    return {name.split(".")[0] for name in imported_modules(tmp_path, *args)}


def imported_modules(tmp_path: Path, *args: str) -> set[str]:
    """Run ``attune ARGS`` in a new process; every module it imported."""
    out = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env["ATTUNE_DATA_DIR"] = str(tmp_path / "data")  # no clinic database: none is opened
    env["PYTHONPATH"] = os.pathsep.join([SOURCE, env.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(out), *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "the command printed nothing"
    modules = json.loads(out.read_text(encoding="utf-8"))
    assert "attunement.cli" in modules  # the runner saw the command run
    return set(modules)


def _help_invocations() -> list[tuple[str, ...]]:
    """``--help`` of the app, of every group and of every top-level command."""
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    calls: list[tuple[str, ...]] = [("--help",)]
    for name, command in sorted(root.commands.items()):
        calls.append((name, "--help"))
        if isinstance(command, TyperGroup):
            calls += [(name, sub, "--help") for sub in sorted(command.commands)]
    return calls


@pytest.mark.parametrize("args", _help_invocations(), ids=" ".join)
def test_help_imports_no_stack(tmp_path: Path, args: tuple[str, ...]) -> None:
    loaded = imported(tmp_path, *args)
    assert not loaded & (SERVING | DATABASE | CORE_EXTRAS)


@pytest.mark.parametrize(
    "args",
    [("evidence",), ("evidence", "alliance_adult", "--json"), ("audit", "new-key")],
    ids=" ".join,
)
def test_evidence_and_new_key_import_no_stack(tmp_path: Path, args: tuple[str, ...]) -> None:
    loaded = imported(tmp_path, *args)
    assert not loaded & (SERVING | DATABASE | CORE_EXTRAS)


def test_plan_imports_the_core_only(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(SYNTHETIC_PROFILE, encoding="utf-8")
    modules = imported_modules(tmp_path, "plan", str(profile))
    assert not {name.split(".")[0] for name in modules} & (SERVING | DATABASE | CORE_EXTRAS | RICH)
    # the brief names the instruments to assess with (C-NIP, never ``cnip``): it reads their
    # definitions, but no scoring engine
    assert "attunement.instruments._engine" not in modules


@pytest.mark.parametrize(
    "args", [("instruments", "list"), ("instruments", "show", "phq9")], ids=" ".join
)
def test_instrument_listing_needs_no_scoring_maths(tmp_path: Path, args: tuple[str, ...]) -> None:
    loaded = imported(tmp_path, *args)
    assert not loaded & (SERVING | DATABASE | CORE_EXTRAS)


def test_showing_one_instrument_needs_no_console_library(tmp_path: Path) -> None:
    loaded = imported(tmp_path, "instruments", "show", "phq9")
    assert not loaded & (SERVING | DATABASE | CORE_EXTRAS | RICH)


def test_scoring_one_administration_needs_no_database(tmp_path: Path) -> None:
    loaded = imported(tmp_path, "score", "phq9", "--answers", "1,2,3,1,2,3,1,2,0")
    assert not loaded & (SERVING | DATABASE)


def test_status_of_an_episode_file_needs_no_database_when_there_is_none(tmp_path: Path) -> None:
    episode = tmp_path / "episode.json"
    episode.write_text(json.dumps(SYNTHETIC_EPISODE), encoding="utf-8")
    loaded = imported(tmp_path, "status", str(episode))
    assert not loaded & (SERVING | DATABASE)


def test_a_status_by_the_rational_method_needs_neither_settings_nor_numerical_maths(
    tmp_path: Path,
) -> None:
    """No database to read a fitted model from: no Settings (pydantic-settings), and a
    status uses a model without fitting one (numpy and scipy fit)."""
    episode = tmp_path / "episode.json"
    episode.write_text(json.dumps(SYNTHETIC_EPISODE), encoding="utf-8")
    loaded = imported(tmp_path, "status", str(episode), "--etr", "rational")
    assert not loaded & (SERVING | DATABASE | CORE_EXTRAS | RICH)


def test_a_database_command_does_load_the_stack(tmp_path: Path) -> None:
    """The check above can fail: a command that needs the database imports it."""
    loaded = imported(tmp_path, "db", "upgrade", "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert DATABASE <= loaded
    assert "pydantic_settings" in loaded


def test_a_warm_status_imports_neither_the_rule_engine_nor_the_evidence(tmp_path: Path) -> None:
    """A status replans only when a clinician accepts a profile update, and the evidence is
    read only to check the feedback rules, which the knowledge cache kept checked."""
    episode = tmp_path / "episode.json"
    episode.write_text(json.dumps(SYNTHETIC_EPISODE), encoding="utf-8")
    cold = imported_modules(tmp_path, "status", str(episode), "--etr", "rational")
    warm = imported_modules(tmp_path, "status", str(episode), "--etr", "rational")
    heavy = ("attunement.tailoring.", "attunement.evidence.")
    assert [name for name in cold if name.startswith(heavy)]  # the check can fail
    assert sorted(name for name in warm if name.startswith(heavy)) == []


def test_an_english_plan_imports_no_babel(tmp_path: Path) -> None:
    """Babel (CLDR language names, .po files) only when a text names a language or is shown
    in another language than English."""
    profile = tmp_path / "profile.yaml"
    profile.write_text(SYNTHETIC_PROFILE, encoding="utf-8")
    assert "babel" not in imported(tmp_path, "plan", str(profile))
    spanish = imported(tmp_path, "plan", str(profile), "--clinic-language", "es")
    assert "babel" in spanish  # the check can fail: the Spanish brief reads the catalogue


def test_a_warm_status_of_a_json_episode_parses_no_yaml(tmp_path: Path) -> None:
    """PyYAML only where YAML is read: a YAML file given to the command, or the packaged
    knowledge while the cache is written (a warm start reads the validated cache)."""
    episode = tmp_path / "episode.json"
    episode.write_text(json.dumps(SYNTHETIC_EPISODE), encoding="utf-8")
    cold = imported(tmp_path, "status", str(episode), "--etr", "rational")
    warm = imported(tmp_path, "status", str(episode), "--etr", "rational")
    assert "yaml" in cold  # the check can fail: the first start parses the knowledge files
    assert "yaml" not in warm
    profile = tmp_path / "profile.yaml"
    profile.write_text(SYNTHETIC_PROFILE, encoding="utf-8")
    assert "yaml" in imported(tmp_path, "plan", str(profile))  # a YAML profile is parsed
