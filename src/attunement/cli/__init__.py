"""The ``attune`` command line. Each command group lives in its own module."""

from __future__ import annotations

from attunement.cli import (  # noqa: F401  (registers commands)
    audit,
    bounces,
    bulk,
    db,
    demo,
    evidence,
    fhir,
    instruments,
    learn,
    patients,
    plan,
    predict,
    report,
    score,
    serve,
    status,
    users,
    worker,
)
from attunement.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``attune`` console script."""
    app()
