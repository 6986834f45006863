"""``attune learn report``: therapist feedback and "does responsiveness work here?".

Reads the clinic's ended episodes (audited as ``learning.report`` by ``operator:<name>``);
``--simulate SEED`` runs the same report on the hidden-truth SYNTHETIC clinic and prints the
truth it hides beside each estimate. Therapists are listed by username, never ranked.
The text is in the clinic's language (``ATTUNE_CLINIC_LANGUAGE``), every value by its label
from :mod:`attunement.wording`; ``--json`` is data, ids included.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

from attunement.cli._app import sub_app
from attunement.cli._context import (
    clinic_language_from_cli,
    open_database,
    settings_from_cli,
)
from attunement.wording import format_interval, format_number, format_share, format_signed

if TYPE_CHECKING:
    from attunement.learning import (
        DimensionResult,
        Estimate,
        LearningReport,
        TherapistFeedback,
    )
    from attunement.simulate.hidden_truth import HiddenTruth

__all__ = ["learn_app"]

_DB_HELP = "Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."

learn_app = sub_app("learn", "Practice-based learning: therapist feedback, responsiveness.")


def _share(e: Estimate, lang: str) -> str:
    interval = format_interval(e.low, e.high, 1, percent=True, language=lang)
    return f"{format_share(e.value, language=lang)} [{interval}]"


def _benchmark_lines(f: TherapistFeedback, lang: str) -> list[str]:
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import translate
    from attunement.wording import outcome_benchmarks_in, relation_words

    lines = []
    published = outcome_benchmarks_in([b.benchmark for b in f.benchmarks], lang)
    for b, benchmark in zip(f.benchmarks, published, strict=True):
        value = (
            format_share(benchmark.value, language=lang)
            if benchmark.metric == "share"
            else f"d {format_number(benchmark.value, 2, language=lang)}"
        )
        lines.append(
            "    "
            + translate(
                "benchmark %(label)s: %(value)s -> clinic %(relation)s (%(source)s)",
                lang,
                label=benchmark.label,
                value=value,
                relation=relation_words(b.relation, lang),
                source=benchmark.source.split(".")[0],
            )
        )
    return lines


def _therapists(f: TherapistFeedback, truth: HiddenTruth | None, lang: str) -> list[str]:
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import knowledge_text, translate
    from attunement.wording import (
        feedback_model_words,
        feedback_notes_words,
        learning_outcome_words,
    )

    true = translate("TRUE", lang)
    lines = [
        translate(
            "Therapist feedback (for supervision, not comparison) on %(count)s episodes",
            lang,
            count=f.episodes,
        ),
        "  " + translate("model: %(model)s", lang, model=feedback_model_words(f, lang)),
        "  "
        + translate(
            "nothing is shown below %(minimum)s ended episodes: %(reason)s",
            lang,
            minimum=f.minimum_episodes,
            reason=knowledge_text(f.minimum_reason, lang),
        ),
        "  "
        + translate(
            "clinic pre-post d %(value)s [%(interval)s]",
            lang,
            value=format_number(f.clinic_pre_post_d.value, 2, language=lang),
            interval=format_interval(
                f.clinic_pre_post_d.low, f.clinic_pre_post_d.high, language=lang
            ),
        ),
    ]
    by_8 = f.clinic_improved_by_session_8
    if by_8 is not None:
        lines.append(
            "  "
            + translate(
                "clinic reliably improved by session 8: %(share)s", lang, share=_share(by_8, lang)
            )
        )
    lines.extend(_benchmark_lines(f, lang))
    for t in f.therapists:
        if not t.shown:
            lines.append(
                "  "
                + translate(
                    "%(therapist)s: %(count)s episodes, fewer than the minimum",
                    lang,
                    therapist=t.therapist,
                    count=t.episodes,
                )
            )
            continue
        lines.append(
            "  "
            + translate(
                "%(therapist)s: %(count)s episodes", lang, therapist=t.therapist, count=t.episodes
            )
        )
        for name, e in t.outcomes.items():
            lines.append(
                "    "
                + translate(
                    "%(outcome)s: %(share)s (raw %(raw)s)",
                    lang,
                    outcome=learning_outcome_words(name, lang),
                    share=_share(e, lang),
                    raw=format_share(e.raw, language=lang),
                )
            )
        if t.change is not None and t.pre_post_d is not None:
            line = "    " + translate(
                "change %(change)s points [%(interval)s], pre-post d %(d)s",
                lang,
                change=format_signed(t.change.value, language=lang),
                interval=format_interval(t.change.low, t.change.high, 1, language=lang),
                d=format_number(t.pre_post_d.value, 2, language=lang),
            )
            v = t.change_vs_clinic
            if v is not None:
                line += "; " + translate(
                    "vs clinic %(difference)s [%(interval)s]",
                    lang,
                    difference=format_signed(v.value, language=lang),
                    interval=format_interval(v.low, v.high, 1, language=lang),
                )
            if truth is not None:
                line += (
                    f"; {true} {format_signed(truth.therapist_shift[t.therapist], language=lang)}"
                )
            lines.append(line)
    lines.extend(
        "  " + translate("note: %(note)s", lang, note=n) for n in feedback_notes_words(f, lang)
    )
    lines.append(f"  {translate(f.caveat, lang)}")
    return lines


def _dimension_lines(d: DimensionResult, truth: HiddenTruth | None, lang: str) -> list[str]:
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import translate
    from attunement.wording import dimension_label, dimension_reason_words

    head = "  " + translate(
        "%(dimension)s: %(count)s episodes, plan followed in %(followed)s",
        lang,
        dimension=dimension_label(d.dimension, lang),
        count=d.episodes,
        followed=d.followed,
    )
    if not d.estimated or d.final_score is None or d.dropout is None:
        reason = dimension_reason_words(d, lang)
        return [head + "; " + translate("not estimated: %(reason)s", lang, reason=reason)]
    s, o = d.final_score, d.dropout
    true = truth.effects.get(d.dimension) if truth is not None else None
    true_word = translate("TRUE", lang)
    final = "    " + translate(
        "final score %(change)s points [%(interval)s]",
        lang,
        change=format_signed(s.estimate, language=lang),
        interval=format_interval(s.low, s.high, 1, language=lang),
    )
    dropout = "    " + translate(
        "dropout %(change)s percentage points [%(interval)s]",
        lang,
        change=format_signed(o.estimate * 100, language=lang),
        interval=format_interval(o.low * 100, o.high * 100, 1, language=lang),
    )
    if true:
        final += f"; {true_word} {format_signed(true.final_score, language=lang)}"
        dropout += f"; {true_word} {format_signed(true.dropout * 100, language=lang)}"
    return [head, final, dropout]


def _text(report: LearningReport, truth: HiddenTruth | None, lang: str) -> str:
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import translate
    from attunement.wording import (
        feedback_gap_words,
        instrument_name,
        learning_data_words,
        unrecorded_words,
    )

    lines = [
        translate(
            "Practice-based learning (%(instrument)s) on %(data)s",
            lang,
            instrument=instrument_name(report.instrument),
            data=learning_data_words(report.data, lang),
        )
    ]
    if report.therapists is not None:
        lines.extend(_therapists(report.therapists, truth, lang))
    elif report.therapists_unavailable is not None:
        lines.append(feedback_gap_words(report.therapists_unavailable, lang))
    r = report.responsiveness
    lines.append(
        translate(
            "Does responsiveness work here? (%(count)s episodes; adjusted for: %(covariates)s)",
            lang,
            count=r.episodes,
            covariates=", ".join(translate(c, lang) for c in r.covariates),
        )
    )
    if not r.dimensions:
        lines.append("  " + translate("no tailoring dimension has a recorded plan followed", lang))
    for d in r.dimensions:
        lines.extend(_dimension_lines(d, truth, lang))
    lines.append(f"  {translate(r.caveat, lang)}")
    lines.extend(
        translate("note: %(note)s", lang, note=n)
        for n in unrecorded_words(report.not_recorded, lang)
    )
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
    from attunement.i18n import resolve_language
    from attunement.services.learning import learning_report, simulated_learning

    truth = None
    if simulate:
        simulated = simulated_learning(seed=seed, n_episodes=episodes)
        result, truth = simulated.report, simulated.truth
        clinic_language = clinic_language_from_cli()
    else:
        settings = settings_from_cli(database_url=db)
        clinic_language = settings.clinic_language
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
    typer.echo(_text(result, truth, resolve_language(clinic_language)))
