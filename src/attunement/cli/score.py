"""``attune score``: score one administration, or a CSV file of many."""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import typer

from attunement._batched import batched
from attunement._private_files import write_private
from attunement.cli._app import app, fail
from attunement.cli.instruments import resolve_definition
from attunement.errors import InvalidAnswer, InvalidFile
from attunement.wording import format_number, scale_digits

if TYPE_CHECKING:
    import numpy as np

    from attunement.instruments import BatchScores, InstrumentDefinition, Score

__all__ = ["score_command"]

CHUNK_ROWS = 50_000


def _csv_number(value: float | None) -> str:
    """A score as data (CSV): full precision, empty when missing (display: ``wording``)."""
    if value is None or math.isnan(value):
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


def parse_answers(text: str, definition: InstrumentDefinition) -> list[int | float | None]:
    """``1,2,,3`` -> [1, 2, None, 3]: an empty field is a missing answer."""
    ids = definition.item_ids
    parsed: list[int | float | None] = []
    for index, raw in enumerate(text.split(",")):
        token = raw.strip()
        item = ids[index] if index < len(ids) else f"answer {index + 1}"
        if token == "":
            parsed.append(None)
            continue
        try:
            number = float(token)
        except ValueError:
            raise InvalidAnswer(
                item,
                token,
                definition.allowed_values(item) if index < len(ids) else "no further answers",
            ) from None
        if not math.isfinite(number):
            raise InvalidAnswer(item, token, "a number")
        parsed.append(int(number) if number.is_integer() else number)
    return parsed


def _print_score(result: Score, definition: InstrumentDefinition) -> None:
    # start-up: loaded when the command runs, so `attune --help` stays light
    from rich.console import Console

    out = Console()
    out.print(
        f"[bold]{definition.short_name}[/bold] (id {result.instrument}, version {result.version})"
    )
    if definition.label:
        out.print(f"[yellow]{definition.label}[/yellow]")
    for flag in result.flags:
        style = "bold red" if flag.endorsed else "yellow"
        out.print(
            f"[{style}]{flag.severity.upper()} {flag.id} ({flag.item}): {flag.message}[/{style}]"
        )
    for name, scale in result.scales.items():
        if not scale.scorable:
            out.print(f"{name}: {scale.reason}")
            continue
        band = f" ({scale.band})" if scale.band else ""
        extra = f"; prorated, missing {', '.join(scale.missing_items)}" if scale.prorated else ""
        shown = format_number(scale.value, scale_digits(definition.scale(name)))
        out.print(f"{name}: {shown}{band}{extra}")
    for caveat in definition.caveats:
        out.print(f"[dim]Note: {caveat}[/dim]")


