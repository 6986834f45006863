"""Where the clinic's files live: ``ATTUNE_DATA_DIR``, else the platform's user data folder.

:class:`attunement.settings.Settings` takes its default from :func:`default_data_dir`. The
light CLI commands (``attune instruments list``/``show``, ``attune score``, ``attune status
FILE``) need nothing of the configuration but this folder (the clinic's imported item text
and scoring keys) and, for a status, the caseness convention; building Settings costs them
about 0.1 s of start-up for importing pydantic-settings alone (issue 13: light commands
start in < 0.3 s), so they read them with :func:`data_dir_from_environment` and
:func:`setting_from_environment`, the way Settings reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "DATA_DIR_VARIABLE",
    "ENV_PREFIX",
    "cache_dir_from_environment",
    "data_dir_from_environment",
    "default_data_dir",
    "setting_from_environment",
]

#: Every setting is the environment variable ``ATTUNE_<FIELD>`` (case-insensitive).
ENV_PREFIX = "ATTUNE_"
DATA_DIR_VARIABLE = f"{ENV_PREFIX}DATA_DIR"


def default_data_dir() -> Path:
    """The platform's user data directory for Attunement (platformdirs)."""
    import platformdirs  # start-up: only when no data directory is set

    return Path(platformdirs.user_data_dir("attunement", appauthor=False))


def setting_from_environment(environ: Mapping[str, str], variable: str) -> str | None:
    """The value of ``variable`` (``ATTUNE_…``) in ``environ``, named in any case as Settings
    reads it, or None."""
    for name, value in environ.items():
        if name.upper() == variable:
            return value
    return None


def data_dir_from_environment(environ: Mapping[str, str]) -> Path:
    """``ATTUNE_DATA_DIR`` from ``environ`` (any case, as Settings reads it), else the default."""
    value = setting_from_environment(environ, DATA_DIR_VARIABLE)
    return default_data_dir() if value is None else Path(value)


def cache_dir_from_environment(environ: Mapping[str, str]) -> Path:
    """Where the CLI keeps what it can rebuild (the validated packaged knowledge,
    :mod:`attunement._knowledge_cache`): ``cache`` in ``ATTUNE_DATA_DIR`` when that is set,
    else the platform's user cache folder (platformdirs)."""
    value = setting_from_environment(environ, DATA_DIR_VARIABLE)
    if value is not None:
        return Path(value) / "cache"
    import platformdirs  # start-up: only when no data directory is set

    return Path(platformdirs.user_cache_dir("attunement", appauthor=False))
