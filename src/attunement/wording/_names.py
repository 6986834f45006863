"""The names a person reads for instruments and their items (issue 16).

Display only: an instrument's short name and its items' order come from its definition, so
no id (``wai_sr``, ``phq9_9``) reaches clinical text. Languages are named by
:func:`attunement.profile.language_name`.
"""

from __future__ import annotations

from functools import cache

from attunement import instruments  # loads its names on first use (issue 13: plan's start-up)
from attunement.errors import UnknownInstrument
from attunement.i18n import N_, SOURCE_LANGUAGE, knowledge_text, translate

__all__ = ["flag_label", "instrument_name", "item_label", "scale_label"]


@cache
def instrument_name(instrument: str) -> str:
    """``wai_sr`` → "WAI-SR": the definition's short name (an unknown id in words)."""
    return instruments.instrument_short_name(instrument)


@cache
def item_label(instrument: str, item: str, language: str = SOURCE_LANGUAGE) -> str:
    """``phq9``, ``phq9_9`` → "PHQ-9 item 9" (in ``language``): the item's position in its
    definition."""
    try:
        ids = instruments.load_instrument(instrument).item_ids
    except UnknownInstrument:
        ids = ()
    position = str(ids.index(item) + 1) if item in ids else item.replace("_", " ")
    return translate(
        N_("%(instrument)s item %(item)s"),
        language,
        instrument=instrument_name(instrument),
        item=position,
    )


def scale_label(instrument: str, scale: str, language: str = SOURCE_LANGUAGE) -> str:
    """``phq9``, ``total`` → "PHQ-9 total": the scale's name in its definition, as the
    catalogue says it in ``language`` (an unknown instrument or scale in words)."""
    try:
        name = instruments.load_instrument(instrument).scale(scale).name
    except (UnknownInstrument, KeyError):
        return f"{instrument_name(instrument)} {scale.replace('_', ' ')}"
    return knowledge_text(name, language)


def flag_label(instrument: str, flag: str, language: str = SOURCE_LANGUAGE) -> str:
    """``phq9``, ``phq9_item9_risk`` (or its blank-item twin ``…_unanswered``) → "PHQ-9 item
    9": a risk flag by the item it watches (an unknown one in words)."""
    try:
        rules = instruments.load_instrument(instrument).flags
    except UnknownInstrument:
        rules = ()
    rule_id = flag.removesuffix("_unanswered")
    item = next((rule.item for rule in rules if rule.id == rule_id), None)
    return flag.replace("_", " ") if item is None else item_label(instrument, item, language)
