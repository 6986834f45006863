"""Why an episode ended (``end_reasons.yaml``): the vocabulary, validated on load.

Closing an episode names one of these reasons (planned end, dropout, referral, other);
an unknown reason is refused naming the field and the reasons allowed. Data, not code: a
clinic vocabulary change is a change of the file, checked by :mod:`attunement.knowledge`.
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, Field, model_validator

from attunement._model_config import FROZEN
from attunement.errors import InputError
from attunement.knowledge import load_packaged

__all__ = ["EndReason", "EndReasons", "check_end_reason", "load_end_reasons"]


class EndReason(BaseModel):
    """One reason: its label, when to choose it, and whether a note must say more."""

    model_config = FROZEN

    label: str = Field(min_length=1)
    definition: str = Field(min_length=10)
    source: str | None = None
    note_required: bool = False


class EndReasons(BaseModel):
    """The reasons an episode may end for, by key (``planned_end``, ``dropout`` …)."""

    model_config = FROZEN

    version: str = Field(min_length=1)
    reasons: dict[str, EndReason] = Field(min_length=1)

    @model_validator(mode="after")
    def _keys(self) -> EndReasons:
        for key in self.reasons:
            if not re.match(r"^[a-z][a-z_]*$", key):
                raise ValueError(f"reasons: {key!r} is not a lower_snake_case key")
        if not {"planned_end", "dropout"} <= set(self.reasons):
            raise ValueError("reasons: planned_end and dropout are required")
        return self

    def label(self, key: str) -> str:
        """The label of reason ``key`` (the key itself if the file no longer has it)."""
        found = self.reasons.get(key)
        return found.label if found else key


@cache
def load_end_reasons() -> EndReasons:
    """The packaged vocabulary (``attunement/monitoring/end_reasons.yaml``), cached."""
    return load_packaged(EndReasons, "attunement.monitoring", "end_reasons.yaml")


def check_end_reason(reason: str, note: str | None) -> EndReason:
    """The reason ``reason`` names, or InputError naming the field and what is allowed
    (an unknown reason; a reason that needs a note given without one)."""
    reasons = load_end_reasons().reasons
    found = reasons.get(reason)
    if found is None:
        raise InputError("end_reason", reason, ", ".join(reasons))
    if found.note_required and not (note and note.strip()):
        raise InputError("note", note or "", f"a note saying what happened ({found.label})")
    return found
