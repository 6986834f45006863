"""``attune status EPISODE``, ``attune status --batch EPISODES.jsonl`` and ``attune etr fit``.

``status`` reads an episode file (JSON or YAML: outcome, optional alliance and profile) and
prints the monitoring Status of its latest session; ``--json`` prints
``Status.model_dump(mode="json")``. ``--batch`` reads JSON Lines — one episode object per
line, as in an episode file, plus its ``id`` — and prints JSON Lines ``{"id", "status"}``,
or with ``--each-session`` ``{"id", "statuses": [...]}`` (the status after each attended
session): retrospective statuses for a whole clinic (:mod:`attunement.cli._batch`).
``etr fit`` fits the empirical expected-treatment-response model from the clinic's
completed episodes and stores it as a new version in the clinic database (table
``etr_models``); ``etr list`` shows the stored versions.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from attunement import monitoring, wording  # both load their names on first use
from attunement.cli._app import app, fail, sub_app
from attunement.cli._context import (
    caseness_from_cli,
    clinic_language_from_cli,
    open_database,
    settings_from_cli,
)
from attunement.cli._files import load_data_file, read_text_file
from attunement.cli.users import operator, operator_context
from attunement.errors import InputError

if TYPE_CHECKING:
    from attunement.monitoring import EpisodeInput, GrowthModel, Status
    from attunement.settings import Settings

__all__ = ["etr_app", "render_status", "status"]

_DB_HELP = "Database URL (default: ATTUNE_DATABASE_URL or the SQLite file)."


class EtrChoice(StrEnum):
    """Which expected-treatment-response method ``attune status`` uses."""

    auto = "auto"
    rational = "rational"


etr_app = sub_app(
    "etr",
    "Expected treatment response: fit the empirical model from the clinic's completed episodes.",
)


def _load_file(path: Path) -> Any:
    return load_data_file(path)  # the CLI's one loader: size, bytes, shape


def _clinic_model(settings: Settings, instrument: str) -> GrowthModel | None:
    """The newest model stored in the clinic database; none when there is no database yet
    (a missing default SQLite file is not created just to look)."""
    default_file = settings.data_dir / "attunement.sqlite3"
    if settings.database_url is None and not default_file.exists():
        return None
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services.etr import latest_growth_model

    engine = open_database(settings)
    try:
        return latest_growth_model(operator_context(settings, engine), instrument)
    finally:
        engine.dispose()


_MAX_JOBS = 64


@app.command("status")
def status(
    episode: Path | None = typer.Argument(
        None,
        help="Episode file (JSON or YAML): outcome {instrument, sessions}; optional alliance, "
        "profile, accommodated_preferences, risk_responses.",
        dir_okay=False,
    ),
    *,
    as_json: bool = typer.Option(False, "--json", help="Print the Status as JSON."),
    batch: Path | None = typer.Option(
        None,
        "--batch",
        help="JSON Lines file: one episode object per line plus its id; prints JSON Lines "
        '{"id", "status"} (always JSON). A bad line names its line number (exit 2).',
        dir_okay=False,
    ),
    each_session: bool = typer.Option(
        False,
        "--each-session",
        help='With --batch: {"id", "statuses": [...]}, the status after each attended session.',
    ),
    jobs: int = typer.Option(
        1,
        "--jobs",
        help="With --batch: worker processes that assess the lines (1 to 64; at most one per "
        "CPU core helps). The output is the same, in the same order.",
    ),
    etr: EtrChoice = typer.Option(
        EtrChoice.auto,
        "--etr",
        case_sensitive=False,
        help="auto: the newest ETR model stored in the clinic database for the instrument "
        "(`attune etr fit`) when there is one, else the rational method; rational: always "
        "the rational method.",
    ),
    model: Path | None = typer.Option(
        None,
        "--model",
        help="A fitted ETR model file (as written by `attune etr fit --export`).",
        dir_okay=False,
    ),
    db: str | None = typer.Option(
        None, "--db", help=_DB_HELP + " Read for --etr auto; written by --refresh."
    ),
    refresh: bool = typer.Option(
        False,
        "--refresh",
        help="Recompute every episode's stored status in the clinic database (after a "
        "definition, norm or setting changed); the web and API read these.",
    ),
) -> None:
    """Monitoring status of an episode's latest session: change, expectation, alert, alliance."""
    if refresh:
        if episode is not None or batch is not None:
            raise InputError("--refresh", True, "alone (no episode file, no --batch)")
        _refresh_stored(db)
        return
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.monitoring import assess_episode, parse_episode

    if (episode is None) == (batch is None):
        raise InputError("episode", None, "an episode file, or --batch FILE (not both)")
    if each_session and batch is None:
        raise InputError("--each-session", True, "only with --batch")
    if not 1 <= jobs <= _MAX_JOBS:
        raise InputError("--jobs", jobs, f"a whole number from 1 to {_MAX_JOBS}")
    if jobs != 1 and batch is None:
        raise InputError("--jobs", jobs, "only with --batch")
    fixed: GrowthModel | None = None
    if model is not None:
        # start-up: loaded when the command runs, so `attune --help` stays light
        from attunement.services.etr import read_growth_model

        read_text_file(model)  # bounded and text before the model is parsed
        fixed = read_growth_model(model)
    models: dict[str, GrowthModel | None] = {}
    # the rational method and a model file need no database: no Settings either (start-up)
    needs_database = fixed is None and etr is not EtrChoice.rational
    if needs_database:
        settings = settings_from_cli(database_url=db)
        caseness, clinic_language = settings.caseness_convention, settings.clinic_language
    else:
        caseness, clinic_language = caseness_from_cli(), clinic_language_from_cli()

    def growth_for(instrument: str) -> GrowthModel | None:
        if fixed is not None or etr is EtrChoice.rational:
            return fixed
        if instrument not in models:
            models[instrument] = _clinic_model(settings_from_cli(database_url=db), instrument)
        return models[instrument]

    if batch is not None:
        # start-up: loaded when the command runs, so `attune --help` stays light
        from attunement.cli._batch import BatchError, batch_statuses, read_lines

        try:
            output = "".join(
                batch_statuses(
                    read_lines(batch),
                    each_session=each_session,
                    model=growth_for,
                    caseness=caseness,
                    jobs=jobs,
                )
            )
        except BatchError as error:
            raise fail(f"{batch.name} {error.message}") from None
        typer.echo(output, nl=False)
        return
    if episode is None:  # not reached: exactly one of the two was checked above
        raise InputError("episode", None, "an episode file")
    parsed = parse_episode(_load_file(episode))
    result = assess_episode(
        parsed.outcome,
        alliance=parsed.alliance,
        profile=parsed.profile,
        growth_model=growth_for(parsed.outcome.instrument),
        rupture_markers=parsed.rupture_markers,
        accommodated_preferences=parsed.accommodated_preferences,
        risk_responses=parsed.risk_responses,
        caseness=caseness,
    )
    if as_json:
        if parsed.notes:  # data: the file's notes as the parser wrote them
            result = result.model_copy(update={"notes": (*parsed.notes, *result.notes)})
        typer.echo(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    typer.echo(_status_text(result, parsed, clinic_language))


def _status_text(result: Status, parsed: EpisodeInput, clinic_language: str) -> str:
    """The Status as text in the clinic's language: the knowledge files' texts (prompts,
    repair options) by ``status_in``, the episode file's own notes (first) by
    ``episode_notes_in``, which names their items."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import resolve_language
    from attunement.wording import episode_notes_in, status_in

    language = resolve_language(clinic_language)
    shown = status_in(result, language)
    if parsed.notes:
        series = {"outcome": parsed.outcome.instrument}
        if parsed.alliance is not None:
            series["alliance"] = parsed.alliance.instrument
        notes = episode_notes_in(parsed.notes, series, language, worded=parsed.notes_worded)
        shown = shown.model_copy(update={"notes": (*notes, *shown.notes)})
    return render_status(shown, language)


def _refresh_stored(db: str | None) -> None:
    """``attune status --refresh``: rewrite every stored status, audited as the operator."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import resolve_language
    from attunement.services import refresh_all_statuses
    from attunement.wording import statuses_recomputed_words

    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        count = refresh_all_statuses(operator_context(settings, engine), operator())
    finally:
        engine.dispose()
    typer.echo(statuses_recomputed_words(count, resolve_language(settings.clinic_language)))


def _export(path: Path, text: str) -> None:
    try:
        with path.open("x", encoding="utf-8") as handle:  # never overwrite a file
            handle.write(text)
    except FileExistsError:
        raise InputError("--export", str(path), "a file that does not exist yet") from None
    except OSError as error:
        raise InputError("--export", str(path), f"a writable path ({error.strerror})") from None


@etr_app.command("fit")
def fit(
    instrument: str = typer.Option("phq9", "--instrument", help="Outcome instrument to fit."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
    include_ongoing: bool = typer.Option(
        False,
        "--include-ongoing",
        help="Also use episodes not yet ended (their sessions so far). Default: ended only.",
    ),
    export: Path | None = typer.Option(
        None,
        "--export",
        help="Also write the fitted model as JSON to this new file (for `attune status --model`).",
        dir_okay=False,
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the fit summary as JSON."),
) -> None:
    """Fit the growth model (score on ln(session), intake as predictor) and store a new version.

    Reads the clinic's ended episodes (audited as ``etr.fit`` by ``operator:<name>``) and
    stores the model in the database as the instrument's next version (never overwriting
    one); the status uses the newest once it rests on enough episodes, the rational method
    until then.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services.etr import fit_clinic_growth_model

    if export is not None and export.exists():  # checked first: a refused export fits nothing
        raise InputError("--export", str(export), "a file that does not exist yet")
    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        summary = fit_clinic_growth_model(
            operator_context(settings, engine),
            operator(),
            instrument=instrument,
            include_ongoing=include_ongoing,
        )
    finally:
        engine.dispose()
    if export is not None:
        _export(export, summary.model.to_json())
    if as_json:
        typer.echo(json.dumps(summary.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    typer.echo(summary.describe())
    if export is not None:
        typer.echo(f"  exported: {export}")


@etr_app.command("list")
def list_models(
    instrument: str | None = typer.Option(
        None, "--instrument", help="Only this instrument's versions (default: all)."
    ),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the versions as JSON."),
) -> None:
    """The stored ETR model versions, oldest first, and whether the status uses them."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.services.etr import list_growth_models

    settings = settings_from_cli(database_url=db)
    engine = open_database(settings)
    try:
        versions = list_growth_models(operator_context(settings, engine), instrument)
    finally:
        engine.dispose()
    if as_json:
        rows = [v.model_dump(mode="json") for v in versions]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not versions:
        typer.echo("no ETR model stored yet: statuses use the rational method (`attune etr fit`)")
        return
    for v in versions:
        use = "used by the status" if v.used_by_status else "too few episodes: not used"
        typer.echo(
            f"{v.instrument} v{v.sequence} ({v.model_version}) fitted {v.fitted_at:%Y-%m-%d %H:%M}"
            f" on {v.n_patients} episodes, {v.n_obs} sessions [{v.data_label}] — {use}"
        )


def _outcome_lines(result: Status, language: str) -> list[str]:
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import N_, translate

    shown = wording.status_figures(result, language=language)
    alert = wording.alert_words(result.alert)
    label = translate(alert.name, language)
    if alert.short:
        label += " · " + translate(alert.short, language)
    lines = [
        translate(
            N_("Alert: %(alert)s — %(reason)s"), language, alert=label, reason=result.alert_reason
        )
    ]
    if result.intake is None:
        return lines
    num = partial(wording.format_number, digits=shown.digits, language=language)
    rule = (
        f" ({wording.method_words(result.reliable_rule, language)})" if result.reliable_rule else ""
    )
    lines.append(
        translate(
            N_(
                "Score: %(intake)s (session %(intake_session)s) → %(latest)s "
                "(session %(latest_session)s); change %(change)s, RCI %(rci)s%(rule)s, "
                "%(category)s"
            ),
            language,
            intake=shown.intake,
            intake_session=result.intake_session,
            latest=shown.latest,
            latest_session=result.latest_session,
            change=shown.change,
            rci=shown.rci,
            rule=rule,
            category=wording.category_words(result.category, language),
        )
    )
    answers = {True: translate(N_("yes"), language), False: translate(N_("no"), language)}
    extras = [
        translate(name, language, answer=answers[value])
        for name, value in (
            (N_("response %(answer)s"), result.response),
            (N_("remission %(answer)s"), result.remission),
        )
        if value is not None
    ]
    if extras:
        lines.append("  " + "; ".join(extras))
    if result.expected is not None:
        e = result.expected
        lines.append(
            translate(
                N_(
                    "Expected (%(method)s): %(expected)s, band %(band)s, %(level)s at once "
                    "beyond %(limit)s"
                ),
                language,
                method=wording.method_words(e.method, language),
                expected=shown.expected,
                band=shown.band,
                level=translate(
                    wording.alert_words(monitoring.OUTER_LIMIT_ALERT).name, language
                ).lower(),
                limit=num(e.outer_limit),
            )
        )
        lines.append("  " + translate(N_("basis: %(basis)s"), language, basis=e.basis))
    n = result.norms
    lines.append(
        translate(
            N_("Norms: reliable change %(threshold)s, cut-off %(cutoff)s — %(source)s"),
            language,
            threshold=num(n.reliable_change),
            cutoff=num(n.cutoff),
            source=n.source,
        )
    )
    if n.reliable_change_basis:
        lines.append(
            "  "
            + translate(N_("reliable change: %(basis)s"), language, basis=n.reliable_change_basis)
        )
    return lines


def render_status(result: Status, language: str = "en") -> str:
    """The Status as readable text (risk flags first, always), in ``language``: the
    command's own words from the catalogue; the knowledge files' texts as ``status_in``
    gave them; sentences the monitoring composes (the alert's reason, a note) as stored."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import N_, translate

    def say(message: str, /, **values: object) -> str:
        return translate(message, language, **values)

    lines = [
        say(
            N_("%(measure)s — session %(session)s"),
            measure=f"{wording.instrument_name(result.instrument)} {result.scale}",
            session=result.session,
        )
    ]
    for event in result.risk_events:
        first, *rest = wording.describe_event(event, language)
        lines.append(say(N_("RISK — %(event)s"), event=first) if event.open else first)
        lines += [f"  {line}" for line in rest]
    lines += _outcome_lines(result, language)
    if result.alliance is not None:
        a = result.alliance
        shown = wording.instrument_name(a.instrument) if a.instrument else say(N_("markers only"))
        lines.append(
            say(
                N_("Alliance (%(instrument)s): %(state)s"),
                instrument=shown,
                state=wording.alliance_words(a.state, language),
            )
        )
        lines += [f"  - {alert.message} [{alert.basis}]" for alert in a.alerts]
        for option in a.repair_options:
            # a marker-specific option names the recorded markers it answers (their labels)
            markers = [m.label for m in a.markers if m.kind == option.marker]
            after = f" ({'; '.join(markers)})" if markers else ""
            lines.append("  " + wording.repair_words(option.kind, option.text, language) + after)
    for risk in result.dropout_risks:
        lines.append(
            say(
                N_("Dropout risk: %(title)s — %(facts)s"),
                title=risk.title,
                facts="; ".join(risk.facts),
            )
        )
    for prompt in result.support_prompts:
        because = (
            " " + say(N_("(because: %(facts)s)"), facts="; ".join(prompt.because))
            if prompt.because
            else ""
        )
        lines.append(
            say(
                N_("Support — %(title)s%(because)s: %(prompt)s"),
                title=prompt.title,
                because=because,
                prompt=prompt.prompt,
            )
        )
        lines += [
            "  "
            + say(
                N_("suggested: re-assess %(field)s with %(instruments)s (now: %(current)s)"),
                field=wording.field_label(u.field, language).lower(),
                instruments=", ".join(map(wording.instrument_name, u.instruments)),
                current=u.current,
            )
            for u in prompt.profile_updates
        ]
        evidence = ", ".join(wording.element_name(e, language) for e in prompt.evidence)
        lines.append("  " + say(N_("evidence: %(elements)s"), elements=evidence))
    lines += [say(N_("Note: %(note)s"), note=note) for note in result.notes]
    return "\n".join(lines)