@app.command("score")
def score_command(  # noqa: PLR0917  (Typer options)
    instrument: str = typer.Argument(
        ..., help="Instrument id, e.g. phq9 (see: attune instruments list)."
    ),
    answers: str | None = typer.Option(
        None,
        "--answers",
        help="Answers in item order, comma-separated; an empty field is missing: 1,2,,3.",
    ),
    language: str = typer.Option(
        "en", "--language", help="Language of the administration, e.g. es."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
    input_file: Path | None = typer.Option(
        None, "--input", help="CSV of administrations: header with the item ids, one row each."
    ),
    output_file: Path | None = typer.Option(
        None, "--output", help="CSV to write the scores to (required with --input)."
    ),
) -> None:
    """Score answers to an instrument; risk items are flagged in every output."""
    definition = resolve_definition(instrument)
    if (answers is None) == (input_file is None):
        raise fail("give either --answers or --input (with --output)")
    if answers is not None:
        # start-up: loaded when the command runs, so `attune --help` stays light
        from attunement.instruments import score

        result = score(definition, parse_answers(answers, definition), language=language)
        if as_json:
            typer.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        else:
            _print_score(result, definition)
        return
    if output_file is None:
        raise fail("--output is required with --input")
    assert input_file is not None
    try:  # streamed, so memory stays bounded however long the file; its bytes may be bad
        summary = score_csv(definition, input_file, output_file, language=language)
    except UnicodeDecodeError as error:
        raise InvalidFile(str(input_file), f"not UTF-8 text (byte {error.start})") from None
    except csv.Error as error:
        raise InvalidFile(str(input_file), f"not a valid CSV file ({error})") from None
    if as_json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        flagged = ", ".join(f"{k}: {v}" for k, v in summary["flags"].items() if v) or "none"
        typer.echo(f"scored {summary['rows']} administrations into {output_file}; flags: {flagged}")


def _to_array(
    rows: list[list[str]],
    *,
    columns: list[int],
    first_line: int,
    name: str,
    definition: InstrumentDefinition,
    width: int,
) -> np.ndarray[Any, Any]:
    # start-up: loaded when the command runs, so `attune --help` stays light
    import numpy as np

    x = np.empty((len(rows), len(columns)))
    ids = definition.item_ids
    for r, row in enumerate(rows):
        if len(row) != width:
            raise InvalidAnswer(
                f"{name} line {first_line + r}",
                f"{len(row)} fields",
                f"{width} fields, as in the header",
            )
        for c, column in enumerate(columns):
            cell = row[column].strip()
            if cell == "":
                x[r, c] = np.nan
                continue
            try:
                value = float(cell)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise InvalidAnswer(
                    f"{name} line {first_line + r}, item {ids[c]}",
                    cell,
                    definition.allowed_values(ids[c]),
                )
            x[r, c] = value
    return x


def score_csv(
    definition: InstrumentDefinition, source: Path, target: Path, *, language: str = "en"
) -> dict[str, Any]:
    """Score every row of ``source`` into ``target`` (written whole, or not at all)."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        total_rows = max(sum(1 for _ in handle) - 1, 0)
    counts: dict[str, int] = {}
    rows_done = 0

    def write(temporary: Path) -> None:
        nonlocal rows_done, counts
        with (
            source.open(encoding="utf-8-sig", newline="") as handle,
            temporary.open("w", encoding="utf-8", newline="") as out,
        ):
            rows_done, counts = _score_stream(
                definition,
                name=source.name,
                handle=handle,
                out=out,
                language=language,
                total_rows=total_rows,
            )

    write_private(target, write)  # scored answers are health data: 0600, whole or not at all
    return {
        "instrument": definition.id,
        "version": definition.version,
        "rows": rows_done,
        "output": str(target),
        "flags": counts,
    }


def _score_stream(
    definition: InstrumentDefinition,
    *,
    name: str,
    handle: TextIO,
    out: TextIO,
    language: str,
    total_rows: int,
) -> tuple[int, dict[str, int]]:
    # start-up: loaded when the command runs, so `attune --help` stays light
    import numpy as np
    from rich.console import Console
    from rich.progress import Progress

    from attunement.instruments import InvalidAdministration, score_batch

    reader = csv.reader(handle)
    header = [cell.strip() for cell in next(reader, [])]
    missing = [item for item in definition.item_ids if item not in header]
    if missing or len(set(header)) != len(header):
        problem = f"missing column(s) {', '.join(missing)}" if missing else "duplicate column names"
        raise InvalidAnswer(
            f"{name} header", ",".join(header), f"one column per item id ({problem})"
        )
    columns = [header.index(item) for item in definition.item_ids]
    passthrough = [i for i, column in enumerate(header) if column not in definition.item_ids]
    writer = csv.writer(out)
    scale_ids = [s.id for s in definition.scales]
    flag_ids: list[str] = []
    for rule in definition.flags:
        flag_ids.append(rule.id)
        if rule.unanswered_message:
            flag_ids.append(f"{rule.id}_unanswered")
    writer.writerow(
        [header[i] for i in passthrough]
        + [f"{s}{suffix}" for s in scale_ids for suffix in ("", "_band", "_prorated", "_scorable")]
        + [f"flag_{f}" for f in flag_ids]
    )
    counts = dict.fromkeys(flag_ids, 0)
    line = 2
    with Progress(
        console=Console(stderr=True), disable=not sys.stderr.isatty(), transient=True
    ) as progress:
        task = progress.add_task(f"scoring {name}", total=total_rows)
        for chunk in batched(reader, CHUNK_ROWS):
            x = _to_array(
                chunk,
                columns=columns,
                first_line=line,
                name=name,
                definition=definition,
                width=len(header),
            )
            try:
                batch = score_batch(definition, x, language=language)
            except InvalidAdministration as exc:
                raise InvalidAnswer(
                    f"{name} line {line + exc.row}, item {exc.item}", exc.value, exc.allowed
                ) from None
            _write_chunk(
                writer,
                chunk=chunk,
                passthrough=passthrough,
                batch=batch,
                scale_ids=scale_ids,
                flag_ids=flag_ids,
            )
            for flag in flag_ids:
                counts[flag] += int(np.count_nonzero(batch.flags[flag]))
            line += len(chunk)
            progress.advance(task, len(chunk))
    return line - 2, counts


def _write_chunk(
    writer: Any,
    *,
    chunk: list[list[str]],
    passthrough: list[int],
    batch: BatchScores,
    scale_ids: list[str],
    flag_ids: list[str],
) -> None:
    columns: list[list[str]] = [[row[i] for row in chunk] for i in passthrough]
    for s in scale_ids:
        col = batch.scales[s]
        labels = col.band_labels
        columns.append([_csv_number(float(v)) for v in col.value])
        columns.append([labels[c] if c >= 0 else "" for c in col.band_code.tolist()])
        columns.append(["1" if p else "0" for p in col.prorated.tolist()])
        columns.append(["1" if p else "0" for p in col.scorable.tolist()])
    for f in flag_ids:
        columns.append(["1" if p else "0" for p in batch.flags[f].tolist()])
    writer.writerows(zip(*columns, strict=True))
