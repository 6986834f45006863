"""Clinical-support prompts targeted at what is off for this patient, and closing the loop.

The prompts of ``support_prompts/*.yaml`` are ranked and chosen by data, not by the page: a
**targeted** prompt applies only when one of its ``signals`` is in the patient's stored
status and profile — an open risk event (record a risk response), deterioration (referral or
a higher level of care), a ruptured or at-risk alliance (repair), precontemplation, low
expectations or an early stage of change (stance), an unaccommodated strong preference
(accommodation) — in that order (``priority``), each saying ``because`` with the facts. The
**general** Lambert domains no stored datum can show (social support, life events; White et
al. 2015, PubMed 25751744) follow on yellow and red. Prompts can suggest profile updates
(re-assess the stage of change with the URICA or a readiness ruler …);
:func:`apply_profile_updates` applies the accepted ones and :func:`replan` regenerates the
tailored plan from the updated profile — the loop closes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from attunement import tailoring  # loads its names on first use: a status never replans
from attunement._model_config import FROZEN
from attunement.errors import InvalidProfile
from attunement.monitoring._alliance import AllianceStatus
from attunement.monitoring._dropout import DropoutRisk
from attunement.monitoring._feedback_data import ProfileUpdateDefinition, load_support_prompts
from attunement.monitoring._profile_facts import bare_fact, current_value
from attunement.monitoring._prompt_facts import alliance_fact
from attunement.monitoring._risk_fact import open_risk
from attunement.monitoring._worded import Worded, as_stored
from attunement.profile import DIMENSIONS, Profile, parse_profile
from attunement.risk import RiskEvent

if TYPE_CHECKING:
    from attunement.tailoring import Plan

__all__ = [
    "ProfileUpdate",
    "SupportPrompt",
    "apply_profile_updates",
    "replan",
    "support_prompt_titles",
    "support_prompts",
    "support_prompts_version",
]

#: A stage before action that the work may not match (precontemplation is its own dropout
#: indicator): the stance should match the stage (evidence element stages_of_change).
_BEFORE_ACTION = frozenset({"contemplation"})


class ProfileUpdate(BaseModel):
    """A suggested profile update: re-assess ``field`` with one of ``instruments``."""

    model_config = FROZEN

    field: str
    action: str = "reassess"
    instruments: tuple[str, ...]
    reason: str
    #: the dimension's value now, in English ("contemplation (clinician rating)")
    current: str
    #: ``current`` with the message ids and profile words it was written from (none: stored
    #: before)
    current_worded: Worded | None = None


class SupportPrompt(BaseModel):
    """One clinical-support prompt, with its evidence element ids and why it applies now."""

    model_config = FROZEN

    domain: str
    title: str
    prompt: str
    questions: tuple[str, ...]
    evidence: tuple[str, ...]
    source: str
    because: tuple[str, ...] = ()
    profile_updates: tuple[ProfileUpdate, ...] = ()
    #: False for a general prompt (no signal in the data can show it: offered after the rest)
    targeted: bool = True
    #: the signals of this patient's data that made it apply (``PromptSignal``)
    signals: tuple[str, ...] = ()
    #: where to act besides re-assessing (``record_risk_response``, ``edit_plan``)
    actions: tuple[str, ...] = ()
    #: ``because`` with the message ids the facts were written from (none: stored before)
    because_worded: tuple[Worded, ...] = Field(default_factory=tuple)


def _update(definition: ProfileUpdateDefinition, profile: Profile | None) -> ProfileUpdate:
    current = current_value(profile, definition.field)
    return ProfileUpdate(
        field=definition.field,
        instruments=definition.instruments,
        reason=definition.reason,
        current=current.text,
        current_worded=current,
    )


def _signal_facts(
    alliance: AllianceStatus | None,
    profile: Profile | None,
    dropout: tuple[DropoutRisk, ...],
    risk_events: Sequence[RiskEvent],
    deterioration: Worded | str | None,
) -> dict[str, list[Worded]]:
    """Each signal present in this patient's data, with the facts that show it."""
    facts: dict[str, list[Worded]] = {}
    open_events = [e for e in risk_events if e.open]
    if open_events:
        facts["open_risk"] = [open_risk(e.latest) for e in open_events]
    if deterioration:
        worse = as_stored(deterioration) if isinstance(deterioration, str) else deterioration
        facts["deterioration"] = [worse]
    if alliance is not None and alliance.state in ("rupture", "at_risk"):
        key = "alliance_rupture" if alliance.state == "rupture" else "alliance_at_risk"
        facts[key] = [alliance_fact(alliance.state, a) for a in alliance.alerts]
    for risk in dropout:
        if risk.indicator in (
            "precontemplation",
            "low_expectancy",
            "unaccommodated_strong_preference",
        ):
            facts[risk.indicator] = list(risk.facts_worded or map(as_stored, risk.facts))
    stage = profile.stage_of_change if profile else None
    if stage is not None and stage.value in _BEFORE_ACTION:
        facts["stage_mismatch"] = [bare_fact("stage_of_change", stage.value)]
    return facts


