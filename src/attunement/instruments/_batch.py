"""Scoring many administrations at once: an (n x items) float array, NaN for missing.

Same plan, same rules, same numbers as the single path (``_engine``): keyed item values are
integers, so sums are exact in any order, and every later step (proration, mean, scaling,
rounding, composites, band boundaries) is the same IEEE operation in the same order.
Rows without a missing answer take a fast path (one ``einsum`` per scale); rows with any
missing answer are rescored with the missing-item rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from attunement.errors import InvalidAnswer
from attunement.instruments._compiled import (
    CompiledScale,
    ScoringPlan,
    band_index,
    compiled,
    message,
    reason_components,
    reason_too_many_missing,
)
from attunement.instruments._models import InstrumentDefinition
from attunement.instruments._results import Flag, ScaleScore, Score

__all__ = ["BatchScores", "InvalidAdministration", "ScaleColumns", "batch_row", "score_batch"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class ScaleColumns:
    """One scale over n administrations, column by column.

    ``value`` is NaN where not scorable; ``band_code`` indexes ``band_labels`` (−1: no band).
    """

    value: npt.NDArray[np.float64]
    band_code: npt.NDArray[np.int16]
    prorated: npt.NDArray[np.bool_]
    scorable: npt.NDArray[np.bool_]
    n_missing: npt.NDArray[np.int16]
    band_labels: tuple[str, ...]


@dataclass(frozen=True)
class BatchScores:
    """Many administrations of one instrument, scored column-wise.

    ``flags`` maps each flag id to a boolean mask over administrations. ``row(i)`` gives the
    same ``Score`` the single path gives for administration i.
    """

    instrument: str
    version: str
    language: str
    n: int
    scales: Mapping[str, ScaleColumns]
    flags: Mapping[str, npt.NDArray[np.bool_]]
    answers: npt.NDArray[np.float64] = field(repr=False)
    definition: InstrumentDefinition = field(repr=False, compare=False)

    def row(self, index: int) -> Score:
        """The single-path ``Score`` of administration ``index`` (0-based)."""
        return batch_row(self, index)


class InvalidAdministration(InvalidAnswer):
    """An invalid answer inside a batch; ``row`` is the 0-based administration index."""

    def __init__(
        self,
        row: int,
        item: str,
        value: object,
        allowed: Sequence[int],
        *,
        risk: Sequence[str] = (),
    ) -> None:
        super().__init__(f"administration {row + 1}, item {item}", value, allowed, risk=risk)
        self.row = row
        self.item = item


def score_batch(
    definition: InstrumentDefinition, answers: npt.ArrayLike, *, language: str = "en"
) -> BatchScores:
    """Score n administrations given as an (n x items) array (NaN = missing answer).

    Returns columns per scale (value, band code, prorated, scorable, missing count) and a
    mask per flag; ``BatchScores.row(i)`` equals ``score(definition, answers[i])``.
    Raises InvalidAdministration naming the first bad row and item.
    """
    plan = compiled(definition)
    plan.check_language(language)
    x = np.asarray(answers, dtype=np.float64)
    k = len(plan.item_ids)
    if x.ndim != 2 or x.shape[1] != k:
        raise InvalidAnswer(
            "answers", f"array of shape {x.shape}", f"an (n x {k}) array, one column per item"
        )
    n = x.shape[0]
    row_sum = np.einsum("ij->i", x)
    partial = np.flatnonzero(np.isnan(row_sum))  # rows with at least one missing answer
    _validate(plan, x, partial, language)
    sub = x[partial]
    sub_missing = np.isnan(sub)
    sub_zeroed = np.where(sub_missing, 0.0, sub)
    columns: list[ScaleColumns] = []
    shared_sum_used = False
    for cs in plan.scales:
        if cs.terms:
            columns.append(_composite(cs, columns, n))
            continue
        weights = np.zeros(k)
        constant = 0.0
        for position, reverse, both in zip(cs.positions, cs.reverse, cs.reverse_sum, strict=True):
            weights[position] = -1.0 if reverse else 1.0
            constant += both
        if cs.n_items == k and not any(cs.reverse) and not shared_sum_used:
            total = row_sum
            shared_sum_used = True
        else:
            total = np.einsum("ij,j->i", x, weights)
            if constant:
                total += constant
        columns.append(
            _item_scale(
                cs,
                total=total,
                partial=partial,
                sub_zeroed=sub_zeroed,
                sub_missing=sub_missing,
                weights=weights,
            )
        )
    flags: dict[str, BoolArray] = {}
    for rule in plan.flags:
        column = x[:, rule.position]
        with np.errstate(invalid="ignore"):
            flags[rule.id] = column > rule.above
        if rule.unanswered_id is not None:
            unanswered = np.zeros(n, dtype=np.bool_)
            unanswered[partial] = sub_missing[:, rule.position]
            flags[rule.unanswered_id] = unanswered
    return BatchScores(
        instrument=plan.instrument,
        version=plan.version,
        language=language,
        n=n,
        scales={cs.id: col for cs, col in zip(plan.scales, columns, strict=True)},
        flags=flags,
        answers=x,
        definition=definition,
    )


def _validate(
    plan: ScoringPlan, x: FloatArray, partial: npt.NDArray[np.intp], language: str
) -> None:
    """All answers must be allowed values or NaN; cheap whole-array checks first."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for position, allowed in enumerate(plan.allowed):
        groups.setdefault(allowed, []).append(position)
    ok = True
    for allowed, positions in groups.items():
        block = x if len(positions) == x.shape[1] else x[:, positions]
        if block.size == 0:
            continue
        lo, hi = min(allowed), max(allowed)
        if len(allowed) == hi - lo + 1:  # consecutive integers: range + integrality
            low = np.fmin.reduce(block, axis=None)
            high = np.fmax.reduce(block, axis=None)
            if (low < lo) or (high > hi):  # NaN (all missing) compares False
                ok = False
                break
            n_nan = int(np.count_nonzero(np.isnan(block[partial])))
            with np.errstate(invalid="ignore"):
                as_int = block.astype(np.int16)
            if int(np.count_nonzero(as_int == block)) != block.size - n_nan:
                ok = False
                break
        else:
            good = np.isin(block, allowed) | np.isnan(block)
            if not bool(good.all()):
                ok = False
                break
    if not ok:
        _raise_first_bad(plan, x, language)


