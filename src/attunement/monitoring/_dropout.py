"""Dropout-risk indicators from the profile and the course of the episode.

Five indicators (``feedback_rules/dropout.yaml``): a weak or ruptured alliance, a low
outcome expectation or credibility, precontemplation, a strong preference not recorded as
accommodated (Swift et al. 2018: dropout odds 1.79 when not matched), and missed sessions.
They are facts to weigh, not a prediction: no combined score is computed.
"""

from __future__ import annotations

from collections.abc import Collection

from pydantic import BaseModel, Field

from attunement._model_config import FROZEN
from attunement.instruments import load_instrument
from attunement.monitoring._alliance import AllianceStatus
from attunement.monitoring._feedback_data import DropoutIndicatorId, load_dropout_rules
from attunement.monitoring._profile_facts import sourced_fact, strong_preference
from attunement.monitoring._prompt_facts import below_threshold, missed_sessions, ruptured_at
from attunement.monitoring._series import Series
from attunement.monitoring._worded import Worded
from attunement.profile import Profile, in_canonical_order

__all__ = ["DropoutRisk", "dropout_risks"]


class DropoutRisk(BaseModel):
    """One indicator that fired, with the patient facts behind it (``facts_worded``: the
    same facts with the message ids they were written from; a status stored before has
    none)."""

    model_config = FROZEN

    indicator: DropoutIndicatorId
    title: str
    message: str
    facts: tuple[str, ...]
    evidence: tuple[str, ...]
    basis: str
    facts_worded: tuple[Worded, ...] = Field(default_factory=tuple)


def _risk(indicator: DropoutIndicatorId, facts: list[Worded]) -> DropoutRisk:
    rule = load_dropout_rules().indicators[indicator]
    return DropoutRisk(
        indicator=indicator,
        title=rule.title,
        message=rule.message,
        facts=tuple(f.text for f in facts),
        evidence=rule.evidence,
        basis=rule.basis,
        facts_worded=tuple(facts),
    )


def _alliance_facts(alliance: AllianceStatus | None) -> list[Worded]:
    if alliance is None or alliance.value is None or alliance.instrument is None:
        return []
    facts: list[Worded] = []
    if alliance.threshold is not None and any(a.kind == "threshold" for a in alliance.alerts):
        name = load_instrument(alliance.instrument).short_name  # the clinician's name for it
        facts.append(below_threshold(name, alliance.value, alliance.threshold))
    if alliance.state == "rupture" and not facts:
        facts.append(ruptured_at(alliance.session))
    return facts


def _profile_risks(profile: Profile, accommodated: Collection[str]) -> list[DropoutRisk]:
    risks: list[DropoutRisk] = []
    expectations = profile.expectations
    if expectations is not None:
        low = [
            sourced_fact(f"expectations.{name}", "low", expectations.provenance)
            for name in ("outcome", "credibility")
            if getattr(expectations, name) == "low"
        ]
        if low:
            risks.append(_risk("low_expectancy", low))
    stage = profile.stage_of_change
    if stage is not None and stage.value == "precontemplation":
        facts = [sourced_fact("stage_of_change", "precontemplation", stage.provenance)]
        risks.append(_risk("precontemplation", facts))
    strong = [
        strong_preference(f"preferences.{p.aspect}", p.value)
        for p in in_canonical_order(profile).preferences  # a set: listed in one order
        if p.strength == "strong" and p.aspect not in accommodated
    ]
    if strong:
        risks.append(_risk("unaccommodated_strong_preference", strong))
    return risks


def dropout_risks(
    outcome: Series,
    *,
    alliance: AllianceStatus | None,
    profile: Profile | None,
    accommodated_preferences: Collection[str] = (),
) -> tuple[DropoutRisk, ...]:
    """The dropout indicators that apply to the series so far (in the rules file's order)."""
    risks: list[DropoutRisk] = []
    facts = _alliance_facts(alliance)
    if facts:
        risks.append(_risk("weak_alliance", facts))
    if profile is not None:
        risks.extend(_profile_risks(profile, accommodated_preferences))
    missed = [p.session for p in outcome.points if not p.attended]
    if missed:
        risks.append(_risk("missed_sessions", [missed_sessions(missed)]))
    return tuple(risks)
