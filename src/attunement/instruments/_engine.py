"""Scoring one administration: answers in, a ``Score`` out. Pure; no I/O.

Each scale applies its key (a reversed item scores min + max − answer), its method (sum,
mean, scaled, composite), its missing-item rule and its published bands; every risk item
raises its flag. Too many missing answers give a scale that says it is not scorable and why,
never a silent zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from attunement.errors import InvalidAnswer
from attunement.instruments._compiled import (
    CompiledScale,
    band_index,
    compiled,
    message,
    reason_components,
    reason_too_many_missing,
)
from attunement.instruments._models import InstrumentDefinition
from attunement.instruments._results import Flag, ScaleScore, Score

__all__ = ["score"]

# Results are built by plain construction: in pydantic 2.13 validating these small frozen
# models costs less than ``model_construct`` (which runs in Python; bench/status_batch.py).


def score(
    definition: InstrumentDefinition,
    answers: Sequence[int | float | None] | Mapping[str, int | float | None],
    *,
    language: str = "en",
    clinician_language: str = "en",
) -> Score:
    """Score one administration.

    Parameters
    ----------
    definition:
        The instrument (``load_instrument("phq9")``).
    answers:
        One answer per item in item order (None or NaN = missing), or a mapping
        item id -> answer (absent items are missing).
    language:
        The language of the administration (one of ``definition.languages``); flag
        messages are given in it.
    clinician_language:
        The language of the risk messages an error carries (they are read by whoever
        entered the answers in the clinic).

    Raises
    ------
    InvalidAnswer
        An answer is out of range, not a number, for an unknown item, or the count is wrong;
        the message names the item, the value and the allowed values, and every risk item
        endorsed with an allowed answer elsewhere in the same answers (``error.risk``).

    Examples
    --------
    >>> from attunement.instruments import load_instrument, score
    >>> s = score(load_instrument("phq9"), [1, 1, 1, 1, 1, 1, 1, 1, 0])
    >>> s.scales["total"].value, s.scales["total"].band
    (8.0, 'mild')
    """
    plan = compiled(definition)
    if language not in plan.languages:
        plan.check_language(language)
    try:
        values = plan.normalise(answers)
    except InvalidAnswer as error:
        risk = plan.endorsed_risk(answers, clinician_language)
        if not risk:
            raise
        raise InvalidAnswer(error.field, error.value, error.allowed, risk=risk) from None
    results: list[ScaleScore] = []
    scales: dict[str, ScaleScore] = {}
    for cs in plan.scales:
        result = _composite(cs, results) if cs.terms else _scale(cs, values)
        results.append(result)
        scales[cs.id] = result
    flags: list[Flag] = []
    for rule in plan.flags:
        value = values[rule.position]
        if value is None:
            if rule.unanswered_id is not None and rule.unanswered_messages is not None:
                flags.append(
                    Flag(
                        id=rule.unanswered_id,
                        severity="warning",
                        item=rule.item,
                        message=message(rule.unanswered_messages, language),
                        kind="unanswered",
                        answer=None,
                    )
                )
        elif value > rule.above:
            flags.append(
                Flag(
                    id=rule.id,
                    severity=rule.severity,
                    item=rule.item,
                    message=message(rule.messages, language),
                    kind="endorsed",
                    answer=value,
                )
            )
    return Score(
        instrument=plan.instrument,
        version=plan.version,
        language=language,
        scales=scales,
        flags=tuple(flags),
    )


def _scale(cs: CompiledScale, values: list[float | None]) -> ScaleScore:
    total = 0.0
    answered = 0
    missing: list[str] | None = None
    for k, position in enumerate(cs.positions):
        value = values[position]
        if value is None:
            if missing is None:
                missing = []
            missing.append(cs.item_ids[k])
            continue
        answered += 1
        total += cs.reverse_sum[k] - value if cs.reverse[k] else value
    n_missing = cs.n_items - answered
    missing_items = tuple(missing) if missing else ()
    if cs.unscorable_reason is not None:
        return _unscorable(missing_items, cs.unscorable_reason)
    if n_missing > cs.max_missing:
        return _unscorable(missing_items, reason_too_many_missing(cs, missing_items))
    prorated = n_missing > 0
    if cs.method == "sum":
        value = total * cs.n_items / answered if prorated else total
        if prorated and cs.round_half_up:
            value = math.floor(value + 0.5)
    elif cs.method == "mean":
        value = total / answered
    else:  # scaled
        value = total * cs.multiplier / answered
    band = None
    if cs.band_from:
        index = band_index(cs.band_from, value)
        band = cs.band_labels[index] if index >= 0 else None
    return ScaleScore(
        value=float(value),
        band=band,
        prorated=prorated,
        missing_items=missing_items,
        scorable=True,
        reason=None,
    )


def _composite(cs: CompiledScale, done: list[ScaleScore]) -> ScaleScore:
    parts = [done[index] for index, _ in cs.terms]
    missing = tuple(item for part in parts for item in part.missing_items)
    failed = [
        part_id for part_id, part in zip(cs.term_ids, parts, strict=True) if not part.scorable
    ]
    if failed:
        return _unscorable(missing, reason_components(cs, failed))
    value = 0.0
    for (_, coefficient), part in zip(cs.terms, parts, strict=True):
        value += coefficient * part.value  # type: ignore[operator]
    band = None
    if cs.band_from:
        index = band_index(cs.band_from, value)
        band = cs.band_labels[index] if index >= 0 else None
    return ScaleScore(
        value=value,
        band=band,
        prorated=any(part.prorated for part in parts),
        missing_items=missing,
        scorable=True,
        reason=None,
    )


def _unscorable(missing: tuple[str, ...], reason: str) -> ScaleScore:
    return ScaleScore(
        value=None,
        band=None,
        prorated=False,
        missing_items=missing,
        scorable=False,
        reason=reason,
    )
