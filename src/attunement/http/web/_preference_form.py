"""The stated-preference rows of the intake form: what each row shows and how it is read.

A row has an aspect (from ``attunement.profile.PREFERENCE_ASPECTS``), a value — a choice of
the aspect's values, a language tag or free text, as the vocabulary says — and a strength.
Rows are keyed by a random token, so htmx can add or redraw one without renumbering.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from attunement.i18n import N_, translate
from attunement.profile import PREFERENCE_ASPECTS, STRENGTHS
from attunement.wording import aspect_label, field_value_words, format_number, strength_label

__all__ = [
    "PreferenceRow",
    "as_text",
    "is_administration",
    "preference_row",
    "preference_rows",
    "read_preference_rows",
]


def as_text(value: object) -> str:
    """A stored profile value as the text a form field shows."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return format_number(value, digits=2)
    return str(value)


def is_administration(entry: object) -> bool:
    """A profile entry given as an instrument administration (scored by parse_profile)."""
    return isinstance(entry, Mapping) and "answers" in entry


@dataclass
class PreferenceRow:
    key: str
    aspect: str
    value: str
    strength: str
    provenance: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def aspects_in(self, language: str) -> list[tuple[str, str]]:
        """The aspects a preference may be about, each by its one label in ``language``."""
        return [(name, _capitalised(aspect_label(name, language))) for name in PREFERENCE_ASPECTS]

    def strengths_in(self, language: str) -> list[tuple[str, str]]:
        return [(s, strength_label(s, language)) for s in STRENGTHS]

    def value_options_in(self, language: str) -> list[tuple[str, str]]:
        spec = PREFERENCE_ASPECTS.get(self.aspect)
        if spec is None or not isinstance(spec.values, tuple):
            return []
        path = f"preferences.{self.aspect}"
        return [(v, field_value_words(path, v, language)) for v in spec.values]

    def value_hint_in(self, language: str) -> str:
        spec = PREFERENCE_ASPECTS.get(self.aspect)
        if spec is not None and spec.values == "bcp47":
            return translate(N_("A language tag, e.g. es."), language)
        if spec is None:
            return translate(N_("Choose what the preference is about first."), language)
        return translate(N_("In the patient’s words."), language)

    @property
    def filled(self) -> bool:
        return bool(self.aspect or self.value)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def preference_row(
    aspect: str = "", value: str = "", strength: str = "", key: str | None = None
) -> PreferenceRow:
    clean = key if key and re.fullmatch(r"[a-z0-9]{4,16}", key) else secrets.token_hex(4)
    return PreferenceRow(clean, aspect if aspect in PREFERENCE_ASPECTS else "", value, strength)


def preference_rows(raw: Mapping[str, Any], extra: int = 1) -> list[PreferenceRow]:
    """Editable rows for the stated preferences (instrument-given ones are kept as they are)."""
    stored = raw.get("preferences") or []
    rows = [
        preference_row(
            str(e.get("aspect", "")), as_text(e.get("value")), str(e.get("strength", ""))
        )
        for e in stored
        if isinstance(e, Mapping) and not is_administration(e)
    ]
    return rows + [preference_row() for _ in range(extra)]


def read_preference_rows(values: Mapping[str, str]) -> list[PreferenceRow]:
    """The preference rows of a submitted form, in the order they were shown."""
    keys: list[str] = []
    for name in values:
        match = re.fullmatch(r"pref-([a-z0-9]{4,16})\.(aspect|value|strength)", name)
        if match and match.group(1) not in keys:
            keys.append(match.group(1))
    return [
        preference_row(
            values.get(f"pref-{k}.aspect", ""),
            values.get(f"pref-{k}.value", ""),
            values.get(f"pref-{k}.strength", ""),
            key=k,
        )
        for k in keys
    ]
