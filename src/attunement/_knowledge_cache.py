"""The packaged knowledge, validated once and kept for the next start (issue 13).

Every start of ``attune plan`` or ``attune status`` parsed the packaged YAML files and
validated them into frozen models, the same files with the same result each time: some
0.08 s of CPU of a plan on the shared 2-core machine (issue 13: light commands start in < 0.3 s).
An edge that wants it (the CLI's ``main``) names a cache folder with
:func:`install_knowledge_cache`; the core's loaders then go through :func:`packaged`, which
returns the validated models of an earlier start, or validates them (the loader's own way,
with its file, line and field errors) and keeps them for the next one. Without an installed
folder (the Python API, the tests, an app served by another process) :func:`packaged` just
calls the loader: nothing below the edges chooses to touch a file outside the package.

Never stale: each kept value carries the fingerprint of the package it came from — the
bytes of every packaged knowledge file (``*.yaml``, hashed: an edit of the same size within
the same second still counts), the size and modification time of every module (a changed
model or loader), the package's folder, the Python and the pydantic versions. Any
difference and the value is validated afresh and replaced.

Safe: the kept values are pickles, read only from a file the current user owns that nobody
else may read or write (the file is written 0600 and whole, through
:mod:`attunement._private_files`, or not at all), so no other account can plant one; a file
that fails any check, cannot be read or does not unpickle (a half-upgraded package, a disk
error) is simply ignored. When the folder cannot be written (read-only, full, or a file in
its place) the command works as before, without keeping anything.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

__all__ = ["install_knowledge_cache", "package_fingerprint", "packaged"]

_T = TypeVar("_T")

#: The package whose knowledge is kept (this file's folder).
PACKAGE_ROOT = Path(__file__).resolve().parent

#: What :func:`_read` returns when nothing usable is kept (None could be a kept value).
_NOTHING = object()

#: The folder the running edge chose, or None (no cache: every loader validates).
_folder: list[Path] = []


def install_knowledge_cache(folder: Path | None) -> None:
    """Keep validated knowledge in ``folder`` from now on (None: keep none)."""
    _folder[:] = [] if folder is None else [folder]


def packaged(key: str, kind: type[_T], load: Callable[[], _T]) -> _T:
    """The value ``load()`` returns — a loader of packaged knowledge named ``key`` (unique,
    with its arguments: ``instrument-phq9``) — kept from an earlier start when it was made
    from the very same package, else loaded now and kept (see the module's docstring)."""
    if not _folder:
        return load()
    path = _folder[0] / f"{key}.pickle"
    stamp = package_fingerprint(PACKAGE_ROOT).encode("ascii") + b"\n"
    kept = _read(path, stamp)
    if kept is not _NOTHING and isinstance(kept, kind):
        return kept
    value = load()  # the loader's own validation and errors
    _keep(path, stamp, value)
    return value


@functools.cache
def package_fingerprint(root: Path) -> str:
    """A digest of everything a kept value depends on in the package at ``root``."""
    import hashlib  # start-up: OpenSSL's hashes only when knowledge is loaded, not for help

    import pydantic  # start-up: loaded by then (the loaders' models); help needs none

    digest = hashlib.sha256()
    for part in (str(root), sys.version, pydantic.VERSION):
        digest.update(part.encode() + b"\0")
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name.endswith(".yaml"):
                with open(path, "rb") as handle:
                    content = handle.read()
                digest.update(f"{path}\0{len(content)}\0".encode() + content)
            elif name.endswith(".py"):
                info = os.stat(path)
                digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _read(path: Path, stamp: bytes) -> object:
    """The value kept at ``path`` if the file is ours, private and from this package, else
    ``_NOTHING``."""
    import pickle  # start-up: only when knowledge is loaded (`attune --help` needs none)

    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if _foreign(info):
                return _NOTHING  # another account's file, or one others could have written
            if handle.read(len(stamp)) != stamp:
                return _NOTHING  # kept from another package, or from before a change
            return pickle.load(handle)  # noqa: S301 (our own private file, see above)
    except Exception:  # any unreadable cache (a disk error, a half-upgraded package) is a miss
        return _NOTHING


def _keep(path: Path, stamp: bytes, value: object) -> None:
    """Write ``value`` to ``path`` (0600, whole or not at all); a failure keeps nothing."""
    import pickle  # start-up: only on the start that writes the cache

    # start-up: tempfile and friends only on the start that writes the cache
    from attunement._private_files import write_private_bytes

    try:
        content = stamp + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_private_bytes(path, content)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return


def _foreign(info: os.stat_result) -> bool:
    """Whether a file is another user's, or may be read or written by group or others
    (where the platform has no user ids, every file counts as foreign: nothing is read)."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid != getuid() or bool(info.st_mode & 0o077)
