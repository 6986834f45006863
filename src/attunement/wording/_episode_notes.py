"""The notes of an episode file (``attune status EPISODE``) in the reader's language (issue 16).

The episode file's parser (``attunement.monitoring.parse_episode``) notes what it could not
check — a session given as a score without its answers, so its risk items were not checked; a
session whose answers could not be scored — as English data (``notes``) with a
:class:`~attunement.monitoring.Worded` twin each (``notes_worded``): the message id of the
sentence a person reads and its values. Nothing is decided here: the sentence is said in
``language``, the series by its name, the session by its number, every item as
:func:`attunement.wording.item_label` names it, the source as published.

A caller that passes no twins (``attune status`` in ``cli/status.py`` until it passes
``worded=parsed.notes_worded``) has each note's twin read back from its English shape
(:func:`_read_back`, the only string match left, to be removed with that caller's change). A
note of another shape stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from attunement.i18n import N_, SOURCE_LANGUAGE, translate
from attunement.monitoring import Worded
from attunement.wording._names import item_label

__all__ = ["episode_notes_in"]

_WHERE: Final = r"(?P<series>outcome|alliance)\.sessions\[session (?P<session>\d+)\]"
_UNCHECKED: Final = re.compile(
    _WHERE + r": a score without answers; risk item\(s\) (?P<items>.+) not checked"
)
_MISSING: Final = re.compile(
    _WHERE + r": not scorable \(not scorable: (?P<missing>\d+) of (?P<total>\d+) items missing "
    r"\((?P<items>[^)]*)\); (?P<allowed>no item may be missing|at most (?P<most>\d+) may be "
    r"missing) \((?P<source>.*)\)\)"
)
# The message ids of monitoring/_episode_file.py, for the read-back only (the parser's own
# are not exported: remove these with _read_back).
_AT: Final = N_("%(series)s, session %(session)s")
_UNCHECKED_NOTE: Final = N_(
    "%(where)s: a score without answers, so its risk items were not checked (%(items)s)"
)
_MISSING_NOTE: Final = N_(
    "%(where)s: not scorable, %(missing)s of %(total)s items missing (%(items)s); "
    "%(allowed)s (%(source)s)"
)
_NONE_MISSING: Final = N_("no item may be missing")
_AT_MOST_MISSING: Final = N_("at most %(count)s may be missing")
_SERIES: Final = {"outcome": N_("Outcome"), "alliance": N_("Alliance")}


def _items(ids: str, instrument: str, language: str) -> str:
    return ", ".join(item_label(instrument, i.strip(), language) for i in ids.split(","))


def _said(note: Worded, instrument: str, language: str) -> str:
    """``note`` in ``language``: its series named, its items labelled, its parts said."""
    if note.template is None:
        return note.text
    values = dict(note.values)
    if values.get("series") in _SERIES:
        values["series"] = translate(_SERIES[values["series"]], language)
    if "items" in values:
        values["items"] = _items(values["items"], instrument, language)
    values.update({name: _said(part, instrument, language) for name, part in note.parts.items()})
    return translate(note.template, language, **values)


def _series(note: Worded) -> str | None:
    where = note.parts.get("where")
    return None if where is None else where.values.get("series")


def _read_back(note: str) -> Worded:
    """The twin of a note passed without one, read back from its English shape."""
    for shape in (_UNCHECKED, _MISSING):
        found = shape.fullmatch(note)
        if found is None:
            continue
        read = found.groupdict()
        where = f"{read['series']}.sessions[session {read['session']}]"
        parts = {
            "where": Worded(
                text=where,
                template=_AT,
                values={"series": read["series"], "session": read["session"]},
            )
        }
        if shape is _UNCHECKED:
            return Worded(
                text=note, template=_UNCHECKED_NOTE, values={"items": read["items"]}, parts=parts
            )
        most = read["most"]
        parts["allowed"] = (
            Worded(text=read["allowed"], template=_AT_MOST_MISSING, values={"count": most})
            if most
            else Worded(text=read["allowed"], template=_NONE_MISSING)
        )
        values = {k: read[k] for k in ("missing", "total", "items", "source")}
        return Worded(text=note, template=_MISSING_NOTE, values=values, parts=parts)
    return Worded(text=note)


def episode_notes_in(
    notes: tuple[str, ...],
    instruments: Mapping[str, str],
    language: str = SOURCE_LANGUAGE,
    worded: Sequence[Worded] = (),
) -> tuple[str, ...]:
    """The episode file's ``notes`` in ``language``, each from its ``worded`` twin (the one
    with the same English text: ``EpisodeInput.notes_worded``); ``instruments``: each
    series' instrument (``{"outcome": "phq9", "alliance": "wai_sr"}``), which names its
    items. A note passed without twins is read back (:func:`_read_back`)."""
    twins = {w.text: w for w in worded}
    shown = []
    for note in notes:
        twin = twins.get(note) or _read_back(note)
        series = _series(twin)
        if series is None or series not in instruments:
            shown.append(note)
        else:
            shown.append(_said(twin, instruments[series], language))
    return tuple(shown)
