"""A definition compiled once into lookup tables, shared by the single and batch paths.

Both paths read the same plan, so they apply the same keys, missing-item rules, rounding and
band boundaries; ``reason_too_many_missing`` and friends give both the same words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

from attunement.errors import InputError, InvalidAnswer
from attunement.instruments._models import InstrumentDefinition, ScaleDefinition, Severity

__all__ = ["CompiledFlag", "CompiledScale", "ScoringPlan", "compiled", "missing_rule"]


@dataclass(frozen=True, slots=True)
class CompiledScale:
    """One scale as positions, keys and thresholds."""

    id: str
    method: str
    positions: tuple[int, ...]
    item_ids: tuple[str, ...]
    reverse: tuple[bool, ...]
    reverse_sum: tuple[float, ...]  # min + max of each item's options (0 when not reversed)
    n_items: int
    max_missing: int
    rule_source: str
    round_half_up: bool
    multiplier: float
    terms: tuple[tuple[int, float], ...]
    term_ids: tuple[str, ...]
    band_from: tuple[float, ...]
    band_labels: tuple[str, ...]
    unscorable_reason: str | None
    integer_sum: bool  # plain sum of integer options: complete rows give integer totals
    range: tuple[float, float]


@dataclass(frozen=True, slots=True)
class CompiledFlag:
    """One risk rule by position."""

    id: str
    position: int
    item: str
    above: float
    severity: Severity
    messages: Mapping[str, str]
    unanswered_id: str | None
    unanswered_messages: Mapping[str, str] | None


@dataclass(frozen=True, slots=True)
class ScoringPlan:
    """Everything the scoring paths need, precomputed."""

    instrument: str
    version: str
    languages: tuple[str, ...]
    item_ids: tuple[str, ...]
    position: Mapping[str, int]
    tables: tuple[Mapping[float, float], ...]  # allowed answer -> float value, per item
    allowed: tuple[tuple[int, ...], ...]
    scales: tuple[CompiledScale, ...]
    flags: tuple[CompiledFlag, ...]

    def check_language(self, language: str) -> None:
        """Refuse a language the definition does not have."""
        if language not in self.languages:
            raise InputError("language", language, self.languages)

    def normalise(self, answers: Sequence[object] | Mapping[str, object]) -> list[float | None]:
        """Answers as floats in item order (None = missing), or InvalidAnswer."""
        n = len(self.item_ids)
        if isinstance(answers, Mapping):
            values: list[object] = [None] * n
            for key, value in answers.items():
                index = self.position.get(key)
                if index is None:
                    raise InvalidAnswer("item", key, self.item_ids)
                values[index] = value
        elif isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
            raise InvalidAnswer(
                "answers", answers, f"a list of {n} answers or a mapping item id -> answer"
            )
        else:
            values = list(answers)
            if len(values) != n:
                raise InvalidAnswer(
                    "answers",
                    len(values),
                    f"exactly {n} answers, one per item {self.item_ids[0]} .. "
                    f"{self.item_ids[-1]} (an empty answer or None is a missing answer)",
                )
        out: list[float | None] = [None] * n
        tables = self.tables
        for i, value in enumerate(values):
            kind = type(value)
            if kind is int or kind is float:
                found = tables[i].get(value)  # type: ignore[call-overload]
                if found is not None:
                    out[i] = found
                    continue
                if kind is float and math.isnan(value):  # type: ignore[arg-type]  # NaN = missing
                    continue
            elif value is None:
                continue
            out[i] = self._slow_value(i, value)
        return out

    def endorsed_risk(
        self, answers: Sequence[object] | Mapping[str, object], language: str
    ) -> tuple[str, ...]:
        """Messages of the risk items endorsed with an allowed answer, whatever else is wrong.

        Used when an administration is refused: the error must still name an endorsed risk
        item (a PHQ-9 refused for item 1 whose item 9 is 3 is a suicide-risk answer).
        """
        found: list[str] = []
        for rule in self.flags:
            raw: object = None
            if isinstance(answers, Mapping):
                raw = answers.get(rule.item)
            elif isinstance(answers, Sequence) and not isinstance(answers, str | bytes):
                raw = answers[rule.position] if rule.position < len(answers) else None
            if isinstance(raw, bool) or not isinstance(raw, Real):
                continue
            value = self.tables[rule.position].get(float(raw))
            if value is not None and value > rule.above:
                found.append(f"{message(rule.messages, language)} (answer given: {raw})")
        return tuple(found)

    def _slow_value(self, index: int, value: object) -> float | None:
        item = self.item_ids[index]
        if isinstance(value, bool) or not isinstance(value, Real):
            raise InvalidAnswer(item, value, self.allowed[index])
        number = float(value)
        if math.isnan(number):
            return None
        found = self.tables[index].get(number)
        if found is None:
            raise InvalidAnswer(item, value, self.allowed[index])
        return found


def reason_too_many_missing(scale: CompiledScale, missing: Sequence[str]) -> str:
    """Why a scale is not scorable because of missing answers (same words in both paths)."""
    allowed = (
        "no item may be missing"
        if scale.max_missing == 0
        else f"at most {scale.max_missing} may be missing"
    )
    return (
        f"not scorable: {len(missing)} of {scale.n_items} items missing "
        f"({', '.join(missing)}); {allowed} ({scale.rule_source})"
    )


def reason_components(scale: CompiledScale, failed: Sequence[str]) -> str:
    """Why a composite scale is not scorable."""
    return f"not scorable: needs scale(s) {', '.join(failed)}, which could not be scored"


def band_index(band_from: Sequence[float], value: float) -> int:
    """Index of the last band whose lower bound the value reaches (−1: below all)."""
    lo, hi = 0, len(band_from)
    while lo < hi:
        mid = (lo + hi) // 2
        if value < band_from[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo - 1


def missing_rule(scale: ScaleDefinition) -> tuple[int, str]:
    """How many of ``scale``'s items may be missing and the source that says so (the rule
    the scorer applies, for a note that explains an unscorable session)."""
    limit, source, _ = _max_missing(scale)
    return limit, source


def _max_missing(scale: ScaleDefinition) -> tuple[int, str, bool]:
    rule = scale.missing
    if rule is None:
        return 0, "no missing-item rule found in the sources", False
    n = len(scale.items)
    limit = rule.max_missing if rule.max_missing is not None else n
    if rule.max_missing_fraction is not None:
        limit = min(limit, math.floor(rule.max_missing_fraction * n + 1e-9))
    return min(limit, n - 1), rule.source, rule.rounding == "round_half_up"


def _compile_scale(
    definition: InstrumentDefinition, scale: ScaleDefinition, order: Mapping[str, int]
) -> CompiledScale:
    position = {item_id: i for i, item_id in enumerate(definition.item_ids)}
    reverse = tuple(item in scale.reverse for item in scale.items)
    sums = []
    for item, rev in zip(scale.items, reverse, strict=True):
        values = definition.allowed_values(item)
        sums.append(float(min(values) + max(values)) if rev else 0.0)
    max_missing, source, rounding = _max_missing(scale)
    unscorable = None
    if scale.key_status == "unverified":
        unscorable = (
            "not scorable: the scoring key of this scale has not been verified from the "
            "published source; import the key with the item text (attune instruments "
            f"import-text {definition.id} FILE)"
        )
    bands = scale.bands.levels if scale.bands else ()
    return CompiledScale(
        id=scale.id,
        method=scale.method,
        positions=tuple(position[item] for item in scale.items),
        item_ids=scale.items,
        reverse=reverse,
        reverse_sum=tuple(sums),
        n_items=len(scale.items),
        max_missing=max_missing,
        rule_source=source,
        round_half_up=rounding,
        multiplier=float(scale.multiplier or 1.0),
        terms=tuple((order[name], float(coef)) for name, coef in (scale.terms or {}).items()),
        term_ids=tuple(scale.terms or ()),
        band_from=tuple(b.from_ for b in bands),
        band_labels=tuple(b.label for b in bands),
        unscorable_reason=unscorable,
        integer_sum=scale.method == "sum" and not any(reverse) and not rounding,
        range=scale.range,
    )


def _build(definition: InstrumentDefinition) -> ScoringPlan:
    order = {scale.id: i for i, scale in enumerate(definition.scales)}
    tables: list[Mapping[float, float]] = []
    allowed: list[tuple[int, ...]] = []
    for item in definition.items:
        values = tuple(option.value for option in definition.response_sets[item.responses])
        allowed.append(values)
        tables.append({float(v): float(v) for v in values})
    position = {item_id: i for i, item_id in enumerate(definition.item_ids)}
    flags = tuple(
        CompiledFlag(
            id=rule.id,
            position=position[rule.item],
            item=rule.item,
            above=rule.above,
            severity=rule.severity,
            messages=rule.message,
            unanswered_id=f"{rule.id}_unanswered" if rule.unanswered_message else None,
            unanswered_messages=rule.unanswered_message,
        )
        for rule in definition.flags
    )
    return ScoringPlan(
        instrument=definition.id,
        version=definition.version,
        languages=definition.languages,
        item_ids=definition.item_ids,
        position=position,
        tables=tuple(tables),
        allowed=tuple(allowed),
        scales=tuple(_compile_scale(definition, s, order) for s in definition.scales),
        flags=flags,
    )


#: Plans by definition object. The definition is kept alive beside its plan, so an id is
#: never reused while its entry exists (definitions are few: packaged ones plus imports).
_PLANS: dict[int, tuple[InstrumentDefinition, ScoringPlan]] = {}


def compiled(definition: InstrumentDefinition) -> ScoringPlan:
    """The plan of a definition, built on first use and kept for the process."""
    entry = _PLANS.get(id(definition))
    if entry is None:
        entry = (definition, _build(definition))
        _PLANS[id(definition)] = entry
    return entry[1]


def message(messages: Mapping[str, str], language: str) -> str:
    """A message in the language asked for, else English, else any."""
    return messages.get(language) or messages.get("en") or next(iter(messages.values()))
