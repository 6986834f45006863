"""The plan as a one-page clinical brief: Markdown, or plain text for the terminal.

Written for a therapist reading it before the first session: while a risk event is open,
safety first (what to do, and what the plan held back meanwhile and why); then the flags,
the settings in plain words (every term explained), the relationship foundations, the
tailored recommendations strongest evidence first, the conflicts and how they were resolved,
what to assess next, and the assumptions. Every recommendation carries its evidence (effect,
k, N, authors and year) and the patient facts behind it; a fact that rests on an assumed
cut-off says so.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

from attunement.tailoring._loader import load_rulebook
from attunement.tailoring._models import (
    EvidenceCitation,
    Plan,
    PlanConflict,
    Recommendation,
    SafetyFirst,
    SettingDecision,
)
from attunement.tailoring._wording import (
    EVIDENCE_LEGEND,
    cite_short,
    describe_fact,
    describe_risk,
)
from attunement.wording import field_label, value_words

__all__ = ["render_markdown", "render_text"]


def render_markdown(plan: Plan) -> str:
    """The plan as a Markdown brief."""
    return "\n".join(_brief(plan, markdown=True)).rstrip() + "\n"


def render_text(plan: Plan, *, width: int = 88) -> str:
    """The plan as plain text wrapped to ``width`` columns (for ``--format text``)."""
    lines: list[str] = []
    for line in _brief(plan, markdown=False):
        indent = len(line) - len(line.lstrip(" "))
        marker = re.match(r"(- |\d+\. )", line.lstrip(" "))
        hang = " " * (indent + (len(marker.group(1)) if marker else 0))
        lines.append(
            textwrap.fill(line, width=width, subsequent_indent=hang, break_on_hyphens=False)
            if line
            else ""
        )
    return "\n".join(lines).rstrip() + "\n"


def _brief(plan: Plan, *, markdown: bool) -> list[str]:
    book = load_rulebook()
    h2 = _heading_markdown if markdown else str.upper
    b = _bold if markdown else _plain
    out = [
        "# Tailoring brief - before the first session" if markdown else "TAILORING BRIEF",
        "",
        f"> {plan.disclaimer}" if markdown else plan.disclaimer,
        "",
    ]
    if plan.safety:
        out += [h2("Safety first - a risk event is open"), ""]
        out += _safety_section(plan, b, book.risk.reason)
    if plan.flags:
        out += [h2("Flags - read first"), ""]
        for flag in plan.flags:
            out.append(
                f"- {b(flag.severity.upper())}: {flag.message} "
                f"({flag.instrument} item {flag.item}, given for {flag.dimension})"
            )
        out.append("")

    out += [h2("How to work with this patient"), ""]
    for decision in plan.settings:
        vocabulary = book.settings[decision.setting]
        value = decision.value
        meaning = vocabulary.values[value] if value else vocabulary.default_reason
        shown = value.replace("_", " ") if value else "not set"
        out.append(f"- {b(f'{vocabulary.label}: {shown}')} - {meaning}")
        basis = "" if value is None else f" {_basis(plan, decision)}"
        out.append(f"  {vocabulary.explanation}{basis}")
    if plan.processes_of_change:
        out.append(
            f"- {b('Processes of change to draw on')} (what helps people move on from this stage):"
        )
        out += [f"  - {book.processes[p]}" for p in plan.processes_of_change]
    out.append("")

    risks = [r for r in plan.recommendations if r.risk]
    if risks:
        out += [h2("Watch for"), ""]
        out += [f"- {b(r.summary)} (see recommendation {r.priority})" for r in risks]
        out.append("")

    out += [h2("Always: the relationship foundations"), ""]
    for rec in plan.foundations:
        out += _recommendation(rec, b, brief=True)
    out += [h2("Tailored to this patient (strongest evidence first)"), ""]
    if not plan.recommendations:
        out += ["No tailored recommendation: assess the dimensions listed below.", ""]
    for rec in plan.recommendations:
        out += _recommendation(rec, b)

    conflicts = [c for c in plan.conflicts if c.kind != "risk"]
    if conflicts:
        out += [h2("Conflicts and how they were resolved"), ""]
        for conflict in conflicts:
            out += _conflict(conflict, b)
    if plan.not_assessed:
        out += [h2("Not yet assessed - how to find out"), ""]
        for item in plan.not_assessed:
            tools = f" Instruments: {', '.join(item.instruments)}." if item.instruments else ""
            out.append(
                f"- {b(field_label(item.field))}: ask {item.question}{tools} Why: {item.why}"
            )
        out.append("")
    if plan.assumptions:
        out += [h2("Assumptions the plan relies on"), ""]
        out += [f"- {a.statement} {a.reasoning} ({a.source})" for a in plan.assumptions]
        out.append("")
    out += [h2("How to read the evidence"), "", EVIDENCE_LEGEND, ""]
    return out


def _heading_markdown(text: str) -> str:
    return f"## {text}"


def _bold(text: str) -> str:
    return f"**{text}**"


def _plain(text: str) -> str:
    return text


def _safety_section(plan: Plan, bold: Callable[[str], str], reason: str) -> list[str]:
    lines: list[str] = []
    for safety in plan.safety:
        lines += _safety(safety, bold)
    held = [c for c in plan.conflicts if c.kind == "risk"]
    if held:
        lines += [f"{bold('Held back while a risk event is open.')} {reason}", ""]
        lines += [_held_back(c) for c in held]
        lines.append("")
    return lines


def _safety(item: SafetyFirst, bold: Callable[[str], str]) -> list[str]:
    lines = [f"{bold(item.summary)} {item.detail}", ""]
    lines += [f"- Because: {describe_risk(basis)}" for basis in item.because]
    if item.do:
        lines.append(f"- Do: {' '.join(_sentence(t) for t in item.do)}")
    if item.avoid:
        lines.append(f"- Avoid: {' '.join(_sentence(t) for t in item.avoid)}")
    lines += [f"- Basis: {item.source}", ""]
    return lines


def _held_back(conflict: PlanConflict) -> str:
    """One line: what was suppressed, from which part of the profile, and the methods."""
    why = conflict.reason.split(". ", 1)[0] + "." if conflict.setting is None else ""
    if conflict.setting is not None:
        options = ", ".join(
            f"{field_label(o.dimension)} -> {value_words(o.value)}" for o in conflict.options
        )
        chosen = str(conflict.chosen).replace("_", " ")
        head = f"{conflict.setting.capitalize()}: {options or 'not set'}; chosen: {chosen}."
        return f"- {head} {conflict.resolution}"
    sides = ", ".join(field_label(d) for d in conflict.between if d != "risk")
    return f"- {conflict.resolution.rstrip('.')} ({sides}). {why}".rstrip()


def _basis(plan: Plan, decision: SettingDecision) -> str:
    if decision.basis == "default":
        return f"Default: {decision.note}"
    if decision.basis == "risk":
        return decision.note
    by_id = {r.id: r for r in plan.recommendations}
    facts = [f for rule in decision.rules if rule in by_id for f in by_id[rule].because]
    because = "; ".join(dict.fromkeys(describe_fact(f) for f in facts))
    text = f"Because: {because}." if because else ""
    if decision.basis == "conflict":
        text += " A conflict was resolved - see below."
    return text


def _recommendation(
    rec: Recommendation, bold: Callable[[str], str], *, brief: bool = False
) -> list[str]:
    head = f"{rec.priority}. {bold(rec.summary)}"
    lines = [head if brief else f"{head} {rec.detail}"]
    if rec.because:
        lines.append(f"   - Because: {'; '.join(describe_fact(f) for f in rec.because)}.")
    if rec.do:
        lines.append(f"   - Consider: {' '.join(_sentence(t) for t in rec.do)}")
    if rec.avoid and not brief:
        lines.append(f"   - Avoid: {' '.join(_sentence(t) for t in rec.avoid)}")
    if rec.behaviours:
        lines.append(f"   - Try: {' '.join(_sentence(t) for t in rec.behaviours)}")
    lines.append(f"   - Evidence: {_citations(rec.evidence)}")
    lines.append("")
    return lines


def _citations(citations: tuple[EvidenceCitation, ...]) -> str:
    parts = []
    for citation in citations:
        why = f" ({citation.why})" if citation.why else ""
        parts.append(f"{cite_short(citation)}{why}")
    return "; ".join(parts)


def _conflict(conflict: PlanConflict, bold: Callable[[str], str]) -> list[str]:
    sides = " vs ".join(field_label(d) for d in conflict.between)
    if conflict.kind == "setting" and conflict.setting is not None:
        options = ", ".join(
            f"{field_label(o.dimension)} -> {value_words(o.value)}" for o in conflict.options
        )
        chosen = str(conflict.chosen).replace("_", " ")
        title = f"{conflict.setting.capitalize()}: {options}; chosen: {chosen}."
    else:
        title = f"{sides}."
    lines = [f"- {bold(title)} {conflict.resolution}", f"  - Why: {conflict.reason}"]
    if conflict.because:
        lines.append(f"  - Because: {'; '.join(describe_fact(f) for f in conflict.because)}.")
    lines.append(f"  - Evidence: {_citations(conflict.evidence)}")
    if not conflict.from_data:
        lines.append("  - Note: no resolution for this pair is on file; review it clinically.")
    lines.append("")
    return lines


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!", '"', ")")) else f"{text}."
