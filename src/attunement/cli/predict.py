"""``attune predict``: the personalised expected course and how well it predicts here.

``attune predict evaluate`` cross-validates the course from the clinic's most similar ended
episodes against the generic growth model on the same folds and prints the calibration
table (``--json`` for data); ``--simulate SEED`` runs it on the hidden-truth synthetic clinic
instead of the database. ``attune predict course EPISODE`` prints one episode's course. The
learning maths (scikit-learn, statsmodels) load only when a command runs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

from attunement.cli._app import sub_app
from attunement.cli._context import open_database, settings_from_cli
from attunement.wording import format_interval, format_number, format_share

if TYPE_CHECKING:
    from attunement.learning import Calibration, PersonalisedCourse, PredictionEvaluation

__all__ = ["predict_app"]

_DB_HELP = "Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."

predict_app = sub_app(
    "predict", "Personalised expected course from similar ended episodes, and its validation."
)


def _cells(c: Calibration) -> str:
    return (
        f"n={c.episodes:<5} slope {format_number(c.course_slope, 2):>5} "
        f"intercept {format_number(c.course_intercept, 2):>5} "
        f"band {format_share(c.coverage):>6}  dropout Brier {format_number(c.dropout_brier, 3):>5} "
        f"slope {format_number(c.dropout_slope, 2):>5} "
        f"intercept {format_number(c.dropout_intercept, 2):>5}"
    )


def _table(evaluation: PredictionEvaluation, label: str) -> str:
    lines = [
        f"Personalised course: {evaluation.folds}-fold cross-validation on {label}",
        f"  {format_share(evaluation.neighbour_share)} of predicted follow-up scores came "
        "from similar episodes (the rest fell back to the fitted or rational model)",
        "  course: observed on predicted score (slope 1, intercept 0 ideal); band: share of "
        "observed scores inside the 80% band; dropout: Brier score and logistic calibration",
    ]
    for row in evaluation.rows:
        lines.append(f"{row.group}")
        lines.append(f"  personalised  {_cells(row.personalised)}")
        lines.append(f"  generic       {_cells(row.generic)}")
        lines.extend(f"  WARNING: {w}" for w in row.warnings)
    lines.extend(f"note: {n}" for n in evaluation.notes)
    return "\n".join(lines)


@predict_app.command("evaluate")
def evaluate(
    *,
    instrument: str = typer.Option("phq9", "--instrument", help="Outcome instrument."),
    seed: int = typer.Option(0, "--seed", help="Seed of the fold split (and of --simulate)."),
    simulate: bool = typer.Option(
        False, "--simulate", help="Use the hidden-truth SYNTHETIC clinic, not the database."
    ),
    episodes: int = typer.Option(
        600, "--episodes", min=10, help="Episodes of the --simulate clinic."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the evaluation as JSON."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Cross-validate the personalised course against the generic model, per group.

    Calibration slope and intercept, coverage of the 80% band, Brier score for dropout; per
    language group and sex where recorded, with a warning for a small or miscalibrated group.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.cli.users import operator, operator_context
    from attunement.services.learning import (
        evaluate_clinic_predictions,
        simulated_prediction_evaluation,
    )

    if simulate:
        evaluation, label = simulated_prediction_evaluation(seed=seed, n_episodes=episodes)
    else:
        settings = settings_from_cli(database_url=db)
        engine = open_database(settings)
        try:
            evaluation, label = evaluate_clinic_predictions(
                operator_context(settings, engine), operator(), instrument=instrument, seed=seed
            )
        finally:
            engine.dispose()
    if as_json:
        data = {"data": label, **evaluation.model_dump(mode="json")}
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    typer.echo(_table(evaluation, label))


def _course_text(course: PersonalisedCourse) -> str:
    n = course.neighbours
    lines = [
        f"expected course ({course.method}): {course.basis}",
        f"  dropout probability {format_share(course.dropout_probability)} "
        f"({course.dropout_basis})",
    ]
    if n.count:
        lines.append(
            f"  similar episodes: {n.count}, {n.dropped_out} dropped out, mean intake "
            f"{format_number(n.mean_intake)}, mean change {format_number(n.mean_change)}, "
            f"median {format_number(n.median_sessions)} sessions"
        )
    for p in course.points:
        lines.append(
            f"  session {p.session:>2}: {format_number(p.value)} "
            f"(80% band {format_interval(p.low, p.high, 1)}; {p.method}"
            + (f", {p.neighbours} episodes)" if p.neighbours else ")")
        )
    return "\n".join(lines)


@predict_app.command("course")
def course(
    episode_id: int = typer.Argument(..., help="Id of the episode."),
    horizon: int = typer.Option(12, "--horizon", min=2, help="Last session to predict."),
    as_json: bool = typer.Option(False, "--json", help="Print the course as JSON."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """The personalised expected course and dropout probability of one episode."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.cli.users import operator, operator_context
    from attunement.services.learning import episode_course

    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        result = episode_course(
            operator_context(settings, engine), operator(), episode_id, horizon=horizon
        )
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    typer.echo(_course_text(result))
