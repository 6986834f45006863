"""The ``attune`` command line. Each command group lives in its own module."""

from __future__ import annotations

import os

from attunement._data_dir import cache_dir_from_environment
from attunement._knowledge_cache import install_knowledge_cache
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
    """Entry point of the ``attune`` console script: the packaged knowledge is validated
    once and kept in the cache folder for the next start (issue 13)."""
    install_knowledge_cache(cache_dir_from_environment(os.environ))
    app()
