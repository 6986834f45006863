"""Load and validate the evidence data files.

One YAML file per element (``<id>.yaml``), plus four reserved files: ``display_order.yaml``
(the order lists show the elements in), ``not_for_routine_matching.yaml``,
``benchmarks.yaml`` (figures that put the element effects in context) and
``outcome_benchmarks.yaml`` (routine-care outcomes a clinic is set beside). Every file is
validated against its model by the one knowledge loader (:mod:`attunement.knowledge`); the
first problem is a ``DefinitionError`` naming the file, the line and the dotted field
(``findings[2].source``), so a wrong or missing citation can be fixed without reading code.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import BaseModel

from attunement._knowledge_cache import packaged
from attunement._model_config import FROZEN
from attunement.errors import DefinitionError
from attunement.evidence._models import (
    Benchmark,
    Element,
    EvidenceBase,
    MatchingCaution,
)
from attunement.evidence._outcome_benchmarks import OutcomeBenchmark
from attunement.knowledge import (
    KnowledgeDocument,
    parse_knowledge,
    validate_knowledge,
    validate_part,
)

__all__ = ["load_evidence", "load_evidence_from"]

MATCHING_FILE = "not_for_routine_matching.yaml"
BENCHMARKS_FILE = "benchmarks.yaml"
OUTCOME_BENCHMARKS_FILE = "outcome_benchmarks.yaml"
ORDER_FILE = "display_order.yaml"


class _MatchingFile(BaseModel):
    model_config = FROZEN
    characteristics: tuple[MatchingCaution, ...]


class _BenchmarksFile(BaseModel):
    model_config = FROZEN
    benchmarks: tuple[Benchmark, ...]


class _OutcomeBenchmarksFile(BaseModel):
    model_config = FROZEN
    benchmarks: tuple[OutcomeBenchmark, ...]


class _DisplayOrder(BaseModel):
    model_config = FROZEN
    elements: tuple[str, ...]


def _in_display_order(
    elements: list[Element], order: tuple[str, ...], source: KnowledgeDocument | None
) -> tuple[Element, ...]:
    """Relationship elements first, then adaptations, each in ``display_order.yaml``'s order
    (elements it does not list after the listed ones, by id); a listed id must have a file."""
    known = {element.id for element in elements}
    for index, element_id in enumerate(order):
        if element_id not in known and source is not None:
            raise source.error(("elements", index), f"no element file {element_id}.yaml")

    def key(element: Element) -> tuple[int, int, str]:
        position = order.index(element.id) if element.id in order else len(order)
        return (0 if element.kind == "relationship" else 1, position, element.id)

    return tuple(sorted(elements, key=key))


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
    order_file: KnowledgeDocument | None = None
    order: tuple[str, ...] = ()
    for file in files:
        text = file.read_text(encoding="utf-8")
        if file.name == MATCHING_FILE:
            cautions = validate_knowledge(_MatchingFile, text, file.name).characteristics
        elif file.name == BENCHMARKS_FILE:
            benchmarks = validate_knowledge(_BenchmarksFile, text, file.name).benchmarks
        elif file.name == ORDER_FILE:
            order_file = parse_knowledge(text, file.name)
            order = validate_part(_DisplayOrder, order_file.data, order_file).elements
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
        elements=_in_display_order(elements, order, order_file),
        not_for_routine_matching=cautions,
        benchmarks=benchmarks,
        outcome_benchmarks=outcome_benchmarks,
    )


@functools.cache
def load_evidence() -> EvidenceBase:
    """The packaged evidence base (``attunement/evidence/data``), loaded once and cached
    (also across starts of the CLI: :mod:`attunement._knowledge_cache`)."""
    folder = resources.files("attunement.evidence") / "data"
    return packaged("evidence", EvidenceBase, lambda: load_evidence_from(folder))
