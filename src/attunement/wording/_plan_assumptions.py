"""A plan's assumptions in the reader's language (issue 17).

An assumption the rules state is a knowledge text (its statement and reasoning are message
ids). An assumed cut-off behind a patient fact keeps its scale and profile field beside the
English statement the core wrote from them (``tailoring.ASSUMED_CUTOFF``): here it is
written again in the reader's language, the field by its label there. A plan stored before
the scale and field were kept shows its statement as stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from attunement import tailoring  # loads its names on first use
from attunement.wording._profile_labels import field_label

if TYPE_CHECKING:
    from attunement.tailoring import Assumption

__all__ = ["assumption_in"]


class _Words(Protocol):
    """The texts of one language (``wording._knowledge``'s reader of the catalogue)."""

    language: str

    def __call__(self, text: str) -> str: ...

    def sentence(self, template: str, /, **values: str) -> str: ...


def assumption_in(assumption: Assumption, words: _Words) -> Assumption:
    """``assumption`` with its statement and reasoning in the language of ``words``."""
    statement = words(assumption.statement)
    if assumption.scale_name is not None and assumption.field is not None:
        statement = words.sentence(
            tailoring.ASSUMED_CUTOFF,
            scale=assumption.scale_name,
            field=field_label(assumption.field, words.language).lower(),
        )
    return assumption.model_copy(
        update={"statement": statement, "reasoning": words(assumption.reasoning)}
    )
