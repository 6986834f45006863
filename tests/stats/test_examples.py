"""The examples in the statistics docstrings run and print what they say (pingouin-style)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import attunement.stats

MODULES = sorted(
    f"attunement.stats.{info.name}" for info in pkgutil.iter_modules(attunement.stats.__path__)
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
