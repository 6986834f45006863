"""Clinical-support prompts for patients not on track, and closing the loop to the plan.

When the outcome alert is yellow or red, the prompts of ``support_prompts/*.yaml`` apply:
Lambert's Clinical Support Tools domains — social support, motivation/readiness, alliance,
life events, in the order of how often they were the problem among off-track clients
(White et al. 2015, PubMed 25751744) — then treatment fit and, on red only, referral for
medication or a higher level of care. A prompt with a signal in this patient's data (a
ruptured alliance, precontemplation, an unassessed dimension …) moves to the front and says
why. Prompts can suggest profile updates (re-assess the stage of change with the URICA or a
readiness ruler …); :func:`apply_profile_updates` applies the accepted ones and
:func:`replan` regenerates the tailored plan from the updated profile — the loop closes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from attunement.errors import InvalidProfile
from attunement.monitoring._alliance import AllianceStatus
from attunement.monitoring._dropout import DropoutRisk
from attunement.monitoring._feedback_data import PromptDefinition, load_support_prompts
from attunement.profile import DIMENSIONS, Profile, fact_words, field_label, parse_profile
from attunement.risk import RiskEvent
from attunement.tailoring import plan

if TYPE_CHECKING:
    from attunement.tailoring import Plan

__all__ = [
    "ProfileUpdate",
    "SupportPrompt",
    "apply_profile_updates",
    "replan",
    "support_prompts",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class ProfileUpdate(BaseModel):
    """A suggested profile update: re-assess ``field`` with one of ``instruments``."""

    model_config = _FROZEN

    field: str
    action: str = "reassess"
    instruments: tuple[str, ...]
    reason: str
    current: str


class SupportPrompt(BaseModel):
    """One clinical-support prompt, with its evidence element ids and why it applies now."""

    model_config = _FROZEN

    domain: str
    title: str
    prompt: str
    questions: tuple[str, ...]
    evidence: tuple[str, ...]
    source: str
    because: tuple[str, ...] = ()
    profile_updates: tuple[ProfileUpdate, ...] = ()


def _current(profile: Profile | None, field: str) -> str:
    if profile is None or not profile.is_assessed(field):
        return "not assessed"
    value = getattr(profile, field)
    if field == "preferences":
        return "; ".join(
            f"{fact_words(f'preferences.{p.aspect}', p.value)} ({p.strength})" for p in value
        )
    if hasattr(value, "value"):
        return f"{str(value.value).replace('_', ' ')} ({value.provenance.describe()})"
    shown = "; ".join(
        fact_words(f"{field}.{k}", v)
        for k, v in value.model_dump(exclude={"provenance"}).items()
        if v is not None
    )
    return f"{shown} ({value.provenance.describe()})"


def _signals(
    definition: PromptDefinition,
    alliance: AllianceStatus | None,
    profile: Profile | None,
    dropout: tuple[DropoutRisk, ...],
) -> list[str]:
    indicators = {risk.indicator: risk for risk in dropout}
    if definition.domain == "alliance":
        if alliance is not None and alliance.state != "ok":
            return [
                f"alliance {alliance.state.replace('_', ' ')}: {a.message}" for a in alliance.alerts
            ]
        return []
    if definition.domain == "motivation":
        facts = [
            f
            for key in ("precontemplation", "low_expectancy")
            if key in indicators
            for f in indicators[key].facts
        ]
        stage = profile.stage_of_change if profile else None
        if stage is not None and stage.value == "contemplation":
            facts.append(fact_words("stage_of_change", "contemplation"))
        return facts
    if definition.domain == "treatment_fit":
        facts = (
            list(indicators["unaccommodated_strong_preference"].facts)
            if "unaccommodated_strong_preference" in indicators
            else []
        )
        if profile is not None:  # without any profile, "not assessed" says nothing new
            facts += [
                f"{field_label(u.field)} not assessed"
                for u in definition.profile_updates
                if not profile.is_assessed(u.field)
            ]
        return facts
    return []


def support_prompts(
    alert: str,
    *,
    alliance: AllianceStatus | None = None,
    profile: Profile | None = None,
    dropout: tuple[DropoutRisk, ...] = (),
) -> tuple[SupportPrompt, ...]:
    """The prompts for this alert colour: none for white or green, by design."""
    if alert not in ("yellow", "red"):
        return ()
    chosen: list[tuple[int, int, SupportPrompt]] = []
    for definition in load_support_prompts():
        if alert not in definition.alerts:
            continue
        because = _signals(definition, alliance, profile, dropout)
        updates = tuple(
            ProfileUpdate(
                field=u.field,
                instruments=u.instruments,
                reason=u.reason,
                current=_current(profile, u.field),
            )
            for u in definition.profile_updates
        )
        prompt = SupportPrompt(
            domain=definition.domain,
            title=definition.title,
            prompt=definition.prompt,
            questions=definition.questions,
            evidence=definition.evidence,
            source=definition.source,
            because=tuple(because),
            profile_updates=updates,
        )
        chosen.append((0 if because else 1, definition.priority, prompt))
    return tuple(p for _, _, p in sorted(chosen, key=lambda c: (c[0], c[1])))


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
    return updated, plan(updated, open_risk_events=open_risk_events)
