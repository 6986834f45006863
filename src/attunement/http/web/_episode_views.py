"""The episode's lifecycle on the patient page: its closed state, the close and reopen forms.

Only display: the services decide (``close_episode``, ``reopen_episode``); the reasons and
their definitions come from ``monitoring/end_reasons.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from attunement.http.web._display import short_date
from attunement.http.web._forms import FormError
from attunement.i18n import N_, SOURCE_LANGUAGE, translate
from attunement.instruments import MeasureRole, instruments_with_role
from attunement.monitoring import load_end_reasons
from attunement.services import AdministrationPublic, EpisodePublic
from attunement.wording import end_reasons_in, format_number, instrument_name

__all__ = ["EpisodeFormInput", "LifecycleView", "lifecycle_view"]

#: How the forms label their fields (errors name them so).
FIELD_LABELS = {
    "end_reason": "Reason for ending",
    "ended_on": "Ended on",
    "note": "Note",
    "reason": "Reason for reopening",
    "started_on": "New episode starts on",
    "outcome_instrument": "Outcome questionnaire",
    "alliance_instrument": "Alliance questionnaire",
}

FormKind = Literal["close", "reopen", "new"]


@dataclass
class EpisodeFormInput:
    """A refused close or reopen form, kept as typed, with its errors by field."""

    kind: FormKind
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def summary(self) -> list[FormError]:
        return [FormError(m, f"f-episode-{k.replace('_', '-')}") for k, m in self.errors.items()]


@dataclass(frozen=True)
class ReasonChoice:
    id: str
    value: str
    label: str
    definition: str
    checked: bool


@dataclass
class LifecycleView:
    """What the patient page shows about the episode's lifecycle."""

    episode_id: int
    closed: bool
    closed_text: str = ""
    note: str | None = None
    final_text: str = ""
    reasons: list[ReasonChoice] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    summary: list[FormError] = field(default_factory=list)
    open_form: FormKind | None = None
    outcome_choices: list[tuple[str, str]] = field(default_factory=list)
    alliance_choices: list[tuple[str, str]] = field(default_factory=list)


def _final_text(
    episode: EpisodePublic,
    administrations: Sequence[AdministrationPublic],
    *,
    closed: bool,
    language: str,
) -> str:
    by_id = {a.id: a for a in administrations}

    def describe(instrument: str | None, chosen: int | None) -> str | None:
        if instrument is None:
            return None
        found = (
            (by_id.get(chosen) if chosen is not None else None)
            if closed
            else next((a for a in reversed(administrations) if a.instrument == instrument), None)
        )
        if found is None:
            return translate(
                N_("%(instrument)s: none recorded"),
                language,
                instrument=instrument_name(instrument),
            )
        scales = found.score.scales if found.score else {}
        first = scales.get("total") or next(iter(scales.values()), None)
        value = first.get("value") if isinstance(first, dict) else None
        shown = f" — {format_number(value, 2)}" if isinstance(value, int | float) else ""
        when = translate(
            N_("%(instrument)s of %(date)s"),
            language,
            instrument=instrument_name(instrument),
            date=short_date(found.administered_at),
        )
        return f"{when}{shown}"

    parts = [
        p
        for p in (
            describe(episode.outcome_instrument, episode.final_outcome_administration_id),
            describe(episode.alliance_instrument, episode.final_alliance_administration_id),
        )
        if p
    ]
    return "; ".join(parts)


def _choices(role: MeasureRole) -> list[tuple[str, str]]:
    return [(d.id, f"{d.short_name} — {d.name}") for d in instruments_with_role(role)]


def lifecycle_view(
    episode: EpisodePublic | None,
    administrations: Sequence[AdministrationPublic],
    *,
    today: dt.date,
    submitted: EpisodeFormInput | None = None,
    language: str = SOURCE_LANGUAGE,
) -> LifecycleView | None:
    """The lifecycle panel of the episode (None before the first episode), the end reasons
    in ``language`` (the page's)."""
    if episode is None:
        return None
    reasons = end_reasons_in(load_end_reasons(), language)
    closed = episode.ended_on is not None
    values = submitted.values if submitted else {"ended_on": today.isoformat()}
    view = LifecycleView(
        episode_id=episode.id,
        closed=closed,
        final_text=_final_text(episode, administrations, closed=closed, language=language),
        values=values,
        errors=submitted.errors if submitted else {},
        summary=submitted.summary if submitted else [],
        open_form=submitted.kind if submitted else None,
    )
    if closed:
        label = reasons.label(episode.end_reason) if episode.end_reason else "closed"
        view.closed_text = f"Episode closed on {short_date(episode.ended_on)} — {label}"
        view.note = episode.end_note
        view.outcome_choices = _choices("outcome")
        view.alliance_choices = _choices("alliance")
        if submitted is None:  # a new episode: today, with the measures of the last one
            view.values = {
                "started_on": today.isoformat(),
                "outcome_instrument": episode.outcome_instrument,
                "alliance_instrument": episode.alliance_instrument or "",
            }
    else:
        view.reasons = [
            ReasonChoice(
                id=f"f-episode-end-reason-{key.replace('_', '-')}",
                value=key,
                label=reason.label,
                definition=reason.definition,
                checked=values.get("end_reason") == key,
            )
            for key, reason in reasons.reasons.items()
        ]
    return view
