"""Results of the change maths. Each carries the norms (and so the source) it used."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from attunement._model_config import FROZEN
from attunement.monitoring._models import ChangeNorms, Direction

__all__ = [
    "ChangeCategory",
    "ClinicalCutoffs",
    "ReliableChange",
    "ReliableChangeBound",
    "RemissionStatus",
    "ResponseStatus",
]


RciPolicy = Literal["prefer_published", "jacobson_truax"]
BoundMethod = Literal["published_rci", "jacobson_truax"]
CutoffKind = Literal["published", "a", "b", "c"]
CutoffRule = Literal["auto", "published", "a", "b", "c"]
Category = Literal["recovered", "improved", "unchanged", "deteriorated"]


class ReliableChangeBound(BaseModel):
    """The smallest change, in raw points, that counts as reliable.

    ``method="jacobson_truax"``: ``points = z · S_diff`` and a change is reliable when
    ``|RC| > z``; ``method="published_rci"``: ``points`` is the instrument's published
    threshold and a change is reliable when ``|x₂ − x₁| >= points``.
    """

    model_config = FROZEN

    points: float
    method: BoundMethod
    z: float
    standard_error_of_difference: float | None
    norms: ChangeNorms


class ReliableChange(BaseModel):
    """The change between two scores and whether it is reliable (Jacobson & Truax 1991).

    ``change = after − before``; ``improvement`` is the change signed so that a positive
    value is better for the patient (direction-aware). ``rc = change / S_diff`` when the
    norms give an SD and a reliability (``None`` otherwise).
    """

    model_config = FROZEN

    before: float
    after: float
    change: float
    improvement: float
    rc: float | None
    bound: ReliableChangeBound
    reliable: bool
    outcome: Literal["reliable_improvement", "reliable_deterioration", "no_reliable_change"]
    norms: ChangeNorms


class ClinicalCutoffs(BaseModel):
    """Jacobson–Truax cut-offs a, b, c (``None`` where the norms lack the inputs).

    ``published`` is the instrument's own cut-off when it has one. ``multiplier`` is the k
    in ``M ± k·SD`` (Jacobson & Truax 1991 use 2; 1.96 is also common).
    """

    model_config = FROZEN

    a: float | None
    b: float | None
    c: float | None
    published: float | None
    multiplier: float
    direction: Direction
    norms: ChangeNorms


class ChangeCategory(BaseModel):
    """Recovered / improved / unchanged / deteriorated, with what decided it.

    ``cutoff`` and ``cutoff_kind`` name the cut-off used (``None`` when the norms have
    none, in which case a reliable improvement is reported as "improved" and ``note``
    says why it cannot be "recovered").
    """

    model_config = FROZEN

    category: Category
    reliable_change: ReliableChange
    cutoff: float | None
    cutoff_kind: CutoffKind | None
    before_clinical: bool | None
    after_clinical: bool | None
    note: str | None
    norms: ChangeNorms


class ResponseStatus(BaseModel):
    """Whether a proportional reduction from intake meets the response rule."""

    model_config = FROZEN

    met: bool
    reduction: float | None
    threshold: float
    note: str | None
    source: str


class RemissionStatus(BaseModel):
    """Whether a score is past the remission threshold."""

    model_config = FROZEN

    met: bool
    score: float
    threshold: float
    direction: Direction
    source: str
