"""Session-by-session series: what monitoring reads.

A :class:`Series` is one scale of one instrument across the sessions of an episode (the
PHQ-9 total, the WAI-SR total …). Each :class:`SessionPoint` keeps the value used for
monitoring (``None`` when the administration could not be scored — never a silent zero),
the flags its scoring raised (a risk item must surface at every session it appears) and
whether the patient attended (a missed appointment is a point with ``attended=False``).
"""

from __future__ import annotations

import math
from datetime import date

from pydantic import BaseModel, Field, model_validator

from attunement._model_config import FROZEN
from attunement.errors import InvalidEpisode
from attunement.instruments import Flag

__all__ = ["Series", "SessionPoint"]


class SessionPoint(BaseModel):
    """One session of a series. ``session`` 1 is the intake."""

    model_config = FROZEN

    session: int = Field(ge=1)
    value: float | None = None
    held_on: date | None = None
    flags: tuple[Flag, ...] = ()
    attended: bool = True

    @model_validator(mode="after")
    def _finite_and_attended(self) -> SessionPoint:
        if self.value is not None and not math.isfinite(self.value):
            raise InvalidEpisode(f"session {self.session}.value", self.value, "a finite number")
        if not self.attended and self.value is not None:
            raise InvalidEpisode(
                f"session {self.session}.value",
                self.value,
                "no value for a missed session (attended: false)",
            )
        return self


class Series(BaseModel):
    """One scale of one instrument over an episode, in session order, one point a session."""

    model_config = FROZEN

    instrument: str = Field(min_length=1)
    scale: str = Field(min_length=1)
    points: tuple[SessionPoint, ...]

    @model_validator(mode="after")
    def _ordered_unique_sessions(self) -> Series:
        if not self.points:
            raise InvalidEpisode(f"{self.instrument}.sessions", [], "at least one session")
        previous = 0
        for point in self.points:
            if point.session <= previous:
                raise InvalidEpisode(
                    f"{self.instrument}.sessions[session {point.session}].session",
                    point.session,
                    f"session numbers in increasing order, each once (after session {previous})",
                )
            previous = point.session
        return self

    @property
    def scored(self) -> tuple[SessionPoint, ...]:
        """The points with a value (attended and scorable), in order."""
        return tuple(p for p in self.points if p.value is not None)

    def upto(self, session: int) -> Series | None:
        """The series cut after ``session`` (None when no point is left)."""
        kept = tuple(p for p in self.points if p.session <= session)
        if not kept:
            return None
        return Series(instrument=self.instrument, scale=self.scale, points=kept)

    def at(self, session: int) -> SessionPoint | None:
        """The point of that session, if any."""
        for point in self.points:
            if point.session == session:
                return point
        return None
