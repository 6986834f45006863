"""Item text supplied by the clinic for instruments whose text may not ship.

The clinic holds the licence (URICA, WAI-SR, ECR-R, CEQ, TRS, HPRS, DUREL, Brief RCOPE) and
imports its copy once: ``attune instruments import-text ID FILE``. The file is YAML, JSON or
CSV::

    # YAML / JSON
    instrument: urica                 # optional; must match
    source: Licensed copy, 2024       # optional note on where the text comes from
    instructions: {en: "..."}         # optional
    items:                            # every item, each with the same languages
      urica_1: {en: "...", es: "..."}
      urica_2: "..."                  # a plain string is English
    options:                          # optional answer labels: response set -> value
      default: {1: {en: Strongly disagree}}
    key:                              # optional, only where the key was not verified
      total: {reverse: [trs_3, trs_7]}

    # CSV: a header "item" plus one column per language
    item,en,es
    urica_1,"...","..."

Nothing here reads a file the caller did not name: the store directory is an argument.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from attunement._model_config import FROZEN
from attunement.errors import DefinitionError
from attunement.instruments._loader import INSTRUMENT_IDS, load_packaged_instrument
from attunement.instruments._models import InstrumentDefinition
from attunement.knowledge import KnowledgeDocument, parse_knowledge, path_of

__all__ = [
    "ImportedText",
    "clinic_definitions",
    "import_item_text",
    "load_imported_text",
    "with_imported_text",
]

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_EDITABLE_KEYS = ("unverified", "convention")


class ImportedText(BaseModel):
    """Validated item text (and optionally labels and a key) for one instrument."""

    model_config = FROZEN

    instrument: str
    version: str
    languages: tuple[str, ...] = Field(min_length=1)
    source: str | None = None
    instructions: dict[str, str] | None = None
    items: dict[str, dict[str, str]]
    options: dict[str, dict[int, dict[str, str]]] = Field(default_factory=dict)
    key: dict[str, tuple[str, ...]] = Field(default_factory=dict)


def _read(path: Path) -> KnowledgeDocument:
    """The clinic's file as a knowledge document: YAML through the knowledge loader (so a
    problem names its line), JSON and CSV as data."""
    name = path.name
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DefinitionError(name, "(file)", f"cannot be read ({exc.strerror})") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return KnowledgeDocument(name, _read_csv(raw, name), {})
    if suffix != ".json":
        return parse_knowledge(raw, name)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DefinitionError(name, "(file)", f"not valid JSON: {exc.msg}", exc.lineno) from None
    if not isinstance(data, dict):
        raise DefinitionError(name, "(file)", "expected a mapping of fields", 1)
    return KnowledgeDocument(name, data, {})


def _read_csv(raw: str, name: str) -> dict[str, Any]:
    rows = list(csv.reader(io.StringIO(raw)))
    if not rows or not rows[0] or rows[0][0].strip() != "item" or len(rows[0]) < 2:
        raise DefinitionError(name, "header", "needs 'item' then one column per language")
    languages = [cell.strip() for cell in rows[0][1:]]
    items: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(languages) + 1:
            raise DefinitionError(name, f"line {line}", f"needs {len(languages) + 1} columns")
        items[row[0].strip()] = dict(zip(languages, row[1:], strict=True))
    return {"items": items}


def _parse(definition: InstrumentDefinition, document: KnowledgeDocument) -> ImportedText:
    data = document.data

    def fail(field: str, problem: str) -> DefinitionError:
        return document.error(path_of(field), problem)

    unknown = set(data) - {"instrument", "source", "instructions", "items", "options", "key"}
    if unknown:
        raise fail(sorted(unknown)[0], "unknown field")
    if data.get("instrument", definition.id) != definition.id:
        raise fail("instrument", f"is {data['instrument']!r}, expected {definition.id!r}")
    raw_items = data.get("items")
    if not isinstance(raw_items, Mapping) or not raw_items:
        raise fail("items", "a mapping item id -> text per language is required")
    items: dict[str, dict[str, str]] = {}
    for item_id, text in raw_items.items():
        if item_id not in definition.item_ids:
            raise fail(
                f"items.{item_id}", f"no such item; items are {', '.join(definition.item_ids)}"
            )
        texts = {"en": text} if isinstance(text, str) else text
        if not isinstance(texts, Mapping) or not texts:
            raise fail(f"items.{item_id}", "text or a mapping language -> text")
        for language, value in texts.items():
            if not _LANGUAGE.match(str(language)):
                raise fail(f"items.{item_id}.{language}", "not a language tag (e.g. en, es)")
            if not isinstance(value, str) or not value.strip():
                raise fail(f"items.{item_id}.{language}", "text must not be empty")
        items[item_id] = {str(k): str(v).strip() for k, v in texts.items()}
    missing = [item for item in definition.item_ids if item not in items]
    if missing:
        raise fail("items", f"no text for {', '.join(missing)}")
    languages = tuple(next(iter(items.values())))
    for item_id, texts in items.items():
        if set(texts) != set(languages):
            raise fail(f"items.{item_id}", f"needs text in exactly {', '.join(languages)}")
    options = _options(definition, data.get("options") or {}, fail)
    key = _key(definition, data.get("key") or {}, fail)
    instructions = data.get("instructions")
    if instructions is not None and not isinstance(instructions, Mapping):
        raise fail("instructions", "a mapping language -> text")
    return ImportedText(
        instrument=definition.id,
        version=definition.version,
        languages=languages,
        source=str(data["source"]) if data.get("source") else None,
        instructions=dict(instructions) if instructions else None,
        items=items,
        options=options,
        key=key,
    )


def _options(d: InstrumentDefinition, raw: Any, fail: Any) -> dict[str, dict[int, dict[str, str]]]:
    if not isinstance(raw, Mapping):
        raise fail("options", "a mapping response set -> value -> labels")
    out: dict[str, dict[int, dict[str, str]]] = {}
    for set_name, labels in raw.items():
        if set_name not in d.response_sets or not isinstance(labels, Mapping):
            raise fail(f"options.{set_name}", f"response sets are {', '.join(d.response_sets)}")
        allowed = {o.value for o in d.response_sets[set_name]}
        out[set_name] = {}
        for value, text in labels.items():
            if int(value) not in allowed or not isinstance(text, Mapping):
                raise fail(f"options.{set_name}.{value}", f"values are {sorted(allowed)}")
            out[set_name][int(value)] = {str(k): str(v) for k, v in text.items()}
    return out


def _key(d: InstrumentDefinition, raw: Any, fail: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, Mapping):
        raise fail("key", "a mapping scale -> {reverse: [item ids]}")
    out: dict[str, tuple[str, ...]] = {}
    for scale_id, entry in raw.items():
        scales = {s.id: s for s in d.scales}
        scale = scales.get(scale_id)
        if scale is None or scale.key_status not in _EDITABLE_KEYS:
            editable = [s.id for s in d.scales if s.key_status in _EDITABLE_KEYS]
            raise fail(f"key.{scale_id}", f"keys may be imported only for: {editable or 'none'}")
        reverse = entry.get("reverse") if isinstance(entry, Mapping) else None
        if not isinstance(reverse, list) or set(reverse) - set(scale.items):
            raise fail(f"key.{scale_id}.reverse", f"a list of items of the scale: {scale.items}")
        out[scale_id] = tuple(str(item) for item in reverse)
    return out


def _store_path(store_dir: Path, instrument_id: str) -> Path:
    return store_dir / "instrument-text" / f"{instrument_id}.json"


def import_item_text(definition: InstrumentDefinition, source: Path, store_dir: Path) -> Path:
    """Validate the clinic's text file and keep it under ``store_dir``; returns the path.

    Raises DefinitionError naming the file and field (unknown item, missing text, ...).
    """
    if definition.text_available:
        raise DefinitionError(
            source.name, "instrument", f"{definition.id} ships its own item text; nothing to import"
        )
    imported = _parse(definition, _read(source))
    target = _store_path(store_dir, definition.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = imported.model_dump_json(indent=2)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{definition.id}-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(payload)
    os.replace(temp, target)
    return target


def load_imported_text(instrument_id: str, store_dir: Path) -> ImportedText | None:
    """The text the clinic imported for this instrument, if any."""
    path = _store_path(store_dir, instrument_id)
    if not path.exists():
        return None
    try:
        return ImportedText.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise DefinitionError(path.name, "(stored text)", f"is corrupt: {exc}") from None


def with_imported_text(
    definition: InstrumentDefinition, imported: ImportedText | None
) -> InstrumentDefinition:
    """A copy of the definition carrying the clinic's text, labels and imported key."""
    if imported is None:
        return definition
    items = tuple(
        item.model_copy(update={"text": imported.items.get(item.id, item.text)})
        for item in definition.items
    )
    response_sets = {
        name: tuple(
            o.model_copy(
                update={"label": {**o.label, **imported.options.get(name, {}).get(o.value, {})}}
            )
            for o in options
        )
        for name, options in definition.response_sets.items()
    }
    scales = tuple(
        s.model_copy(update={"reverse": imported.key[s.id], "key_status": "imported"})
        if s.id in imported.key
        else s
        for s in definition.scales
    )
    languages = imported.languages + tuple(
        lang for lang in definition.languages if lang not in imported.languages
    )
    version = definition.version
    if imported.key:  # another key scores differently: stored scores must be re-derived
        canonical = json.dumps(imported.key, sort_keys=True).encode()
        version = f"{definition.version}+key.{hashlib.sha256(canonical).hexdigest()[:8]}"
    return definition.model_copy(
        update={
            "version": version,
            "items": items,
            "response_sets": response_sets,
            "scales": scales,
            "languages": languages,
            "instructions": imported.instructions or definition.instructions,
            "text_source": "imported by the clinic"
            + (f" ({imported.source})" if imported.source else ""),
        }
    )


def clinic_definitions(store_dir: Path) -> dict[str, InstrumentDefinition]:
    """Every packaged definition the clinic imported text or a key for, with them applied.

    The edge installs the result (``install_clinic_definitions``) so that every route
    scores an instrument with the same definition.
    """

    found: dict[str, InstrumentDefinition] = {}
    for instrument_id in INSTRUMENT_IDS:
        imported = load_imported_text(instrument_id, store_dir)
        if imported is not None:
            packaged = load_packaged_instrument(instrument_id)
            found[instrument_id] = with_imported_text(packaged, imported)
    return found
