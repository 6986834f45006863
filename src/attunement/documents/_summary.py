"""The session summary for the clinical record: plain text, one click to copy (issue 12).

Built from the stored Status (the core's figures and alert, never recomputed here), the
tailored plan (its safety items are the open-risk wording, worded once in the tailoring
engine) and the clinical-support prompts of the status (the plan changes to consider, as
options for clinical judgement). Plain ASCII-friendly lines, no markup, so that it pastes
into any record system; a synthetic record says so on its first line. Every line is in the
clinic's language (``language``): the status and plan come already worded in it
(``wording.status_in`` and ``plan_in``), the sentences here are the catalogue's.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from attunement.i18n import N_, SOURCE_LANGUAGE, translate
from attunement.wording import (
    alert_words,
    alliance_words,
    field_label,
    format_number,
    instrument_name,
    item_label,
    method_words,
    setting_value_words,
    status_figures,
)

if TYPE_CHECKING:
    from attunement.monitoring import Status
    from attunement.tailoring import Plan

__all__ = ["session_summary_text"]

_SYNTHETIC = N_("SYNTHETIC DATA - not a real patient")
_TITLE = N_("Attunement summary - session %(session)s")
_OUTCOME = N_("Outcome (%(measure)s): %(latest)s at session %(session)s; intake %(intake)s.")
_OUTCOME_ON = N_(
    "Outcome (%(measure)s): %(latest)s at session %(session)s on %(date)s; intake %(intake)s."
)
_CHANGE = N_("Change since intake: %(change)s.")
_CHANGE_CATEGORY = N_("Change since intake: %(change)s (%(category)s).")
_CHANGE_RELIABLE = N_("Change since intake: %(change)s (%(category)s, reliable).")
_EXPECTED = N_(
    "Expected at this session: %(expected)s (band %(low)s to %(high)s, %(method)s method)."
)
_ALLIANCE = N_("Alliance (%(instrument)s): %(value)s, %(state)s.")
_ALERT = N_("Alert: %(label)s: %(reason)s.")
_OPEN_RISK = N_("OPEN RISK: %(count)s open risk event(s), not yet answered.")
_NO_OPEN_RISK = N_("Open risk: none.")
_FLAGGED = N_("Risk items flagged at this session: %(items)s.")
_PROMPTS = N_("Plan changes to consider (clinical-support prompts):")
_REASSESS = N_("re-assess %(field)s (%(instruments)s): %(reason)s")
_NO_PROMPTS = N_("Plan changes to consider: none prompted at this alert level.")
_PLAN = N_("Current plan: %(directiveness)s directiveness, %(stance)s stance, %(focus)s focus.")
_PLAN_NO_STANCE = N_("Current plan: %(directiveness)s directiveness, %(focus)s focus.")
#: A risk flag's severity, as the summary writes it after the item.
_SEVERITY = {"critical": N_("critical"), "warning": N_("warning"), "info": N_("info")}


def _scores(status: Status, measured_on: dt.date | None, language: str) -> list[str]:
    shown = status_figures(status, plain=True, language=language)
    session = str(status.latest_session) if status.latest_session is not None else "-"
    figures = {"measure": shown.measure, "latest": shown.latest, "intake": shown.intake}
    lines = [
        translate(_OUTCOME_ON, language, session=session, date=measured_on.isoformat(), **figures)
        if measured_on
        else translate(_OUTCOME, language, session=session, **figures)
    ]
    if status.category is None:
        lines.append(translate(_CHANGE, language, change=shown.change))
    else:
        change = _CHANGE_RELIABLE if status.reliable else _CHANGE_CATEGORY
        lines.append(translate(change, language, change=shown.change, category=shown.category))
    if status.expected is not None:
        low, high = (
            format_number(x, shown.digits, plain=True, language=language)
            for x in (status.expected.low, status.expected.high)
        )
        method = method_words(status.expected.method, language)
        lines.append(
            translate(
                _EXPECTED, language, expected=shown.expected, low=low, high=high, method=method
            )
        )
    if status.alliance is not None and status.alliance.value is not None:
        lines.append(
            translate(
                _ALLIANCE,
                language,
                instrument=instrument_name(status.alliance.instrument),
                value=format_number(status.alliance.value, 2, plain=True, language=language),
                state=alliance_words(status.alliance.state, language),
            )
        )
    return lines


def _alert_label(level: str | None, language: str) -> str:
    """``Red - not on track`` in ``language`` (``AlertWords.plain_label``, translated)."""
    words = alert_words(level)
    name = translate(words.name, language)
    return f"{name} - {translate(words.short, language)}" if words.short else name


def _severity(severity: str, language: str) -> str:
    label = _SEVERITY.get(severity)
    return severity if label is None else translate(label, language)


def _prompt_lines(status: Status, language: str) -> list[str]:
    if not status.support_prompts:
        return [translate(_NO_PROMPTS, language)]
    lines = [translate(_PROMPTS, language)]
    for prompt in status.support_prompts:
        lines.append(f"  - {prompt.title}: {prompt.prompt}")
        for update in prompt.profile_updates:
            reassess = translate(
                _REASSESS,
                language,
                field=field_label(update.field, language).lower(),
                instruments=", ".join(map(instrument_name, update.instruments)),
                reason=update.reason,
            )
            lines.append(f"    {reassess}")
    return lines


def session_summary_text(
    status: Status,
    plan: Plan | None,
    *,
    measured_on: dt.date | None = None,
    synthetic: bool = False,
    language: str = SOURCE_LANGUAGE,
) -> str:
    """The summary as plain text lines (scores, change, alert, open risk, plan changes), in
    ``language`` (the ``status`` and ``plan`` already worded in it)."""
    lines = [translate(_SYNTHETIC, language)] if synthetic else []
    lines.append(translate(_TITLE, language, session=str(status.session)))
    lines += _scores(status, measured_on, language)
    label = _alert_label(status.alert, language)
    lines.append(translate(_ALERT, language, label=label, reason=status.alert_reason))
    open_events = [e for e in status.risk_events if e.open]
    if open_events:
        lines.append(translate(_OPEN_RISK, language, count=str(len(open_events))))
        for item in plan.safety if plan is not None else ():
            lines.append(f"  - {item.summary}")
    else:
        lines.append(translate(_NO_OPEN_RISK, language))
    if status.flags:
        flagged = ", ".join(
            f"{item_label(f.instrument, f.item, language)} ({_severity(f.severity, language)})"
            for f in status.flags
        )
        lines.append(translate(_FLAGGED, language, items=flagged))
    lines += _prompt_lines(status, language)
    if plan is not None:
        settings = {
            "directiveness": setting_value_words(plan.directiveness, language),
            "focus": setting_value_words(plan.focus, language),
        }
        if plan.stance:
            stance = setting_value_words(plan.stance, language)
            lines.append(translate(_PLAN, language, stance=stance, **settings))
        else:
            lines.append(translate(_PLAN_NO_STANCE, language, **settings))
    return "\n".join(lines) + "\n"
