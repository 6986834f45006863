"""The small declarative condition language of the rule files (never ``eval``).

A condition is YAML data::

    {dimension: reactance, in: [high]}                 # enum membership
    {dimension: attachment.anxiety, gte: 4.0}          # gt / gte / lt / lte / equals
    {dimension: culture.wants_adaptation, equals: true}
    {dimension: coping_style, present: false}          # assessed or not
    {dimension: culture.preferred_language, differs_from_clinic_language: true}
    {preference: {aspect: [therapist_gender], strength: [strong]}}   # some preference matches
    {preference: {aspect: [language], differs_from_clinic_language: true}}
    {all: [...]}, {any: [...]}, {not: {...}}, always

Parsing checks every field path and value against the profile vocabulary, so a typo in a
rule file (``in: [hgh]``) fails at load time with the file and the dotted field named.
Evaluation (:mod:`attunement.tailoring._evaluation`) returns whether the condition holds
*and* the patient facts it looked at, which become the ``because`` of a recommendation. The
:class:`Context` carries what is known about the clinic rather than the patient (the
language it works in; issue 16: an English patient in an English clinic is not offered "the
preferred language").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from attunement._model_config import FROZEN
from attunement.errors import DefinitionError
from attunement.profile import (
    PREFERENCE_ASPECTS,
    PROFILE_FIELDS,
    STRENGTHS,
    Preference,
    same_language,
)

__all__ = [
    "CLINIC_LANGUAGE",
    "AllOf",
    "Always",
    "AnyOf",
    "Condition",
    "Context",
    "FieldTest",
    "Not",
    "PreferenceMatcher",
    "PreferenceTest",
    "parse_condition",
    "parse_preference_matcher",
]

Scalar = str | float | bool
_COMPARISONS = ("gt", "gte", "lt", "lte")
CLINIC_LANGUAGE = "differs_from_clinic_language"


@dataclass(frozen=True)
class Context:
    """What the rules may know about the clinic: the language it works in (BCP 47)."""

    clinic_language: str = "en"


class _Frozen(BaseModel):
    model_config = FROZEN


class Always(_Frozen):
    kind: Literal["always"] = "always"


class FieldTest(_Frozen):
    """A test of one profile field; exactly one operator is set."""

    field: str
    op: Literal["in", "equals", "gt", "gte", "lt", "lte", "present", "differs_from_clinic_language"]
    operand: tuple[Scalar, ...] | Scalar


class PreferenceMatcher(_Frozen):
    """Which preferences match: each given list restricts that attribute.

    ``differs_from_clinic_language`` (language preferences only) keeps a preference only when
    it names another language than the clinic's.
    """

    aspect: tuple[str, ...] = ()
    value: tuple[str, ...] = ()
    strength: tuple[str, ...] = ()
    differs_from_clinic_language: bool = False

    def matches(self, preference: Preference, context: Context | None = None) -> bool:
        """True when the preference passes every restriction given."""
        clinic = (context or Context()).clinic_language
        return (
            (not self.aspect or preference.aspect in self.aspect)
            and (not self.value or preference.value in self.value)
            and (not self.strength or preference.strength in self.strength)
            and not (self.differs_from_clinic_language and same_language(preference.value, clinic))
        )


class PreferenceTest(_Frozen):
    preference: PreferenceMatcher


class AllOf(_Frozen):
    all: tuple[Condition, ...]


class AnyOf(_Frozen):
    any: tuple[Condition, ...]


class Not(_Frozen):
    negated: Condition


#: AllOf, AnyOf and Not name it before it exists; their validators are built on first use
#: (``FROZEN``'s ``defer_build``), when it does.
Condition = Always | FieldTest | PreferenceTest | AllOf | AnyOf | Not


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
    _only(raw, {"aspect", "value", "strength", CLINIC_LANGUAGE}, source, path)
    differs = raw.get(CLINIC_LANGUAGE, False)
    if not isinstance(differs, bool):
        raise DefinitionError(source, f"{path}.{CLINIC_LANGUAGE}", "true or false")
    if differs and list(raw.get("aspect", [])) != ["language"]:
        raise DefinitionError(source, f"{path}.{CLINIC_LANGUAGE}", "only for aspect: [language]")
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
    return PreferenceMatcher(**lists, differs_from_clinic_language=differs)


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
            source,
            path,
            f"give exactly one of: in, equals, gt, gte, lt, lte, present, {CLINIC_LANGUAGE}",
        )
    op = operators[0]
    operand = raw[op]
    where = f"{path}.{op}"
    if op == "present":
        if not isinstance(operand, bool):
            raise DefinitionError(source, where, "true or false")
        return FieldTest(field=field, op="present", operand=operand)
    if op == CLINIC_LANGUAGE:
        if spec.kind != "language" or operand is not True:
            raise DefinitionError(source, where, "true, and only on a language field")
        return FieldTest(field=field, op=CLINIC_LANGUAGE, operand=True)
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
        source,
        where,
        f"unknown operator; use in, equals, gt, gte, lt, lte, present, {CLINIC_LANGUAGE}",
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
