"""Which rules fire for a profile, with their facts, citations and evidence strength."""

from __future__ import annotations

from dataclasses import dataclass

from attunement.evidence import EvidenceBase
from attunement.profile import Preference, Profile, preference_value_key
from attunement.tailoring._citations import cite, strength_key
from attunement.tailoring._conditions import Context
from attunement.tailoring._evaluation import evaluate, preference_fact
from attunement.tailoring._models import EvidenceCitation, PatientFact
from attunement.tailoring._rulebook import Rule, RuleBook

__all__ = ["Firing", "fire_rules"]


@dataclass(frozen=True)
class Firing:
    """One rule applied to this patient (once per matching preference for preference rules)."""

    rule: Rule
    id: str
    facts: tuple[PatientFact, ...]
    preference: Preference | None
    citations: tuple[EvidenceCitation, ...]

    @property
    def dimension(self) -> str:
        """The dimension of the rule's file."""
        return self.rule.dimension

    @property
    def sort_key(self) -> tuple[int, float, int, str]:
        """Strongest first: verdict, effect size (as d), rule weight, then id (deterministic)."""
        rank, effect = strength_key(self.citations[0])
        return (rank, effect, -self.rule.spec.weight, self.id)


def fire_rules(
    book: RuleBook, profile: Profile, evidence: EvidenceBase, context: Context | None = None
) -> tuple[Firing, ...]:
    """Every firing for the profile, strongest evidence first."""
    firings: list[Firing] = []
    for rule in book.rules:
        match = evaluate(rule.when, profile, context)
        if not match.holds:
            continue
        if rule.for_each_preference is None:
            firings.append(_firing(rule, rule.id, match.facts, None, evidence))
            continue
        for preference in profile.preferences:
            if rule.for_each_preference.matches(preference, context):
                facts = (*match.facts, preference_fact(preference))
                value = preference_value_key(preference.value)  # one id per value
                key = f"{rule.id}.{preference.aspect}.{value}"
                firings.append(_firing(rule, key, facts, preference, evidence))
    return tuple(sorted(firings, key=lambda f: f.sort_key))


def _firing(
    rule: Rule,
    key: str,
    facts: tuple[PatientFact, ...],
    preference: Preference | None,
    evidence: EvidenceBase,
) -> Firing:
    aspect = None if preference is None else preference.aspect
    citations = tuple(cite(ref, evidence, aspect) for ref in rule.spec.evidence)
    return Firing(rule=rule, id=key, facts=facts, preference=preference, citations=citations)
