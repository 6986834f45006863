"""Files with health data are private to the user who runs Attunement (mode 0600).

The one way the app, the CLI and the demo write a file that may hold patient data (reports,
exports, plans, statuses, FHIR records, scored CSV files, the SQLite database): the content
goes to a temporary file created 0600 in the target's folder (``tempfile.mkstemp``), is made
0600 again after the writer ran (a library may re-create the file), and is renamed onto the
target, so the target is whole or untouched and never readable by group or others, whatever
the umask (issue 16: the demo's plan and status files were 0644).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "PRIVATE_MODE",
    "create_private",
    "write_private",
    "write_private_bytes",
    "write_private_text",
]

#: Read and write for the owner only.
PRIVATE_MODE = 0o600


def write_private(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(temporary path)`` in ``path``'s folder, make it 0600, rename it onto
    ``path``; on any failure the temporary file is removed and ``path`` is untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, PRIVATE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_private_bytes(path: Path, content: bytes) -> Path:
    """Write ``content`` to ``path`` as a private (0600) file, atomically."""
    return write_private(path, lambda target: target.write_bytes(content))


def write_private_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` as a private (0600) file, atomically."""
    return write_private(path, lambda target: target.write_text(text, encoding="utf-8"))


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (a database file before
    SQLite opens it: its journal and WAL files take the database file's mode)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        return
    os.close(descriptor)
