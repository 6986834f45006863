"""The loader refuses bad evidence files, naming the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from attunement.errors import DefinitionError
from attunement.evidence import load_evidence_from

VALID = """\
id: sample
name: Sample element
kind: relationship
definition: A made-up element for loader tests.
verdicts:
  - edition: 2
    verdict: promising
    source: "Test source 2011"
findings:
  - authors: Doe & Roe
    year: 2018
    edition: 3
    k: 10
    n: 500
    metric: r
    value: 0.2
    source: "Doe & Roe 2018, Journal 1(1)"
    status: verified
recommendations:
  - Do the sample thing.
recommendations_source: "Doe & Roe 2018"
"""


def _write(folder: Path, text: str, name: str = "sample.yaml") -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def _error(folder: Path) -> DefinitionError:
    with pytest.raises(DefinitionError) as raised:
        load_evidence_from(folder)
    assert isinstance(raised.value, DefinitionError)
    return raised.value


def test_valid_file_loads(tmp_path: Path) -> None:
    base = load_evidence_from(_write(tmp_path, VALID))
    element = base.element("sample")
    assert element.headline.value == 0.2
    assert element.verdict == "promising"


def test_loader_accepts_a_string_path(tmp_path: Path) -> None:
    assert load_evidence_from(str(_write(tmp_path, VALID))).ids == ("sample",)


def test_unknown_field_is_rejected_with_file_line_and_field(tmp_path: Path) -> None:
    text = VALID.replace("    status: verified\n", "    status: verified\n    p_value: 0.01\n")
    error = _error(_write(tmp_path, text))
    assert error.source == "sample.yaml"
    assert error.field == "findings[0].p_value"
    assert error.line == text.splitlines().index("    p_value: 0.01") + 1
    assert "unknown field" in error.message
    assert "sample.yaml:" in error.message
    assert "metric" in error.message  # lists the allowed fields


def test_unknown_top_level_field_is_rejected(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, VALID + "colour: blue\n"))
    assert error.field == "colour"
    assert error.line == len(VALID.splitlines()) + 1


def test_finding_without_source_is_rejected_as_missing_citation(tmp_path: Path) -> None:
    text = VALID.replace('    source: "Doe & Roe 2018, Journal 1(1)"\n', "")
    error = _error(_write(tmp_path, text))
    assert error.field == "findings[0].source"
    assert "missing citation" in error.message
    assert error.line == text.splitlines().index("  - authors: Doe & Roe") + 1


def test_finding_with_empty_source_is_rejected(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, VALID.replace('"Doe & Roe 2018, Journal 1(1)"', '"  "')))
    assert error.field == "findings[0].source"


def test_verdict_without_source_is_rejected(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, VALID.replace('    source: "Test source 2011"\n', "")))
    assert error.field == "verdicts[0].source"
    assert "missing citation" in error.message


def test_unknown_status_is_rejected_naming_the_allowed_values(tmp_path: Path) -> None:
    text = VALID.replace("status: verified", "status: probably")
    error = _error(_write(tmp_path, text))
    assert error.field == "findings[0].status"
    assert "'probably'" in error.message
    assert "verified" in error.message
    assert "summary-only" in error.message


def test_unknown_metric_is_rejected(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, VALID.replace("metric: r", "metric: eta")))
    assert error.field == "findings[0].metric"


def test_unknown_verdict_wording_is_rejected(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, VALID.replace("verdict: promising", "verdict: great")))
    assert error.field == "verdicts[0].verdict"


def test_summary_only_figure_needs_a_note(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, VALID.replace("status: verified", "status: summary-only")))
    assert error.field == "findings[0]"
    assert "note" in error.message


def test_correlation_outside_minus_one_to_one_is_rejected(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, VALID.replace("value: 0.2", "value: 1.2")))
    assert (
        "r: 1.2 is not allowed; allowed: a correlation strictly between -1 and 1" in error.message
    )


def test_value_outside_its_confidence_interval_is_rejected(tmp_path: Path) -> None:
    text = VALID.replace("    value: 0.2\n", "    value: 0.2\n    ci_low: 0.3\n    ci_high: 0.4\n")
    error = _error(_write(tmp_path, text))
    assert "outside its CI" in error.message


def test_element_without_any_verified_finding_is_rejected(tmp_path: Path) -> None:
    text = VALID.replace("status: verified", "status: summary-only\n    note: talk only")
    error = _error(_write(tmp_path, text))
    assert "no verified finding" in error.message


def test_id_must_match_the_file_name(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, VALID, name="other.yaml"))
    assert error.source == "other.yaml"
    assert error.field == "id"


def test_duplicate_key_is_rejected(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, VALID + "name: Again\n"))
    assert error.field == "name"
    assert "duplicate" in error.message


def test_malformed_yaml_names_the_file(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, "id: [unclosed\n"))
    assert error.source == "sample.yaml"
    assert "not valid YAML" in error.message


def test_empty_directory_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError):
        load_evidence_from(tmp_path)


def test_matching_cautions_file_is_validated_too(tmp_path: Path) -> None:
    _write(tmp_path, VALID)
    _write(
        tmp_path,
        "characteristics:\n  - characteristic: gender\n    name: Gender\n"
        "    preference_aspect: therapist_gender\n    condition: unless strongly preferred\n"
        "    status: summary-only\n",
        name="not_for_routine_matching.yaml",
    )
    error = _error(tmp_path)
    assert error.source == "not_for_routine_matching.yaml"
    assert error.field == "characteristics[0].source"
