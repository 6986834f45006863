"""Score an instrument administration given inside a profile file.

A dimension written as ``{instrument: ID, answers: [...]}`` is scored with
:func:`attunement.instruments.score` and turned into profile values with
:func:`attunement.instruments.derive_profile_values`, so the thresholds that map a score to
``high``/``contemplation``/... live with the instrument definition (and its citation or its
stated assumption, carried on in ``Provenance.derivations``), not here. Scoring errors
come back as :class:`~attunement.errors.InvalidProfile` naming the profile field, so a
clinician sees where in *their* file the problem is.

The instruments package is imported whole: its names load on first use, and the one that
builds profile values imports :mod:`attunement.profile`, complete by the time a profile
file is scored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from attunement import instruments
from attunement.errors import InvalidAnswer, InvalidProfile, UnknownInstrument
from attunement.profile._models import ProfileFlag, Provenance

__all__ = ["ScoredValue", "score_administration"]

_KEYS = ("instrument", "answers", "assessed_on", "language")


class ScoredValue(NamedTuple):
    """The profile-file-shaped value a score gives, its provenance and any flags raised."""

    value: Any
    provenance: Provenance
    flags: tuple[ProfileFlag, ...]


def score_administration(
    raw: Mapping[str, Any], where: str, dimension: str, assessed_on: date | None
) -> ScoredValue:
    """Score ``raw`` (instrument id + answers) and return the value for ``dimension``.

    Raises
    ------
    InvalidProfile
        Unknown instrument, answers that do not fit it, a score too incomplete to use, or an
        instrument that does not assess this dimension.
    """
    for key in raw:
        if key not in _KEYS:
            raise InvalidProfile(f"{where}.{key}", raw[key], ", ".join(_KEYS))
    instrument_id = raw.get("instrument")
    if not isinstance(instrument_id, str) or not instrument_id.strip():
        raise InvalidProfile(f"{where}.instrument", instrument_id, "an instrument id, e.g. trs")
    answers = _answers(raw["answers"], f"{where}.answers")
    language = raw.get("language", "en")
    if not isinstance(language, str):
        raise InvalidProfile(f"{where}.language", language, "a BCP 47 language tag, e.g. es")
    when = _when(raw.get("assessed_on"), f"{where}.assessed_on", assessed_on)

    try:
        definition = instruments.load_instrument(instrument_id)
    except UnknownInstrument as error:
        known = ", ".join(sorted(i.id for i in instruments.list_instruments()))
        raise InvalidProfile(f"{where}.instrument", instrument_id, known) from error
    try:
        result = instruments.score(definition, answers, language=language)
    except InvalidAnswer as error:
        field = f"{where}.answers"
        if error.field != "answers":
            field += f" ({error.field})"
        raise InvalidProfile(field, error.value, error.allowed, risk=error.risk) from error
    values, derivations = instruments.derive_profile_values(result)
    if dimension not in values:
        unscorable = [
            f"{name}: {scale.reason}" for name, scale in result.scales.items() if not scale.scorable
        ]
        if unscorable:
            # A refused administration must not swallow an endorsed risk item.
            raise InvalidProfile(
                f"{where}.answers",
                list(answers),
                f"answers that {instrument_id} can score - {'; '.join(unscorable)}.",
                risk=tuple(flag.message for flag in result.flags if flag.endorsed),
            )
        gives = ", ".join(values) or "no profile value"
        raise InvalidProfile(
            f"{where}.instrument",
            instrument_id,
            f"an instrument that assesses {dimension} ({instrument_id} gives {gives})",
        )
    provenance = Provenance(
        source="instrument",
        instrument=result.instrument,
        version=result.version,
        assessed_on=when,
        derivations=derivations,
    )
    flags = tuple(
        ProfileFlag(
            id=flag.id,
            severity=flag.severity,
            dimension=where,
            instrument=result.instrument,
            item=flag.item,
            message=flag.message,
            kind=flag.kind,
            answer=flag.answer,
        )
        for flag in result.flags
    )
    return ScoredValue(values[dimension], provenance, flags)


def _answers(raw: Any, path: str) -> list[int | float | None]:
    if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
        raise InvalidProfile(path, raw, "a list of numbers (null for an unanswered item)")
    out: list[int | float | None] = []
    for index, answer in enumerate(raw):
        if answer is None:
            out.append(None)
        elif (
            isinstance(answer, bool)
            or not isinstance(answer, int | float)
            or not math.isfinite(answer)
        ):
            raise InvalidProfile(f"{path}[{index}]", answer, "a number, or null if unanswered")
        else:
            out.append(answer)
    return out


def _when(raw: Any, path: str, default: date | None) -> date | None:
    if raw is None:
        return default
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise InvalidProfile(path, raw, "a date as YYYY-MM-DD")
