"""``attune learn report``: therapist feedback and "does responsiveness work here?".

Reads the clinic's ended episodes (audited as ``learning.report`` by ``operator:<name>``);
``--simulate SEED`` runs the same report on the hidden-truth SYNTHETIC clinic and prints the
truth it hides beside each estimate. Therapists are listed by username, never ranked.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

from attunement.cli._app import sub_app
from attunement.cli._context import open_database, settings_from_cli
from attunement.wording import format_interval, format_number, format_share, format_signed

if TYPE_CHECKING:
    from attunement.learning import Estimate, LearningReport, TherapistFeedback
    from attunement.simulate.hidden_truth import HiddenTruth

__all__ = ["learn_app"]

_DB_HELP = "Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."

learn_app = sub_app("learn", "Practice-based learning: therapist feedback, responsiveness.")


def _share(e: Estimate) -> str:
    return f"{format_share(e.value)} [{format_interval(e.low, e.high, 1, percent=True)}]"


def _therapists(f: TherapistFeedback, truth: HiddenTruth | None) -> list[str]:
    lines = [
        f"Therapist feedback (for supervision, not comparison) on {f.episodes} episodes",
        f"  model: {f.model}",
        f"  nothing is shown below {f.minimum_episodes} ended episodes: {f.minimum_reason}",
        f"  clinic pre-post d {format_number(f.clinic_pre_post_d.value, 2)} "
        f"[{format_interval(f.clinic_pre_post_d.low, f.clinic_pre_post_d.high)}]",
    ]
    by_8 = f.clinic_improved_by_session_8
    if by_8 is not None:
        lines.append(f"  clinic reliably improved by session 8: {_share(by_8)}")
    for b in f.benchmarks:
        value = (
            format_share(b.benchmark.value)
            if b.benchmark.metric == "share"
            else f"d {format_number(b.benchmark.value, 2)}"
        )
        lines.append(
            f"    benchmark {b.benchmark.label}: {value}"
            f" -> clinic {b.relation.replace('_', ' ')} ({b.benchmark.source.split('.')[0]})"
        )
    for t in f.therapists:
        if not t.shown:
            lines.append(f"  {t.therapist}: {t.episodes} episodes, fewer than the minimum")
            continue
        lines.append(f"  {t.therapist}: {t.episodes} episodes")
        for name, e in t.outcomes.items():
            lines.append(f"    {name.replace('_', ' ')}: {_share(e)} (raw {format_share(e.raw)})")
        if t.change is not None and t.pre_post_d is not None:
            line = (
                f"    change {format_signed(t.change.value)} points "
                f"[{format_interval(t.change.low, t.change.high, 1)}], pre-post d "
                f"{format_number(t.pre_post_d.value, 2)}"
            )
            v = t.change_vs_clinic
            if v is not None:
                line += (
                    f"; vs clinic {format_signed(v.value)} [{format_interval(v.low, v.high, 1)}]"
                )
            if truth is not None:
                line += f"; TRUE {format_signed(truth.therapist_shift[t.therapist])}"
            lines.append(line)
    lines.extend(f"  note: {n}" for n in f.notes)
    lines.append(f"  {f.caveat}")
    return lines


def _text(report: LearningReport, truth: HiddenTruth | None) -> str:
    lines = [f"Practice-based learning ({report.instrument}) on {report.label}"]
    if report.therapists is not None:
        lines.extend(_therapists(report.therapists, truth))
    elif report.therapists_note:
        lines.append(report.therapists_note)
    r = report.responsiveness
    lines.append(
        f"Does responsiveness work here? ({r.episodes} episodes; covariates: "
        f"{', '.join(r.covariates)})"
    )
    if not r.dimensions:
        lines.append("  no tailoring dimension has a recorded 'plan followed'")
    for d in r.dimensions:
        head = f"  {d.dimension}: {d.episodes} episodes, plan followed in {d.followed}"
        if not d.estimated or d.final_score is None or d.dropout is None:
            lines.append(f"{head}; not estimated: {d.reason}")
            continue
        lines.append(head)
        s, o = d.final_score, d.dropout
        true = truth.effects.get(d.dimension) if truth is not None else None
        lines.append(
            f"    final score {format_signed(s.estimate)} points "
            f"[{format_interval(s.low, s.high, 1)}]"
            + (f"; TRUE {format_signed(true.final_score)}" if true else "")
        )
        lines.append(
            f"    dropout {format_signed(o.estimate * 100)} percentage points "
            f"[{format_interval(o.low * 100, o.high * 100, 1)}]"
            + (f"; TRUE {format_signed(true.dropout * 100)}" if true else "")
        )
    lines.append(f"  {r.caveat}")
    lines.extend(f"note: {n}" for n in report.notes)
    return "\n".join(lines)


@learn_app.command("report")
def report(
    *,
    instrument: str = typer.Option("phq9", "--instrument", help="Outcome instrument."),
    simulate: bool = typer.Option(
        False, "--simulate", help="Use the hidden-truth SYNTHETIC clinic, not the database."
    ),
    seed: int = typer.Option(11, "--seed", help="Seed of the --simulate clinic."),
    episodes: int = typer.Option(600, "--episodes", min=10, help="Episodes of --simulate."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Therapist feedback (adjusted, shrunken, with intervals) and the association of
    following the plan with outcome and dropout, per tailoring dimension (observational)."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.cli.users import operator, operator_context
    from attunement.services.learning import learning_report, simulated_learning

    truth = None
    if simulate:
        simulated = simulated_learning(seed=seed, n_episodes=episodes)
        result, truth = simulated.report, simulated.truth
    else:
        settings = settings_from_cli(database_url=db)
        engine = open_database(settings)
        try:
            result = learning_report(
                operator_context(settings, engine), operator(), instrument=instrument
            )
        finally:
            engine.dispose()
    if as_json:
        data = result.model_dump(mode="json")
        if truth is not None:
            data["truth"] = {
                "therapist_shift": truth.therapist_shift,
                "effects": {k: vars(v) for k, v in truth.effects.items()},
            }
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    typer.echo(_text(result, truth))
