"""Reading the files a command is given: the CLI's one loader, with every failure typed.

Bad input exits 2 with one line, never a traceback (issue 18): a binary file, text that is
not UTF-8, a file too large to hold, JSON nested 10,000 deep, a YAML date such as
``2026-13-45``, an anchor that refers to itself — each is an :class:`InvalidFile` naming the
file (and line, where the parser knows it) and the problem.

Memory stays bounded: at most :data:`MAX_INPUT_BYTES` are read (a 6.7 MB episode file once
took 1.26 GB), and the parsed data is walked once to refuse structures deeper than
:data:`MAX_DEPTH` or larger than :data:`MAX_NODES` (a YAML "billion laughs" expands aliases).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attunement.errors import InputError, InvalidFile

__all__ = [
    "MAX_DEPTH",
    "MAX_INPUT_BYTES",
    "MAX_NODES",
    "check_output_file",
    "load_data_file",
    "read_text_file",
]

#: The largest file a command reads whole (episode, profile, FHIR, model, item text files;
#: a 1,000-session episode file is about 0.2 MB, a 500-entry FHIR Bundle about 1 MB).
MAX_INPUT_BYTES = 4 * 1024 * 1024
#: How deeply a data file may nest (the deepest real file, a FHIR Bundle, nests about 12).
MAX_DEPTH = 64
#: How many values (after YAML aliases are expanded) a data file may hold: a 1,000-session
#: episode file holds about 25,000, a 500-entry FHIR Bundle about 40,000.
MAX_NODES = 100_000


def read_text_file(path: Path) -> str:
    """The UTF-8 text of ``path`` (a BOM is dropped), or InvalidFile saying why not."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise InvalidFile(str(path), "no such file") from None
    except IsADirectoryError:
        raise InvalidFile(str(path), "is a directory, not a file") from None
    except OSError as error:
        raise InvalidFile(str(path), f"cannot be read ({error.strerror})") from None
    if len(raw) > MAX_INPUT_BYTES:
        raise InvalidFile(str(path), f"larger than {MAX_INPUT_BYTES:,} bytes; not read")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidFile(
            str(path), f"not a UTF-8 text file (byte {error.start} is not UTF-8)"
        ) from None
    if "\x00" in text:
        raise InvalidFile(str(path), "not a text file (it holds NUL bytes)")
    return text


def load_data_file(path: Path, *, json_only: bool = False) -> Any:
    """JSON (``.json``, or any file with ``json_only``) or YAML from ``path``, checked for
    size and shape."""
    text = read_text_file(path)
    name = str(path)
    try:
        if json_only or path.suffix.lower() == ".json":
            data = _json(text, name)
        else:
            from attunement.cli._yaml import load_yaml  # start-up: PyYAML only for YAML

            data = load_yaml(text, name)
    except RecursionError:
        raise InvalidFile(name, f"nested more than {MAX_DEPTH} levels deep") from None
    _check_shape(data, name)
    return data


def _json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidFile(
            f"{name}:{error.lineno}", f"not valid JSON ({error.msg}, column {error.colno})"
        ) from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise InvalidFile(name, f"not valid JSON ({str(error).split(':')[0]})") from None


def _check_shape(data: Any, name: str) -> None:
    """Walk the data without recursion: bounded depth and size (aliases counted each time)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise InvalidFile(name, f"more than {MAX_NODES:,} values")
        if depth > MAX_DEPTH:
            raise InvalidFile(name, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, Mapping):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def check_output_file(option: str, path: Path) -> None:
    """Refuse, before any work, an output file that cannot be written: a folder, a file under
    a folder that does not exist or is a file, or a folder this user may not write.

    A clinic report over thousands of patients takes minutes; it should not fail on its last
    step for a mistyped path. (Writing can still fail later — a full disk — and then exits 2
    the same way, with nothing half-written.)
    """
    allowed = "a file name in an existing folder you may write to"
    if path.is_dir():
        raise InputError(option, str(path), f"{allowed} (this is a folder)")
    folder = path.parent
    if not folder.is_dir():
        missing = "is a file" if folder.exists() else "does not exist"
        raise InputError(option, str(path), f"{allowed} (its folder {missing})")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(option, str(path), f"{allowed} (its folder cannot be written)")
