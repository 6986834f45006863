"""JSON schemas of the CDS Hooks 2.0 messages, written from the specification's tables.

Packaged in ``schemas/`` (``cds-discovery``, ``cds-request``, ``cds-response``,
``cds-feedback``), each citing the section it was written from. The tests check every
response the service gives against them (with ``jsonschema``, Draft 2020-12); an
integrator can check their own messages with them too.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Literal

__all__ = ["SchemaName", "cds_schema"]

SchemaName = Literal["cds-discovery", "cds-request", "cds-response", "cds-feedback"]


@cache
def _load(name: str) -> str:
    path = resources.files("attunement.cds_hooks").joinpath(f"schemas/{name}.schema.json")
    return path.read_text(encoding="utf-8")


def cds_schema(name: SchemaName) -> dict[str, Any]:
    """A fresh copy of the named JSON schema (Draft 2020-12)."""
    schema: dict[str, Any] = json.loads(_load(name))
    return schema
