"""Response and remission, as rule data from the instrument definition.

Rules are data, not code per instrument: ``ScaleDefinition.response`` (kind
``relative_reduction``; PHQ-9: a reduction of at least 50%) and ``.remission`` (kind
``below``; PHQ-9: a score below 5), each with its source in the instrument definition
(phq9.yaml: Jackson et al. 2020 for response).
"""

from __future__ import annotations

import math

from attunement.errors import InputError
from attunement.monitoring._models import ChangeRuleLike, Direction
from attunement.monitoring._results import RemissionStatus, ResponseStatus

__all__ = ["remission_status", "response_status"]


def _score(field: str, value: float) -> float:
    v = float(value)
    if not math.isfinite(v):
        raise InputError(field, value, "a finite score")
    return v


def _rule_kind(rule: ChangeRuleLike, field: str, expected: str) -> None:
    kind = getattr(rule, "kind", expected)
    if kind != expected:
        raise InputError(f"{field}.kind", kind, expected)


def response_status(
    before: float,
    after: float,
    rule: ChangeRuleLike,
    *,
    direction: Direction = "higher_is_worse",
) -> ResponseStatus:
    """Response = ``(before − after) / before >= rule.threshold`` (PHQ-9: 0.5, i.e. >= 50%).

    ``rule.kind`` must be ``"relative_reduction"``. Defined for higher-is-worse scales with
    a floor of 0; an intake of 0 cannot respond (``met`` is False and ``note`` says why).
    """
    x1, x2 = _score("before", before), _score("after", after)
    _rule_kind(rule, "response", "relative_reduction")
    if direction != "higher_is_worse":
        raise InputError("direction", direction, "higher_is_worse (a percent reduction rule)")
    m = float(rule.threshold)
    if not (math.isfinite(m) and 0.0 < m <= 1.0):
        raise InputError("response.threshold", rule.threshold, "a proportion in (0, 1]")
    if x1 <= 0:
        return ResponseStatus(
            met=False,
            reduction=None,
            threshold=m,
            note="intake score is 0: a proportional reduction is undefined",
            source=rule.source,
        )
    reduction = (x1 - x2) / x1
    return ResponseStatus(
        met=reduction >= m, reduction=reduction, threshold=m, note=None, source=rule.source
    )


def remission_status(
    score: float, rule: ChangeRuleLike, *, direction: Direction = "higher_is_worse"
) -> RemissionStatus:
    """Remission = score strictly below ``rule.threshold`` (above, if higher is better).

    ``rule.kind`` must be ``"below"``. PHQ-9: remission is a score < 5.
    """
    x = _score("score", score)
    _rule_kind(rule, "remission", "below")
    t = _score("remission.threshold", rule.threshold)
    if direction not in ("higher_is_worse", "higher_is_better"):
        raise InputError("direction", direction, ("higher_is_worse", "higher_is_better"))
    met = x < t if direction == "higher_is_worse" else x > t
    return RemissionStatus(met=met, score=x, threshold=t, direction=direction, source=rule.source)
