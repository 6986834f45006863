"""The small declarative condition language of the rule files (never ``eval``).

A condition is YAML data::

    {dimension: reactance, in: [high]}                 # enum membership
    {dimension: attachment.anxiety, gte: 4.0}          # gt / gte / lt / lte / equals
    {dimension: culture.wants_adaptation, equals: true}
    {dimension: coping_style, present: false}          # assessed or not
    {preference: {aspect: [therapist_gender], strength: [strong]}}   # some preference matches
    {all: [...]}, {any: [...]}, {not: {...}}, always

Parsing checks every field path and value against the profile vocabulary, so a typo in a
rule file (``in: [hgh]``) fails at load time with the file and the dotted field named.
Evaluation returns whether the condition holds *and* the patient facts it looked at, which
become the ``because`` of a recommendation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from attunement.errors import DefinitionError
from attunement.profile import PREFERENCE_ASPECTS, PROFILE_FIELDS, STRENGTHS, Preference, Profile
from attunement.tailoring._models import PatientFact

__all__ = [
    "AllOf",
    "Always",
    "AnyOf",
    "Condition",
    "FieldTest",
    "Match",
    "Not",
    "PreferenceMatcher",
    "PreferenceTest",
    "evaluate",
    "parse_condition",
    "parse_preference_matcher",
]

Scalar = str | float | bool
_COMPARISONS = ("gt", "gte", "lt", "lte")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Always(_Frozen):
    kind: Literal["always"] = "always"


class FieldTest(_Frozen):
    """A test of one profile field; exactly one operator is set."""

    field: str
    op: Literal["in", "equals", "gt", "gte", "lt", "lte", "present"]
    operand: tuple[Scalar, ...] | Scalar


class PreferenceMatcher(_Frozen):
    """Which preferences match: each given list restricts that attribute."""

    aspect: tuple[str, ...] = ()
    value: tuple[str, ...] = ()
    strength: tuple[str, ...] = ()

    def matches(self, preference: Preference) -> bool:
        """True when the preference passes every restriction given."""
        return (
            (not self.aspect or preference.aspect in self.aspect)
            and (not self.value or preference.value in self.value)
            and (not self.strength or preference.strength in self.strength)
        )


class PreferenceTest(_Frozen):
    preference: PreferenceMatcher


class AllOf(_Frozen):
    all: tuple[Condition, ...]


class AnyOf(_Frozen):
    any: tuple[Condition, ...]


class Not(_Frozen):
    negated: Condition


Condition = Always | FieldTest | PreferenceTest | AllOf | AnyOf | Not


class Match(NamedTuple):
    """Whether a condition holds, and the patient facts that it examined."""

    holds: bool
    facts: tuple[PatientFact, ...]


# --------------------------------------------------------------------------- parsing


def parse_condition(raw: Any, source: str, path: str) -> Condition:
    """Parse and validate one condition; raise DefinitionError naming file and field."""
    if raw == "always":
        return Always()
    if not isinstance(raw, Mapping):
        raise DefinitionError(source, path, f"a condition mapping or 'always', not {raw!r}")
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        _only(raw, {key}, source, path)
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise DefinitionError(source, f"{path}.{key}", "a non-empty list of conditions")
        parsed = tuple(
            parse_condition(item, source, f"{path}.{key}[{i}]") for i, item in enumerate(items)
        )
        return AllOf(all=parsed) if key == "all" else AnyOf(any=parsed)
    if "not" in raw:
        _only(raw, {"not"}, source, path)
        return Not(negated=parse_condition(raw["not"], source, f"{path}.not"))
    if "preference" in raw:
        _only(raw, {"preference"}, source, path)
        matcher = parse_preference_matcher(raw["preference"], source, f"{path}.preference")
        return PreferenceTest(preference=matcher)
    if "dimension" in raw:
        return _field_test(raw, source, path)
    raise DefinitionError(
        source, path, "a condition needs one of: dimension, preference, all, any, not"
    )


def parse_preference_matcher(raw: Any, source: str, path: str) -> PreferenceMatcher:
    """Parse ``{aspect: [...], value: [...], strength: [...]}`` (each optional)."""
    if not isinstance(raw, Mapping):
        raise DefinitionError(source, path, "a mapping with aspect, value and/or strength lists")
    _only(raw, {"aspect", "value", "strength"}, source, path)
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("aspect", "value", "strength"):
        items = raw.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise DefinitionError(source, f"{path}.{key}", "a list of names")
        lists[key] = tuple(items)
    for aspect in lists["aspect"]:
        if aspect not in PREFERENCE_ASPECTS:
            raise DefinitionError(
                source,
                f"{path}.aspect",
                f"unknown aspect {aspect!r}; known: {', '.join(PREFERENCE_ASPECTS)}",
            )
    for strength in lists["strength"]:
        if strength not in STRENGTHS:
            raise DefinitionError(source, f"{path}.strength", f"unknown strength {strength!r}")
    aspects = lists["aspect"] or tuple(PREFERENCE_ASPECTS)
    for value in lists["value"]:
        closed = [v for a in aspects if isinstance(v := PREFERENCE_ASPECTS[a].values, tuple)]
        if len(closed) == len(aspects) and not any(value in c for c in closed):
            raise DefinitionError(
                source, f"{path}.value", f"{value!r} is not a value of {', '.join(aspects)}"
            )
    return PreferenceMatcher(**lists)


def _field_test(raw: Mapping[str, Any], source: str, path: str) -> FieldTest:
    field = raw["dimension"]
    if field not in PROFILE_FIELDS:
        raise DefinitionError(
            source,
            f"{path}.dimension",
            f"unknown field {field!r}; known: {', '.join(PROFILE_FIELDS)}",
        )
    spec = PROFILE_FIELDS[field]
    operators = [k for k in raw if k != "dimension"]
    if len(operators) != 1:
        raise DefinitionError(
            source, path, "give exactly one of: in, equals, gt, gte, lt, lte, present"
        )
    op = operators[0]
    operand = raw[op]
    where = f"{path}.{op}"
    if op == "present":
        if not isinstance(operand, bool):
            raise DefinitionError(source, where, "true or false")
        return FieldTest(field=field, op="present", operand=operand)
    if op == "in":
        if not isinstance(operand, list) or not operand:
            raise DefinitionError(source, where, "a non-empty list of values")
        for value in operand:
            _check_value(value, spec.kind, spec.values, source, where)
        return FieldTest(field=field, op="in", operand=tuple(operand))
    if op == "equals":
        _check_value(operand, spec.kind, spec.values, source, where)
        return FieldTest(field=field, op="equals", operand=operand)
    if op in _COMPARISONS:
        if spec.kind != "number":
            raise DefinitionError(source, where, f"{field} is not numeric; use in or equals")
        if isinstance(operand, bool) or not isinstance(operand, int | float):
            raise DefinitionError(source, where, "a number")
        return FieldTest(field=field, op=op, operand=float(operand))
    raise DefinitionError(
        source, where, "unknown operator; use in, equals, gt, gte, lt, lte, present"
    )


def _check_value(value: Any, kind: str, values: tuple[str, ...], source: str, where: str) -> None:
    ok = {
        "enum": isinstance(value, str) and value in values,
        "bool": isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
    }.get(kind, isinstance(value, str))
    if not ok:
        allowed = ", ".join(values) if kind == "enum" else kind
        raise DefinitionError(source, where, f"{value!r} is not allowed here; allowed: {allowed}")


def _only(raw: Mapping[str, Any], keys: set[str], source: str, path: str) -> None:
    extra = sorted(set(raw) - keys)
    if extra:
        raise DefinitionError(source, f"{path}.{extra[0]}", f"unexpected key beside {sorted(keys)}")


# --------------------------------------------------------------------------- evaluation


def evaluate(condition: Condition, profile: Profile) -> Match:
    """Evaluate a condition against a profile (pure; no side effects)."""
    if isinstance(condition, Always):
        return Match(True, ())
    if isinstance(condition, FieldTest):
        return _evaluate_field(condition, profile)
    if isinstance(condition, PreferenceTest):
        found = [p for p in profile.preferences if condition.preference.matches(p)]
        return Match(bool(found), tuple(preference_fact(p) for p in found))
    if isinstance(condition, AllOf):
        parts = [evaluate(c, profile) for c in condition.all]
        holds = all(p.holds for p in parts)
        return Match(holds, _merge(p.facts for p in parts) if holds else ())
    if isinstance(condition, AnyOf):
        parts = [evaluate(c, profile) for c in condition.any]
        return Match(any(p.holds for p in parts), _merge(p.facts for p in parts if p.holds))
    inner = evaluate(condition.negated, profile)
    return Match(not inner.holds, inner.facts if not inner.holds else ())


def preference_fact(preference: Preference) -> PatientFact:
    """The patient fact a preference contributes to ``because``."""
    return PatientFact(
        field=f"preferences.{preference.aspect}",
        value=preference.value,
        strength=preference.strength,
        provenance=preference.provenance,
    )


def _evaluate_field(test: FieldTest, profile: Profile) -> Match:
    found = profile.value_at(test.field)
    if found is None:
        return Match(test.op == "present" and test.operand is False, ())
    value, provenance = found
    fact = (PatientFact(field=test.field, value=value, provenance=provenance),)
    operand = test.operand
    if test.op == "present":
        holds = operand is True
    elif test.op == "in":
        holds = isinstance(operand, tuple) and value in operand
    elif test.op == "equals":
        holds = value == operand
    else:
        number, limit = float(value), float(operand)  # type: ignore[arg-type]
        holds = {
            "gt": number > limit,
            "gte": number >= limit,
            "lt": number < limit,
            "lte": number <= limit,
        }[test.op]
    return Match(holds, fact)


def _merge(groups: Any) -> tuple[PatientFact, ...]:
    out: list[PatientFact] = []
    for group in groups:
        for fact in group:
            if fact not in out:
                out.append(fact)
    return tuple(out)


for _model in (AllOf, AnyOf, Not):
    _model.model_rebuild()
