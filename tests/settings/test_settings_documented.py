"""Every setting is documented: README's configuration table, the settings module, --help."""

from __future__ import annotations

from pathlib import Path

import pytest

import attunement.settings
from attunement.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme_and_the_module_docstring(name: str) -> None:
    variable = f"ATTUNE_{name.upper()}"
    assert f"`{variable}`" in README.read_text(encoding="utf-8"), variable
    assert f"``{variable}``" in (attunement.settings.__doc__ or ""), variable


def test_every_setting_is_named_in_attune_help() -> None:
    from typer.testing import CliRunner

    from attunement.cli import app

    shown = " ".join(CliRunner().invoke(app, ["--help"]).output.split())
    missing = [
        f"ATTUNE_{n.upper()}" for n in Settings.model_fields if f"ATTUNE_{n.upper()}" not in shown
    ]
    assert not missing
