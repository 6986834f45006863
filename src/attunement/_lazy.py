"""Lazy package exports (PEP 562), shared by the packages that the light commands touch.

A package lists what it exports and the submodule that defines each name; the submodule is
imported when the name is first used, so ``attune --help`` and the light commands import
only what they use. The package keeps its typed imports under ``TYPE_CHECKING`` for type
checkers; tests/cli/test_lazy_exports.py checks that those imports, ``__all__`` and the
table agree.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping, Sequence

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str,
    namespace: MutableMapping[str, object],
    submodules: Mapping[str, Sequence[str]],
    *,
    load_together: Sequence[str] = (),
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package`` (whose globals are
    ``namespace``). A name from one of ``load_together`` imports all of them first (the
    store's tables must all be known to its metadata together)."""
    where = {name: module for module, names in submodules.items() for name in names}

    def module_getattr(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if module in load_together:
            for companion in load_together:
                importlib.import_module(f"{package}.{companion}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value  # kept, so the next use is a plain global
        return value

    def module_dir() -> list[str]:
        return sorted({*namespace, *where})  # the table's names are ``__all__`` (tested)

    return module_getattr, module_dir
