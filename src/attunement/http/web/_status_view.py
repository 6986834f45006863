"""The monitoring Status in words for the patient page (display only).

Every figure and decision is the Status's own (``attunement.monitoring.assess_episode``):
the alert colour with the rule and reason that gave it, the change and its category, the
expected band and how it was obtained, the alliance state and the limits it was judged by,
prompts and dropout indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from attunement.i18n import N_, SOURCE_LANGUAGE, translate
from attunement.wording import (
    Phrase,
    alliance_limits_words,
    alliance_words,
    element_name,
    field_label,
    format_number,
    method_words,
    repair_words,
    status_figures,
    value_words,
)

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
    #: which drop bound and noise floor the alliance was judged by, and why (translated in
    #: the template)
    alliance_limits: Phrase | None = None


def _facts(status: Status, measure: str, digits: int, language: str) -> list[tuple[str, str]]:
    def words(message: str, **values: object) -> str:
        return translate(message, language, **values)

    facts: list[tuple[str, str]] = [(words(N_("Measure")), measure)]
    if status.reliable_change:
        points = format_number(status.reliable_change, digits, language=language)
        facts.append((words(N_("Reliable change")), words(N_("%(n)s points or more"), n=points)))
    if status.expected is not None:
        method = method_words(status.expected.method, language)
        facts.append((words(N_("Expected course")), words(N_("%(method)s method"), method=method)))
    facts.append((words(N_("Response")), _yes_no(status.response, language)))
    facts.append((words(N_("Remission")), _yes_no(status.remission, language)))
    return facts


def _yes_no(value: object, language: str) -> str:
    """A yes/no fact in ``language``; anything else (not yet known) as the wording names it."""
    if isinstance(value, bool):
        return translate(N_("yes") if value else N_("no"), language)
    return value_words(value)


def _sentence(text: str | None) -> str | None:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".") if text else text


def status_view(status: Status, language: str = SOURCE_LANGUAGE) -> StatusView:
    """The Status as label/value pairs, alerts, prompts and notes, in plain words."""
    alliance = status.alliance
    figures = status_figures(status, language=language)
    prompts = [
        PromptView(
            domain=None
            if value_words(p.domain).casefold() == p.title.casefold()
            else value_words(p.domain).capitalize(),
            title=p.title,
            prompt=p.prompt,
            questions=list(p.questions),
            because=list(p.because),
            evidence=[element_name(e, language) for e in p.evidence],
            updates=[f"{field_label(u.field, language)}: {u.reason}" for u in p.profile_updates],
        )
        for p in status.support_prompts
    ]
    return StatusView(
        alert=status.alert,
        reason=_sentence(status.alert_reason),
        figures=figures.rows(language),
        facts=_facts(status, figures.measure, figures.digits, language),
        alliance_state=(
            alliance_words(alliance.state)
            if alliance is not None and alliance.value is not None
            else None
        ),
        alerts=[a.message for a in alliance.alerts] if alliance else [],
        prompts=prompts,
        repair_options=[repair_words(r.kind, r.text, language) for r in alliance.repair_options]
        if alliance
        else [],
        dropout_risks=[f"{d.title}: {d.message}" for d in status.dropout_risks],
        notes=list(status.notes),
        alliance_limits=alliance_limits_words(alliance, language),
    )
