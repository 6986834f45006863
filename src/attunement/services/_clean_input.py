"""Text and JSON that every store can hold and every reader can render.

PostgreSQL refuses NUL in text, both backends refuse lone UTF-16 surrogates (they cannot be
encoded as UTF-8), and a NaN stored in JSON made every later report of that patient fail
(issue 18). So input is checked once, here, before a use case stores it:

* :data:`PlainText` — a one-line text field (names, ids): no control characters (C0, DEL,
  C1) and no lone surrogates;
* :func:`check_json_data` — caller-shaped JSON (a profile): finite numbers only, text as
  above (newlines and tabs allowed), nested at most :data:`MAX_JSON_DEPTH` deep.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from attunement.errors import InputError

__all__ = [
    "MAX_JSON_DEPTH",
    "NO_CONTROL_PATTERN",
    "NO_CONTROL_PATTERN_EXCEPT_LINES",
    "PlainText",
    "check_json_data",
    "check_plain_text",
    "refuse_control_characters",
]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: How deeply caller-shaped JSON may nest (a profile file is three levels deep).
MAX_JSON_DEPTH = 16

#: The same rules as JSON Schema patterns, so the OpenAPI contract states what is refused
#: (the validators above enforce them; the pattern only documents). Lone surrogates are no
#: Unicode text at all, and a surrogate range is no pattern every regex engine reads, so
#: the patterns name the control characters only.
NO_CONTROL_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
NO_CONTROL_PATTERN_EXCEPT_LINES = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"

_NO_CONTROL = "text without control characters (such as NUL) or unpaired surrogates"


def refuse_control_characters(value: str) -> str:
    """``value`` unchanged, or ValueError (pydantic reports it naming the field)."""
    if _CONTROL.search(value):
        raise ValueError(_NO_CONTROL)
    return value


def check_plain_text(field: str, value: str) -> str:
    """``value`` unchanged, or InputError naming ``field``: a one-line text given outside an
    input model (a sign-in form's username)."""
    try:
        return refuse_control_characters(value)
    except ValueError:
        raise InputError(field, value, _NO_CONTROL) from None


#: A one-line text field of an input model.
PlainText = Annotated[
    str,
    AfterValidator(refuse_control_characters),
    Field(json_schema_extra={"pattern": NO_CONTROL_PATTERN}),
]


def check_json_data(field: str, value: Any, *, depth: int = 0) -> None:
    """Refuse non-finite numbers, control characters and deep nesting; InputError names
    the path of the first offending value (``profile.preferences.0``)."""
    if depth > MAX_JSON_DEPTH:
        raise InputError(field, "…", f"data nested at most {MAX_JSON_DEPTH} levels deep")
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(field, value, "a finite number")
    if isinstance(value, str) and _CONTROL_EXCEPT_LINES.search(value):
        raise InputError(field, value, _NO_CONTROL)
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str) or _CONTROL.search(key):
                raise InputError(field, key, f"keys that are {_NO_CONTROL}")
            check_json_data(f"{field}.{key}", item, depth=depth + 1)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_json_data(f"{field}.{index}", item, depth=depth + 1)
