"""A sentence the core composed (:class:`attunement.monitoring.Worded`) in the reader's
language: its message id's translation filled with its values, its parts worded the same
way, its knowledge texts (a marker's label) translated. One stored without a message id (by
an older version, or a fact written elsewhere) is shown as stored. An alliance alert keeps
its template and values on itself (``monitoring._alliance_alerts``) and is worded alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from attunement.monitoring import AllianceAlert, Worded

__all__ = ["alert_said", "said", "said_all"]


class _Words(Protocol):
    def __call__(self, text: str) -> str: ...

    def sentence(self, template: str, /, **values: str) -> str: ...


def said(sentence: Worded, words: _Words) -> str:
    """``sentence`` in the language of ``words``."""
    if sentence.template is None:
        return sentence.text
    values = {
        name: words(value) if name in sentence.knowledge else value
        for name, value in sentence.values.items()
    }
    values.update({name: said(part, words) for name, part in sentence.parts.items()})
    return words.sentence(sentence.template, **values)


def said_all(texts: tuple[str, ...], worded: Sequence[Worded], words: _Words) -> tuple[str, ...]:
    """``texts`` (English facts or notes) in the language of ``words``, each from its
    ``worded`` twin (the one with the same English text); a text without one (stored
    before, or added by an adapter such as the episode file's notes) stays as it is."""
    twins = {w.text: w for w in worded}
    return tuple(said(twins[text], words) if text in twins else text for text in texts)


def alert_said(alert: AllianceAlert, words: _Words) -> AllianceAlert:
    """An alliance alert's sentence in the language of ``words``, from its template and
    values (the marker's label is a knowledge text); one stored without them stays as is."""
    if alert.template is None:
        return alert
    values = {k: words(v) if k == "marker" else v for k, v in alert.values.items()}
    return alert.model_copy(update={"message": words.sentence(alert.template, **values)})
