"""One loader for the packaged knowledge files: YAML in, a validated frozen model out.

Clinical knowledge (instruments, evidence, rules, vocabularies) is data in versioned YAML
files inside the package. :func:`load_packaged` reads one such file and validates it against
a pydantic model; any problem raises :class:`~attunement.errors.DefinitionError` naming the
file, the dotted field and the line, so a maintainer can go straight to it::

    risk/responses.yaml: levels.high.label (line 12): String should have at least 1 character
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from attunement.errors import DefinitionError

__all__ = ["load_packaged", "validate_knowledge"]

_M = TypeVar("_M", bound=BaseModel)


def _line_of(node: yaml.Node | None, path: Sequence[int | str]) -> int | None:
    """The 1-based line of the YAML node at ``path`` (or of its nearest parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def validate_knowledge(model: type[_M], text: str, name: str) -> _M:
    """Parse YAML ``text`` and validate it as ``model``; errors name ``name``, field and line."""
    try:
        raw: Any = yaml.safe_load(text)
        tree = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"(file, line {mark.line + 1})" if mark is not None else "(file)"
        raise DefinitionError(name, where, f"not valid YAML: {error}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        location = tuple(first["loc"])
        field = ".".join(str(part) for part in location) or "(file)"
        line = _line_of(tree, location)
        if line is not None:
            field = f"{field} (line {line})"
        raise DefinitionError(name, field, str(first["msg"])) from None


def load_packaged(model: type[_M], package: str, *parts: str) -> _M:
    """Load ``package/parts...`` (a packaged YAML file) as ``model``."""
    name = "/".join((package.rsplit(".", 1)[-1], *parts))
    resource = resources.files(package).joinpath(*parts)
    return validate_knowledge(model, resource.read_text("utf-8"), name)
