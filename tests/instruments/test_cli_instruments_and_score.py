"""The CLI: instruments list/show/import-text and score (single and CSV batch)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attunement.cli import app
from attunement.instruments import load_instrument


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(tmp_path / "data"))
    return CliRunner()


def test_instruments_list_json_names_every_instrument(runner: CliRunner) -> None:
    result = runner.invoke(app, ["instruments", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {row["id"] for row in rows} >= {"phq9", "urica", "coping_style_rating"}
    status = {row["id"]: row["item_text"] for row in rows}
    assert status["phq9"] == "packaged"
    assert status["urica"] == "import required"
    roles = {row["id"]: row["roles"] for row in rows}
    assert "outcome" in roles["phq9"]
    assert "alliance" in roles["wai_sr"]


def test_instruments_list_and_show_say_what_each_is_used_as(runner: CliRunner) -> None:
    listed = runner.invoke(app, ["instruments", "list"])
    assert listed.exit_code == 0, listed.output
    assert "used as" in listed.stdout
    shown = runner.invoke(app, ["instruments", "show", "wai_sr"])
    assert shown.exit_code == 0, shown.output
    assert "Used as: alliance" in shown.stdout


def test_instruments_show_in_spanish(runner: CliRunner) -> None:
    result = runner.invoke(app, ["instruments", "show", "phq9", "--language", "es"])
    assert result.exit_code == 0, result.output
    assert "Poco interés o placer en hacer cosas" in result.stdout
    assert "[phq9_1]" in result.stdout
    assert "No se requiere permiso" in result.stdout


def test_instruments_show_json_and_unknown_language(runner: CliRunner) -> None:
    shown = json.loads(runner.invoke(app, ["instruments", "show", "k10", "--json"]).stdout)
    assert shown["id"] == "k10"
    assert shown["scales"][0]["bands"]["levels"][0]["from"] == 10
    result = runner.invoke(app, ["instruments", "show", "k10", "--language", "es"])
    assert result.exit_code == 2
    assert "allowed: en" in result.output


def test_score_single_json_has_the_documented_shape(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", "phq9", "--answers", "1,2,,3,1,1,1,1,1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["instrument"] == "phq9"
    assert data["version"] == "1.0"
    total = data["scales"]["total"]
    assert total["value"] == round(11 * 9 / 8)  # prorated, then rounded (phq9.yaml)
    assert total["band"] == "moderate"
    assert total["prorated"] is True
    assert data["flags"][0]["id"] == "phq9_item9_risk"
    assert {"id", "severity", "item"} <= set(data["flags"][0])


def test_score_text_output_shows_the_risk_flag_first(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", "phq9", "--answers", "0,0,0,0,0,0,0,0,2"])
    assert result.exit_code == 0
    assert "CRITICAL phq9_item9_risk" in result.stdout


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ("1,2,3", "exactly 9 answers"),
        ("0,0,0,0,0,0,0,0,4", "phq9_9: 4 is not allowed; allowed: 0, 1, 2, 3"),
        ("0,0,x,0,0,0,0,0,0", "phq9_3: 'x' is not allowed"),
    ],
)
def test_score_invalid_answers_exit_2_with_the_message(
    runner: CliRunner, answers: str, message: str
) -> None:
    result = runner.invoke(app, ["score", "phq9", "--answers", answers])
    assert result.exit_code == 2
    assert message in result.output


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_score_csv_batch_writes_one_row_per_administration(
    runner: CliRunner, tmp_path: Path
) -> None:
    ids = list(load_instrument("phq9").item_ids)
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    _write_csv(
        source,
        [
            ["patient", *ids],
            ["a", *"111111111"],
            ["b", *"00000000", "2"],
            ["c", "3", "3", "", "", "", "3", "3", "3", "3"],
        ],
    )
    result = runner.invoke(app, ["score", "phq9", "--input", str(source), "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o600  # scored answers: private to the user
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["patient"] for r in rows] == ["a", "b", "c"]
    assert rows[0]["total"] == "9"
    assert rows[0]["total_band"] == "mild"
    assert rows[1]["flag_phq9_item9_risk"] == "1"
    assert rows[2]["total"] == ""
    assert rows[2]["total_scorable"] == "0"


def test_score_csv_bad_row_names_line_and_item_and_writes_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    ids = list(load_instrument("phq9").item_ids)
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    _write_csv(source, [ids, list("111111111"), list("111151111")])
    result = runner.invoke(app, ["score", "phq9", "--input", str(source), "--output", str(target)])
    assert result.exit_code == 2
    assert "in.csv line 3, item phq9_5: 5 is not allowed" in result.output
    assert not target.exists()
    assert list(tmp_path.glob(".out.csv-*")) == []


def test_score_csv_needs_every_item_column(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    _write_csv(source, [["phq9_1", "phq9_2"], ["1", "1"]])
    result = runner.invoke(
        app, ["score", "phq9", "--input", str(source), "--output", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 2
    assert "missing column(s) phq9_3" in result.output


def test_import_text_then_show_uses_the_clinic_text(runner: CliRunner, tmp_path: Path) -> None:
    items = "\n".join(f"  {item}: Licensed {item}" for item in load_instrument("ecr_r").item_ids)
    source = tmp_path / "ecr.yaml"
    source.write_text(f"items:\n{items}\n", encoding="utf-8")
    result = runner.invoke(app, ["instruments", "import-text", "ecr_r", str(source)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "instrument-text" / "ecr_r.json").exists()
    shown = runner.invoke(app, ["instruments", "show", "ecr_r"])
    assert "Licensed ecr_r_1" in shown.stdout
    listed = json.loads(runner.invoke(app, ["instruments", "list", "--json"]).stdout)
    assert {r["id"]: r["item_text"] for r in listed}["ecr_r"] == "imported"


def test_import_text_with_a_bad_item_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text("items:\n  nope_1: text\n", encoding="utf-8")
    result = runner.invoke(app, ["instruments", "import-text", "urica", str(source)])
    assert result.exit_code == 2
    assert "items.nope_1: no such item" in result.output
