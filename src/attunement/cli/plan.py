"""``attune plan PROFILE``: the tailored plan for one patient, as a brief or as JSON."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from attunement import profile as profiles  # loads its names on first use
from attunement.cli._app import app, fail
from attunement.cli._files import load_data_file
from attunement.errors import InputError

__all__ = ["plan_command"]


class OutputFormat(StrEnum):
    """How the plan is printed."""

    text = "text"
    markdown = "markdown"
    json = "json"


@app.command("plan")
def plan_command(
    profile: Path = typer.Argument(
        ...,
        help=(
            "The patient profile, a JSON or YAML file with any of: reactance, "
            "stage_of_change, coping_style, preferences, culture, religion_spirituality, "
            "attachment, expectations, functional_impairment, distress."
        ),
        show_default=False,
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the plan as JSON (same as --format json)."
    ),
    output_format: OutputFormat = typer.Option(
        OutputFormat.text,
        "--format",
        case_sensitive=False,
        help="text (readable in a terminal), markdown (a one-page brief) or json.",
    ),
    assessed_on: str | None = typer.Option(
        None,
        "--assessed-on",
        metavar="YYYY-MM-DD",
        help="Date for profile values that carry no date of their own.",
    ),
    clinic_language: str = typer.Option(
        "en",
        "--clinic-language",
        metavar="TAG",
        help=(
            "The language the clinic works in (BCP 47, e.g. en, es): a patient's preferred "
            "language is offered only when it differs, and the brief is shown in it where "
            "translated."
        ),
    ),
) -> None:
    """Tailor the relationship and treatment to one patient, with the evidence for each line.

    A profile whose questionnaires raise a risk flag (PHQ-9 item 9) gets a plan that leads
    with safety and holds back arousal-raising, confrontive and evocative methods.
    """
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.i18n import resolve_language
    from attunement.tailoring import plan
    from attunement.wording import plan_in, render_markdown, render_text

    if as_json and output_format not in (OutputFormat.text, OutputFormat.json):
        raise fail(f"--json and --format {output_format.value} cannot be combined; choose one")
    fmt = OutputFormat.json if as_json else output_format
    data = _read_profile(profile)
    profile_value = profiles.parse_profile(data, assessed_on=_date(assessed_on))
    try:
        result = plan(profile_value, clinic_language=clinic_language)
    except InputError as error:
        raise fail(
            f"--clinic-language: {error.value!r} is not allowed; allowed: {error.allowed}"
        ) from None
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    language = resolve_language(clinic_language)
    brief = plan_in(result, language)  # the rules' texts; the brief words the rest
    if fmt is OutputFormat.markdown:
        typer.echo(render_markdown(brief, language=language), nl=False)
    else:
        typer.echo(render_text(brief, language=language), nl=False)


def _read_profile(path: Path) -> Any:
    """The file's content as data; a clear one-line error for every way it can fail."""
    data = load_data_file(path)  # the CLI's one loader: size, bytes, syntax, shape
    if data is None:
        raise fail(f"{path}: the file is empty; give at least one dimension, or {{}}")
    return data


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(
            f"--assessed-on: {text!r} is not allowed; allowed: a date as YYYY-MM-DD"
        ) from None
