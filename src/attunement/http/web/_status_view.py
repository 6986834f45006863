"""The monitoring Status in words for the patient page (display only).

Every figure and decision is the Status's own (``attunement.monitoring.assess_episode``):
the alert colour with the rule and reason that gave it, the change and its category, the
expected band and how it was obtained, the alliance state, prompts and dropout indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from attunement.errors import UnknownElement
from attunement.evidence import load_evidence
from attunement.http.web._display import humanise, number
from attunement.http.web._questionnaires import definition_or_none

if TYPE_CHECKING:
    from attunement.monitoring import Status

__all__ = ["PromptView", "StatusView", "status_view"]


@dataclass(frozen=True)
class PromptView:
    domain: str | None
    title: str
    prompt: str
    questions: list[str]
    because: list[str]
    evidence: list[str]
    updates: list[str]


@dataclass(frozen=True)
class StatusView:
    alert: str | None
    reason: str | None
    figures: list[tuple[str, str, str]]
    facts: list[tuple[str, str]]
    alliance_state: str | None
    alerts: list[str] = field(default_factory=list)
    prompts: list[PromptView] = field(default_factory=list)
    repair_options: list[str] = field(default_factory=list)
    dropout_risks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_ALLIANCE_WORDS = {
    "ok": "no alliance alert",
    "at_risk": "at risk — check in about the relationship",
    "rupture": "possible rupture — consider a repair",
}


def _signed(value: float) -> str:
    text = number(abs(value))
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else "0"


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else "yes" if value else "no"


def _figures(status: Status) -> list[tuple[str, str, str]]:
    """The headline numbers: (label, value, note)."""
    figures: list[tuple[str, str, str]] = []
    if status.intake is not None:
        figures.append(("Intake", number(status.intake), f"session {status.intake_session}"))
    if status.latest is not None:
        figures.append(("Latest", number(status.latest), f"session {status.latest_session}"))
    if status.change is not None:
        note = humanise(status.category) if status.category else ""
        figures.append(("Change", _signed(status.change), note))
    expected = status.expected
    if expected is not None:
        band = f"band {number(expected.low)}–{number(expected.high)}"
        figures.append(("Expected now", number(expected.value), band))
    return figures


def _facts(status: Status) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = [("Measure", _measure(status.instrument, status.scale))]
    if status.reliable_change:
        facts.append(("Reliable change", f"{number(status.reliable_change)} points or more"))
    if status.expected is not None:
        facts.append(("Expected course", f"{status.expected.method} method"))
    facts.append(("Response", _yes_no(status.response)))
    facts.append(("Remission", _yes_no(status.remission)))
    return facts


def _measure(instrument: str, scale: str) -> str:

    definition = definition_or_none(instrument)
    if definition is None:
        return f"{instrument} {scale}"
    names = {s.id: s.name for s in definition.scales}
    return names.get(scale, f"{definition.short_name} {scale}")


def _sentence(text: str | None) -> str | None:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".") if text else text


def _element_name(element_id: str) -> str:

    try:
        return load_evidence().element(element_id).name
    except UnknownElement:
        return element_id


def status_view(status: Status) -> StatusView:
    """The Status as label/value pairs, alerts, prompts and notes, in plain words."""
    alliance = status.alliance
    prompts = [
        PromptView(
            domain=None
            if humanise(p.domain).casefold() == p.title.casefold()
            else humanise(p.domain).capitalize(),
            title=p.title,
            prompt=p.prompt,
            questions=list(p.questions),
            because=list(p.because),
            evidence=[_element_name(e) for e in p.evidence],
            updates=[f"{humanise(u.field).capitalize()}: {u.reason}" for u in p.profile_updates],
        )
        for p in status.support_prompts
    ]
    return StatusView(
        alert=status.alert,
        reason=_sentence(status.alert_reason),
        figures=_figures(status),
        facts=_facts(status),
        alliance_state=(
            _ALLIANCE_WORDS.get(alliance.state, humanise(alliance.state))
            if alliance is not None and alliance.value is not None
            else None
        ),
        alerts=[a.message for a in alliance.alerts] if alliance else [],
        prompts=prompts,
        repair_options=[
            f"{humanise(r.kind).capitalize()}: {r.text}" for r in alliance.repair_options
        ]
        if alliance
        else [],
        dropout_risks=[f"{d.title}: {d.message}" for d in status.dropout_risks],
        notes=list(status.notes),
    )
