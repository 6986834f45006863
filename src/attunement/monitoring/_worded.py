"""A sentence the core composes, kept so that a page can show it in its reader's language.

The core writes its sentences (an outcome alert's reason, a support prompt's facts) in
English, and keeps beside the English ``text`` what it was written from: a gettext message id
(``template``, marked with ``N_`` in the module of its kind of sentence) and its named
``values`` (figures already written as the English sentence writes them). Values that are a
sentence themselves are ``parts``; values that are a knowledge file's text (a marker's label)
are named in ``knowledge``. ``attunement.wording.status_in`` fills the translation; a
sentence stored without a template is shown as stored.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, Field

from attunement._model_config import FROZEN

__all__ = ["Worded", "as_stored", "worded"]


class Worded(BaseModel):
    """An English sentence and the message id and values it was written from."""

    model_config = FROZEN

    text: str
    template: str | None = None
    values: dict[str, str] = Field(default_factory=dict)
    parts: dict[str, Worded] = Field(default_factory=dict)
    knowledge: tuple[str, ...] = ()

    def __hash__(self) -> int:  # frozen, but its values are a mapping: hash them as pairs
        return hash(
            (
                self.text,
                self.template,
                tuple(sorted(self.values.items())),
                tuple(sorted(self.parts.items())),
                self.knowledge,
            )
        )


def worded(
    template: str,
    values: Mapping[str, str] | None = None,
    *,
    parts: Mapping[str, Worded] | None = None,
    knowledge: tuple[str, ...] = (),
) -> Worded:
    """``template`` filled with ``values`` and the English text of ``parts``."""
    given, inner = dict(values or {}), dict(parts or {})
    filled = {**given, **{name: part.text for name, part in inner.items()}}
    return Worded(
        text=template % filled,
        template=template,
        values=given,
        parts=inner,
        knowledge=knowledge,
    )


def as_stored(text: str) -> Worded:
    """A sentence with no template (written elsewhere, or by an older version): shown as is."""
    return Worded(text=text)
