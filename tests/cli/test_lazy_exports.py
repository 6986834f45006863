"""Packages that load their names on first use still export every name (issue 13).

``attunement.evidence``, ``services``, ``instruments``, ``monitoring``, ``profile``, ``risk``,
``security``, ``stats``, ``store``, ``tailoring`` and ``wording`` import no submodule with
the package, so the CLI starts without the stack; each name is imported from its submodule
when first used (``store`` then loads all its table modules together). A name added in one
place only (the typed import, ``__all__``, the table of submodules) fails here."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

LAZY_PACKAGES = (
    "attunement.evidence",
    "attunement.services",
    "attunement.instruments",
    "attunement.monitoring",
    "attunement.security",
    "attunement.store",
    "attunement.profile",
    "attunement.risk",
    "attunement.stats",
    "attunement.tailoring",
    "attunement.wording",
)


def typed_imports(package: str) -> dict[str, str]:
    """name -> submodule, from the package's ``if TYPE_CHECKING:`` imports."""
    module = importlib.import_module(package)
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom)
                assert statement.module is not None
                found |= {alias.name: statement.module for alias in statement.names}
    return found


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_every_exported_name_resolves_to_its_submodule(package: str) -> None:
    module = importlib.import_module(package)
    where = typed_imports(package)
    assert sorted(where) == sorted(module.__all__)
    for name, submodule in where.items():
        assert getattr(module, name) is getattr(importlib.import_module(submodule), name)


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_star_import_gives_every_name(package: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from {package} import *", namespace)
    assert set(importlib.import_module(package).__all__) <= set(namespace)


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_an_unknown_name_is_an_attribute_error(package: str) -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = importlib.import_module(package).no_such_name


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_importing_the_package_imports_none_of_its_submodules(package: str) -> None:
    code = f"import json, sys, {package}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = json.loads(result.stdout)
    assert [name for name in loaded if name.startswith(f"{package}.")] == []
