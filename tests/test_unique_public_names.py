"""Each public class name means one thing (issue 17).

Two public classes with one name in different packages ("Session" once named a therapy
session, a sign-in and a database session) make every import a guess; this fails when a
second definition appears.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import attunement

PACKAGE = Path(attunement.__file__).parent


def test_no_public_class_name_is_defined_twice() -> None:
    defined: dict[str, list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                defined[node.name].append(str(path.relative_to(PACKAGE)))
    twice = {name: places for name, places in defined.items() if len(places) > 1}
    assert twice == {}
