"""One loader for the knowledge files: YAML in, a validated frozen model out.

Clinical knowledge (instruments, evidence, rules, vocabularies, benchmarks) is data in
versioned YAML files. Every loader reads its files through this module, so every problem is
reported the same way — a :class:`~attunement.errors.DefinitionError` naming the file, the
line and the dotted field — and a maintainer can go straight to it::

    risk/responses.yaml:12: levels.high.label: String should have at least 1 character
    culture.yaml:31: findings[0].source: missing citation: every verdict and figure needs its source

Duplicate keys (which YAML would silently collapse to the last one) are errors too.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, Field, ValidationError, model_validator

from attunement._model_config import FROZEN
from attunement.errors import DefinitionError, FieldProblem, field_problems, quote
from attunement.errors import dotted as _dotted

if TYPE_CHECKING:
    import yaml

__all__ = [
    "KnowledgeDocument",
    "PrimarySource",
    "dotted",
    "format_reference",
    "format_references",
    "load_packaged",
    "parse_knowledge",
    "path_of",
    "validate_knowledge",
    "validate_part",
]

_M = TypeVar("_M", bound=BaseModel)
Path_ = tuple[str | int, ...]


def path_of(field: str) -> Path_:
    """``findings[2].source`` → ``("findings", 2, "source")`` (the inverse of :func:`dotted`)."""
    return tuple(int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", field))


def dotted(path: Path_) -> str:
    """``("findings", 2, "source")`` → ``findings[2].source``; the empty path is ``(file)``."""
    return _dotted(path) or "(file)"


class KnowledgeDocument:
    """A parsed knowledge file: its data (a mapping) and the line of every field in it."""

    def __init__(self, name: str, data: dict[str, Any], lines: dict[Path_, int]) -> None:
        self.name = name
        self.data = data
        self._lines = lines

    def line(self, path: Path_) -> int | None:
        """The 1-based line of the field at ``path``, or of its nearest enclosing field."""
        for end in range(len(path), -1, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return None

    def error(self, path: Path_, problem: str) -> DefinitionError:
        """A DefinitionError for the field at ``path`` (file, line, dotted field)."""
        return DefinitionError(self.name, dotted(path), problem, self.line(path))


def _line_map(node: yaml.Node, name: str) -> dict[Path_, int]:
    """Map each path in the document to its 1-based line (the key's line for mappings)."""
    import yaml  # start-up: only when YAML is parsed (a warm start reads the cache)

    lines: dict[Path_, int] = {}

    def walk(current: yaml.Node, path: Path_) -> None:
        lines.setdefault(path, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                key = str(key_node.value)
                if key in seen:
                    raise DefinitionError(
                        name, dotted((*path, key)), "duplicate key", key_node.start_mark.line + 1
                    )
                seen.add(key)
                lines[(*path, key)] = key_node.start_mark.line + 1
                walk(value_node, (*path, key))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                walk(item, (*path, index))

    walk(node, ())
    return lines


def parse_knowledge(text: str, name: str) -> KnowledgeDocument:
    """Parse YAML ``text`` (the file ``name``), which must hold a mapping at the top."""
    import yaml  # start-up: only when YAML is parsed (a warm start reads the cache)

    # libyaml's safe loader where PyYAML was built with it (ten times faster on the packaged
    # files), else the pure-Python one; both give the same data and the same line marks
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:  # one parse: the node tree gives the lines, the same tree gives the data
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise DefinitionError(name, "(file)", f"not valid YAML: {problem}", line) from None
    finally:
        loader.dispose()
    if node is None or not isinstance(data, dict):
        raise DefinitionError(name, "(file)", "expected a mapping of fields", 1)
    return KnowledgeDocument(name, data, _line_map(node, name))


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
        while get_origin(annotation) in (tuple, list, dict, Mapping, Union, types.UnionType):
            annotation = next(
                (a for a in get_args(annotation) if a is not type(None) and a is not str), None
            )
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        current = annotation
    return current  # type: ignore[no-any-return]


def _problem(model: type[BaseModel], error: FieldProblem) -> str:
    """The one wording of a validation error in a knowledge file."""
    loc, kind = error.loc, error.kind
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        allowed = ", ".join(owner.model_fields) if owner else "see the file's schema"
        return f"unknown field; allowed fields: {allowed}"
    if kind == "missing":
        if loc and loc[-1] == "source":
            return "missing citation: every verdict and figure needs its source"
        return "required field is missing"
    if kind in ("value_error", "assertion_error"):
        return error.message
    return f"{error.message}; got {quote(error.value)}"


def validate_part(
    model: type[_M], data: Any, document: KnowledgeDocument, path: Path_ | str = ()
) -> _M:
    """Validate ``data`` — the part of ``document`` at ``path`` — as ``model``; the first
    problem is a DefinitionError naming the file, the full dotted field and its line."""
    prefix = path_of(path) if isinstance(path, str) else path
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = field_problems(error)[0]
        raise document.error((*prefix, *first.loc), _problem(model, first)) from None


def validate_knowledge(model: type[_M], text: str, name: str) -> _M:
    """Parse YAML ``text`` (the file ``name``) and validate the whole of it as ``model``."""
    document = parse_knowledge(text, name)
    return validate_part(model, document.data, document)


def load_packaged(model: type[_M], package: str, *parts: str) -> _M:
    """Load ``package/parts...`` (a packaged YAML file) as ``model``."""
    name = "/".join((package.rsplit(".", 1)[-1], *parts))
    resource = resources.files(package).joinpath(*parts)
    return validate_knowledge(model, resource.read_text("utf-8"), name)


# ----------------------------------------------------- primary sources (printed citations)
class PrimarySource(BaseModel):
    """A primary source as a clinical document cites it: who, when, where published.

    Knowledge files give a figure's primary sources with these fields; how a maintainer
    checked them (a second-hand page, a notes file) goes in the file's own
    ``verified_from`` note, never here, so it is never printed. ``supports`` says which
    figure the source is for (``"reliability (alpha .89)"``); ``authors`` is None only where
    the published record names none legibly (then ``title`` identifies the work).
    """

    model_config = FROZEN

    supports: str | None = None
    authors: str | None = Field(default=None, min_length=1)
    year: int = Field(ge=1900, le=2100)
    title: str | None = Field(default=None, min_length=1)
    journal: str | None = Field(default=None, min_length=1)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = Field(default=None, pattern=r"^10\.\S+/\S+$")

    @model_validator(mode="after")
    def _identified(self) -> PrimarySource:
        if self.authors is None and self.title is None:
            raise ValueError("a primary source needs its authors or its title")
        return self


def format_reference(source: PrimarySource) -> str:
    """One primary source in the one layout (Vancouver-like, as clinical journals print):

    ``Reliability (alpha .89): Kroenke K, Spitzer RL, Williams JBW (2001). J Gen Intern Med
    16(9):606–613.`` — who (or the title when no authors are recorded), year, journal,
    volume(issue):pages, doi.
    """
    head = f"{source.authors} ({source.year})." if source.authors else f"({source.year})."
    parts = [head]
    if source.title and source.authors:
        parts.append(source.title.rstrip(".") + ".")
    elif source.title:
        parts = [f"{source.title.rstrip('.')} ({source.year})."]
    if source.journal:
        where = source.journal + (f" {source.volume}" if source.volume else "")
        if source.issue:
            where += f"({source.issue})" if source.volume else f" ({source.issue})"
        if source.pages:
            where += f":{source.pages.replace('-', '–')}"
        parts.append(where + ".")
    if source.doi:
        parts.append(f"doi:{source.doi}")
    text = " ".join(parts)
    if not source.supports:
        return text
    return f"{source.supports[:1].upper()}{source.supports[1:]}: {text}"


def format_references(sources: Sequence[PrimarySource]) -> str:
    """Several primary sources, each in :func:`format_reference`'s layout, one after another."""
    return " ".join(format_reference(s) for s in sources)
