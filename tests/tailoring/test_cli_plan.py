"""``attune plan PROFILE``: JSON, Markdown, text; bad input exits 2 with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from attunement.cli import app

runner = CliRunner()

PROFILE_YAML = """\
# synthetic patient
assessed_on: 2024-05-02
reactance: high
stage_of_change: preparation
coping_style: internalizing
preferences:
  - {aspect: therapist_gender, value: female, strength: moderate}
attachment: {anxiety: 4.5, avoidance: 2.0}
"""


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    path = tmp_path / "patient.yaml"
    path.write_text(PROFILE_YAML, encoding="utf-8")
    return path


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_output_has_the_plan_fields_of_the_issue(profile_file: Path) -> None:
    result = runner.invoke(app, ["plan", str(profile_file), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["directiveness"] == "low"
    assert data["stance"] == "experienced_coach"
    assert data["focus"] == "insight_interpersonal"
    assert data["processes_of_change"] == ["self_liberation"]
    recommendation = data["recommendations"][0]
    assert set(recommendation) >= {
        "id",
        "dimension",
        "summary",
        "detail",
        "because",
        "evidence",
        "priority",
    }
    assert set(recommendation["evidence"][0]) >= {"element", "k", "n", "metric", "value", "source"}
    assert recommendation["because"][0]["provenance"]["assessed_on"] == "2024-05-02"
    assert {c["id"] for c in data["conflicts"]} == {"directiveness_reactance_over_stage"}
    assert {n["field"] for n in data["not_assessed"]} >= {"culture", "distress"}
    assert len(data["foundations"]) == 4


def test_format_json_is_the_same_as_the_json_flag(profile_file: Path) -> None:
    flag = runner.invoke(app, ["plan", str(profile_file), "--json"])
    option = runner.invoke(app, ["plan", str(profile_file), "--format", "json"])
    assert flag.stdout == option.stdout


def test_a_json_profile_file_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, "p.json", json.dumps({"reactance": "low", "distress": "high"}))
    result = runner.invoke(app, ["plan", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["directiveness"] == "high"


def test_markdown_output_is_the_brief(profile_file: Path) -> None:
    result = runner.invoke(app, ["plan", str(profile_file), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Tailoring brief")
    assert "## Always: the relationship foundations" in result.stdout


def test_text_is_the_default_output(profile_file: Path) -> None:
    result = runner.invoke(app, ["plan", str(profile_file)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("TAILORING BRIEF")


def test_assessed_on_dates_undated_values(tmp_path: Path) -> None:
    path = _write(tmp_path, "p.yaml", "reactance: high\n")
    result = runner.invoke(app, ["plan", str(path), "--json", "--assessed-on", "2024-01-31"])
    provenance = json.loads(result.stdout)["recommendations"][0]["because"][0]["provenance"]
    assert provenance["assessed_on"] == "2024-01-31"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("p.yaml", "attachment: {anxiety: 8}\n", ["attachment.anxiety", "8", "1 to 7"]),
        (
            "p.yaml",
            "preferences:\n  - {aspect: format, value: video, strength: weak}\n",
            ["preferences[0].strength", "weak", "mild, moderate, strong"],
        ),
        ("p.yaml", "mood: low\n", ["mood", "reactance"]),
        ("p.yaml", "reactance: [high\n", ["p.yaml:2", "not valid YAML"]),
        ("p.json", '{"reactance": "high"', ["p.json:1", "not valid JSON"]),
        ("p.yaml", "", ["empty"]),
        ("p.yaml", "- reactance\n", ["profile"]),
        (
            "p.yaml",
            "culture: {preferred_language: english}\n",
            ["culture.preferred_language", "BCP 47"],
        ),
    ],
)
def test_bad_input_exits_2_with_the_field_value_and_allowed(
    tmp_path: Path, name: str, text: str, expected: list[str]
) -> None:
    path = _write(tmp_path, name, text)
    result = runner.invoke(app, ["plan", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    for fragment in expected:
        assert fragment in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_a_directory_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", str(tmp_path)])
    assert result.exit_code == 2
    assert "directory" in result.stderr


def test_json_and_markdown_cannot_be_combined(profile_file: Path) -> None:
    result = runner.invoke(app, ["plan", str(profile_file), "--json", "--format", "markdown"])
    assert result.exit_code == 2


def test_a_bad_assessed_on_exits_2(profile_file: Path) -> None:
    result = runner.invoke(app, ["plan", str(profile_file), "--assessed-on", "May 2"])
    assert result.exit_code == 2
    assert "--assessed-on" in result.stderr


def test_a_profile_phq9_with_item9_endorsed_gives_a_plan_that_leads_with_safety(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        "p.yaml",
        "distress: {instrument: phq9, answers: [1, 1, 1, 0, 0, 0, 0, 0, 2]}\n",
    )
    text = runner.invoke(app, ["plan", str(path)])
    assert text.exit_code == 0, text.output
    assert text.stdout.index("SAFETY FIRST") < text.stdout.index("HOW TO WORK")
    data = json.loads(runner.invoke(app, ["plan", str(path), "--json"]).stdout)
    assert data["arousal"] == "lower"
    assert data["safety"][0]["kind"] == "endorsed"


def test_the_clinic_language_decides_whether_the_preferred_language_is_offered(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, "p.yaml", "culture: {preferred_language: es}\n")
    english = json.loads(runner.invoke(app, ["plan", str(path), "--json"]).stdout)
    spanish = runner.invoke(app, ["plan", str(path), "--json", "--clinic-language", "es"])
    assert [r["rule"] for r in english["recommendations"]] == ["culture_preferred_language"]
    assert json.loads(spanish.stdout)["recommendations"] == []


def test_a_bad_clinic_language_exits_2(profile_file: Path) -> None:
    result = runner.invoke(app, ["plan", str(profile_file), "--clinic-language", "english"])
    assert result.exit_code == 2
    assert "--clinic-language: 'english'" in result.stderr
    assert "BCP 47" in result.stderr


SPANISH_PROFILE = PROFILE_YAML + (
    "culture: {preferred_language: es-MX, wants_adaptation: true}\n"
    "distress: {value: low, source: clinician_rating}\n"
)


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_a_spanish_clinic_reads_the_whole_brief_in_spanish(
    tmp_path: Path, output_format: str
) -> None:
    """Issue 16/17: every "Because:" fact, heading and joining word in the clinic's language;
    no field identifier, no " vs "; the patient's facts by their Spanish labels."""
    from tests.documents.test_no_internal_ids import identifiers

    path = _write(tmp_path, "p.yaml", SPANISH_PROFILE)
    args = ["plan", str(path), "--clinic-language", "es", "--format", output_format]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    brief = result.output
    for english in ("Because:", " vs ", "Consider:", "How to work", "Not yet assessed", "chosen:"):
        assert english not in brief
    assert identifiers(brief) == []
    assert "Porque: reactancia: nivel alto (valoración del clínico, 2024-05-02)" in brief
    assert "estadio de cambio: preparación" in brief
    assert "preferencia moderada - género del terapeuta: mujer" in brief
    assert "Reactancia -> baja, Estadio de cambio -> alta; elegido: baja." in brief
    assert "malestar: nivel bajo" in brief
    assert "k = número de estudios" in brief


def test_the_english_brief_keeps_its_words(profile_file: Path) -> None:
    brief = runner.invoke(app, ["plan", str(profile_file)]).output
    assert "Because: reactance = high (clinician rating, 2024-05-02)" in brief
    assert "moderate preference - therapist gender: female (patient's statement" in brief
    assert "Porque" not in brief
