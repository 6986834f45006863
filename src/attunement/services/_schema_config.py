"""The two configurations every schema uses, by role (input or public).

``INPUT``: what a caller sends — frozen, no unknown field, surrounding blanks stripped.
``PUBLIC``: what a use case returns — frozen and read from rows (``from_attributes``), so
a ``…Public`` schema is ``Model.model_validate(row)``, never a hand copy of its fields.
"""

from __future__ import annotations

from pydantic import ConfigDict

__all__ = ["INPUT", "PUBLIC"]

INPUT = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
PUBLIC = ConfigDict(frozen=True, from_attributes=True)
