"""Bulk import from CSV: three kinds of file, told apart by their header.

=====================  ===================================================================
file (any name)        columns (header row; ``*`` optional)
=====================  ===================================================================
patients               ``patient_id``, ``display_name``, ``clinician`` (a username),
                       ``preferred_language``\\*, ``synthetic``\\* (true/false),
                       ``sex``\\* (female, male, another), ``age_band``\\* (under-18,
                       18-25, 26-40, 41-65, 66+; the band, never a birth date)
episodes               ``episode_id``, ``patient_id``, ``started_on`` (YYYY-MM-DD),
                       ``outcome_instrument``\\* (default phq9), ``alliance_instrument``\\*
administrations        ``administration_id``, ``episode_id``, ``session`` (1, 2, …),
                       ``held_on`` (YYYY-MM-DD), ``instrument``, ``answers`` (the item
                       answers in item order separated by ``;``, empty for a missing
                       answer: ``1;0;2;;3``), ``language``\\*
=====================  ===================================================================

A header with ``administration_id`` is an administrations file, else with ``episode_id``
an episodes file, else with ``patient_id`` a patients file. Lines starting with ``#`` are
comments (the synthetic files say SYNTHETIC there), blank lines are skipped, and an unknown
or missing column refuses the file. Every problem is an :class:`ImportRowError` naming the
file, line, column, value and what is allowed. Pure: lines in, rows out.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Literal

from attunement.errors import InvalidFile
from attunement.exports._import_rows import (
    AdministrationRow,
    EpisodeRow,
    ImportRow,
    ImportRowError,
    PatientRow,
    RowSource,
)
from attunement.profile import AGE_BANDS, SEXES, AgeBand, Sex

__all__ = ["CSV_COLUMNS", "CsvKind", "csv_kind", "read_csv_rows"]

CsvKind = Literal["patients", "episodes", "administrations"]

#: The columns of each kind of file: (required, optional).
CSV_COLUMNS: dict[CsvKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "patients": (
        ("patient_id", "display_name", "clinician"),
        ("preferred_language", "synthetic", "sex", "age_band"),
    ),
    "episodes": (
        ("episode_id", "patient_id", "started_on"),
        ("outcome_instrument", "alliance_instrument"),
    ),
    "administrations": (
        ("administration_id", "episode_id", "session", "held_on", "instrument", "answers"),
        ("language",),
    ),
}

#: Longest source key (a patient's key becomes its external id, 100 characters at most).
MAX_KEY = 100
_BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def csv_kind(header: Iterable[str], source: RowSource) -> CsvKind:
    """Which kind of file a header row starts (see the module docstring)."""
    names = [name.strip() for name in header]
    kind: CsvKind
    if "administration_id" in names:
        kind = "administrations"
    elif "episode_id" in names:
        kind = "episodes"
    elif "patient_id" in names:
        kind = "patients"
    else:
        raise ImportRowError(
            source,
            "header",
            ",".join(names),
            "a header with patient_id, episode_id or "
            "administration_id (see the README, Bulk import)",
        )
    required, optional = CSV_COLUMNS[kind]
    for name in names:
        if name not in (*required, *optional):
            raise ImportRowError(source, "header", name, ", ".join((*required, *optional)))
    for name in required:
        if name not in names:
            raise ImportRowError(source, "header", ",".join(names), f"a {name} column")
    if len(set(names)) != len(names):
        raise ImportRowError(source, "header", ",".join(names), "each column once")
    return kind


def read_csv_rows(lines: Iterable[str], *, file: str) -> Iterator[ImportRow]:
    """The rows of one CSV file (``lines`` as read from it, e.g. an open text file)."""
    reader = csv.reader(lines)
    names: list[str] | None = None
    kind: CsvKind | None = None
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # a NUL byte, an unterminated quote, a huge field
            raise InvalidFile(f"{file}:{reader.line_num}", f"not a CSV line ({error})") from None
        if not fields or not "".join(fields).strip() or fields[0].lstrip().startswith("#"):
            continue
        source = RowSource(file, reader.line_num)
        if names is None or kind is None:
            kind = csv_kind(fields, source)
            names = [name.strip() for name in fields]
            continue
        if len(fields) != len(names):
            raise ImportRowError(
                source, "row", f"{len(fields)} fields", f"{len(names)} fields, as the header"
            )
        values = {name: value.strip() for name, value in zip(names, fields, strict=True)}
        yield _row(kind, values, source)


def _row(kind: CsvKind, values: dict[str, str], source: RowSource) -> ImportRow:
    if kind == "patients":
        return PatientRow(
            key=_key(values, "patient_id", source),
            display_name=_text(values, "display_name", source, 200),
            clinician=_text(values, "clinician", source, 64),
            preferred_language=values.get("preferred_language") or "en",
            synthetic=_boolean(values.get("synthetic") or "false", source),
            source=source,
            sex=_sex(values.get("sex") or None, source),
            age_band=_age_band(values.get("age_band") or None, source),
        )
    if kind == "episodes":
        return EpisodeRow(
            key=_key(values, "episode_id", source),
            patient_key=_key(values, "patient_id", source),
            started_on=_date(values, "started_on", source),
            outcome_instrument=values.get("outcome_instrument") or "phq9",
            alliance_instrument=values.get("alliance_instrument") or None,
            source=source,
        )
    return AdministrationRow(
        key=_key(values, "administration_id", source),
        episode_key=_key(values, "episode_id", source),
        session=_session(values["session"], source),
        held_on=_date(values, "held_on", source),
        instrument=_text(values, "instrument", source, 40),
        language=values.get("language") or None,
        answers=_answers(values["answers"], source),
        source=source,
    )


def _key(values: dict[str, str], column: str, source: RowSource) -> str:
    value = values[column]
    if not value or len(value) > MAX_KEY or not value.isprintable():
        raise ImportRowError(
            source, column, value, f"the source system's id: 1 to {MAX_KEY} printable characters"
        )
    return value


def _text(values: dict[str, str], column: str, source: RowSource, longest: int) -> str:
    value = values[column]
    if not value or len(value) > longest or not value.isprintable():
        raise ImportRowError(source, column, value, f"1 to {longest} printable characters")
    return value


def _boolean(value: str, source: RowSource) -> bool:
    found = _BOOLEANS.get(value.lower())
    if found is None:
        raise ImportRowError(source, "synthetic", value, "true or false")
    return found


def _sex(value: str | None, source: RowSource) -> Sex | None:
    for sex in SEXES:
        if value == sex:
            return sex
    if value is not None:
        raise ImportRowError(source, "sex", value, f"{', '.join(SEXES)}, or empty (not recorded)")
    return None


def _age_band(value: str | None, source: RowSource) -> AgeBand | None:
    for band in AGE_BANDS:
        if value == band:
            return band
    if value is not None:
        raise ImportRowError(
            source, "age_band", value, f"{', '.join(AGE_BANDS)}, or empty (not recorded)"
        )
    return None


def _date(values: dict[str, str], column: str, source: RowSource) -> dt.date:
    value = values[column]
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ImportRowError(source, column, value, "a date YYYY-MM-DD") from None


def _session(value: str, source: RowSource) -> int:
    if not value.isdecimal() or not 1 <= int(value) <= 10_000:
        raise ImportRowError(source, "session", value, "a session number from 1 to 10000")
    return int(value)


def _answers(value: str, source: RowSource) -> tuple[int | None, ...]:
    answers: list[int | None] = []
    for given in value.split(";"):
        part = given.strip()
        if not part:
            answers.append(None)
        elif part.isdecimal() and len(part) <= 6:
            answers.append(int(part))
        else:
            raise ImportRowError(
                source,
                "answers",
                value,
                "whole numbers in item order separated by ';', empty for a missing answer",
            )
    return tuple(answers)
