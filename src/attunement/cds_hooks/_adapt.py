"""Signals for cards, from the core models: a Status, a Plan, scores, the evidence base.

Pure translation: the alert colours, change indices, alliance states and recommendations
are the ones :func:`attunement.monitoring.assess_episode` and
:func:`attunement.tailoring.plan` computed; the evidence lines are the evidence base's own
findings (element ``feedback`` behind an outcome alert, ``rupture_repair`` behind a rupture),
so a card never states a number the evidence base does not hold.

Risk signals are :mod:`._cds_risk`'s: from the stored risk events, never from a Status.

The Status is read through the field names agreed in the team's interface notes
(``alert``, ``intake``, ``latest``, ``change``, ``rci``, ``category``, ``expected``,
``alliance``, ``support_prompts``, ``norms``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from attunement.cds_hooks._signals import (
    AllianceSignal,
    CdsExpectedBand,
    CdsPlanItem,
    CdsSupportPrompt,
    EvidenceLine,
    OutcomeSignal,
    PlanSignal,
    SafetySignal,
)
from attunement.i18n import SOURCE_LANGUAGE
from attunement.wording import describe_fact, describe_risk

if TYPE_CHECKING:
    from attunement.evidence import EvidenceBase, Finding
    from attunement.tailoring import EvidenceCitation, Plan

__all__ = [
    "evidence_lines",
    "outcome_and_alliance",
    "plan_signal",
]


def evidence_lines(
    evidence: EvidenceBase | None, element_ids: Iterable[str]
) -> tuple[EvidenceLine, ...]:
    """The headline finding of each element (unknown ids and elements without one skipped)."""
    if evidence is None:
        return ()
    lines = []
    for element_id in dict.fromkeys(element_ids):
        element = next((e for e in evidence.elements if e.id == element_id), None)
        finding: Finding | None = element.headline_or_none if element is not None else None
        if element is None or finding is None:
            continue
        lines.append(
            EvidenceLine(
                element=element.id,
                element_name=element.name,
                authors=finding.authors,
                year=finding.year,
                k=finding.k,
                n=finding.n,
                metric=finding.metric,
                value=finding.value,
                outcome=finding.outcome,
                scope=finding.scope,
                source=finding.source,
            )
        )
    return tuple(lines)


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def _text(item: Any) -> str:
    if isinstance(item, str):
        return item
    for name in ("message", "text", "summary", "prompt", "label"):
        value = _get(item, name)
        if isinstance(value, str):
            return value
    return str(item)


def outcome_and_alliance(
    status: Any,
    *,
    evidence: EvidenceBase | None,
    alliance_instrument: str | None = None,
    source: str = "attunement",
) -> tuple[OutcomeSignal | None, AllianceSignal | None]:
    """The outcome and alliance signals of a monitoring Status.

    Risk comes from the patient's stored risk events (:func:`event_signals`), never from the
    latest session's flags: an event opened at session 2 is still open after a calm session 3.
    """
    origin = "ehr" if source == "ehr" else "attunement"
    expected = _get(status, "expected")
    band = None
    if expected is not None and _get(expected, "value") is not None:
        band = CdsExpectedBand(
            value=float(_get(expected, "value")),
            low=float(_get(expected, "low")),
            high=float(_get(expected, "high")),
            method=str(_get(expected, "method")),
        )
    prompts = tuple(
        CdsSupportPrompt(
            domain=str(_get(p, "domain")),
            prompt=str(_get(p, "prompt")),
            title=_get(p, "title"),
            evidence=evidence_lines(evidence, _get(p, "evidence") or ()),
        )
        for p in _get(status, "support_prompts") or ()
    )
    instrument = str(_get(status, "instrument"))
    session = int(_get(status, "session"))
    outcome = OutcomeSignal(
        alert=_get(status, "alert"),
        instrument=instrument,
        scale=str(_get(status, "scale") or "total"),
        session=session,
        intake=_get(status, "intake"),
        latest=_get(status, "latest"),
        change=_get(status, "change"),
        rci=_get(status, "rci"),
        category=_get(status, "category"),
        expected=band,
        norms_source=_get(_get(status, "norms"), "source"),
        support_prompts=prompts,
        evidence=evidence_lines(evidence, ("feedback",)),
        source=origin,
    )
    alliance_state = _get(status, "alliance")
    alliance = None
    if alliance_state is not None and _get(alliance_state, "state") is not None:
        alliance = AllianceSignal(
            state=_get(alliance_state, "state"),
            instrument=alliance_instrument,
            alerts=tuple(_text(a) for a in _get(alliance_state, "alerts") or ()),
            repair_options=tuple(_text(o) for o in _get(alliance_state, "repair_options") or ()),
            evidence=evidence_lines(evidence, ("rupture_repair",)),
        )
    return outcome, alliance


def _citation_line(citation: EvidenceCitation) -> EvidenceLine:
    return EvidenceLine(
        element=citation.element,
        element_name=citation.element_name,
        authors=citation.authors,
        year=citation.year,
        k=citation.k,
        n=citation.n,
        metric=citation.metric,
        value=citation.value,
        outcome=citation.outcome,
        scope=citation.scope,
        source=citation.source,
    )


def _safety(plan: Plan, language: str) -> tuple[SafetySignal, ...]:
    """The safety items, each with the open risk items behind it and what was held back."""

    held = tuple(c.resolution for c in plan.conflicts if c.kind == "risk")
    return tuple(
        SafetySignal(
            summary=item.summary,
            detail=item.detail,
            do=item.do,
            because=tuple(describe_risk(b, language) for b in item.because),
            held_back=held,
        )
        for item in plan.safety
    )


def plan_signal(plan: Plan, language: str = SOURCE_LANGUAGE) -> PlanSignal:
    """The plan in brief: safety first, settings, recommendations (in the plan's order) with
    evidence; patient facts worded by :func:`attunement.wording.describe_fact` (a level on
    an assumed cut-off says so) in ``language``, the clinic's (the plan's own texts are
    already in it: ``wording.plan_in``)."""

    ordered = plan.recommendations
    return PlanSignal(
        safety=_safety(plan, language),
        directiveness=plan.directiveness,
        stance=plan.stance,
        focus=plan.focus,
        recommendations=tuple(
            CdsPlanItem(
                summary=rec.summary,
                detail=rec.detail,
                because=tuple(describe_fact(fact, language) for fact in rec.because),
                evidence=tuple(_citation_line(c) for c in rec.evidence),
            )
            for rec in ordered
        ),
        not_assessed=tuple(n.field for n in plan.not_assessed),
    )
