"""Loading and validating the packaged instrument definitions.

``definitions/<id>.yaml`` is parsed into ``InstrumentDefinition``; any unknown field, wrong
type or broken reference (a scale naming an item that does not exist, bands out of order, a
profile output without a source or an assumption) raises ``DefinitionError`` naming the file
and the field.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

from pydantic import BaseModel, Field

from attunement._knowledge_cache import packaged
from attunement._model_config import FROZEN
from attunement.errors import DefinitionError, UnknownInstrument
from attunement.instruments._models import InstrumentDefinition, ProfileOutput, ScaleDefinition
from attunement.knowledge import (
    KnowledgeDocument,
    load_packaged,
    parse_knowledge,
    path_of,
    validate_part,
)

__all__ = [
    "INSTRUMENT_IDS",
    "instrument_short_name",
    "list_instruments",
    "load_instrument",
    "parse_definition",
]

_PACKAGE = "attunement.instruments"


class _DisplayOrder(BaseModel):
    model_config = FROZEN

    instruments: tuple[str, ...] = Field(min_length=1)


def _shipped_ids() -> tuple[str, ...]:
    """The ids of ``display_order.yaml``, each checked against ``definitions/<id>.yaml``."""
    order = load_packaged(_DisplayOrder, _PACKAGE, "display_order.yaml").instruments
    folder = resources.files(_PACKAGE).joinpath("definitions")
    files = {f.name.removesuffix(".yaml") for f in folder.iterdir() if f.name.endswith(".yaml")}
    for index, instrument_id in enumerate(order):
        if instrument_id not in files or order.index(instrument_id) != index:
            problem = "listed twice" if instrument_id in files else "no definitions/<id>.yaml"
            raise DefinitionError(
                "instruments/display_order.yaml", f"instruments[{index}]", problem
            )
    unlisted = sorted(files - set(order))
    if unlisted:
        raise DefinitionError(
            "instruments/display_order.yaml", "instruments", f"does not list {unlisted}"
        )
    return order


#: The shipped instruments, in the order they are listed (``display_order.yaml``).
INSTRUMENT_IDS: tuple[str, ...] = packaged("instrument-ids", tuple, _shipped_ids)


def parse_definition(data: object, source: str) -> InstrumentDefinition:
    """Validate an instrument definition: YAML text (errors then name the line too) or data
    already parsed from YAML/JSON.

    ``source`` names the file in error messages. Raises DefinitionError.
    """
    if isinstance(data, str):
        return _definition(parse_knowledge(data, source))
    if not isinstance(data, dict):
        raise DefinitionError(source, "(file)", "expected a mapping of fields")
    return _definition(KnowledgeDocument(source, data, {}))


def _definition(document: KnowledgeDocument) -> InstrumentDefinition:
    definition = validate_part(InstrumentDefinition, document.data, document)
    _check(definition, document)
    return definition


def _check(d: InstrumentDefinition, document: KnowledgeDocument) -> None:
    source = document.name

    def fail(field: str, problem: str) -> None:
        raise document.error(path_of(field), problem)

    if source.endswith(".yaml") and source.removesuffix(".yaml") != d.id:
        fail("id", f"{d.id!r} does not match the file name")
    if len(set(d.roles)) != len(d.roles):
        fail("roles", "each role once")
    languages = set(d.languages)
    items = d.item_ids
    if len(set(items)) != len(items):
        fail("items", "item ids must be unique")
    for name, options in d.response_sets.items():
        values = [o.value for o in options]
        if not values or len(set(values)) != len(values):
            fail(f"response_sets.{name}", "needs at least one option and unique values")
        for o in options:
            if set(o.label) - languages:
                fail(f"response_sets.{name}", f"label language not in languages: {o.label}")
    for i, item in enumerate(d.items):
        if item.responses not in d.response_sets:
            fail(f"items[{i}].responses", f"no response set {item.responses!r}")
        if item.text is not None:
            if not d.licence.item_text_ships:
                fail(f"items[{i}].text", "the licence does not let item text ship")
            if set(item.text) != languages:
                fail(f"items[{i}].text", f"needs text in exactly {sorted(languages)}")
    seen: set[str] = set()
    for i, scale in enumerate(d.scales):
        _check_scale(d, scale, f"scales[{i}]", seen, fail)
        seen.add(scale.id)
    for i, flag in enumerate(d.flags):
        if flag.item not in items:
            fail(f"flags[{i}].item", f"no item {flag.item!r}")
    if d.loinc is not None:
        for coded in d.loinc.items:
            if coded not in items:
                fail("loinc.items", f"no item {coded!r}")
    if d.profile is not None:
        for i, output in enumerate(d.profile.outputs):
            _check_output(output, seen, f"profile.outputs[{i}]", fail)


def _check_scale(
    d: InstrumentDefinition, s: ScaleDefinition, where: str, seen: set[str], fail: Any
) -> None:
    if s.id in seen:
        fail(f"{where}.id", f"duplicate scale id {s.id!r}")
    if s.method == "composite":
        if not s.terms or s.items:
            fail(f"{where}.terms", "a composite scale needs terms (earlier scales), no items")
        for name in s.terms or {}:
            if name not in seen:
                fail(f"{where}.terms", f"{name!r} is not an earlier scale")
    else:
        if not s.items:
            fail(f"{where}.items", "a scale needs items")
        for item in s.items:
            if item not in d.item_ids:
                fail(f"{where}.items", f"no item {item!r}")
        if s.missing is None:
            fail(f"{where}.missing", "required for item-based scales")
    if set(s.reverse) - set(s.items):
        fail(f"{where}.reverse", "reverse-keyed items must be items of the scale")
    if s.method == "scaled" and s.multiplier is None:
        fail(f"{where}.multiplier", "required for method scaled")
    if s.range[0] >= s.range[1]:
        fail(f"{where}.range", "minimum must be below maximum")
    if s.bands is not None:
        bounds = [b.from_ for b in s.bands.levels]
        if bounds != sorted(set(bounds)):
            fail(f"{where}.bands.levels", "lower bounds must be strictly ascending")
    if s.norms is not None and s.norms.direction != s.direction:
        fail(f"{where}.norms.direction", "must equal the scale direction")


def _check_output(o: ProfileOutput, scales: set[str], where: str, fail: Any) -> None:
    if o.scale not in scales:
        fail(f"{where}.scale", f"no scale {o.scale!r}")
    if not (o.source or o.assumption):
        fail(where, "needs a source or an explicit assumption")
    if o.rule in ("levels", "preference") and not o.levels:
        fail(f"{where}.levels", f"required for rule {o.rule}")
    if o.rule == "nearest_mean" and not o.groups:
        fail(f"{where}.groups", "required for rule nearest_mean")
    if o.rule == "preference" and not (o.aspect and o.positive and o.negative):
        fail(where, "a preference needs aspect, positive and negative")


#: The clinic's definitions (packaged ones with the clinic's imported text and scoring key),
#: installed once by the edge that knows the data directory (the CLI, the app factory).
_CLINIC: dict[str, InstrumentDefinition] = {}


def install_clinic_definitions(definitions: Mapping[str, InstrumentDefinition]) -> None:
    """Make these the definitions in force for their ids (replaces any installed before).

    Called by the edges (``attune`` commands, ``create_app``) with
    :func:`clinic_definitions` of the clinic's data directory, so every route — CLI, API,
    web, FHIR, reports, monitoring — scores with one definition per instrument.
    """
    for instrument_id, definition in definitions.items():
        if instrument_id != definition.id or instrument_id not in INSTRUMENT_IDS:
            raise DefinitionError(f"{instrument_id}.yaml", "id", "a packaged instrument's id")
    _CLINIC.clear()
    _CLINIC.update(definitions)


def load_instrument(instrument_id: str) -> InstrumentDefinition:
    """The definition in force for this id: the clinic's (imported text and key), else the
    packaged one. Raises UnknownInstrument."""
    installed = _CLINIC.get(instrument_id)
    return installed if installed is not None else load_packaged_instrument(instrument_id)


def instrument_short_name(instrument_id: str) -> str:
    """The name a person reads for an instrument: its definition's short name (``wai_sr`` →
    "WAI-SR"), or, for one the knowledge base does not hold (an EHR's), its id in words
    (``ehr_scale`` → "EHR SCALE"). The one place that decides it."""
    try:
        return load_instrument(instrument_id).short_name
    except UnknownInstrument:
        return instrument_id.replace("_", " ").upper()


@functools.cache
def load_packaged_instrument(instrument_id: str) -> InstrumentDefinition:
    """The packaged definition with this id (cached, also across starts of the CLI:
    :mod:`attunement._knowledge_cache`). Raises UnknownInstrument."""
    if instrument_id not in INSTRUMENT_IDS:
        raise UnknownInstrument(instrument_id, INSTRUMENT_IDS)
    name = f"{instrument_id}.yaml"

    def load() -> InstrumentDefinition:
        text = resources.files(_PACKAGE).joinpath("definitions", name).read_text("utf-8")
        return _definition(parse_knowledge(text, name))

    return packaged(f"instrument-{instrument_id}", InstrumentDefinition, load)


def list_instruments() -> tuple[InstrumentDefinition, ...]:
    """Every packaged definition, in the documented order."""
    return tuple(load_instrument(instrument_id) for instrument_id in INSTRUMENT_IDS)