def support_prompts(
    alert: str,
    *,
    alliance: AllianceStatus | None = None,
    profile: Profile | None = None,
    dropout: tuple[DropoutRisk, ...] = (),
    risk_events: Sequence[RiskEvent] = (),
    deterioration: Worded | str | None = None,
) -> tuple[SupportPrompt, ...]:
    """The prompts that apply to this patient now, ranked (``support_prompts/*.yaml``).

    A targeted prompt applies when the alert level is one of its ``alerts`` and at least
    one of its ``signals`` is in the patient's data (``because`` says which facts); the
    ranking is the data's ``priority``: an open risk event first, then deterioration
    (referral or a higher level of care), a ruptured or at-risk alliance (repair), low
    motivation or an early stage of change (stance), an unaccommodated strong preference
    (accommodation). General prompts (no signal in the data can show them) follow on
    yellow and red. ``deterioration`` is the reason the outcome worsened, when it did.
    """
    facts = _signal_facts(alliance, profile, dropout, risk_events, deterioration)
    chosen: list[tuple[bool, int, SupportPrompt]] = []
    for definition in load_support_prompts():
        if alert not in definition.alerts:
            continue
        fired = tuple(s for s in definition.signals if s in facts)
        if not definition.general and not fired:
            continue
        because = tuple({f.text: f for s in fired for f in facts[s]}.values())
        updates = tuple(_update(u, profile) for u in definition.profile_updates)
        prompt = SupportPrompt(
            domain=definition.domain,
            title=definition.title,
            prompt=definition.prompt,
            questions=definition.questions,
            evidence=definition.evidence,
            source=definition.source,
            because=tuple(f.text for f in because),
            because_worded=because,
            profile_updates=updates,
            targeted=not definition.general,
            signals=fired,
            actions=definition.actions,
        )
        chosen.append((definition.general, definition.priority, prompt))
    return tuple(p for _, _, p in sorted(chosen, key=lambda c: (c[0], c[1])))


@cache
def support_prompt_titles() -> dict[str, str]:
    """Every prompt's title by its domain, in rank order (for a history of marks)."""
    return {p.domain: p.title for p in load_support_prompts()}


@cache
def support_prompts_version() -> str:
    """A short hash of the prompt definitions: a stored status computed with other prompt
    rules is recomputed (the status store compares it with the row's inputs)."""
    payload = json.dumps([p.model_dump(mode="json") for p in load_support_prompts()])
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def apply_profile_updates(
    profile: Profile | None, updates: Mapping[str, Any], *, assessed_on: date | None = None
) -> Profile:
    """The profile with the accepted updates applied (profile-file shape, as ``attune plan``).

    Each updated dimension replaces the old value (with its new provenance and date);
    a dimension given as ``{instrument: ID, answers: [...]}`` is scored. Flags raised while
    scoring the new values replace those of the same dimension. Raises InvalidProfile.
    """
    if not isinstance(updates, Mapping):
        raise InvalidProfile("updates", updates, "a mapping of dimension names to values")
    partial = parse_profile(updates, assessed_on=assessed_on)
    changed = [d for d in DIMENSIONS if d in updates]
    base = profile or Profile()
    values = {name: getattr(base, name) for name in type(base).model_fields}
    values.update({d: getattr(partial, d) for d in changed})
    values["flags"] = (
        *(f for f in base.flags if f.dimension not in changed),
        *partial.flags,
    )
    return Profile(**values)


def replan(
    profile: Profile | None,
    updates: Mapping[str, Any],
    *,
    assessed_on: date | None = None,
    open_risk_events: Sequence[RiskEvent] = (),
) -> tuple[Profile, Plan]:
    """Apply accepted updates and regenerate the tailored plan (``tailoring.plan``), which
    stays risk-aware while ``open_risk_events`` are open."""

    updated = apply_profile_updates(profile, updates, assessed_on=assessed_on)
    return updated, tailoring.plan(updated, open_risk_events=open_risk_events)
