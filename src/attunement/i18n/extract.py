"""A Babel extractor for the band labels of the instrument definitions (``babel.cfg``).

The English label of a band stays beside the band (``bands.levels[].label`` in
``instruments/definitions/*.yaml``): it is the band's id in scores and the message id of
its translations. ``pybabel extract`` calls :func:`extract_band_labels` on each definition
and puts every label, with its file and line, in the catalogue template.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml

__all__ = ["extract_band_labels"]


def _band_labels(node: yaml.Node, inside_bands: bool = False) -> Iterator[tuple[int, str]]:
    """(line, label) of every ``label:`` under a ``bands:`` ``levels:`` list."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if inside_bands and name == "label" and isinstance(value, yaml.ScalarNode):
                yield value.start_mark.line + 1, str(value.value)
            else:
                yield from _band_labels(value, inside_bands or name == "bands")
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _band_labels(item, inside_bands)


def extract_band_labels(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel's extraction-method signature: ``(line, funcname, message, comments)``."""
    del keywords, comment_tags  # a data file has no calls or comments to read
    root = yaml.compose(fileobj.read().decode(str(options.get("encoding", "utf-8"))))
    if root is None:
        return
    for line, label in _band_labels(root):
        yield line, "", label, ["band label (instrument definition)"]
