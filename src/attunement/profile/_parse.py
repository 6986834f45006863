"""Turn a profile file (JSON or YAML already loaded into a mapping) into a :class:`Profile`.

Every field is optional. A scalar dimension is given as its value (``reactance: high``), as a
mapping with provenance (``{value: high, source: clinician_rating, assessed_on: 2024-05-02}``)
or as an instrument administration (``{instrument: trs, answers: [...]}``) that is scored
here. Anything that does not fit raises :class:`~attunement.errors.InvalidProfile` naming the
dotted field (``preferences[1].strength``), the value given and what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any

from attunement.errors import InvalidProfile
from attunement.profile._models import (
    Assessed,
    Attachment,
    Culture,
    Expectations,
    Preference,
    Profile,
    ProfileFlag,
    Provenance,
    ReligionSpirituality,
)
from attunement.profile._scoring import score_administration
from attunement.profile._vocabulary import (
    DIMENSIONS,
    PREFERENCE_ASPECTS,
    PROFILE_FIELDS,
    SOURCES,
    STRENGTHS,
    FieldSpec,
    canonical_language_tag,
    preference_value_key,
)

__all__ = ["parse_profile"]

_PROVENANCE_KEYS = ("source", "instrument", "version", "assessed_on")
#: Who usually supplies a value given without a ``source``.
_DEFAULT_SOURCE = {
    "preferences": "stated",
    "culture": "stated",
    "religion_spirituality": "stated",
    "expectations": "stated",
}
_COMPOUND = {
    "culture": Culture,
    "religion_spirituality": ReligionSpirituality,
    "attachment": Attachment,
    "expectations": Expectations,
}


@dataclass
class _Context:
    assessed_on: date | None
    flags: list[ProfileFlag] = field(default_factory=list)
    #: Set while parsing the values an instrument produced: their provenance is fixed.
    fixed: Provenance | None = None


def parse_profile(data: Mapping[str, Any], *, assessed_on: date | None = None) -> Profile:
    """Validate a profile mapping (the JSON/YAML file shape of issue 3) into a Profile.

    Parameters
    ----------
    data : Mapping
        Dimension name → value. A top-level ``assessed_on`` dates every value that does not
        carry its own date.
    assessed_on : date, optional
        The date used when neither the value nor the file gives one (the core never reads
        the clock).

    Raises
    ------
    InvalidProfile
        Unknown dimension, wrong type or value out of range; names field, value, allowed.
    """
    if not isinstance(data, Mapping):
        raise InvalidProfile("profile", data, "a mapping of dimension names to values")
    default = assessed_on
    if "assessed_on" in data:
        default = _date(data["assessed_on"], "assessed_on")
    context = _Context(assessed_on=default)
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "assessed_on":
            continue
        if not isinstance(key, str) or key not in DIMENSIONS:
            raise InvalidProfile(str(key), raw, ", ".join((*DIMENSIONS, "assessed_on")))
        if raw is None:
            continue
        values[key] = _PARSERS[key](raw, key, context)
    return Profile(**values, flags=tuple(context.flags))


# --------------------------------------------------------------------------- dimensions


def _scalar(raw: Any, path: str, context: _Context) -> Assessed[Any]:
    spec = PROFILE_FIELDS[path]
    if isinstance(raw, Mapping) and "answers" in raw and context.fixed is None:
        produced, provenance = _administer(raw, path, path, context)
        return _scalar(produced, path, _scored(context, provenance))
    if isinstance(raw, Mapping) and context.fixed is None:
        _check_keys(raw, path, ("value", *_PROVENANCE_KEYS))
        if "value" not in raw:
            raise InvalidProfile(f"{path}.value", None, spec.allowed)
        return Assessed(
            value=_field(raw["value"], f"{path}.value", spec),
            provenance=_provenance(raw, path, context, path),
        )
    return Assessed(value=_field(raw, path, spec), provenance=_provenance({}, path, context, path))


@cache
def _subfields(path: str) -> dict[str, FieldSpec]:
    """The fields of a compound dimension (worked out once: batches parse many profiles)."""
    return {p.split(".")[1]: s for p, s in PROFILE_FIELDS.items() if p.startswith(f"{path}.")}


def _compound(raw: Any, path: str, context: _Context) -> Any:
    subfields = _subfields(path)
    if not isinstance(raw, Mapping):
        raise InvalidProfile(path, raw, f"a mapping with any of: {', '.join(subfields)}")
    if "answers" in raw and context.fixed is None:
        produced, provenance = _administer(raw, path, path, context)
        return _compound(produced, path, _scored(context, provenance))
    allowed_keys = tuple(subfields) + (_PROVENANCE_KEYS if context.fixed is None else ())
    _check_keys(raw, path, allowed_keys)
    given = {k: _field(raw[k], f"{path}.{k}", s) for k, s in subfields.items() if k in raw}
    if not given:
        raise InvalidProfile(path, dict(raw), f"at least one of: {', '.join(subfields)}")
    provenance = _provenance(raw, path, context, path)
    return _COMPOUND[path](**given, provenance=provenance)


def _preferences(raw: Any, path: str, context: _Context) -> tuple[Preference, ...]:
    if isinstance(raw, Mapping) and "answers" in raw and context.fixed is None:
        raw = [raw]
    if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
        raise InvalidProfile(path, raw, "a list of {aspect, value, strength} entries")
    found: list[tuple[str, Preference]] = []
    for index, entry in enumerate(raw):
        where = f"{path}[{index}]"
        if isinstance(entry, Mapping) and "answers" in entry and context.fixed is None:
            produced, provenance = _administer(entry, where, "preferences", context)
            scored = _preferences(produced, where, _scored(context, provenance))
            new = [(f"{where} ({provenance.instrument})", p) for p in scored]
        else:
            new = [(where, _preference(entry, where, context))]
        for new_path, preference in new:
            for earlier_path, earlier in found:
                _refuse_duplicate(preference, earlier, earlier_path, new_path)
            found.append((new_path, preference))
    return tuple(p for _, p in found)


def _preference(entry: Any, where: str, context: _Context) -> Preference:
    keys = ("aspect", "value", "strength") + (_PROVENANCE_KEYS if context.fixed is None else ())
    if not isinstance(entry, Mapping):
        raise InvalidProfile(where, entry, "a mapping with aspect, value and strength")
    _check_keys(entry, where, keys)
    for required in ("aspect", "value", "strength"):
        if required not in entry:
            raise InvalidProfile(f"{where}.{required}", None, f"{required} is required")
    aspect = entry["aspect"]
    if not isinstance(aspect, str) or aspect not in PREFERENCE_ASPECTS:
        raise InvalidProfile(f"{where}.aspect", aspect, ", ".join(PREFERENCE_ASPECTS))
    spec = PREFERENCE_ASPECTS[aspect]
    if spec.values == "bcp47":
        value = _field(entry["value"], f"{where}.value", FieldSpec(kind="language"))
    elif spec.values is None:
        value = _field(entry["value"], f"{where}.value", FieldSpec(kind="text"))
        if not preference_value_key(value):
            raise InvalidProfile(f"{where}.value", value, "text with a letter or a number")
    else:
        value = _field(entry["value"], f"{where}.value", FieldSpec(kind="enum", values=spec.values))
    strength = _field(
        entry["strength"], f"{where}.strength", FieldSpec(kind="enum", values=STRENGTHS)
    )
    return Preference(
        aspect=aspect,
        value=str(value),
        strength=strength,
        provenance=_provenance(entry, where, context, "preferences"),
    )


def _refuse_duplicate(new: Preference, old: Preference, old_path: str, where: str) -> None:
    if new.aspect != old.aspect:
        return
    if preference_value_key(new.value) == preference_value_key(old.value):
        raise InvalidProfile(f"{where}.value", new.value, f"each value once (also at {old_path})")
    if not PREFERENCE_ASPECTS[new.aspect].multiple:
        raise InvalidProfile(
            f"{where}.aspect",
            new.aspect,
            f"one preference per {new.aspect} (already {old.value!r} at {old_path}); "
            "ask the patient which one holds",
        )


_PARSERS: dict[str, Callable[[Any, str, _Context], Any]] = {
    "reactance": _scalar,
    "stage_of_change": _scalar,
    "coping_style": _scalar,
    "functional_impairment": _scalar,
    "distress": _scalar,
    "preferences": _preferences,
    **dict.fromkeys(_COMPOUND, _compound),
}


# --------------------------------------------------------------------------- leaves


def _administer(
    raw: Mapping[str, Any], where: str, dimension: str, context: _Context
) -> tuple[Any, Provenance]:
    scored = score_administration(raw, where, dimension, context.assessed_on)
    context.flags.extend(scored.flags)
    return scored.value, scored.provenance


def _scored(context: _Context, provenance: Provenance) -> _Context:
    return _Context(assessed_on=context.assessed_on, flags=context.flags, fixed=provenance)


def _check_keys(raw: Mapping[Any, Any], path: str, allowed: Sequence[str]) -> None:
    for key in raw:
        if key not in allowed:
            raise InvalidProfile(f"{path}.{key}", raw[key], ", ".join(allowed))


def _provenance(raw: Mapping[str, Any], path: str, context: _Context, dimension: str) -> Provenance:
    if context.fixed is not None:
        return context.fixed
    source = raw.get("source")
    instrument = raw.get("instrument")
    version = raw.get("version")
    if instrument is not None:
        instrument = _field(instrument, f"{path}.instrument", FieldSpec(kind="text"))
        if source is None:
            source = "instrument"
        elif source != "instrument":
            raise InvalidProfile(f"{path}.instrument", instrument, "only with source: instrument")
    if source is None:
        source = _DEFAULT_SOURCE.get(dimension, "clinician_rating")
    if source not in SOURCES:
        raise InvalidProfile(f"{path}.source", source, ", ".join(SOURCES))
    if source == "instrument" and instrument is None:
        raise InvalidProfile(f"{path}.instrument", None, "the instrument id (e.g. trs, urica)")
    if version is not None:
        if instrument is None:
            raise InvalidProfile(f"{path}.version", version, "only together with instrument")
        version = _field(version, f"{path}.version", FieldSpec(kind="text"))
    when = context.assessed_on
    if "assessed_on" in raw:
        when = _date(raw["assessed_on"], f"{path}.assessed_on")
    return _provenance_of(source, instrument, version, when)


@lru_cache(maxsize=1024)
def _provenance_of(
    source: str, instrument: str | None, version: str | None, when: date | None
) -> Provenance:
    """One immutable Provenance per distinct value (most of a profile shares one)."""
    return Provenance(source=source, instrument=instrument, version=version, assessed_on=when)


def _field(raw: Any, path: str, spec: FieldSpec) -> Any:
    if spec.kind == "enum":
        if not isinstance(raw, str) or raw not in spec.values:
            raise InvalidProfile(path, raw, spec.allowed)
        return raw
    if spec.kind == "number":
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise InvalidProfile(path, raw, spec.allowed)
        low = -math.inf if spec.minimum is None else spec.minimum
        high = math.inf if spec.maximum is None else spec.maximum
        if not low <= raw <= high:
            raise InvalidProfile(path, raw, spec.allowed)
        return float(raw)
    if spec.kind == "bool":
        if not isinstance(raw, bool):
            raise InvalidProfile(path, raw, spec.allowed)
        return raw
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidProfile(path, raw, spec.allowed)
    if spec.kind == "language":
        tag = canonical_language_tag(raw)
        if tag is None:
            raise InvalidProfile(path, raw, spec.allowed)
        return tag
    return raw.strip()


def _date(raw: Any, path: str) -> date:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise InvalidProfile(path, raw, "a date as YYYY-MM-DD")
