"""The CLI's YAML reader (:func:`attunement.cli._files.load_data_file`), apart so that a
command reading JSON or no file at all does not import PyYAML at start-up."""

from __future__ import annotations

from typing import Any

import yaml

from attunement.cli._files import MAX_NODES
from attunement.errors import InvalidFile

__all__ = ["load_yaml"]


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that stops composing after :data:`MAX_NODES` values (PyYAML holds about
    2 kB per value while composing, so memory is bounded before anything is built) and
    whose impossible dates are YAML errors with a line, not a ValueError."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"more than {MAX_NODES:,} values",
                self.peek_event().start_mark,  # type: ignore[no-untyped-call]
            )
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a date ({error})", node.start_mark
            ) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


def load_yaml(text: str, name: str) -> Any:
    """The data of the YAML ``text`` of the file ``name``, or InvalidFile naming its line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506  (a SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        problem = getattr(error, "problem", None) or "syntax error"
        raise InvalidFile(where, f"not valid YAML ({problem})") from None
