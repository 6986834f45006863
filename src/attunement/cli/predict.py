"""``attune predict``: the personalised expected course and how well it predicts here.

``attune predict evaluate`` cross-validates the course from the clinic's most similar ended
episodes against the generic growth model on the same folds and prints the calibration
table (``--json`` for data); ``--simulate SEED`` runs it on the hidden-truth synthetic clinic
instead of the database. ``attune predict course EPISODE`` prints one episode's course. The
learning maths (scikit-learn, statsmodels) load only when a command runs.
The text is in the clinic's language, groups and methods by their labels from
:mod:`attunement.wording` ("Language: Spanish", not ``language=es``); ``--json`` is data.
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
from attunement.wording import format_interval, format_number, format_share

if TYPE_CHECKING:
    from attunement.learning import (
        Calibration,
        LearningData,
        PersonalisedCourse,
        PredictionEvaluation,
    )

__all__ = ["predict_app"]

_DB_HELP = "Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."

predict_app = sub_app(
    "predict", "Personalised expected course from similar ended episodes, and its validation."
)


def _cells(c: Calibration, lang: str) -> str:
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import translate

    slope, intercept = translate("slope", lang), translate("intercept", lang)
    band, brier = translate("band", lang), translate("dropout Brier", lang)
    return (
        f"n={c.episodes:<5} {slope} {format_number(c.course_slope, 2, language=lang):>5} "
        f"{intercept} {format_number(c.course_intercept, 2, language=lang):>5} "
        f"{band} {format_share(c.coverage, language=lang):>6}  "
        f"{brier} {format_number(c.dropout_brier, 3, language=lang):>5} "
        f"{slope} {format_number(c.dropout_slope, 2, language=lang):>5} "
        f"{intercept} {format_number(c.dropout_intercept, 2, language=lang):>5}"
    )


def _table(evaluation: PredictionEvaluation, data: LearningData, lang: str) -> str:
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import translate
    from attunement.wording import (
        calibration_group_words,
        calibration_warning_words,
        evaluation_notes_words,
        learning_data_words,
    )

    lines = [
        translate(
            "Personalised course: %(folds)s-fold cross-validation on %(data)s",
            lang,
            folds=evaluation.folds,
            data=learning_data_words(data, lang),
        ),
        "  "
        + translate(
            "%(share)s of predicted follow-up scores came from similar episodes (the rest fell "
            "back to the fitted or rational model)",
            lang,
            share=format_share(evaluation.neighbour_share, language=lang),
        ),
        "  "
        + translate(
            "course: observed on predicted score (slope 1, intercept 0 ideal); band: share of "
            "observed scores inside the 80% band; dropout: Brier score and logistic calibration",
            lang,
        ),
    ]
    personalised, generic = translate("personalised", lang), translate("generic", lang)
    width = max(len(personalised), len(generic)) + 2
    warning = translate("WARNING", lang)
    for row in evaluation.rows:
        lines.append(calibration_group_words(row.group, lang))
        lines.append(f"  {personalised:<{width}}{_cells(row.personalised, lang)}")
        lines.append(f"  {generic:<{width}}{_cells(row.generic, lang)}")
        lines.extend(f"  {warning}: {calibration_warning_words(w, lang)}" for w in row.warnings)
    lines.extend(
        translate("note: %(note)s", lang, note=n) for n in evaluation_notes_words(evaluation, lang)
    )
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
    from attunement.i18n import resolve_language
    from attunement.services.learning import (
        evaluate_clinic_predictions,
        simulated_prediction_evaluation,
    )

    if simulate:
        evaluation, data = simulated_prediction_evaluation(seed=seed, n_episodes=episodes)
        clinic_language = clinic_language_from_cli()
    else:
        settings = settings_from_cli(database_url=db)
        clinic_language = settings.clinic_language
        engine = open_database(settings)
        try:
            evaluation, data = evaluate_clinic_predictions(
                operator_context(settings, engine), operator(), instrument=instrument, seed=seed
            )
        finally:
            engine.dispose()
    if as_json:
        dumped = {"data": data.model_dump(mode="json"), **evaluation.model_dump(mode="json")}
        typer.echo(json.dumps(dumped, indent=2, ensure_ascii=False))
        return
    typer.echo(_table(evaluation, data, resolve_language(clinic_language)))


def _course_text(course: PersonalisedCourse, lang: str) -> str:
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import translate
    from attunement.wording import course_basis_words, course_dropout_words, course_method_words

    n = course.neighbours
    lines = [
        translate(
            "expected course (%(method)s): %(basis)s",
            lang,
            method=course_method_words(course.method, lang),
            basis=course_basis_words(course, lang),
        ),
        "  "
        + translate(
            "dropout probability: %(words)s", lang, words=course_dropout_words(course, lang)
        ),
    ]
    if n.count:
        lines.append(
            "  "
            + translate(
                "similar episodes: %(count)s, %(dropped)s dropped out, mean intake %(intake)s, "
                "mean change %(change)s, median %(sessions)s sessions",
                lang,
                count=n.count,
                dropped=n.dropped_out,
                intake=format_number(n.mean_intake, language=lang),
                change=format_number(n.mean_change, language=lang),
                sessions=format_number(n.median_sessions, language=lang),
            )
        )
    for p in course.points:
        method = course_method_words(p.method, lang)
        if p.neighbours:
            method = translate(
                "%(method)s, %(count)s episodes", lang, method=method, count=p.neighbours
            )
        session = f"{p.session:>2}"
        lines.append(
            "  "
            + translate(
                "session %(session)s: %(score)s (80%% band %(band)s; %(method)s)",
                lang,
                session=session,
                score=format_number(p.value, language=lang),
                band=format_interval(p.low, p.high, 1, language=lang),
                method=method,
            )
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
    from attunement.i18n import resolve_language
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
    typer.echo(_course_text(result, resolve_language(settings.clinic_language)))
