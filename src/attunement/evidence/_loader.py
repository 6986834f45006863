"""Load and validate the evidence data files.

One YAML file per element (``<id>.yaml``), plus three reserved files:
``not_for_routine_matching.yaml``, ``benchmarks.yaml`` (figures that put the element effects
in context) and ``outcome_benchmarks.yaml`` (routine-care outcomes a clinic is set beside).
Every file is validated against its model by the one knowledge loader
(:mod:`attunement.knowledge`); the first problem is a ``DefinitionError`` naming the file,
the line and the dotted field (``findings[2].source``), so a wrong or missing citation can
be fixed without reading code.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from attunement.errors import DefinitionError
from attunement.evidence._models import (
    Benchmark,
    Element,
    EvidenceBase,
    MatchingCaution,
)
from attunement.evidence._outcome_benchmarks import OutcomeBenchmark
from attunement.knowledge import validate_knowledge

__all__ = ["load_evidence", "load_evidence_from"]

MATCHING_FILE = "not_for_routine_matching.yaml"
BENCHMARKS_FILE = "benchmarks.yaml"
OUTCOME_BENCHMARKS_FILE = "outcome_benchmarks.yaml"

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


class _MatchingFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    characteristics: tuple[MatchingCaution, ...]


class _BenchmarksFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    benchmarks: tuple[Benchmark, ...]


class _OutcomeBenchmarksFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    benchmarks: tuple[OutcomeBenchmark, ...]


def _sort_key(element: Element) -> tuple[int, int, str]:
    position = (
        CANONICAL_ORDER.index(element.id) if element.id in CANONICAL_ORDER else len(CANONICAL_ORDER)
    )
    return (0 if element.kind == "relationship" else 1, position, element.id)


def load_evidence_from(directory: Traversable | str | os.PathLike[str]) -> EvidenceBase:
    """Load and validate every ``*.yaml`` evidence file in ``directory``.

    Raises
    ------
    DefinitionError
        for the first invalid file: unknown field, missing citation,
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
    outcome_benchmarks: tuple[OutcomeBenchmark, ...] = ()
    for file in files:
        text = file.read_text(encoding="utf-8")
        if file.name == MATCHING_FILE:
            cautions = validate_knowledge(_MatchingFile, text, file.name).characteristics
        elif file.name == BENCHMARKS_FILE:
            benchmarks = validate_knowledge(_BenchmarksFile, text, file.name).benchmarks
        elif file.name == OUTCOME_BENCHMARKS_FILE:
            outcome = validate_knowledge(_OutcomeBenchmarksFile, text, file.name)
            outcome_benchmarks = outcome.benchmarks
        else:
            element: Element = validate_knowledge(Element, text, file.name)
            stem = file.name.removesuffix(".yaml")
            if element.id != stem:
                raise DefinitionError(
                    file.name, "id", f"{element.id!r} does not match the file name {stem!r}"
                )
            elements.append(element)
    if not elements:
        raise DefinitionError(str(folder), "(directory)", "no element files (*.yaml) found")
    return EvidenceBase(
        elements=tuple(sorted(elements, key=_sort_key)),
        not_for_routine_matching=cautions,
        benchmarks=benchmarks,
        outcome_benchmarks=outcome_benchmarks,
    )


@functools.cache
def load_evidence() -> EvidenceBase:
    """The packaged evidence base (``attunement/evidence/data``), loaded once and cached."""
    return load_evidence_from(resources.files("attunement.evidence") / "data")