def _raise_first_bad(plan: ScoringPlan, x: FloatArray, language: str) -> None:
    bad = np.zeros(x.shape, dtype=np.bool_)
    for position, allowed in enumerate(plan.allowed):
        column = x[:, position]
        bad[:, position] = ~(np.isin(column, allowed) | np.isnan(column))
    row = int(np.argmax(bad.any(axis=1)))
    col = int(np.argmax(bad[row]))
    value = x[row, col]
    shown: object = int(value) if np.isfinite(value) and value == int(value) else float(value)
    given = [None if not np.isfinite(v) else float(v) for v in x[row]]
    raise InvalidAdministration(
        row,
        plan.item_ids[col],
        shown,
        plan.allowed[col],
        risk=plan.endorsed_risk(given, language),
    )


def _item_scale(
    cs: CompiledScale,
    *,
    total: FloatArray,
    partial: npt.NDArray[np.intp],
    sub_zeroed: FloatArray,
    sub_missing: BoolArray,
    weights: FloatArray,
) -> ScaleColumns:
    n = total.shape[0]
    band_code = np.full(n, -1, dtype=np.int16)
    n_missing = np.zeros(n, dtype=np.int16)
    prorated = np.zeros(n, dtype=np.bool_)
    scorable = np.ones(n, dtype=np.bool_)
    if cs.unscorable_reason is not None:
        value = np.full(n, np.nan)
        scorable[:] = False
        n_missing[partial] = sub_missing[:, list(cs.positions)].sum(axis=1)
        return ScaleColumns(value, band_code, prorated, scorable, n_missing, cs.band_labels)
    # Complete rows: sum as is; mean and scaled divide by the item count.
    if cs.method == "sum":
        value = total
    elif cs.method == "mean":
        value = total / cs.n_items
    else:
        value = total * cs.multiplier / cs.n_items
    # Rows with a missing answer somewhere: recompute this scale with its missing rule.
    if partial.size:
        cols = list(cs.positions)
        missing_count = sub_missing[:, cols].sum(axis=1)
        answered = cs.n_items - missing_count
        reverse_sum = np.asarray(cs.reverse_sum)
        keyed = np.einsum("ij,j->i", sub_zeroed, weights)
        keyed += np.einsum("ij,j->i", (~sub_missing[:, cols]).astype(np.float64), reverse_sum)
        ok = (missing_count <= cs.max_missing) & (answered > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            if cs.method == "sum":
                part = np.where(missing_count > 0, keyed * cs.n_items / answered, keyed)
                if cs.round_half_up:
                    part = np.where(missing_count > 0, np.floor(part + 0.5), part)
            elif cs.method == "mean":
                part = keyed / answered
            else:
                part = keyed * cs.multiplier / answered
        value[partial] = np.where(ok, part, np.nan)
        n_missing[partial] = missing_count
        prorated[partial] = ok & (missing_count > 0)
        scorable[partial] = ok
    if cs.band_from:
        band_code = _bands(cs, value, partial)
    return ScaleColumns(value, band_code, prorated, scorable, n_missing, cs.band_labels)


def _bands(
    cs: CompiledScale, value: FloatArray, partial: npt.NDArray[np.intp]
) -> npt.NDArray[np.int16]:
    bounds = np.asarray(cs.band_from)
    lo, hi = int(cs.range[0]), int(cs.range[1])
    if cs.integer_sum and cs.range == (float(lo), float(hi)):
        # Complete rows of a plain integer sum are whole numbers in range: a lookup table.
        table = np.array([band_index(cs.band_from, v) for v in range(lo, hi + 1)], np.int16)
        with np.errstate(invalid="ignore"):
            index = value.astype(np.intp)
        index -= lo
        np.clip(index, 0, hi - lo, out=index)
        codes = table[index]
        if partial.size:
            codes[partial] = np.searchsorted(bounds, value[partial], side="right") - 1
    else:
        codes = (np.searchsorted(bounds, value, side="right") - 1).astype(np.int16)
    codes[np.isnan(value)] = -1
    return codes.astype(np.int16, copy=False)


def _composite(cs: CompiledScale, done: list[ScaleColumns], n: int) -> ScaleColumns:
    value = np.zeros(n)
    scorable = np.ones(n, dtype=np.bool_)
    prorated = np.zeros(n, dtype=np.bool_)
    n_missing = np.zeros(n, dtype=np.int16)
    for index, coefficient in cs.terms:
        part = done[index]
        value += coefficient * part.value
        scorable &= part.scorable
        prorated |= part.prorated
        n_missing += part.n_missing
    value[~scorable] = np.nan
    prorated &= scorable
    band_code = np.full(n, -1, dtype=np.int16)
    if cs.band_from:
        band_code = (np.searchsorted(np.asarray(cs.band_from), value, side="right") - 1).astype(
            np.int16
        )
        band_code[~scorable] = -1
    return ScaleColumns(value, band_code, prorated, scorable, n_missing, cs.band_labels)


def batch_row(batch: BatchScores, index: int) -> Score:
    """Rebuild the ``Score`` of one administration from the columns of a batch."""
    return _row(compiled(batch.definition), batch, index)


def _row(plan: ScoringPlan, batch: BatchScores, index: int) -> Score:
    answers = batch.answers[index]
    scales: dict[str, ScaleScore] = {}
    for cs in plan.scales:
        col = batch.scales[cs.id]
        if cs.terms:
            missing = tuple(m for t in cs.term_ids for m in scales[t].missing_items)
        else:
            missing = tuple(
                item
                for item, p in zip(cs.item_ids, cs.positions, strict=True)
                if np.isnan(answers[p])
            )
        scorable = bool(col.scorable[index])
        reason = None
        if not scorable:
            if cs.unscorable_reason is not None:
                reason = cs.unscorable_reason
            elif cs.terms:
                reason = reason_components(cs, [t for t in cs.term_ids if not scales[t].scorable])
            else:
                reason = reason_too_many_missing(cs, missing)
        code = int(col.band_code[index])
        scales[cs.id] = ScaleScore(
            value=float(col.value[index]) if scorable else None,
            band=col.band_labels[code] if code >= 0 else None,
            prorated=bool(col.prorated[index]),
            missing_items=missing,
            scorable=scorable,
            reason=reason,
        )
    flags: list[Flag] = []
    for rule in plan.flags:
        if rule.unanswered_id is not None and batch.flags[rule.unanswered_id][index]:
            assert rule.unanswered_messages is not None
            flags.append(
                Flag(
                    id=rule.unanswered_id,
                    severity="warning",
                    item=rule.item,
                    message=message(rule.unanswered_messages, batch.language),
                    kind="unanswered",
                )
            )
        elif batch.flags[rule.id][index]:
            flags.append(
                Flag(
                    id=rule.id,
                    severity=rule.severity,
                    item=rule.item,
                    message=message(rule.messages, batch.language),
                    kind="endorsed",
                    answer=float(batch.answers[index, rule.position]),
                )
            )
    return Score(
        instrument=plan.instrument,
        version=plan.version,
        language=batch.language,
        scales=scales,
        flags=tuple(flags),
    )
