"""Closing and reopening an episode: request and response bodies (issue 12)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from attunement.services._clean_input import NO_CONTROL_PATTERN_EXCEPT_LINES, PlainText
from attunement.services._schema_config import INPUT, PUBLIC

__all__ = ["EndReasonPublic", "EpisodeClose", "EpisodeReopen"]

_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _note_text(value: str) -> str:
    if _CONTROL_EXCEPT_LINES.search(value):
        raise ValueError("text without control characters (such as NUL) or unpaired surrogates")
    return value


#: Free text over several lines (a note): newlines and tabs allowed, other controls not.
NoteText = Annotated[
    str,
    AfterValidator(_note_text),
    Field(json_schema_extra={"pattern": NO_CONTROL_PATTERN_EXCEPT_LINES}),
]


class EpisodeClose(BaseModel):
    """Close an episode.

    ``end_reason`` is a key of ``monitoring/end_reasons.yaml`` (``GET
    /api/v1/episodes/end-reasons``); ``ended_on`` defaults to today and may lie neither in
    the future nor before the episode's start or its last session; the final measures
    default to the episode's last outcome (and alliance) administration.
    """

    model_config = INPUT

    end_reason: PlainText = Field(max_length=40)  # checked against the vocabulary
    ended_on: dt.date | None = None
    note: NoteText | None = Field(default=None, max_length=4000)
    final_outcome_administration_id: int | None = None
    final_alliance_administration_id: int | None = None


class EpisodeReopen(BaseModel):
    """Reopen a closed episode: why (kept in the episode's lifecycle, audited)."""

    model_config = INPUT

    reason: NoteText = Field(min_length=1, max_length=2000)


class EndReasonPublic(BaseModel):
    """One reason an episode may end for."""

    model_config = PUBLIC

    id: str
    label: str
    definition: str
    source: str | None
    note_required: bool
