"""The vocabulary of a structured risk response (``responses.yaml``), validated on load."""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, Field, model_validator

from attunement._model_config import FROZEN
from attunement.knowledge import load_packaged

__all__ = ["ResponseVocabulary", "load_response_vocabulary"]

_KEY = r"^[a-z][a-z_]*$"


class Term(BaseModel):
    """One level, action or kind: what a clinician reads."""

    model_config = FROZEN

    label: str = Field(min_length=1)
    requires_reason: bool = False
    alone: bool = False


class ResponseVocabulary(BaseModel):
    """Levels of concern, actions taken and the two kinds of risk event, with labels."""

    model_config = FROZEN

    version: str = Field(min_length=1)
    caveat: str = Field(min_length=1)
    caveat_source: str = Field(min_length=1)
    levels: dict[str, Term] = Field(min_length=1)
    actions: dict[str, Term] = Field(min_length=1)
    kinds: dict[str, Term]

    @model_validator(mode="after")
    def _keys(self) -> ResponseVocabulary:
        for group in ("levels", "actions", "kinds"):
            for key in getattr(self, group):
                if not re.match(_KEY, key):
                    raise ValueError(f"{group}: {key!r} is not a lower_snake_case key")
        if set(self.kinds) != {"endorsed", "unanswered"}:
            raise ValueError("kinds: exactly endorsed and unanswered")
        return self

    def level_label(self, level: str) -> str:
        return self.levels[level].label

    def action_label(self, action: str) -> str:
        return self.actions[action].label


@cache
def load_response_vocabulary() -> ResponseVocabulary:
    """The packaged vocabulary (``attunement/risk/responses.yaml``), cached."""
    return load_packaged(ResponseVocabulary, "attunement.risk", "responses.yaml")
