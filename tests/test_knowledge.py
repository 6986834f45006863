"""One knowledge loader and one reading of pydantic's validation errors (issue 17)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from attunement.errors import DefinitionError, InputError, field_problems, invalid_input
from attunement.evidence import load_evidence_from
from attunement.instruments import INSTRUMENT_IDS, parse_definition
from attunement.knowledge import load_packaged, parse_knowledge, validate_part


class _Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: float


class _Element(BaseModel):
    model_config = ConfigDict(extra="forbid")
    findings: list[_Finding]


def _validation_error(data: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        _Element.model_validate(data)
    return caught.value


def test_a_validation_problem_names_the_dotted_field_the_message_and_the_value() -> None:
    (problem,) = field_problems(_validation_error({"findings": [{"value": "high"}]}))
    assert problem.field == "findings[0].value"
    assert problem.loc == ("findings", 0, "value")
    assert problem.value == "high"
    assert "number" in problem.message


def test_invalid_input_is_an_input_error_naming_field_value_and_what_is_allowed() -> None:
    error = invalid_input(_validation_error({"findings": [{"value": "high"}]}), where="body.")
    assert isinstance(error, InputError)
    assert error.field == "body.findings[0].value"
    assert error.value == "high"
    assert error.message.startswith("body.findings[0].value: 'high' is not allowed; allowed:")


def test_invalid_input_names_the_whole_input_when_no_field_is_at_fault() -> None:
    assert invalid_input(_validation_error([1]), otherwise="filter").field == "filter"


def test_a_knowledge_file_error_names_file_line_and_field() -> None:
    text = "findings:\n  - value: 0.3\n  - value: high\n"
    document = parse_knowledge(text, "element.yaml")
    with pytest.raises(DefinitionError) as caught:
        validate_part(_Element, document.data, document)
    assert (caught.value.source, caught.value.line) == ("element.yaml", 3)
    assert caught.value.field == "findings[1].value"


def test_an_instrument_definition_error_names_its_line() -> None:
    path = resources.files("attunement.instruments").joinpath("definitions", "gad7.yaml")
    text = path.read_text("utf-8").replace("short_name:", "colour: red\nshort_name:", 1)
    line = text.splitlines().index("colour: red") + 1
    with pytest.raises(DefinitionError) as caught:
        parse_definition(text, "gad7.yaml")
    assert str(caught.value).startswith(f"gad7.yaml:{line}: colour: unknown field")


def test_instrument_ids_and_their_order_come_from_the_data_file() -> None:
    class Order(BaseModel):
        instruments: tuple[str, ...]

    order = load_packaged(Order, "attunement.instruments", "display_order.yaml")
    assert order.instruments == INSTRUMENT_IDS
    folder = resources.files("attunement.instruments").joinpath("definitions")
    assert {f.name.removesuffix(".yaml") for f in folder.iterdir()} == set(INSTRUMENT_IDS)


def test_element_order_comes_from_the_data_and_a_listed_element_needs_its_file(
    tmp_path: Path,
) -> None:
    data = resources.files("attunement.evidence").joinpath("data")
    for entry in data.iterdir():
        if entry.name.endswith(".yaml"):
            (tmp_path / entry.name).write_text(entry.read_text("utf-8"), encoding="utf-8")
    order = yaml.safe_load((tmp_path / "display_order.yaml").read_text("utf-8"))["elements"]
    assert load_evidence_from(tmp_path).ids == tuple(order)
    (tmp_path / "display_order.yaml").write_text(
        yaml.safe_dump({"elements": [*order, "telepathy"]}), encoding="utf-8"
    )
    with pytest.raises(DefinitionError) as caught:
        load_evidence_from(tmp_path)
    assert caught.value.field == f"elements[{len(order)}]"
    assert caught.value.line == len(order) + 2
    assert "no element file telepathy.yaml" in caught.value.message
