"""Fill ``{placeholder}`` slots in rule texts with patient values (no format-string magic).

Only plain names are substituted, from a fixed table: the profile field paths
(``{culture.preferred_language}``), the clinic's ``{clinic_language}`` and, in rules applied
to each preference,
``{aspect}``, ``{aspect_label}``, ``{value}``, ``{value_label}`` and ``{strength}``. The
loader rejects any other placeholder, so a typo fails at load time, not in a clinician's plan.

A rule text is an English message id (translated later, slots and all:
:func:`refill_translation`), so a slot is filled with the value's English words from the
profile's own labels (:func:`attunement.profile.field_value_words`: a language by its name,
``client_directed`` → "client directed", True → "yes"); the core imports no wording (issue 17).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from attunement.profile import (
    PREFERENCE_ASPECTS,
    PROFILE_FIELDS,
    Preference,
    Profile,
    field_value_words,
    language_name,
)

__all__ = [
    "CONTEXT_SLOTS",
    "PREFERENCE_SLOTS",
    "fill",
    "placeholders",
    "refill_translation",
    "slot_values",
]

_SLOT = re.compile(r"\{([a-z_.]+)\}")
#: A number in a rule text (an attachment mean, 1-7) reads to two decimals, as its patient
#: fact does in the brief.
_DECIMALS = 2
PREFERENCE_SLOTS = frozenset({"aspect", "aspect_label", "value", "value_label", "strength"})
CONTEXT_SLOTS = frozenset({"clinic_language"})


def placeholders(text: str) -> set[str]:
    """The slot names used in a text."""
    return set(_SLOT.findall(text))


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace each known ``{slot}``; unknown slots are left as written."""
    return _SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def refill_translation(template: str, shown: str, translation: str) -> str | None:
    """``translation`` (of ``template``) filled with the values that made ``shown`` from
    ``template``, read back from ``shown``; None when ``shown`` was not made from it.

    A rule text is translated by its template (the catalogue's message id), after the plan
    was made: the same patient values go into the translated slots.
    """
    parts = _SLOT.split(template)  # text, slot, text, slot, …, text
    pattern = "".join(re.escape(p) if i % 2 == 0 else "(.*?)" for i, p in enumerate(parts))
    found = re.fullmatch(pattern, shown, flags=re.DOTALL)
    if found is None:
        return None
    return fill(translation, dict(zip(parts[1::2], found.groups(), strict=True)))


def slot_values(
    profile: Profile, preference: Preference | None, clinic_language: str = "en"
) -> Mapping[str, str]:
    """The values available to templates for this profile (and preference, if any)."""
    values: dict[str, str] = {}
    for path, spec in PROFILE_FIELDS.items():
        found = profile.value_at(path)
        if found is None:
            values[path] = "not stated"
        elif spec.kind == "number":
            values[path] = field_value_words(path, round(float(found[0]), _DECIMALS))
        else:  # a language by its name, never its tag; a closed value by its label
            values[path] = field_value_words(path, found[0])
    if preference is not None:
        values.update(
            aspect=preference.aspect,
            aspect_label=PREFERENCE_ASPECTS[preference.aspect].label,
            value=preference.value,
            value_label=field_value_words(f"preferences.{preference.aspect}", preference.value),
            strength=preference.strength,
        )
    return _Slots(values, clinic_language)


class _Slots(Mapping[str, str]):
    """The slot values, with ``{clinic_language}`` named only when a text uses it: naming a
    language reads Babel's CLDR data (some 20 ms of an ``attune plan`` start, issue 13), and
    few rule texts name the clinic's language."""

    def __init__(self, values: dict[str, str], clinic_language: str) -> None:
        self._values = values
        self._clinic_language = clinic_language

    def __getitem__(self, slot: str) -> str:
        if slot == "clinic_language":
            return language_name(self._clinic_language)
        return self._values[slot]

    def __iter__(self) -> Iterator[str]:
        yield "clinic_language"
        yield from self._values

    def __len__(self) -> int:
        return len(self._values) + 1
