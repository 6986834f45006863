"""The plan as a one-page clinical brief: Markdown, or plain text for the terminal.

Written for a therapist reading it before the first session: while a risk event is open,
safety first (what to do, and what the plan held back meanwhile and why); then the flags,
the settings in plain words (every term explained), the relationship foundations, the
tailored recommendations strongest evidence first, the conflicts and how they were resolved,
what to assess next, and the assumptions. Every recommendation carries its evidence (effect,
k, N, authors and year) and the patient facts behind it; a fact that rests on an assumed
cut-off says so.

Every word the brief puts around the plan's texts is a gettext message filled with named
values, and every patient fact is worded by ``describe_fact`` in the brief's ``language``:
give a plan that went through ``wording.plan_in`` and the same language, and the whole brief
reads in it (the patient's own words stay in theirs).
"""

from __future__ import annotations

import re
import textwrap

from attunement.i18n import N_, SOURCE_LANGUAGE
from attunement.tailoring import Plan, PlanConflict, Recommendation, SafetyFirst, SettingDecision
from attunement.wording._brief_voice import BriefVoice, sentences
from attunement.wording._names import instrument_name, item_label
from attunement.wording._plan_words import EVIDENCE_LEGEND, describe_risk, flag_message

__all__ = ["render_markdown", "render_text"]


def render_markdown(plan: Plan, *, language: str = SOURCE_LANGUAGE) -> str:
    """The plan as a Markdown brief, in ``language``."""
    return "\n".join(_Brief(plan, language, markdown=True).lines()).rstrip() + "\n"


def render_text(plan: Plan, *, width: int = 88, language: str = SOURCE_LANGUAGE) -> str:
    """The plan as plain text wrapped to ``width`` columns (for ``--format text``), in
    ``language``."""
    lines: list[str] = []
    for line in _Brief(plan, language, markdown=False).lines():
        indent = len(line) - len(line.lstrip(" "))
        marker = re.match(r"(- |\d+\. )", line.lstrip(" "))
        hang = " " * (indent + (len(marker.group(1)) if marker else 0))
        lines.append(
            textwrap.fill(line, width=width, subsequent_indent=hang, break_on_hyphens=False)
            if line
            else ""
        )
    return "\n".join(lines).rstrip() + "\n"


