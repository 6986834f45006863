"""``attune evidence``: the evidence base as a table, one element in full, or JSON."""

from __future__ import annotations

import io
import json
import shutil
import sys
import textwrap
from typing import TYPE_CHECKING, Any

import typer

from attunement import wording  # loads its names on first use
from attunement.cli._app import app

if TYPE_CHECKING:
    from attunement.evidence import Element, EvidenceBase, Finding, NarrativeFinding

__all__ = ["evidence"]

_EDITIONS = {1: "1st ed.", 2: "2nd ed.", 3: "3rd ed."}
_WIDTH = 88


def _effect(finding: Finding) -> str:
    main = wording.format_effect(finding.metric, finding.value)
    if finding.also:
        others = ", ".join(wording.format_effect(a.metric, a.value) for a in finding.also)
        main += f" ({others})"
    return main


def _n(study: Finding | NarrativeFinding) -> str:
    return study.n_text or ("—" if study.n is None else f"{study.n:,}")


def _table(base: EvidenceBase) -> str:
    # start-up: loaded when the command runs, so `attune --help` stays light
    from rich import box
    from rich.console import Console
    from rich.table import Table

    # A terminal gets its own width; a pipe or file gets whole lines (nothing truncated).
    width = max(shutil.get_terminal_size().columns, 120) if sys.stdout.isatty() else 240
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("verdict")
    table.add_column("headline", no_wrap=True)
    table.add_column("k", justify="right", no_wrap=True)
    table.add_column("N", justify="right", no_wrap=True)
    table.add_column("source")
    for element in base.elements:
        headline = element.headline_or_none
        if headline is None:
            table.add_row(element.id, element.kind, element.verdict, "—", "—", "—", "—")
            continue
        k = "—" if headline.k is None else str(headline.k)
        n = _n(headline)
        if len(n) > 10:  # long published wording ("2,568 families and ..."): see the entry
            n = "see entry"
        table.add_row(
            element.id,
            element.kind,
            element.verdict,
            _effect(headline),
            k,
            n,
            wording.format_source_of(headline),
        )
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, force_terminal=False).print(table)
    lines = [buffer.getvalue().rstrip(), ""]
    lines.append(
        "headline = newest verified finding for the element as a whole; verdicts are the "
        "2nd-edition task force's (3rd-edition per-element verdicts not verified)."
    )
    for benchmark in base.benchmarks:
        first = benchmark.findings[0]
        lines.append(
            f"benchmark: {benchmark.name}: {_effect(first)} ({wording.format_source_of(first)})."
        )
    if base.not_for_routine_matching:
        names = ", ".join(c.characteristic for c in base.not_for_routine_matching)
        lines.append(
            f"not for routine matching: {names} - {base.not_for_routine_matching[0].condition}"
        )
    lines.append("Run `attune evidence ELEMENT` for the full entry with every source.")
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str = "  ", hang: str = "  ") -> list[str]:
    """Wrapped lines; a statistic (``N = 6,138``) is never split across two."""
    kept = text.replace(" = ", "\u00a0=\u00a0")
    lines = textwrap.wrap(kept, _WIDTH, initial_indent=indent, subsequent_indent=indent + hang)
    return [line.replace("\u00a0=\u00a0", " = ") for line in lines]


def _finding_lines(index: int, finding: Finding) -> list[str]:
    lines = _wrap(f"{index}. [{finding.status}] {wording.format_source_of(finding)}")
    lines += _wrap(wording.format_citation(finding, qualifiers=False).partition(": ")[2], "     ")
    if finding.outcome:
        lines += _wrap(f"outcome: {finding.outcome}", "     ")
    if finding.scope:
        lines += _wrap(f"scope: {finding.scope}", "     ")
    lines += _wrap(f"source: {finding.source}", "     ")
    if finding.note:
        lines += _wrap(f"note: {finding.note}", "     ")
    return lines


def _element_text(element: Element) -> str:
    lines = [f"{element.name}", f"id: {element.id} · kind: {element.kind}", "", "Definition"]
    lines += _wrap(element.definition, hang="")
    lines += ["", f"Verdict: {element.verdict}"]
    for verdict in sorted(element.verdicts, key=lambda v: v.edition):
        lines += _wrap(f"{_EDITIONS[verdict.edition]}: {verdict.verdict} - {verdict.source}")
        if verdict.note:
            lines += _wrap(f"note: {verdict.note}", "    ")
    headline = element.headline_or_none
    lines.append("")
    if headline is None:
        lines.append(f"Headline: none - {element.verdict}")
    else:
        lines += _wrap(
            f"Headline: {wording.format_citation(headline, qualifiers=False)}",
            "",
        )
    if element.findings:
        lines += ["", "Findings"]
        for index, finding in enumerate(element.findings, start=1):
            lines += _finding_lines(index, finding)
    if element.narrative:
        lines += ["", "Other published results (no single effect size)"]
        for study in element.narrative:
            sample = wording.format_sample(study.k, None, study.k_text) or "k not reported"
            lines += _wrap(
                f"- [{study.status}] {wording.format_source_of(study)}, {sample}: {study.summary}"
            )
            lines += _wrap(f"source: {study.source}", "    ")
            if study.note:
                lines += _wrap(f"note: {study.note}", "    ")
    lines += ["", "Practice recommendations"]
    for recommendation in element.recommendations:
        lines += _wrap(f"- {recommendation}")
    lines += _wrap(f"(based on: {element.recommendations_source})")
    return "\n".join(lines) + "\n"


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


@app.command("evidence")
def evidence(
    element: str | None = typer.Argument(
        None,
        help="Element id, e.g. alliance_adult or reactance; omit it to list every element.",
        metavar="ELEMENT",
        show_default=False,
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print JSON (an object for one element, a list for all)."
    ),
) -> None:
    """Show the evidence base: what the research says about each relationship element and
    adaptation, with the verdict, the meta-analytic findings and their sources.

    Without ELEMENT: a table of every element. With ELEMENT (an id such as alliance_adult or
    reactance): the full entry with every finding, its source and the practice
    recommendations.
    """
    # start-up: the evidence base loads its models, so only when this command runs
    from attunement.evidence import load_evidence

    base = load_evidence()
    if element is None:
        if as_json:
            typer.echo(_dump([e.to_json_dict() for e in base.elements]))
        else:
            typer.echo(_table(base), nl=False)
        return
    chosen = base.element(element)
    if as_json:
        typer.echo(_dump(chosen.to_json_dict()))
    else:
        typer.echo(_element_text(chosen), nl=False)
