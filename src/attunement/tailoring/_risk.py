"""Safety first while a risk event is open: what the plan leads with and what it holds back.

A risk event is open from an endorsed (or unanswered) risk item until a clinician records a
risk response (:mod:`attunement.risk`). The profile's own risk flags (a PHQ-9 given at
intake with item 9 endorsed) count as open too: nobody has answered them inside the plan.
While one is open the plan leads with the safety item of ``rules/risk.yaml`` (the safety
plan components of Stanley & Brown 2012) and suppresses every rule and tension tagged with
a method of the policy, every setting value it excludes (arousal ``raise``) and the processes
of change it lists. Nothing is dropped silently: each suppression becomes a ``risk``
conflict saying what was held back and why. The policy itself is an assumption stated in
``risk.yaml`` and listed among the plan's assumptions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final, Literal

from attunement.i18n import N_
from attunement.profile import Profile
from attunement.risk import RiskEvent, open_first
from attunement.tailoring._firing import Firing
from attunement.tailoring._models import (
    PatientFact,
    PlanConflict,
    Recommendation,
    RiskBasis,
    SafetyFirst,
    SettingDecision,
    SettingOption,
)
from attunement.tailoring._rulebook import SETTINGS, RiskPolicy, Tension
from attunement.tailoring._settings import SettingsOutcome

__all__ = [
    "HELD_BACK",
    "HELD_BECAUSE",
    "guard_settings",
    "held_back_recommendation",
    "held_back_tension",
    "open_risk",
    "safety_items",
    "split_firings",
]

#: What a conflict held back while a risk event is open says (gettext message ids: ``what`` is
#: the text held back, ``methods`` the methods' labels, ``reason`` the risk rule's reason).
HELD_BACK: Final = N_("Suppressed while a risk event is open: %(what)s")
HELD_BECAUSE: Final = N_("It suggests %(methods)s. %(reason)s")

_KINDS: tuple[Literal["endorsed", "unanswered"], ...] = ("endorsed", "unanswered")


def open_risk(
    profile: Profile, events: Iterable[RiskEvent], policy: RiskPolicy
) -> tuple[RiskBasis, ...]:
    """The open risk items the policy applies to: open events first, then profile flags.

    One basis per instrument item of an open event (its sessions, its first date, the latest
    answer and message). A profile flag that an open event already reports is not repeated.
    """
    found: list[RiskBasis] = []
    for event in open_first(events):
        if not event.open or event.kind not in policy.applies_to:
            continue
        items = dict.fromkeys((e.instrument, e.item) for e in event.endorsements)
        for instrument, item in items:
            mine = [e for e in event.endorsements if (e.instrument, e.item) == (instrument, item)]
            dates = [e.on for e in mine if e.on is not None]
            found.append(
                RiskBasis(
                    origin="risk_event",
                    kind=event.kind,
                    instrument=instrument,
                    item=item,
                    message=mine[-1].message,
                    answer=mine[-1].answer,
                    event_id=event.id,
                    sessions=tuple(dict.fromkeys(e.session for e in mine if e.session)),
                    first_on=min(dates) if dates else None,
                )
            )
    reported = {(b.kind, b.instrument, b.item) for b in found}
    for flag in profile.flags:
        if (
            flag.kind in policy.applies_to
            and (flag.kind, flag.instrument, flag.item) not in reported
        ):
            found.append(
                RiskBasis(
                    origin="profile",
                    kind=flag.kind,
                    instrument=flag.instrument,
                    item=flag.item,
                    message=flag.message,
                    answer=flag.answer,
                )
            )
            reported.add((flag.kind, flag.instrument, flag.item))
    return tuple(sorted(found, key=lambda b: _KINDS.index(b.kind)))


def safety_items(risk: Sequence[RiskBasis], policy: RiskPolicy) -> tuple[SafetyFirst, ...]:
    """The safety item for each kind of open risk (endorsed before unanswered)."""
    items: list[SafetyFirst] = []
    for kind in _KINDS:
        because = tuple(b for b in risk if b.kind == kind)
        if not because:
            continue
        text = policy.safety[kind]
        items.append(
            SafetyFirst(
                id=f"safety_first_{kind}",
                kind=kind,
                summary=text.summary,
                detail=text.detail,
                do=text.do,
                avoid=text.avoid,
                because=because,
                source=policy.source,
            )
        )
    return tuple(items)


def split_firings(
    firings: Sequence[Firing], policy: RiskPolicy
) -> tuple[tuple[Firing, ...], tuple[Firing, ...]]:
    """(kept, suppressed): a firing is suppressed when its rule names a method of the policy."""
    kept = tuple(f for f in firings if not _held(f.rule.spec.methods, policy))
    suppressed = tuple(f for f in firings if _held(f.rule.spec.methods, policy))
    return kept, suppressed


def held_back_recommendation(recommendation: Recommendation, policy: RiskPolicy) -> PlanConflict:
    """The record of a recommendation suppressed while a risk event is open."""
    return PlanConflict(
        id=f"risk:{recommendation.id}",
        kind="risk",
        between=("risk", recommendation.dimension),
        resolution=HELD_BACK % {"what": recommendation.summary},
        reason=_reason(recommendation.methods, policy),
        because=recommendation.because,
        held=recommendation.summary,
        methods=_labels(recommendation.methods, policy),
    )


def held_back_tension(
    tension: Tension, facts: tuple[PatientFact, ...], policy: RiskPolicy
) -> PlanConflict:
    """The record of a tension whose resolution is suppressed while a risk event is open."""
    return PlanConflict(
        id=f"risk:{tension.id}",
        kind="risk",
        between=("risk", *tension.between),
        resolution=HELD_BACK % {"what": tension.resolution},
        reason=_reason(tension.methods, policy),
        because=facts,
        held=tension.resolution,
        methods=_labels(tension.methods, policy),
    )


def guard_settings(
    outcome: SettingsOutcome,
    kept: Sequence[Firing],
    suppressed: Sequence[Firing],
    policy: RiskPolicy,
) -> tuple[SettingsOutcome, tuple[PlanConflict, ...]]:
    """The settings with the risk policy applied, and a conflict for each change.

    A setting loses the proposals of the suppressed firings; a value the policy excludes
    (or a default left where only a suppressed rule had spoken) becomes the policy's
    ``instead``. Processes of change the policy lists are dropped.
    """
    values = dict(outcome.values)
    decisions = {d.setting: d for d in outcome.decisions}
    conflicts: list[PlanConflict] = []
    for setting in SETTINGS:
        rule = policy.settings.get(setting)
        dropped = [
            (f, f.rule.spec.sets.single()[setting])
            for f in suppressed
            if setting in f.rule.spec.sets.single()
        ]
        current = values[setting]
        excluded = rule is not None and current in rule.excluded
        if not dropped and not excluded:
            continue
        chosen = current
        if rule is not None and (excluded or decisions[setting].basis == "default"):
            chosen = rule.instead
            values[setting] = chosen
            decisions[setting] = SettingDecision(
                setting=setting, value=chosen, basis="risk", note=rule.resolution
            )
        options = tuple(
            SettingOption(value=v, rule=f.id, dimension=f.dimension) for f, v in dropped
        )
        resolution = (
            rule.resolution
            if rule is not None
            else f"Held back the {setting} proposed by {', '.join(o.rule for o in options)}."
        )
        conflicts.append(
            PlanConflict(
                id=f"risk:{setting}",
                kind="risk",
                setting=setting,
                between=("risk", *dict.fromkeys(o.dimension for o in options)),
                options=options,
                chosen=chosen,
                resolution=resolution,
                reason=policy.reason,
                because=_facts(f for f, _ in dropped),
            )
        )
    held = [p for p in outcome.processes if p in policy.processes_of_change]
    if held:
        proposers = [f for f in kept if set(f.rule.spec.sets.processes_of_change) & set(held)]
        conflicts.append(
            PlanConflict(
                id="risk:processes_of_change",
                kind="risk",
                between=("risk", *dict.fromkeys(f.dimension for f in proposers)),
                resolution=(
                    "Suppressed while a risk event is open: the processes of change "
                    f"{', '.join(p.replace('_', ' ') for p in held)} "
                    f"(proposed by {', '.join(f.id for f in proposers)})."
                ),
                reason=policy.reason,
                because=_facts(proposers),
            )
        )
    guarded = SettingsOutcome(
        values,
        tuple(p for p in outcome.processes if p not in held),
        tuple(decisions[s] for s in SETTINGS),
        outcome.conflicts,
    )
    return guarded, tuple(conflicts)


def _held(methods: Iterable[str], policy: RiskPolicy) -> bool:
    return any(m in policy.methods for m in methods)


def _labels(methods: Iterable[str], policy: RiskPolicy) -> tuple[str, ...]:
    return tuple(policy.methods[m] for m in methods if m in policy.methods)


def _reason(methods: Iterable[str], policy: RiskPolicy) -> str:
    return HELD_BECAUSE % {"methods": "; ".join(_labels(methods, policy)), "reason": policy.reason}


def _facts(firings: Iterable[Firing]) -> tuple[PatientFact, ...]:
    return tuple(dict.fromkeys(fact for firing in firings for fact in firing.facts))