class _Brief(BriefVoice):
    """The brief's sections, in the order a therapist reads them."""

    def lines(self) -> list[str]:
        plan, say, h2, b = self.plan, self.say, self.h2, self.bold
        out = [
            "# " + say(N_("Tailoring brief - before the first session"))
            if self.markdown
            else say(N_("TAILORING BRIEF")),
            "",
            f"> {plan.disclaimer}" if self.markdown else plan.disclaimer,
            "",
        ]
        if plan.safety:
            out += [h2(say(N_("Safety first - a risk event is open"))), ""]
            out += self._safety_section()
        if plan.flags:
            out += [h2(say(N_("Flags - read first"))), ""]
            for flag in plan.flags:
                where = say(
                    N_("%(item)s, given for %(dimension)s"),
                    item=item_label(flag.instrument, flag.item, self.language),
                    dimension=self.label(flag.dimension).lower(),
                )
                message = flag_message(
                    flag.instrument, flag.item, flag.kind, flag.message, self.language
                )
                out.append(f"- {b(say(_SEVERITY[flag.severity]))}: {message} ({where})")
            out.append("")
        out += self._settings()
        risks = [r for r in plan.recommendations if r.risk]
        if risks:
            out += [h2(say(N_("Watch for"))), ""]
            out += [
                f"- {b(r.summary)} " + say(N_("(see recommendation %(number)s)"), number=r.priority)
                for r in risks
            ]
            out.append("")
        out += [h2(say(N_("Always: the relationship foundations"))), ""]
        for rec in plan.foundations:
            out += self._recommendation(rec, brief=True)
        out += [h2(say(N_("Tailored to this patient (strongest evidence first)"))), ""]
        if not plan.recommendations:
            out += [say(N_("No tailored recommendation: assess the dimensions listed below.")), ""]
        for rec in plan.recommendations:
            out += self._recommendation(rec)
        conflicts = [c for c in plan.conflicts if c.kind != "risk"]
        if conflicts:
            out += [h2(say(N_("Conflicts and how they were resolved"))), ""]
            for conflict in conflicts:
                out += self._conflict(conflict)
        out += self._not_assessed()
        if plan.assumptions:
            out += [h2(say(N_("Assumptions the plan relies on"))), ""]
            out += [f"- {a.statement} {a.reasoning} ({a.source})" for a in plan.assumptions]
            out.append("")
        legend = say(EVIDENCE_LEGEND)
        out += [h2(say(N_("How to read the evidence"))), "", legend, ""]
        return out

    def _settings(self) -> list[str]:
        plan, say, b = self.plan, self.say, self.bold
        out = [self.h2(say(N_("How to work with this patient"))), ""]
        for decision in plan.settings:
            vocabulary = self.book.settings[decision.setting]
            value = decision.value
            meaning = vocabulary.values[value] if value else vocabulary.default_reason
            head = f"{self.known(vocabulary.label)}: {self.setting_value(value)}"
            out.append(f"- {b(head)} - {self.known(meaning)}")
            basis = "" if value is None else f" {self._basis(decision)}"
            out.append(f"  {self.known(vocabulary.explanation)}{basis}")
        if plan.processes_of_change:
            title = b(say(N_("Processes of change to draw on")))
            why = say(N_("(what helps people move on from this stage):"))
            out.append(f"- {title} {why}")
            out += [f"  - {self.known(self.book.processes[p])}" for p in plan.processes_of_change]
        out.append("")
        return out

    def _not_assessed(self) -> list[str]:
        if not self.plan.not_assessed:
            return []
        say = self.say
        out = [self.h2(say(N_("Not yet assessed - how to find out"))), ""]
        for item in self.plan.not_assessed:
            tools = (
                " "
                + say(
                    N_("Instruments: %(instruments)s."),
                    instruments=", ".join(instrument_name(i) for i in item.instruments),
                )
                if item.instruments
                else ""
            )
            out.append(
                f"- {self.bold(self.label(item.field))}: "
                + say(N_("ask %(question)s"), question=item.question)
                + tools
                + " "
                + say(N_("Why: %(why)s"), why=item.why)
            )
        out.append("")
        return out

    def _safety_section(self) -> list[str]:
        lines: list[str] = []
        for safety in self.plan.safety:
            lines += self._safety(safety)
        held = [c for c in self.plan.conflicts if c.kind == "risk"]
        if held:
            title = self.bold(self.say(N_("Held back while a risk event is open.")))
            lines += [f"{title} {self.known(self.book.risk.reason)}", ""]
            lines += [self._held_back(c) for c in held]
            lines.append("")
        return lines

    def _safety(self, item: SafetyFirst) -> list[str]:
        say = self.say
        lines = [f"{self.bold(item.summary)} {item.detail}", ""]
        because = say(N_("Because:"))
        lines += [f"- {because} {describe_risk(basis, self.language)}" for basis in item.because]
        if item.do:
            lines.append("- " + self.lead(N_("Do:"), sentences(item.do)))
        if item.avoid:
            lines.append("- " + self.lead(N_("Avoid:"), sentences(item.avoid)))
        lines += ["- " + self.lead(N_("Basis:"), item.source), ""]
        return lines

    def _held_back(self, conflict: PlanConflict) -> str:
        """One line: what was suppressed, from which part of the profile, and the methods."""
        if conflict.setting is not None:
            return f"- {self.options(conflict)} {conflict.resolution}"
        why = conflict.reason.split(". ", 1)[0] + "."
        sides = ", ".join(self.label(d) for d in conflict.between if d != "risk")
        return f"- {conflict.resolution.rstrip('.')} ({sides}). {why}".rstrip()

    def _basis(self, decision: SettingDecision) -> str:
        say = self.say
        if decision.basis == "default":
            return say(N_("Default: %(note)s"), note=decision.note)
        if decision.basis == "risk":
            return decision.note
        by_id = {r.id: r for r in self.plan.recommendations}
        facts = [f for rule in decision.rules if rule in by_id for f in by_id[rule].because]
        because = "; ".join(dict.fromkeys(self.fact(f) for f in facts))
        text = say(N_("Because: %(facts)s."), facts=because) if because else ""
        if decision.basis == "conflict":
            text += " " + say(N_("A conflict was resolved - see below."))
        return text

    def _recommendation(self, rec: Recommendation, *, brief: bool = False) -> list[str]:
        say = self.say
        head = f"{rec.priority}. {self.bold(rec.summary)}"
        lines = [head if brief else f"{head} {rec.detail}"]
        if rec.because:
            facts = "; ".join(self.fact(f) for f in rec.because)
            lines.append("   - " + say(N_("Because: %(facts)s."), facts=facts))
        if rec.do:
            lines.append("   - " + self.lead(N_("Consider:"), sentences(rec.do)))
        if rec.avoid and not brief:
            lines.append("   - " + self.lead(N_("Avoid:"), sentences(rec.avoid)))
        if rec.behaviours:
            lines.append("   - " + self.lead(N_("Try:"), sentences(rec.behaviours)))
        lines.append("   - " + self.lead(N_("Evidence:"), self.citations(rec.evidence)))
        lines.append("")
        return lines

    def _conflict(self, conflict: PlanConflict) -> list[str]:
        say = self.say
        if conflict.kind == "setting" and conflict.setting is not None:
            title = self.options(conflict)
        else:
            versus = say(N_("vs"))
            title = f" {versus} ".join(self.label(d) for d in conflict.between) + "."
        lines = [
            f"- {self.bold(title)} {conflict.resolution}",
            "  - " + say(N_("Why: %(why)s"), why=conflict.reason),
        ]
        if conflict.because:
            facts = "; ".join(self.fact(f) for f in conflict.because)
            lines.append("  - " + say(N_("Because: %(facts)s."), facts=facts))
        lines.append("  - " + self.lead(N_("Evidence:"), self.citations(conflict.evidence)))
        if not conflict.from_data:
            lines.append(
                "  - "
                + say(N_("Note: no resolution for this pair is on file; review it clinically."))
            )
        lines.append("")
        return lines


#: A flag's severity as the brief shows it.
_SEVERITY = {
    "critical": N_("CRITICAL"),
    "warning": N_("WARNING"),
    "info": N_("INFO"),
}
