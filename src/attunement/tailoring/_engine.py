"""``plan(profile)``: the one rule engine that turns a profile into a tailored plan.

Steps: put the patient's preferences in one canonical order (they are a set: the order
they were listed in must not change the plan); find the open risk (open risk events given
by the caller, and the profile's own risk flags); fire every rule whose condition holds
(preference rules once per matching preference); order the firings by evidence strength —
the element's verdict, then its effect on a common d scale, then the rule's weight; while
risk is open, hold back what ``risk.yaml`` suppresses and lead with the safety item; decide
the settings, resolving conflicts from ``conflicts.yaml`` and recording each; add the
tensions on file; say what is not assessed and how to assess it, and which assumptions the
plan rests on (the rules' own, the risk policy's, and every assumed cut-off behind a
patient fact). Pure: the same inputs always give the same plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from attunement import instruments  # loads its names on first use
from attunement.errors import InputError
from attunement.evidence import EvidenceBase, load_evidence
from attunement.i18n import N_
from attunement.profile import (
    DIMENSIONS,
    Profile,
    canonical_language_tag,
    field_label,
    in_canonical_order,
)
from attunement.risk import RiskEvent
from attunement.tailoring._conditions import Context
from attunement.tailoring._firing import Firing, fire_rules
from attunement.tailoring._loader import load_rulebook
from attunement.tailoring._models import (
    Assumption,
    NotAssessed,
    PatientFact,
    Plan,
    PlanConflict,
    PlanFlag,
    Recommendation,
)
from attunement.tailoring._risk import (
    guard_settings,
    held_back_recommendation,
    held_back_tension,
    open_risk,
    safety_items,
    split_firings,
)
from attunement.tailoring._rulebook import RuleBook
from attunement.tailoring._settings import decide_settings, find_tensions, tension_conflict
from attunement.tailoring._template import fill, slot_values

__all__ = ["ASSUMED_CUTOFF", "plan"]

#: What an assumed cut-off behind a patient fact says (a gettext message id: ``scale`` is the
#: scale's name, ``field`` the profile field's label): stored in English, with the scale and
#: the field beside it for the reader's language (``wording.plan_in``).
ASSUMED_CUTOFF: Final = N_(
    "%(scale)s to %(field)s: the cut-offs are an assumption, not a published equivalence."
)


def plan(
    profile: Profile,
    *,
    open_risk_events: Sequence[RiskEvent] = (),
    clinic_language: str = "en",
) -> Plan:
    """Build the tailored plan for one patient.

    Parameters
    ----------
    profile : Profile
        The patient's profile (see :func:`attunement.profile.parse_profile`).
    open_risk_events : sequence of RiskEvent, optional
        The patient's risk events (:mod:`attunement.risk`); the open ones, like the
        profile's own risk flags, make the plan lead with safety and hold back arousal-raising,
        confrontive, evocative, experiential and exposure methods (``rules/risk.yaml``).
    clinic_language : str, optional
        The language the clinic works in (BCP 47, default ``en``): a preferred language is
        only offered when it differs from it.

    Returns
    -------
    Plan
        The safety item while risk is open; settings (directiveness, stance, focus,
        intensity, arousal, processes of change); the relationship foundations; the tailored
        recommendations strongest evidence first; the conflicts and how they were resolved
        (including what was suppressed while risk is open); what is not assessed; and the
        assumptions the plan relies on.

    Raises
    ------
    InputError
        ``clinic_language`` is not a BCP 47 language tag.
    """
    language = canonical_language_tag(clinic_language) if clinic_language else None
    if language is None:
        raise InputError("clinic_language", clinic_language, "a BCP 47 language tag, e.g. en")
    context = Context(clinic_language=language)
    profile = in_canonical_order(profile)  # preferences and flags are sets
    book = load_rulebook()
    evidence = load_evidence()
    risk = open_risk(profile, open_risk_events, book.risk)
    firings = fire_rules(book, profile, evidence, context)
    kept, suppressed = split_firings(firings, book.risk) if risk else (firings, ())
    outcome = decide_settings(kept, book, evidence)
    held: list[PlanConflict] = []
    if risk:
        outcome, held_settings = guard_settings(outcome, kept, suppressed, book.risk)
        held += [
            held_back_recommendation(_recommend(f, 0, profile, language), book.risk)
            for f in suppressed
        ]
        held += held_settings
    held_tensions, tensions = _tensions(book, profile, context, evidence, risk_open=bool(risk))
    foundations = [f for f in kept if f.rule.foundation]
    tailored = [f for f in kept if not f.rule.foundation]
    recommendations = (
        *(_recommend(f, i, profile, language) for i, f in enumerate(foundations, 1)),
        *(_recommend(f, i, profile, language) for i, f in enumerate(tailored, 1)),
    )
    conflicts = (*held, *held_tensions, *outcome.conflicts, *tensions)
    assumptions = [*_assumptions(book, kept), *([book.risk.assumption] if risk else [])]
    shown: list[Recommendation | PlanConflict] = [*recommendations, *conflicts]
    values = outcome.values
    return Plan(
        safety=safety_items(risk, book.risk),
        directiveness=values["directiveness"],
        stance=values["stance"],
        focus=values["focus"],
        intensity=values["intensity"],
        arousal=values["arousal"],
        processes_of_change=outcome.processes,
        settings=outcome.decisions,
        flags=_flags(profile),
        foundations=recommendations[: len(foundations)],
        recommendations=recommendations[len(foundations) :],
        conflicts=conflicts,
        not_assessed=_not_assessed(book, profile),
        assumptions=(*assumptions, *_assumed_cutoffs(f for e in shown for f in e.because)),
        disclaimer=book.disclaimer,
    )


def _tensions(
    book: RuleBook,
    profile: Profile,
    context: Context,
    evidence: EvidenceBase,
    *,
    risk_open: bool,
) -> tuple[list[PlanConflict], list[PlanConflict]]:
    """(held back, recorded): the tensions that hold; tagged ones are held while risk is open."""
    held: list[PlanConflict] = []
    recorded: list[PlanConflict] = []
    for tension, facts in find_tensions(book, profile, context):
        if risk_open and tension.methods:
            held.append(held_back_tension(tension, facts, book.risk))
        else:
            recorded.append(tension_conflict(tension, facts, evidence))
    return held, recorded


def _recommend(
    firing: Firing, priority: int, profile: Profile, clinic_language: str
) -> Recommendation:
    spec = firing.rule.spec
    slots = slot_values(profile, firing.preference, clinic_language)
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
        methods=spec.methods,
    )


def _flags(profile: Profile) -> tuple[PlanFlag, ...]:
    """The flags as the plan shows them (most severe first: the canonical order)."""
    return tuple(PlanFlag(**flag.model_dump()) for flag in in_canonical_order(profile).flags)


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


def _assumptions(book: RuleBook, firings: Iterable[Firing]) -> tuple[Assumption, ...]:
    ids: list[str] = []
    for firing in firings:
        for assumption in firing.rule.spec.assumptions:
            if assumption not in ids:
                ids.append(assumption)
    return tuple(book.assumptions[i] for i in ids)


def _assumed_cutoffs(facts: Iterable[PatientFact]) -> tuple[Assumption, ...]:
    """One assumption per assumed score-to-value mapping behind a fact of the plan."""
    found: dict[str, Assumption] = {}
    for fact in facts:
        derivation = fact.derivation
        if derivation is None or derivation.assumption is None:
            continue
        instrument = fact.provenance.instrument or "instrument"
        source = f"Assumption in the {instruments.instrument_short_name(instrument)} definition"
        if derivation.source:
            source += f"; bands: {derivation.source}"
        statement = ASSUMED_CUTOFF % {
            "scale": derivation.scale_name,
            "field": field_label(fact.field).lower(),
        }
        key = f"{instrument}.{derivation.field}"
        if key not in found and derivation.assumption not in (a.reasoning for a in found.values()):
            found[key] = Assumption(
                id=key,
                statement=statement,
                reasoning=derivation.assumption,
                source=source,
                scale_name=derivation.scale_name,
                field=fact.field,
            )
    return tuple(found.values())
