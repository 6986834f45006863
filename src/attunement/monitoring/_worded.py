"""A sentence the core composes, kept so that a page can show it in its reader's language.

The core writes its sentences (an outcome alert's reason, a support prompt's facts) in
English, and keeps beside the English ``text`` what it was written from: a gettext message id
(``template``, marked with ``N_`` in the module of its kind of sentence) and its named
``values``. A figure stays a number (int or float) with the format spec it is written with
(``formats``: ``.2f``, ``.3g``, ``g``), so the edge writes it with the one number formatter
in the reader's language (``attunement.wording.format_figure``); an older status stored its
figures already written (strings) and is shown with them. Values that are a sentence
themselves are ``parts``; values that are a knowledge file's text (a marker's label) are named
in ``knowledge``; values that are a patient's profile fact are ``profile`` words (worded at the
edge with the profile's labels). ``attunement.wording.status_in`` fills the translation; a
sentence stored without a template is shown as stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, Field

from attunement._model_config import FROZEN

__all__ = ["ProfileWords", "Worded", "WordedValue", "as_stored", "english_figure", "worded"]

#: A value of a sentence: words, or a number written at the edge.
WordedValue = str | int | float


class ProfileWords(BaseModel):
    """A patient's profile fact inside a sentence: ``fact`` is a field's stored value
    with its label ("stage of change: precontemplation"), ``value`` the value alone
    ("precontemplation"), ``strength`` how strongly a preference is held ("strong"). ``text``
    is its English (the profile's labels); the edge words ``path`` and ``value`` with the same
    labels in the reader's language."""

    model_config = FROZEN

    kind: Literal["fact", "value", "strength"]
    path: str
    #: the stored value: a closed value or free text, a yes/no, a number (a subscale mean)
    value: str | bool | float
    text: str


class Worded(BaseModel):
    """An English sentence and the message id and values it was written from."""

    model_config = FROZEN

    text: str
    template: str | None = None
    values: dict[str, WordedValue] = Field(default_factory=dict)
    #: how each number of ``values`` is written (a format spec; none: as ``str`` writes it)
    formats: dict[str, str] = Field(default_factory=dict)
    parts: dict[str, Worded] = Field(default_factory=dict)
    knowledge: tuple[str, ...] = ()
    profile: dict[str, ProfileWords] = Field(default_factory=dict)

    def __hash__(self) -> int:  # frozen, but its values are mappings: hash them as pairs
        return hash(
            (
                self.text,
                self.template,
                tuple(sorted(self.values.items())),
                tuple(sorted(self.formats.items())),
                tuple(sorted(self.parts.items())),
                self.knowledge,
                tuple(sorted(self.profile.items())),
            )
        )


def english_figure(value: WordedValue, spec: str = "") -> str:
    """A value as the English sentence writes it: a number with its format spec."""
    return value if isinstance(value, str) else format(value, spec)


def worded(
    template: str,
    values: Mapping[str, WordedValue] | None = None,
    *,
    formats: Mapping[str, str] | None = None,
    parts: Mapping[str, Worded] | None = None,
    knowledge: tuple[str, ...] = (),
    profile: Mapping[str, ProfileWords] | None = None,
) -> Worded:
    """``template`` filled with ``values`` (numbers written with ``formats``), the English
    text of ``parts`` and of ``profile`` words."""
    given = dict(values or {})
    specs = {name: spec for name, spec in (formats or {}).items() if name in given}
    inner, facts = dict(parts or {}), dict(profile or {})
    filled = {name: english_figure(value, specs.get(name, "")) for name, value in given.items()}
    filled.update({name: part.text for name, part in inner.items()})
    filled.update({name: fact.text for name, fact in facts.items()})
    return Worded(
        text=template % filled,
        template=template,
        values=given,
        formats=specs,
        parts=inner,
        knowledge=knowledge,
        profile=facts,
    )


def as_stored(text: str) -> Worded:
    """A sentence with no template (written elsewhere, or by an older version): shown as is."""
    return Worded(text=text)
