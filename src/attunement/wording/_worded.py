"""A sentence the core composed (:class:`attunement.monitoring.Worded`) in the reader's
language: its message id's translation filled with its values, its parts worded the same
way, its knowledge texts (a marker's label) translated, its figures written with the one
number formatter in the reader's language (:func:`~attunement.wording.format_figure`: a
decimal comma in Spanish) and its profile facts with the profile's labels. One stored
without a message id (by an older version, or a fact written elsewhere) is shown as stored,
and a figure stored already written (a string) as written. An alliance alert keeps its
template and values on itself (``monitoring._alliance_alerts``) and is worded alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from attunement.wording._numbers import format_figure
from attunement.wording._profile_facts import profile_words

if TYPE_CHECKING:
    from attunement.monitoring import AllianceAlert, Worded

__all__ = ["alert_said", "said", "said_all"]


class _Words(Protocol):
    @property
    def language(self) -> str: ...

    def __call__(self, text: str) -> str: ...

    def sentence(self, template: str, /, **values: str) -> str: ...


def said(sentence: Worded, words: _Words) -> str:
    """``sentence`` in the language of ``words``."""
    if sentence.template is None:
        return sentence.text
    language = words.language
    values = {
        name: words(value)
        if isinstance(value, str) and name in sentence.knowledge
        else format_figure(value, sentence.formats.get(name, ""), language=language)
        for name, value in sentence.values.items()
    }
    values.update({name: said(part, words) for name, part in sentence.parts.items()})
    values.update({name: profile_words(p, language) for name, p in sentence.profile.items()})
    return words.sentence(sentence.template, **values)


def said_all(texts: tuple[str, ...], worded: Sequence[Worded], words: _Words) -> tuple[str, ...]:
    """``texts`` (English facts or notes) in the language of ``words``, each from its
    ``worded`` twin (the one with the same English text); a text without one (stored
    before, or added by an adapter such as the episode file's notes) stays as it is."""
    twins = {w.text: w for w in worded}
    return tuple(said(twins[text], words) if text in twins else text for text in texts)


def alert_said(alert: AllianceAlert, words: _Words) -> AllianceAlert:
    """An alliance alert's sentence and basis in the language of ``words``, from their
    templates and values (the marker's label is a knowledge text, a figure written in the
    reader's language); one stored without them stays as is."""
    if alert.basis_worded is not None:
        alert = alert.model_copy(update={"basis": said(alert.basis_worded, words)})
    if alert.template is None:
        return alert
    language = words.language
    values = {
        k: words(v)
        if k == "marker" and isinstance(v, str)
        else format_figure(v, alert.formats.get(k, ""), language=language)
        for k, v in alert.values.items()
    }
    return alert.model_copy(update={"message": words.sentence(alert.template, **values)})
