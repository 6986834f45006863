"""Evaluating a rule condition against a profile: does it hold, and which facts did it see.

The facts a condition examined become the ``because`` of a recommendation; each carries its
provenance and, for a value derived from a score, its :class:`~attunement.profile.Derivation`
(published or assumed cut-off). The :class:`~attunement.tailoring._conditions.Context` adds
what is known about the clinic (its language).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from attunement.profile import Preference, Profile, Provenance, same_language
from attunement.tailoring._conditions import (
    CLINIC_LANGUAGE,
    AllOf,
    Always,
    AnyOf,
    Condition,
    Context,
    FieldTest,
    PreferenceTest,
)
from attunement.tailoring._models import PatientFact

__all__ = ["Match", "evaluate", "patient_fact", "preference_fact"]


class Match(NamedTuple):
    """Whether a condition holds, and the patient facts that it examined."""

    holds: bool
    facts: tuple[PatientFact, ...]


def evaluate(condition: Condition, profile: Profile, context: Context | None = None) -> Match:
    """Evaluate a condition against a profile (pure; no side effects)."""
    context = context or Context()
    if isinstance(condition, Always):
        return Match(True, ())
    if isinstance(condition, FieldTest):
        return _evaluate_field(condition, profile, context)
    if isinstance(condition, PreferenceTest):
        found = [p for p in profile.preferences if condition.preference.matches(p, context)]
        return Match(bool(found), tuple(preference_fact(p) for p in found))
    if isinstance(condition, AllOf):
        parts = [evaluate(c, profile, context) for c in condition.all]
        holds = all(p.holds for p in parts)
        return Match(holds, _merge(p.facts for p in parts) if holds else ())
    if isinstance(condition, AnyOf):
        parts = [evaluate(c, profile, context) for c in condition.any]
        return Match(any(p.holds for p in parts), _merge(p.facts for p in parts if p.holds))
    inner = evaluate(condition.negated, profile, context)
    return Match(not inner.holds, inner.facts if not inner.holds else ())


def patient_fact(
    field: str, value: str | float | bool, provenance: Provenance, strength: str | None = None
) -> PatientFact:
    """A fact for ``because``, carrying how its value was derived from a score (if it was)."""
    return PatientFact(
        field=field,
        value=value,
        strength=strength,
        provenance=provenance,
        derivation=provenance.derivation(field),
    )


def preference_fact(preference: Preference) -> PatientFact:
    """The patient fact a preference contributes to ``because``."""
    return patient_fact(
        f"preferences.{preference.aspect}",
        preference.value,
        preference.provenance,
        strength=preference.strength,
    )


def _evaluate_field(test: FieldTest, profile: Profile, context: Context) -> Match:
    found = profile.value_at(test.field)
    if found is None:
        return Match(test.op == "present" and test.operand is False, ())
    value, provenance = found
    fact = (patient_fact(test.field, value, provenance),)
    operand = test.operand
    if test.op == "present":
        holds = operand is True
    elif test.op == CLINIC_LANGUAGE:
        holds = not same_language(str(value), context.clinic_language)
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
