"""The session summary for the clinical record: plain text, one click to copy (issue 12).

Built from the stored Status (the core's figures and alert, never recomputed here), the
tailored plan (its safety items are the open-risk wording, worded once in the tailoring
engine) and the clinical-support prompts of the status (the plan changes to consider, as
options for clinical judgement). Plain ASCII-friendly lines, no markup, so that it pastes
into any record system; a synthetic record says so on its first line.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from attunement.wording import (
    alert_words,
    alliance_words,
    field_label,
    format_number,
    instrument_name,
    item_label,
    status_figures,
)

if TYPE_CHECKING:
    from attunement.monitoring import Status
    from attunement.tailoring import Plan

__all__ = ["session_summary_text"]

_SYNTHETIC = "SYNTHETIC DATA - not a real patient"


def _scores(status: Status, measured_on: dt.date | None) -> list[str]:
    shown = status_figures(status, plain=True)
    when = f" on {measured_on.isoformat()}" if measured_on else ""
    lines = [
        f"Outcome ({shown.measure}): {shown.latest} at session "
        f"{status.latest_session if status.latest_session is not None else '-'}{when}; "
        f"intake {shown.intake}."
    ]
    change = f"Change since intake: {shown.change}"
    if status.category is not None:
        change += f" ({shown.category}"
        change += ", reliable)" if status.reliable else ")"
    lines.append(change + ".")
    if status.expected is not None:
        low, high = (
            format_number(x, shown.digits, plain=True)
            for x in (status.expected.low, status.expected.high)
        )
        lines.append(
            f"Expected at this session: {shown.expected} (band {low} to {high}, "
            f"{shown.method} method)."
        )
    if status.alliance is not None and status.alliance.value is not None:
        lines.append(
            f"Alliance ({instrument_name(status.alliance.instrument)}): "
            f"{format_number(status.alliance.value, 2, plain=True)}, "
            f"{alliance_words(status.alliance.state)}."
        )
    return lines


def session_summary_text(
    status: Status,
    plan: Plan | None,
    *,
    measured_on: dt.date | None = None,
    synthetic: bool = False,
) -> str:
    """The summary as plain text lines (scores, change, alert, open risk, plan changes)."""
    lines = [_SYNTHETIC] if synthetic else []
    lines.append(f"Attunement summary - session {status.session}")
    lines += _scores(status, measured_on)
    lines.append(f"Alert: {alert_words(status.alert).plain_label}: {status.alert_reason}.")
    open_events = [e for e in status.risk_events if e.open]
    if open_events:
        lines.append(f"OPEN RISK: {len(open_events)} open risk event(s), not yet answered.")
        for item in plan.safety if plan is not None else ():
            lines.append(f"  - {item.summary}")
    else:
        lines.append("Open risk: none.")
    if status.flags:
        flagged = ", ".join(
            f"{item_label(f.instrument, f.item)} ({f.severity})" for f in status.flags
        )
        lines.append(f"Risk items flagged at this session: {flagged}.")
    if status.support_prompts:
        lines.append("Plan changes to consider (clinical-support prompts):")
        for prompt in status.support_prompts:
            lines.append(f"  - {prompt.title}: {prompt.prompt}")
            for update in prompt.profile_updates:
                lines.append(
                    f"    re-assess {field_label(update.field).lower()} "
                    f"({', '.join(map(instrument_name, update.instruments))}): {update.reason}"
                )
    else:
        lines.append("Plan changes to consider: none prompted at this alert level.")
    if plan is not None:
        lines.append(
            f"Current plan: {plan.directiveness} directiveness, "
            f"{plan.stance or 'no stance'} stance, {plan.focus} focus."
        )
    return "\n".join(lines) + "\n"
