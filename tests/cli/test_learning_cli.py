"""``attune predict evaluate`` and ``attune learn report`` on the hidden-truth clinic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attunement.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(tmp_path / "data"))


def test_predict_evaluate_prints_the_table_with_both_models_and_groups() -> None:
    result = runner.invoke(app, ["predict", "evaluate", "--simulate", "--episodes", "60"])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    assert "personalised" in result.output
    assert "generic" in result.output
    assert "Language: Spanish" in result.output
    assert "WARNING: too small" in result.output


def test_predict_evaluate_json_is_data() -> None:
    args = ["predict", "evaluate", "--simulate", "--episodes", "40", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["folds"] == 5
    assert data["rows"][0]["group"] == "all"
    assert data["data"] == {"episodes": 40, "synthetic": 40, "simulation_seed": 0}


def test_learn_report_shows_estimates_beside_the_hidden_truth_and_the_caveat() -> None:
    result = runner.invoke(app, ["learn", "report", "--simulate", "--episodes", "240"])
    assert result.exit_code == 0, result.output
    assert "Preferences:" in result.output
    assert "TRUE" in result.output
    assert "Observational" in result.output
    assert "for supervision, not comparison" in result.output


def test_too_few_simulated_episodes_is_a_clear_error() -> None:
    result = runner.invoke(app, ["learn", "report", "--simulate", "--episodes", "3"])
    assert result.exit_code == 2
    assert "--episodes" in result.output
    assert "Traceback" not in result.output
