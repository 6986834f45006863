"""The notes of an episode file (``attune status EPISODE``) in the reader's language (issue 16).

The episode file's parser (``attunement.monitoring.parse_episode``) notes what it could not
check — a session given as a score without its answers, so its risk items were not checked; a
session whose answers could not be scored — as English data (``notes``) with a
:class:`~attunement.monitoring.Worded` twin each (``notes_worded``): the message id of the
sentence a person reads and its values. Nothing is decided here: the sentence is said in
``language``, the series by its name, the session by its number, every item as
:func:`attunement.wording.item_label` names it, the source as published.

A note without a twin (one a caller wrote itself) stays as written: no English sentence is
ever read back into a message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from attunement.i18n import N_, SOURCE_LANGUAGE, translate
from attunement.monitoring import Worded
from attunement.wording._names import item_label

__all__ = ["episode_notes_in"]

_SERIES: Final = {"outcome": N_("Outcome"), "alliance": N_("Alliance")}


def _items(ids: str, instrument: str, language: str) -> str:
    return ", ".join(item_label(instrument, i.strip(), language) for i in ids.split(","))


def _said(note: Worded, instrument: str, language: str) -> str:
    """``note`` in ``language``: its series named, its items labelled, its parts said."""
    if note.template is None:
        return note.text
    values = {name: str(value) for name, value in note.values.items()}  # ids and counts
    if values.get("series") in _SERIES:
        values["series"] = translate(_SERIES[values["series"]], language)
    if "items" in values:
        values["items"] = _items(values["items"], instrument, language)
    values.update({name: _said(part, instrument, language) for name, part in note.parts.items()})
    return translate(note.template, language, **values)


def _series(note: Worded) -> str | None:
    where = note.parts.get("where")
    series = None if where is None else where.values.get("series")
    return None if series is None else str(series)


def episode_notes_in(
    notes: tuple[str, ...],
    instruments: Mapping[str, str],
    language: str = SOURCE_LANGUAGE,
    worded: Sequence[Worded] = (),
) -> tuple[str, ...]:
    """The episode file's ``notes`` in ``language``, each from its ``worded`` twin (the one
    with the same English text: ``EpisodeInput.notes_worded``); ``instruments``: each
    series' instrument (``{"outcome": "phq9", "alliance": "wai_sr"}``), which names its
    items. A note without a twin stays as written."""
    twins = {w.text: w for w in worded}
    shown = []
    for note in notes:
        twin = twins.get(note) or Worded(text=note)
        series = _series(twin)
        if series is None or series not in instruments:
            shown.append(note)
        else:
            shown.append(_said(twin, instruments[series], language))
    return tuple(shown)
