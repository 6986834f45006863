"""Load and validate the evidence data files.

One YAML file per element (``<id>.yaml``), plus two reserved files:
``not_for_routine_matching.yaml`` and ``benchmarks.yaml``. Every file is validated against
the models in :mod:`._models`; the first problem raises :class:`EvidenceFileError` naming the
file, the line and the dotted field (``findings[2].source``), so a wrong or missing citation
can be fixed without reading code.
"""

from __future__ import annotations

import functools
import os
import types
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from attunement.errors import DefinitionError
from attunement.evidence._models import (
    Benchmark,
    Element,
    EvidenceBase,
    MatchingCaution,
)

__all__ = ["EvidenceFileError", "load_evidence", "load_evidence_from"]

MATCHING_FILE = "not_for_routine_matching.yaml"
BENCHMARKS_FILE = "benchmarks.yaml"

#: Display order of the packaged elements (ids as agreed in INTERFACES.md).
CANONICAL_ORDER: tuple[str, ...] = (
    "alliance_adult",
    "alliance_youth",
    "alliance_couple_family",
    "goal_consensus",
    "collaboration",
    "cohesion",
    "empathy",
    "positive_regard",
    "congruence",
    "real_relationship",
    "emotional_expression",
    "outcome_expectations",
    "credibility",
    "countertransference",
    "rupture_repair",
    "feedback",
    "reactance",
    "culture",
    "preferences",
    "religion_spirituality",
    "stages_of_change",
    "coping_style",
    "attachment",
    "expectations",
    "sexual_orientation_gender_identity",
)

Path_ = tuple[str | int, ...]


class EvidenceFileError(DefinitionError):
    """An evidence data file is invalid; ``source`` is the file name, ``line`` 1-based or None."""

    def __init__(self, file: str, field: str, problem: str, line: int | None = None) -> None:
        super().__init__(file if line is None else f"{file}:{line}", field, problem)
        self.source = file
        self.line = line


class _MatchingFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    characteristics: tuple[MatchingCaution, ...]


class _BenchmarksFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    benchmarks: tuple[Benchmark, ...]


def _dotted(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(file)"


def _line_map(node: yaml.Node, name: str) -> dict[Path_, int]:
    """Map each dotted path in the document to its 1-based line (key line for mappings)."""
    lines: dict[Path_, int] = {}

    def walk(current: yaml.Node, path: Path_) -> None:
        lines.setdefault(path, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                key = str(key_node.value)
                if key in seen:
                    raise EvidenceFileError(
                        name, _dotted((*path, key)), "duplicate key", key_node.start_mark.line + 1
                    )
                seen.add(key)
                lines[(*path, key)] = key_node.start_mark.line + 1
                walk(value_node, (*path, key))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                walk(item, (*path, index))

    walk(node, ())
    return lines


def _line_for(lines: dict[Path_, int], path: Path_) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _model_at(model: type[BaseModel], path: Path_) -> type[BaseModel] | None:
    """The model class that holds the field at ``path`` (to list its allowed fields)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        annotation: Any = field.annotation
        while get_origin(annotation) in (tuple, list, Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        current = annotation
    return current  # type: ignore[no-any-return]


def _problem(model: type[BaseModel], error: Any) -> str:
    loc: Path_ = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        allowed = ", ".join(owner.model_fields) if owner else "see the element schema"
        return f"unknown field; allowed fields: {allowed}"
    if kind == "missing":
        if loc and loc[-1] == "source":
            return "missing citation: every verdict and figure needs its source"
        return "required field is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind in ("value_error", "assertion_error"):
        return message
    return f"{message}; got {error.get('input')!r}"


def _parse(text: str, name: str, model: type[BaseModel]) -> Any:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise EvidenceFileError(name, "(file)", f"not valid YAML: {problem}", line) from None
    if node is None or not isinstance(data, dict):
        raise EvidenceFileError(name, "(file)", "expected a mapping of fields", 1)
    lines = _line_map(node, name)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc: Path_ = tuple(first["loc"])
        raise EvidenceFileError(
            name, _dotted(loc), _problem(model, first), _line_for(lines, loc)
        ) from None


def _sort_key(element: Element) -> tuple[int, int, str]:
    position = (
        CANONICAL_ORDER.index(element.id) if element.id in CANONICAL_ORDER else len(CANONICAL_ORDER)
    )
    return (0 if element.kind == "relationship" else 1, position, element.id)


def load_evidence_from(directory: Traversable | str | os.PathLike[str]) -> EvidenceBase:
    """Load and validate every ``*.yaml`` evidence file in ``directory``.

    Raises
    ------
    EvidenceFileError
        (a ``DefinitionError``) for the first invalid file: unknown field, missing citation,
        unknown status or metric, an id that does not match its file name.
    """
    folder: Traversable = Path(directory) if isinstance(directory, str | os.PathLike) else directory
    files = sorted(
        (f for f in folder.iterdir() if f.is_file() and f.name.endswith(".yaml")),
        key=lambda f: f.name,
    )
    elements: list[Element] = []
    cautions: tuple[MatchingCaution, ...] = ()
    benchmarks: tuple[Benchmark, ...] = ()
    for file in files:
        text = file.read_text(encoding="utf-8")
        if file.name == MATCHING_FILE:
            cautions = _parse(text, file.name, _MatchingFile).characteristics
        elif file.name == BENCHMARKS_FILE:
            benchmarks = _parse(text, file.name, _BenchmarksFile).benchmarks
        else:
            element: Element = _parse(text, file.name, Element)
            stem = file.name.removesuffix(".yaml")
            if element.id != stem:
                raise EvidenceFileError(
                    file.name, "id", f"{element.id!r} does not match the file name {stem!r}"
                )
            elements.append(element)
    if not elements:
        raise EvidenceFileError(str(folder), "(directory)", "no element files (*.yaml) found")
    return EvidenceBase(
        elements=tuple(sorted(elements, key=_sort_key)),
        not_for_routine_matching=cautions,
        benchmarks=benchmarks,
    )


@functools.cache
def load_evidence() -> EvidenceBase:
    """The packaged evidence base (``attunement/evidence/data``), loaded once and cached."""
    return load_evidence_from(resources.files("attunement.evidence") / "data")
