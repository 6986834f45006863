"""``plan(profile)``: the one rule engine that turns a profile into a tailored plan.

Steps: fire every rule whose condition holds (preference rules once per matching
preference); order the firings by evidence strength — the element's verdict, then its effect
on a common d scale, then the rule's weight; decide the settings, resolving conflicts from
``conflicts.yaml`` and recording each; add the tensions on file; say what is not assessed and
how to assess it. Pure: the same profile always gives the same plan.
"""

from __future__ import annotations

from attunement.evidence import load_evidence
from attunement.profile import DIMENSIONS, Profile
from attunement.tailoring._firing import Firing, fire_rules
from attunement.tailoring._loader import load_rulebook
from attunement.tailoring._models import (
    Assumption,
    NotAssessed,
    Plan,
    PlanFlag,
    Recommendation,
)
from attunement.tailoring._rulebook import RuleBook
from attunement.tailoring._settings import decide_settings, find_tensions
from attunement.tailoring._template import fill, slot_values

__all__ = ["plan"]

_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def plan(profile: Profile) -> Plan:
    """Build the tailored plan for one patient.

    Parameters
    ----------
    profile : Profile
        The patient's profile (see :func:`attunement.profile.parse_profile`).

    Returns
    -------
    Plan
        Settings (directiveness, stance, focus, intensity, arousal, processes of change),
        the relationship foundations, the tailored recommendations strongest evidence first,
        the conflicts and how they were resolved, what is not assessed, and the assumptions
        the rules rely on.
    """
    book = load_rulebook()
    evidence = load_evidence()
    firings = fire_rules(book, profile, evidence)
    outcome = decide_settings(firings, book, evidence)
    foundations = [f for f in firings if f.rule.foundation]
    tailored = [f for f in firings if not f.rule.foundation]
    values = outcome.values
    return Plan(
        directiveness=values["directiveness"],
        stance=values["stance"],
        focus=values["focus"],
        intensity=values["intensity"],
        arousal=values["arousal"],
        processes_of_change=outcome.processes,
        settings=outcome.decisions,
        flags=_flags(profile),
        foundations=tuple(_recommend(f, i, profile) for i, f in enumerate(foundations, 1)),
        recommendations=tuple(_recommend(f, i, profile) for i, f in enumerate(tailored, 1)),
        conflicts=(*outcome.conflicts, *find_tensions(book, profile, evidence)),
        not_assessed=_not_assessed(book, profile),
        assumptions=_assumptions(book, firings),
        disclaimer=book.disclaimer,
    )


def _recommend(firing: Firing, priority: int, profile: Profile) -> Recommendation:
    spec = firing.rule.spec
    slots = slot_values(profile, firing.preference)
    return Recommendation(
        id=firing.id,
        rule=spec.id,
        dimension=firing.dimension,
        summary=fill(spec.summary, slots),
        detail=fill(spec.detail, slots),
        do=tuple(fill(t, slots) for t in spec.do),
        avoid=tuple(fill(t, slots) for t in spec.avoid),
        behaviours=tuple(fill(t, slots) for t in spec.behaviours),
        because=firing.facts,
        evidence=firing.citations,
        priority=priority,
        risk=spec.risk,
        content_source=spec.source,
    )


def _flags(profile: Profile) -> tuple[PlanFlag, ...]:
    flags = sorted(profile.flags, key=lambda f: (_SEVERITY_ORDER[f.severity], f.dimension, f.id))
    return tuple(PlanFlag(**flag.model_dump()) for flag in flags)


def _not_assessed(book: RuleBook, profile: Profile) -> tuple[NotAssessed, ...]:
    found: list[NotAssessed] = []
    for prompt in book.prompts:
        head, _, tail = prompt.field.partition(".")
        if tail:
            missing = profile.is_assessed(head) and profile.value_at(prompt.field) is None
        else:
            missing = head in DIMENSIONS and not profile.is_assessed(head)
        if missing:
            found.append(NotAssessed(**prompt.model_dump()))
    return tuple(found)


def _assumptions(book: RuleBook, firings: tuple[Firing, ...]) -> tuple[Assumption, ...]:
    ids: list[str] = []
    for firing in firings:
        for assumption in firing.rule.spec.assumptions:
            if assumption not in ids:
                ids.append(assumption)
    return tuple(book.assumptions[i] for i in ids)
