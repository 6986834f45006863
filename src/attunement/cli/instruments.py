"""``attune instruments``: list, show and import the item text of instruments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from attunement import instruments as definitions  # loads its names on first use
from attunement.cli._app import sub_app
from attunement.cli._context import install_clinic_definitions_from_cli, settings_from_cli
from attunement.cli._files import load_data_file, read_text_file
from attunement.errors import InputError

if TYPE_CHECKING:
    from attunement.instruments import InstrumentDefinition

__all__ = ["instruments_app", "resolve_definition", "text_status"]

instruments_app = sub_app(
    "instruments", "Questionnaires and rating forms: list, show, import licensed item text."
)


def resolve_definition(instrument_id: str) -> InstrumentDefinition:
    """The definition in force in this clinic (packaged, plus any text and key it imported).

    The clinic's definitions are installed first, so this is ``load_instrument`` as the
    app sees it: every command and the app score with the same definition.
    """
    install_clinic_definitions_from_cli()
    return definitions.load_instrument(instrument_id)


def text_status(definition: InstrumentDefinition) -> str:
    """packaged | imported | import required."""
    if not definition.text_available:
        return "import required"
    if (definition.text_source or "").startswith("imported by the clinic"):
        return "imported"
    return "packaged"


def _summary(d: InstrumentDefinition) -> dict[str, Any]:
    return {
        "id": d.id,
        "name": d.name,
        "short_name": d.short_name,
        "version": d.version,
        "kind": d.kind,
        "label": d.label,
        "items": len(d.items),
        "scales": [s.id for s in d.scales],
        "roles": list(d.roles),
        "languages": list(d.languages),
        "item_text": text_status(d),
        "licence": d.licence.name,
    }


@instruments_app.command("list")
def list_command(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List every instrument with its items, scales, uses, languages and licence."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from rich.console import Console
    from rich.table import Table

    install_clinic_definitions_from_cli()  # the clinic's imported text and keys
    rows = [_summary(d) for d in definitions.list_instruments()]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title="Instruments")
    for column in ("id", "name", "items", "scales", "used as", "languages", "item text", "licence"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["id"],
            row["short_name"] + (" (judgement aid)" if row["kind"] == "clinician_rating" else ""),
            str(row["items"]),
            ", ".join(row["scales"]),
            ", ".join(row["roles"]),
            ", ".join(row["languages"]),
            row["item_text"],
            row["licence"],
        )
    Console(width=160).print(table)


def _text(mapping: dict[str, str] | None, language: str) -> str | None:
    """The text for ``language`` (one resolver: :func:`attunement.i18n.localised`), else
    whatever language the definition has (a licensed text may lack English)."""
    # start-up: the catalogue loads the profile vocabulary (pydantic), so only when shown
    from attunement.i18n import localised

    return localised(mapping, language) or next(iter((mapping or {}).values()), None)


@instruments_app.command("show")
def show_command(
    instrument: str = typer.Argument(
        ..., help="Instrument id, e.g. phq9 (see: attune instruments list)."
    ),
    language: str = typer.Option("en", "--language", help="Language of the text, e.g. es."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole definition as JSON."),
) -> None:
    """Show one instrument: items and answers, scales, bands, norms, flags, licence."""
    d = resolve_definition(instrument)
    if language not in d.languages:
        raise InputError("--language", language, d.languages)
    if as_json:
        data = d.model_dump(mode="json", by_alias=True)
        data["item_text"] = text_status(d)
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    # plain lines, styled only on a terminal (typer.secho): no rich console to import, and
    # long citations and notices stay whole for a reader's terminal to wrap
    say = typer.echo
    typer.secho(d.name, bold=True, nl=False)
    say(f" ({d.short_name}; id {d.id}, version {d.version})")
    if d.label:
        typer.secho(d.label, bold=True, fg=typer.colors.YELLOW)
    say(f"Citation: {d.citation}")
    say(f"Licence: {d.licence.name}")
    say(f"Used as: {', '.join(d.roles)} measure")
    notice = _text(d.licence.notice, language)
    if notice:
        say(notice)
    if _text(d.instructions, language):
        say(f"\n{_text(d.instructions, language)}")
    say("")
    for number, item in enumerate(d.items, start=1):
        text = _text(item.text, language) or (
            f"(text supplied by the licensed user: attune instruments import-text {d.id} FILE)"
        )
        options = ", ".join(
            f"{o.value}" + (f" = {_text(o.label, language)}" if o.label else "")
            for o in d.response_sets[item.responses]
        )
        say(f"{number:>2}. [{item.id}] {text}\n    answers: {options}")
    for s in d.scales:
        low, high = s.range
        typer.secho(f"\nScale {s.id}", bold=True, nl=False)
        say(f": {s.name} — {s.method}, range {low:g} to {high:g}")
        if s.items:
            say(f"  items: {', '.join(s.items)}")
        if s.reverse:
            say(f"  reverse keyed: {', '.join(s.reverse)}")
        say(f"  key ({s.key_status}): {s.key_source}")
        if s.missing:
            say(f"  missing items: {s.missing.source}")
        if s.bands:
            bands = ", ".join(f"{b.label} from {b.from_:g}" for b in s.bands.levels)
            say(f"  bands: {bands} ({s.bands.source})")
        if s.cutoff:
            say(f"  clinical cut-off: {s.cutoff.value:g} ({s.cutoff.source})")
        if s.norms:
            say(f"  change norms: {s.norms.source}")
    for flag in d.flags:
        rule = f"{flag.item} above {flag.above:g} → {flag.severity}"
        typer.secho(f"\nFlag {flag.id}", bold=True, fg=typer.colors.RED, nl=False)
        say(f": {rule}")
    for caveat in d.caveats:
        typer.secho("\nNote:", fg=typer.colors.YELLOW, nl=False)
        say(f" {caveat}")


@instruments_app.command("import-text")
def import_text_command(
    instrument: str = typer.Argument(..., help="Instrument id, e.g. urica."),
    file: Path = typer.Argument(
        ..., help="YAML, JSON or CSV file mapping every item id to its text per language."
    ),
) -> None:
    """Import the clinic's licensed item text (and, where unverified, the scoring key)."""
    # start-up: loaded when the command runs, so `attune --help` stays light
    from attunement.instruments import import_item_text, load_imported_text, load_instrument

    definition = load_instrument(instrument)
    if file.suffix.lower() == ".csv":  # the CLI's one loader checks size, bytes and shape
        read_text_file(file)
    else:
        load_data_file(file, json_only=file.suffix.lower() == ".json")
    settings = settings_from_cli()
    store = settings.ensure_data_dir()
    target = import_item_text(definition, file, store)
    imported = load_imported_text(instrument, store)
    assert imported is not None
    typer.echo(
        f"imported text for {len(imported.items)} items of {definition.short_name} "
        f"({', '.join(imported.languages)}) into {target}"
    )
