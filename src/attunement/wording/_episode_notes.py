"""The notes of an episode file (``attune status EPISODE``) in the reader's language (issue 16).

The episode file's parser (``attunement.monitoring.parse_episode``) notes what it could not
check — a session given as a score without its answers, so its risk items were not checked; a
session whose answers could not be scored — as English sentences without a message id, naming
the series and session as the file does (``outcome.sessions[session 2]``) and the items by
their ids. Nothing is decided here: each note is read back by its shape and said again in
``language``, the series by its name, the session by its number, every item as
:func:`attunement.wording.item_label` names it. A note of another shape stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from attunement.i18n import N_, SOURCE_LANGUAGE, translate
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
_SERIES: Final = {"outcome": N_("Outcome"), "alliance": N_("Alliance")}
_AT: Final = N_("%(series)s, session %(session)s")
_UNCHECKED_NOTE: Final = N_(
    "%(where)s: a score without answers, so its risk items were not checked (%(items)s)"
)
_MISSING_NOTE: Final = N_(
    "%(where)s: not scorable, %(missing)s of %(total)s items missing (%(items)s); "
    "%(allowed)s (%(source)s)"
)
_NONE_MISSING: Final = N_("no item may be missing")
_AT_MOST: Final = N_("at most %(count)s may be missing")


def _items(ids: str, instrument: str, language: str) -> str:
    return ", ".join(item_label(instrument, i.strip(), language) for i in ids.split(","))


def _note(note: str, instruments: Mapping[str, str], language: str) -> str:
    for shape in (_UNCHECKED, _MISSING):
        found = shape.fullmatch(note)
        if found is None or found["series"] not in instruments:
            continue
        instrument = instruments[found["series"]]
        where = translate(
            _AT,
            language,
            series=translate(_SERIES[found["series"]], language),
            session=found["session"],
        )
        items = _items(found["items"], instrument, language)
        if shape is _UNCHECKED:
            return translate(_UNCHECKED_NOTE, language, where=where, items=items)
        most = found["most"]
        allowed = (
            translate(_AT_MOST, language, count=most)
            if most
            else translate(_NONE_MISSING, language)
        )
        return translate(
            _MISSING_NOTE,
            language,
            where=where,
            missing=found["missing"],
            total=found["total"],
            items=items,
            allowed=allowed,
            source=found["source"],
        )
    return note


def episode_notes_in(
    notes: tuple[str, ...], instruments: Mapping[str, str], language: str = SOURCE_LANGUAGE
) -> tuple[str, ...]:
    """The episode file's ``notes`` in ``language``; ``instruments``: each series' instrument
    (``{"outcome": "phq9", "alliance": "wai_sr"}``), which names its items."""
    return tuple(_note(note, instruments, language) for note in notes)
