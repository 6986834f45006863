"""What scoring returns for one administration: ``Score`` (its scales and risk flags).

Many administrations scored column-wise are ``BatchScores`` (:mod:`._batch`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, model_validator

from attunement._model_config import FROZEN
from attunement.instruments._flag_kind import FlagKind
from attunement.instruments._models import Severity

__all__ = ["Flag", "ScaleScore", "Score"]


class Flag(BaseModel):
    """A risk item that was endorsed or left blank: it must surface in every output.

    Every flag comes from a risk-item rule of the instrument definition (``FlagRule``), so
    every flag opens a risk event (:mod:`attunement.risk`). ``kind`` says whether the item
    was endorsed (an answer above the rule's threshold; severity from the rule, PHQ-9 item
    9: ``critical``) or left unanswered (severity ``warning``). ``answer`` is the answer
    given (None when unanswered). This model is *the* place that says what a risk flag is:
    use :attr:`endorsed` rather than comparing severities.
    """

    model_config = FROZEN

    id: str
    severity: Severity
    item: str
    message: str
    kind: FlagKind = "endorsed"
    answer: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _kind_of_stored_flags(cls, data: Any) -> Any:
        # Flags stored before ``kind`` existed: an unanswered-item flag was the only kind
        # raised with severity "warning" (its id ends in "_unanswered").
        if isinstance(data, Mapping) and "kind" not in data:
            unanswered = str(data.get("id", "")).endswith("_unanswered")
            return {**data, "kind": "unanswered" if unanswered else "endorsed"}
        return data

    @property
    def endorsed(self) -> bool:
        """True when the risk item was endorsed (not merely left unanswered)."""
        return self.kind == "endorsed"


class ScaleScore(BaseModel):
    """One scale of one administration.

    ``value`` is None and ``scorable`` False (with the ``reason``) when too many items are
    missing or the scoring key is not available: never a silent zero.
    """

    model_config = FROZEN

    value: float | None
    band: str | None
    prorated: bool
    missing_items: tuple[str, ...]
    scorable: bool
    reason: str | None


class Score(BaseModel):
    """The scored result of one administration of one instrument."""

    model_config = FROZEN

    instrument: str
    version: str
    language: str
    scales: Mapping[str, ScaleScore]
    flags: tuple[Flag, ...]

    def as_json(self) -> dict[str, Any]:
        """The documented JSON shape (CLI ``--json`` and the API)."""
        return {
            "instrument": self.instrument,
            "version": self.version,
            "language": self.language,
            "scales": {
                name: {
                    "value": scale.value,
                    "band": scale.band,
                    "prorated": scale.prorated,
                    "scorable": scale.scorable,
                    "missing_items": list(scale.missing_items),
                    "reason": scale.reason,
                }
                for name, scale in self.scales.items()
            },
            "flags": [f.model_dump(mode="json") for f in self.flags],
        }
