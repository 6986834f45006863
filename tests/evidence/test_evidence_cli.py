"""``attune evidence``: table, full view, JSON, and the unknown-element error."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from attunement.cli import app
from attunement.evidence import load_evidence

runner = CliRunner()


def test_table_lists_every_element_with_verdict_headline_and_source() -> None:
    result = runner.invoke(app, ["evidence"])
    assert result.exit_code == 0, result.output
    for element_id in load_evidence().ids:
        assert element_id in result.stdout
    assert "r = .278 (d = 0.579)" in result.stdout  # APA: no leading zero for r only
    assert "295" in result.stdout
    assert "demonstrably effective" in result.stdout
    assert "Flückiger" in result.stdout
    assert "d = 0.80" in result.stdout  # the no-treatment benchmark


def test_full_view_shows_definition_findings_sources_and_recommendations() -> None:
    result = runner.invoke(app, ["evidence", "reactance"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Reactance / resistance level" in out
    assert "d = 0.79, k = 13, N = 1,208" in out
    assert "d = 0.82, k = 12, N = 1,102" in out
    assert "[verified]" in out
    assert "Beutler, Edwards & Someah (2018, 3rd ed.)" in out
    assert "Practice recommendations" in out
    assert "Low reactance" in out


def test_full_view_marks_summary_only_figures() -> None:
    result = runner.invoke(app, ["evidence", "alliance_adult"])
    assert result.exit_code == 0, result.output
    assert "[summary-only]" in result.stdout
    assert "k = 201" in result.stdout


def test_full_view_of_an_element_without_effect_size_says_research_insufficient() -> None:
    result = runner.invoke(app, ["evidence", "sexual_orientation_gender_identity"])
    assert result.exit_code == 0, result.output
    assert "Headline: none - research insufficient" in result.stdout


def test_json_for_one_element_is_an_object_with_the_agreed_keys() -> None:
    result = runner.invoke(app, ["evidence", "culture", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"id", "name", "kind", "verdict", "findings"} <= set(data)
    assert data["id"] == "culture"
    assert data["verdict"] == "demonstrably effective"
    second = next(f for f in data["findings"] if f["edition"] == 2)
    assert {"authors", "year", "k", "n", "metric", "value", "source", "status"} <= set(second)
    assert (second["k"], second["n"], second["value"]) == (65, 8620, 0.46)


def test_json_for_all_elements_is_a_list() -> None:
    result = runner.invoke(app, ["evidence", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    assert [e["id"] for e in data] == list(load_evidence().ids)
    assert all(e["kind"] in ("relationship", "adaptation") for e in data)


def test_unknown_element_exits_2_naming_the_value_and_known_ids() -> None:
    result = runner.invoke(app, ["evidence", "alliance"])
    assert result.exit_code == 2
    assert "'alliance'" in result.stderr
    assert "alliance_adult" in result.stderr
    assert "reactance" in result.stderr
    assert result.stdout == ""


def test_evidence_help_describes_the_command() -> None:
    result = runner.invoke(app, ["evidence", "--help"])
    assert result.exit_code == 0
    assert "--json" in result.stdout
    assert "ELEMENT" in result.stdout
