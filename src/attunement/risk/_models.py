"""Risk events: an endorsed (or unanswered) risk item is a state, not a cell of a table.

A **risk endorsement** is one risk item of one administration that was endorsed (PHQ-9
item 9 above 0) or left blank. It opens a **risk event**, which stays open — pinned on the
caseload, the patient page, the status, the EHR cards and the reports — until a clinician
records a structured **risk response** (when assessed, the level of concern, what was done,
a reason when nothing was done, a note). Then the event moves to the history; a new
endorsement opens a new event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field, model_validator

from attunement._model_config import FROZEN
from attunement.errors import InputError
from attunement.instruments import FlagKind
from attunement.risk._vocabulary import load_response_vocabulary

__all__ = ["RiskEndorsement", "RiskEvent", "RiskResponse", "Route"]


#: How the administration reached Attunement.
Route = Literal[
    "session", "administration", "self_report", "intake", "fhir_import", "episode_file", "import"
]

_NOTE_LIMIT = 4000


class RiskEndorsement(BaseModel):
    """One risk item of one administration that was endorsed or left unanswered.

    ``message`` is the instrument's risk message, in the language the clinician reads it in
    when the caller chose one (the CDS and the web pages do), else in the administration's.
    """

    model_config = FROZEN

    kind: FlagKind
    instrument: str = Field(min_length=1)
    item: str = Field(min_length=1)
    flag: str = Field(min_length=1)
    answer: float | None = None
    message: str
    route: Route
    session: int | None = Field(default=None, ge=1)
    at: dt.datetime | None = None
    on: dt.date | None = None
    administration_id: int | None = None
    administration_key: str | None = None
    language: str = "en"

    def same_as(self, other: RiskEndorsement) -> bool:
        """True for the same item of the same administration (recorded twice).

        Stored administrations are compared by id; others (an intake questionnaire kept in
        the profile) by ``administration_key``, a digest of the administration as given.
        """
        if self.administration_id is not None and other.administration_id is not None:
            return self.administration_id == other.administration_id and self.flag == other.flag
        if self.administration_key is not None and other.administration_key is not None:
            return self.administration_key == other.administration_key and self.flag == other.flag
        mine = (self.instrument, self.flag, self.session, self.route, self.at, self.on)
        theirs = (other.instrument, other.flag, other.session, other.route, other.at, other.on)
        return mine == theirs and self.answer == other.answer


class RiskResponse(BaseModel):
    """What the clinician did about an open risk event (``responses.yaml`` vocabulary)."""

    model_config = FROZEN

    assessed_on: dt.date
    level: str
    actions: tuple[str, ...] = Field(min_length=1)
    reason: str | None = None
    note: str | None = None
    recorded_by: str | None = None
    recorded_at: dt.datetime | None = None

    @model_validator(mode="after")
    def _check(self) -> RiskResponse:
        words = load_response_vocabulary()
        if self.level not in words.levels:
            raise InputError("level", self.level, list(words.levels))
        for action in self.actions:
            if action not in words.actions:
                raise InputError("actions", action, list(words.actions))
        if len(set(self.actions)) != len(self.actions):
            raise InputError("actions", list(self.actions), "each action once")
        alone = [a for a in self.actions if words.actions[a].alone]
        if alone and len(self.actions) > 1:
            raise InputError(
                "actions", list(self.actions), f"{alone[0]} on its own, or other actions"
            )
        needs_reason = [a for a in self.actions if words.actions[a].requires_reason]
        if needs_reason and not (self.reason or "").strip():
            raise InputError(
                "reason", self.reason, f"a reason when the action is {needs_reason[0]}"
            )
        for name in ("reason", "note"):
            text = getattr(self, name)
            if text is not None and len(text) > _NOTE_LIMIT:
                raise InputError(name, f"{len(text)} characters", f"at most {_NOTE_LIMIT}")
        return self


class RiskEvent(BaseModel):
    """An open or answered risk event (``id`` is the stored id; None before it is stored)."""

    model_config = FROZEN

    id: int | None = None
    kind: FlagKind
    endorsements: tuple[RiskEndorsement, ...] = Field(min_length=1)
    response: RiskResponse | None = None

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        # ``open`` is derived from ``response``: accept a dumped event back.
        if isinstance(data, dict) and "open" in data:
            return {k: v for k, v in data.items() if k != "open"}
        return data

    @model_validator(mode="after")
    def _one_kind(self) -> RiskEvent:
        if any(e.kind != self.kind for e in self.endorsements):
            raise ValueError("every endorsement of a risk event has the event's kind")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def open(self) -> bool:
        """True until a clinician records a response."""
        return self.response is None

    @property
    def first(self) -> RiskEndorsement:
        return self.endorsements[0]

    @property
    def latest(self) -> RiskEndorsement:
        return self.endorsements[-1]

    @property
    def sessions(self) -> tuple[int, ...]:
        """The sessions at which the item was endorsed (or left blank), in order."""
        return tuple(dict.fromkeys(e.session for e in self.endorsements if e.session))
